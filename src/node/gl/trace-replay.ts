import type { DisplaySink } from "../../virtio-gpu/display-sink.ts";
import {
  decodeTrace,
  type ReplayOptions,
  type ReplayResult,
  replayTrace,
  traceNeedsVirgl,
} from "../../virtio-gpu/trace.ts";
import type { TraceReadBack } from "../../virtio-gpu/trace-readback.ts";
import type { VirglHostOptions } from "./virgl-factory.ts";

/** How {@link replayTraceOnHost} picks and builds the device. */
export interface HostReplayOptions {
  /** True: a virgl device whatever the trace says (a version 1 trace names none); absent: what the trace asks for. */
  readonly virgl?: boolean;
  /** How the virgl component opens the host GL. */
  readonly virglHost?: VirglHostOptions;
  /** Host memory for the replay's resources (the builder's default when absent). */
  readonly hostMemoryLimit?: number;
  /** Gets what each TRANSFER_FROM_HOST_3D read back (see `ReplayOptions.onReadBack`). */
  readonly onReadBack?: (readBack: TraceReadBack) => void;
  /** See `ReplayOptions.stopAfter`. */
  readonly stopAfter?: number;
  /** See `ReplayOptions.resume`. */
  readonly resume?: ReplayOptions["resume"];
}

/** What {@link replayTraceOnHost} did, and on which device. */
export interface HostReplayResult extends ReplayResult {
  /** Whether it replayed on a virgl device (the host GL) rather than a 2D one. */
  readonly virgl: boolean;
}

/**
 * Replays a trace headless into `sink` on this host: on a virgl device (the host GL through EGL) when the trace was
 * recorded on one (its features or capsets say so) or `options.virgl` asks, else on a 2D device that loads no GL.
 * Throws `TraceError` for a trace that cannot be read or a host whose caps do not cover the recorded ones, and
 * `RutabagaError("ComponentError")` when the host GL cannot run the virgl component. The caller destroys
 * `result.device`.
 */
export async function replayTraceOnHost(
  trace: Uint8Array,
  sink: DisplaySink,
  options: HostReplayOptions = {},
): Promise<HostReplayResult> {
  const virgl = options.virgl === true || traceNeedsVirgl(decodeTrace(trace).header);
  const onReadBack: ReplayOptions = {
    ...(options.onReadBack === undefined ? {} : { onReadBack: options.onReadBack }),
    ...(options.stopAfter === undefined ? {} : { stopAfter: options.stopAfter }),
    ...(options.resume === undefined ? {} : { resume: options.resume }),
  };
  if (!virgl) return { ...replayTrace(trace, sink, onReadBack), virgl };
  const { buildVirglRutabaga } = await import("./virgl-rutabaga.ts");
  const build = { virgl: options.virglHost, hostMemoryLimit: options.hostMemoryLimit };
  return { ...replayTrace(trace, sink, { rutabaga: (h) => buildVirglRutabaga(h, build), ...onReadBack }), virgl };
}
