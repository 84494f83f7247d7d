import { mkdirSync, readFileSync } from "node:fs";
import { PngSink } from "../../node/display/png-sink.ts";
import { decodeTrace, replayTrace, TraceError } from "../../virtio-gpu/trace.ts";
import { type CliRun, UsageError } from "../command.ts";
import type { replayOptions } from "./command.ts";

/** Replays one trace headless and writes its scanouts as PNG. */
export const runReplay: CliRun<typeof replayOptions> = async (values, positionals, program) => {
  if (positionals.length !== 1) throw new UsageError("give exactly one TRACE file");
  if (values.png === undefined) throw new UsageError("--png OUTDIR is required");
  // The input is read before the output directory exists: a wrong TRACE leaves nothing behind.
  const trace = new Uint8Array(readFileSync(positionals[0]!));
  try {
    decodeTrace(trace);
  } catch (e) {
    if (e instanceof TraceError) {
      console.error(`${program}: ${positionals[0]}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const outDir = values.png;
  mkdirSync(outDir, { recursive: true });
  const sink = new PngSink(outDir, { everyFlush: values["every-flush"] === true });
  let result: ReturnType<typeof replayTrace>;
  try {
    result = replayTrace(trace, sink);
  } catch (e) {
    if (e instanceof TraceError) {
      console.error(`${program}: ${positionals[0]}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const written = sink.writeAll();
  const errors = [...result.errors].map(([t, n]) => `0x${t.toString(16)}×${n}`).join(", ");
  console.log(
    `${result.requests} requests replayed, ${written} scanout(s) written to ${outDir}${errors ? `; error responses: ${errors}` : ""}`,
  );
  return 0;
};
