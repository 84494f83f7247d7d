import { defineCommand } from "../command.ts";

/** The options `replay` takes. */
export const replayOptions = {
  png: { type: "string" },
  "every-flush": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const HELP = `Usage: rutabaga-ts replay TRACE --png OUTDIR [--every-flush]

Replays a virtio-gpu trace headless (a 2D device sized as recorded) and writes each scanout's picture as PNG:
OUTDIR/scanout-N.png at the end, and with --every-flush OUTDIR/scanout-N-flush-K.png after every flush.`;

/** `rutabaga-ts replay`: a recorded trace to PNG frames. */
export const replayCommand = defineCommand({
  summary: "replay a virtio-gpu trace headless and write the frames as PNG",
  options: replayOptions,
  positionals: true,
  help: () => HELP,
  load: async () => (await import("./run.ts")).runReplay,
});
