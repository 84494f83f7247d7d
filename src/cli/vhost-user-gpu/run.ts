import { closeSync, openSync, writeFileSync } from "node:fs";
import type { ScanoutReadback } from "../../components/virgl/scanout-readback.ts";
import type { VirglComponent } from "../../components/virgl/virgl-component.ts";
import type { VhostUserGpuOptions } from "../../node/vhost-user/backend.ts";
import { serveVhostUserGpu, type VhostUserEndpoint } from "../../node/vhost-user/server.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import type { ScanoutConfig } from "../../virtio-gpu/device.ts";
import { EDID_MAX_DIMENSION } from "../../virtio-gpu/edid.ts";
import { TraceRecorder } from "../../virtio-gpu/trace.ts";
import { type CliRun, parseCount, UsageError } from "../command.ts";
import { renderNodeDevice, virglHostOptionsFromEnv } from "../virgl-host-options.ts";
import type { vhostUserGpuOptions } from "./command.ts";

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

/** Serves one QEMU front-end; the 2D backend loads no GL (the virgl builder is imported for `--virgl` only). */
export const runVhostUserGpu: CliRun<typeof vhostUserGpuOptions> = async (values, _positionals, program) => {
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
  const gl = virgl ? await import("../../node/gl/virgl-rutabaga.ts") : undefined;
  let virglDevice: Partial<VhostUserGpuOptions> = {};
  if (gl !== undefined) {
    // Fail now, before QEMU connects, when the host has no usable GL.
    try {
      gl.buildVirglRutabaga(() => {}, { hostMemoryLimit: limit, virgl: virglHost }).destroy();
    } catch (e) {
      console.error(`${program}: --virgl: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    virglDevice = {
      features: gl.VIRGL_DEVICE_FEATURES,
      rutabaga: (h: RutabagaFenceHandler) =>
        gl.buildVirglRutabaga(h, {
          hostMemoryLimit: limit,
          virgl: virglHost,
          onComponent: (c) => readbacks.push((c as VirglComponent).scanoutReadback),
        }),
    };
  }
  const initial = scanouts ?? Array.from({ length: count ?? 1 }, () => ({ width: 1280, height: 800 }));
  if (values.trace !== undefined) {
    // Checked before listening: a recording that cannot be written is found now, not when QEMU goes.
    try {
      closeSync(openSync(values.trace, "a"));
    } catch (e) {
      throw new UsageError(`--trace ${values.trace}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
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
        ...virglDevice,
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
        const { glObjectCensus } = await import("../../node/gl/gl-object-census.ts");
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
};
