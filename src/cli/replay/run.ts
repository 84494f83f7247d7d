import { mkdirSync, readFileSync } from "node:fs";
import { PngSink } from "../../node/display/png-sink.ts";
import type { HostReplayResult } from "../../node/gl/trace-replay.ts";
import { replayTraceOnHost } from "../../node/gl/trace-replay.ts";
import { isRutabagaError } from "../../rutabaga/error.ts";
import { decodeTrace, TraceError } from "../../virtio-gpu/trace.ts";
import { type CliRun, UsageError } from "../command.ts";
import { virglHostOptionsFromEnv } from "../virgl-host-options.ts";
import type { replayOptions } from "./command.ts";

/** Replays one trace headless and writes its scanouts as PNG. */
export const runReplay: CliRun<typeof replayOptions> = async (values, positionals, program) => {
  if (positionals.length !== 1) throw new UsageError("give exactly one TRACE file");
  if (values.png === undefined) throw new UsageError("--png OUTDIR is required");
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
  try {
    result = await replayTraceOnHost(trace, sink, {
      ...(values.virgl === true ? { virgl: true } : {}),
      virglHost: virglHostOptionsFromEnv(process.env),
    });
  } catch (e) {
    return fail(e);
  }
  try {
    const written = sink.writeAll();
    const errors = [...result.errors].map(([t, n]) => `0x${t.toString(16)}×${n}`).join(", ");
    const device = result.virgl ? "virgl" : "2D";
    console.log(
      `${result.requests} requests replayed on a ${device} device, ${written} scanout(s) written to ${outDir}${errors ? `; error responses: ${errors}` : ""}`,
    );
  } finally {
    result.device.destroy();
  }
  return 0;
};
