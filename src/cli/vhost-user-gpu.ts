import { writeFileSync } from "node:fs";
import type { ScanoutReadback } from "../components/virgl/scanout-readback.ts";
import type { VirglComponent } from "../components/virgl/virgl-component.ts";
import { glObjectCensus } from "../node/gl/gl-object-census.ts";
import { buildVirglRutabaga, VIRGL_DEVICE_FEATURES } from "../node/gl/virgl-rutabaga.ts";
import { serveVhostUserGpu, type VhostUserEndpoint } from "../node/vhost-user/server.ts";
import type { RutabagaFenceHandler } from "../rutabaga/types.ts";
import type { ScanoutConfig } from "../virtio-gpu/device.ts";
import { EDID_MAX_DIMENSION } from "../virtio-gpu/edid.ts";
import { TraceRecorder } from "../virtio-gpu/trace.ts";
import { type CliCommand, parseCommandLine, parseCount, UsageError } from "./command.ts";
import { VERSION } from "./version.ts";
import { renderNodeDevice, virglHostOptionsFromEnv } from "./virgl-host-options.ts";

const help = (program: string) => `Usage: ${program} (-s PATH | -f N) [options]
       ${program} -c

A vhost-user-gpu backend for QEMU's vhost-user-gpu-pci: serves one QEMU, exits 0 when it goes away. Takes the options
of QEMU's own vhost-user-gpu program.

  -s, --socket-path PATH     listen on PATH (created; prints "listening on PATH" when ready); a path another live
                             server listens on is refused, a stale socket file is replaced
  -f, --fd N                 use the connected vhost-user socket on descriptor N
  -c, --print-capabilities   print the backend's capabilities as JSON and exit (other options are ignored)
  -r, --render-node PATH     with --virgl, render on the EGL device whose render node is PATH (default: EGL's
                             surfaceless display, where Mesa picks the GPU or llvmpipe); an unknown PATH exits 2
                             listing the devices; ignored with a notice without --virgl (2D needs no GPU)
  -v, --virgl                3D for the guest's OpenGL: offers VIRGL (and EDID) with the VIRGL and VIRGL2 capsets,
                             renders through the host's GL, shows 3D scanouts as pixels read back per flush
      --scanouts N           number of outputs (default 1; QEMU's max_outputs must match)
      --display WxH          size of every output (repeat once per output for different sizes);
                             without it the sizes come from QEMU (xres/yres, default 1280x800)
      --host-memory-limit N  bytes of host memory for resources (default 268435456, QEMU's max_hostmem)
      --trace FILE           record every request for 'rutabaga-ts replay' (written when QEMU disconnects)
      --verbose              log the connection, its end, and guest and protocol errors to stderr
      --version              print the version
  -h, --help                 show this help

SIGTERM and SIGINT end the connection (or stop listening) and remove the socket file.

Example:
  ${program} --socket-path /tmp/gpu.sock &
  qemu-system-x86_64 -object memory-backend-memfd,id=mem,size=512M,share=on -machine q35,memory-backend=mem \\
      -chardev socket,id=vgpu,path=/tmp/gpu.sock -device vhost-user-gpu-pci,chardev=vgpu ...`;

/** vhost-user.rst "Backend program conventions": virgl is served (`--virgl`); no render node is needed. */
export const VHOST_USER_GPU_CAPABILITIES = { type: "gpu", features: ["virgl"] as string[] };

function parseSize(text: string): ScanoutConfig {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`--display ${text}: expected WxH`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width > EDID_MAX_DIMENSION || height > EDID_MAX_DIMENSION) {
    throw new UsageError(`--display ${text}: each side must be 16..${EDID_MAX_DIMENSION}`);
  }
  return { width, height };
}

