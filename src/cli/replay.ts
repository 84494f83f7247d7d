import { mkdirSync, readFileSync } from "node:fs";
import { PngSink } from "../node/display/png-sink.ts";
import { decodeTrace, replayTrace, TraceError } from "../virtio-gpu/trace.ts";
import { type CliCommand, parseCommandLine, UsageError } from "./command.ts";

const HELP = `Usage: rutabaga-ts replay TRACE --png OUTDIR [--every-flush]

Replays a virtio-gpu trace headless (a 2D device sized as recorded) and writes each scanout's picture as PNG:
OUTDIR/scanout-N.png at the end, and with --every-flush OUTDIR/scanout-N-flush-K.png after every flush.`;

/** `rutabaga-ts replay`: a recorded trace to PNG frames. */
export const replayCommand: CliCommand = {
  summary: "replay a virtio-gpu trace headless and write the frames as PNG",
  async run(args, program) {
    const { values, positionals } = parseCommandLine({
      args,
      allowPositionals: true,
      options: { png: { type: "string" }, "every-flush": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
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
  },
};
