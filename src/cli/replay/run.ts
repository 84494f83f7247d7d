import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePng } from "../../node/display/png.ts";
import { PngSink } from "../../node/display/png-sink.ts";
import type { HostReplayResult } from "../../node/gl/trace-replay.ts";
import { replayTraceOnHost } from "../../node/gl/trace-replay.ts";
import { isRutabagaError } from "../../rutabaga/error.ts";
import { PIXEL_BYTE_ORDER } from "../../virtio-gpu/pixel-byte-order.ts";
import { decodeTrace, TraceError } from "../../virtio-gpu/trace.ts";
import type { TraceReadBack } from "../../virtio-gpu/trace-readback.ts";
import { type CliRun, UsageError } from "../command.ts";
import { virglHostOptionsFromEnv } from "../virgl-host-options.ts";
import type { replayOptions } from "./command.ts";

/** Replays one trace headless and writes its scanouts as PNG. */
export const runReplay: CliRun<typeof replayOptions> = async (values, positionals, program) => {
  if (positionals.length !== 1) throw new UsageError("give exactly one TRACE file");
  if (values.png === undefined) throw new UsageError("--png OUTDIR is required");
  const count = (name: "stop-after" | "after"): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (!/^[0-9]{1,9}$/.test(v)) throw new UsageError(`--${name} takes a request count`);
    return Number(v);
  };
  const stopAfter = count("stop-after");
  const after = count("after");
  if (values.snapshot !== undefined && stopAfter === undefined) throw new UsageError("--snapshot needs --stop-after N");
  if ((values.resume === undefined) !== (after === undefined))
    throw new UsageError("--resume FILE goes with --after N");
  if (values.resume !== undefined && stopAfter !== undefined)
    throw new UsageError("--resume and --stop-after exclude each other");
  const state = values.resume === undefined ? undefined : new Uint8Array(readFileSync(values.resume));
  const fail = (e: unknown): number => {
    if (e instanceof TraceError || isRutabagaError(e)) {
      console.error(`${program}: ${positionals[0]}: ${e.message}`);
      return 1;
    }
    throw e;
  };
  // The input is read before the output directory exists: a wrong TRACE leaves nothing behind.
  const trace = new Uint8Array(readFileSync(positionals[0]!));
  try {
    decodeTrace(trace);
  } catch (e) {
    return fail(e);
  }
  const outDir = values.png;
  mkdirSync(outDir, { recursive: true });
  const sink = new PngSink(outDir, { everyFlush: values["every-flush"] === true });
  let result: HostReplayResult;
  let readBacks = 0;
  const onReadBack = (r: TraceReadBack) => {
    if (writeReadBack(outDir, r)) readBacks++;
  };
  try {
    result = await replayTraceOnHost(trace, sink, {
      ...(values.virgl === true ? { virgl: true } : {}),
      ...(values.readback === true ? { onReadBack } : {}),
      ...(stopAfter === undefined ? {} : { stopAfter }),
      ...(state === undefined || after === undefined ? {} : { resume: { state, afterRequest: after } }),
      virglHost: virglHostOptionsFromEnv(process.env),
    });
  } catch (e) {
    return fail(e);
  }
  try {
    if (values.snapshot !== undefined) {
      try {
        writeFileSync(values.snapshot, result.device.snapshot());
      } catch (e) {
        return fail(e);
      }
    }
    const written = sink.writeAll();
    const errors = [...result.errors].map(([t, n]) => `0x${t.toString(16)}×${n}`).join(", ");
    const device = result.virgl ? "virgl" : "2D";
    const more = values.readback === true ? `, ${readBacks} read-back(s)` : "";
    console.log(
      `${result.requests} requests replayed on a ${device} device, ${written} scanout(s)${more} written to ${outDir}${errors ? `; error responses: ${errors}` : ""}`,
    );
  } finally {
    result.device.destroy();
  }
  return 0;
};

/** Most bytes one `.bin` read-back holds. */
const MAX_READBACK_BIN = 64 << 20;

/**
 * Writes one read-back: a PNG for a 2D box of a 32-bit RGB(A) format, else the backing from the transfer's offset to
 * its end (`.bin`, at most 64 MiB). Returns whether anything was written (a box past the backing is not).
 */
function writeReadBack(outDir: string, r: TraceReadBack): boolean {
  const t = r.transfer;
  const name = join(outDir, `readback-${r.index}-resource-${r.resourceId}`);
  if (PIXEL_BYTE_ORDER.has(r.format) && t.d === 1 && t.w > 0 && t.h > 0) {
    // Stride 0: the level's row pitch.
    const stride = t.stride === 0 ? Math.max(1, r.width >> t.level) * 4 : t.stride;
    const pixels = r.read(t.offset, (t.h - 1) * stride + t.w * 4);
    if (pixels === undefined) return false;
    writeFileSync(`${name}.png`, encodePng({ width: t.w, height: t.h, stride, format: r.format, pixels }));
    return true;
  }
  const bytes = r.read(t.offset, Math.min(MAX_READBACK_BIN, Math.max(0, r.backingLength - t.offset)));
  if (bytes === undefined) return false;
  writeFileSync(`${name}.bin`, bytes);
  return true;
}