/** `rutabaga-ts vhost-user-gpu`: the QEMU backend, the CLI's main job. */
export const vhostUserGpuCommand: CliCommand = {
  summary: "serve QEMU's vhost-user-gpu-pci (the main job)",
  async run(args, program) {
    // The backend-program conventions: --print-capabilities answers whatever else the command line holds.
    if (args.includes("-c") || args.includes("--print-capabilities")) {
      console.log(JSON.stringify(VHOST_USER_GPU_CAPABILITIES, null, 2));
      return 0;
    }
    const { values } = parseCommandLine({
      args,
      options: {
        "socket-path": { type: "string", short: "s" },
        fd: { type: "string", short: "f" },
        "print-capabilities": { type: "boolean", short: "c" },
        "render-node": { type: "string", short: "r" },
        virgl: { type: "boolean", short: "v" },
        scanouts: { type: "string" },
        display: { type: "string", multiple: true },
        "host-memory-limit": { type: "string" },
        trace: { type: "string" },
        verbose: { type: "boolean" },
        version: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(help(program));
      return 0;
    }
    if (values.version) {
      console.log(VERSION);
      return 0;
    }
    const path = values["socket-path"];
    const fd = values.fd;
    if ((path === undefined) === (fd === undefined)) throw new UsageError("give exactly one of --socket-path and --fd");
    const count =
      values.scanouts === undefined ? undefined : parseCount(values.scanouts, "--scanouts", "a count 1..16", 1, 16);
    let scanouts: ScanoutConfig[] | undefined;
    if (values.display !== undefined && values.display.length > 0) {
      const sizes = values.display.map(parseSize);
      const n = count ?? sizes.length;
      scanouts = Array.from({ length: n }, (_, i) => ({ ...sizes[Math.min(i, sizes.length - 1)]! }));
    }
    const limitText = values["host-memory-limit"];
    const limit = limitText === undefined ? undefined : parseCount(limitText, "--host-memory-limit", "bytes");
    const endpoint: VhostUserEndpoint =
      path !== undefined ? { socketPath: path } : { fd: parseCount(fd!, "--fd", "a descriptor number") };
    const virgl = values.virgl === true;
    const readbacks: ScanoutReadback[] = [];
    const node = values["render-node"];
    if (node !== undefined && !virgl) {
      console.error(`${program}: --render-node ${node} ignored: this 2D backend renders on no GPU`);
    }
    const device = node !== undefined && virgl ? await renderNodeDevice("--render-node", node) : undefined;
    const virglHost = { ...virglHostOptionsFromEnv(process.env), ...(device !== undefined ? { device } : {}) };
    if (virgl) {
      // Fail now, before QEMU connects, when the host has no usable GL.
      try {
        buildVirglRutabaga(() => {}, { hostMemoryLimit: limit, virgl: virglHost }).destroy();
      } catch (e) {
        console.error(`${program}: --virgl: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
      }
    }
    const initial = scanouts ?? Array.from({ length: count ?? 1 }, () => ({ width: 1280, height: 800 }));
    const recorder = values.trace === undefined ? undefined : new TraceRecorder({ scanouts: initial });
    const verbose = values.verbose === true;
    const log = (m: string) => console.error(`${program}: ${m}`);
    // Installed before the first accept: a signal at any time removes the socket file.
    const stop = new AbortController();
    const handlers = (["SIGTERM", "SIGINT"] as const).map((signal) => {
      const handler = () => stop.abort(`${signal} received`);
      process.once(signal, handler);
      return [signal, handler] as const;
    });
    let connected = false;
    try {
      const reason = await serveVhostUserGpu(
        endpoint,
        {
          scanouts,
          scanoutCount: count,
          hostMemoryLimit: limit,
          recorder,
          log: verbose ? log : undefined,
          ...(virgl
            ? {
                features: VIRGL_DEVICE_FEATURES,
                rutabaga: (h: RutabagaFenceHandler) =>
                  buildVirglRutabaga(h, {
                    hostMemoryLimit: limit,
                    virgl: virglHost,
                    onComponent: (c) => readbacks.push((c as VirglComponent).scanoutReadback),
                  }),
              }
            : {}),
        },
        (where) => console.log(`listening on ${where}`),
        () => {
          connected = true;
          if (verbose) log("front-end connected");
        },
        stop.signal,
      );
      if (recorder !== undefined) writeFileSync(values.trace!, recorder.finish());
      if (verbose) {
        log(connected ? `front-end disconnected: ${reason}` : `stopped before a front-end connected: ${reason}`);
        if (virgl) {
          const reads = readbacks.reduce((n, r) => n + r.reads, 0);
          const ms = readbacks.reduce((n, r) => n + r.milliseconds, 0);
          const pixels = readbacks.reduce((n, r) => n + r.pixels, 0);
          log(`scanout read-backs: ${reads}, ${pixels} pixels, ${ms.toFixed(1)} ms`);
          log(`host GL objects still live: ${glObjectCensus.total()} ${JSON.stringify(glObjectCensus.live())}`);
        }
      }
      return 0;
    } finally {
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    }
  },
};
