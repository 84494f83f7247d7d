import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { serveVhostUserGpu, type VhostUserEndpoint } from "../node/vhost-user/server.ts";
import type { ScanoutConfig } from "../virtio-gpu/device.ts";
import { EDID_MAX_DIMENSION } from "../virtio-gpu/edid.ts";
import { TraceRecorder } from "../virtio-gpu/trace.ts";
import type { CliCommand } from "./command.ts";

const HELP = `Usage: rutabaga-ts vhost-user-gpu (--socket-path PATH | --fd N) [options]
       rutabaga-ts vhost-user-gpu --print-capabilities

A vhost-user-gpu backend for QEMU's vhost-user-gpu-pci: serves one QEMU, exits 0 when it goes away.

  -s, --socket-path PATH     listen on PATH (created; prints "listening on PATH" when ready)
      --fd N                 use the connected vhost-user socket on descriptor N
      --print-capabilities   print the backend's capabilities as JSON and exit
      --scanouts N           number of outputs (default 1; QEMU's max_outputs must match)
      --display WxH          size of every output (repeat once per output for different sizes);
                             without it the sizes come from QEMU (xres/yres, default 1280x800)
      --host-memory-limit N  bytes of host memory for resources (default 268435456, QEMU's max_hostmem)
      --trace FILE           record every request for 'rutabaga-ts replay' (written when QEMU disconnects)
  -v, --verbose              log guest and protocol errors to stderr

Example:
  rutabaga-ts vhost-user-gpu --socket-path /tmp/gpu.sock &
  qemu-system-x86_64 -object memory-backend-memfd,id=mem,size=512M,share=on -machine q35,memory-backend=mem \\
      -chardev socket,id=vgpu,path=/tmp/gpu.sock -device vhost-user-gpu-pci,chardev=vgpu ...`;

function parseSize(text: string): ScanoutConfig {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (m === null) throw new Error(`--display ${text}: expected WxH`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width > EDID_MAX_DIMENSION || height > EDID_MAX_DIMENSION) {
    throw new Error(`--display ${text}: each side must be 16..${EDID_MAX_DIMENSION}`);
  }
  return { width, height };
}

/** `rutabaga-ts vhost-user-gpu`: the QEMU backend, the CLI's main job. */
export const vhostUserGpuCommand: CliCommand = {
  summary: "serve QEMU's vhost-user-gpu-pci (the main job)",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        "socket-path": { type: "string", short: "s" },
        fd: { type: "string" },
        "print-capabilities": { type: "boolean" },
        scanouts: { type: "string" },
        display: { type: "string", multiple: true },
        "host-memory-limit": { type: "string" },
        trace: { type: "string" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (values["print-capabilities"]) {
      // vhost-user.rst "Backend program conventions": a 2D backend has no render-node or virgl feature.
      console.log(JSON.stringify({ type: "gpu", features: [] }, null, 2));
      return 0;
    }
    const path = values["socket-path"];
    const fd = values.fd;
    if ((path === undefined) === (fd === undefined)) {
      console.error("rutabaga-ts vhost-user-gpu: give exactly one of --socket-path and --fd\n");
      console.error(HELP);
      return 2;
    }
    const count = values.scanouts === undefined ? undefined : Number(values.scanouts);
    if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > 16)) {
      console.error(`rutabaga-ts vhost-user-gpu: --scanouts ${values.scanouts}: 1..16`);
      return 2;
    }
    let scanouts: ScanoutConfig[] | undefined;
    if (values.display !== undefined && values.display.length > 0) {
      const sizes = values.display.map(parseSize);
      const n = count ?? sizes.length;
      scanouts = Array.from({ length: n }, (_, i) => ({ ...sizes[Math.min(i, sizes.length - 1)]! }));
    }
    const limit = values["host-memory-limit"] === undefined ? undefined : Number(values["host-memory-limit"]);
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      console.error(`rutabaga-ts vhost-user-gpu: --host-memory-limit ${values["host-memory-limit"]}: bytes`);
      return 2;
    }
    const endpoint: VhostUserEndpoint = path !== undefined ? { socketPath: path } : { fd: Number(fd) };
    if ("fd" in endpoint && !(Number.isInteger(endpoint.fd) && endpoint.fd >= 0)) {
      console.error(`rutabaga-ts vhost-user-gpu: --fd ${fd}: a descriptor number`);
      return 2;
    }
    const initial = scanouts ?? Array.from({ length: count ?? 1 }, () => ({ width: 1280, height: 800 }));
    const recorder = values.trace === undefined ? undefined : new TraceRecorder({ scanouts: initial });
    const verbose = values.verbose === true;
    const reason = await serveVhostUserGpu(
      endpoint,
      {
        scanouts,
        scanoutCount: count,
        hostMemoryLimit: limit,
        recorder,
        log: verbose ? (m) => console.error(`rutabaga-ts: ${m}`) : undefined,
      },
      (where) => console.log(`listening on ${where}`),
      (backend) => {
        for (const signal of ["SIGTERM", "SIGINT"] as const)
          process.once(signal, () => backend.close(`${signal} received`));
      },
    );
    if (recorder !== undefined) writeFileSync(values.trace!, recorder.finish());
    if (verbose) console.error(`rutabaga-ts: ${reason}`);
    return 0;
  },
};
