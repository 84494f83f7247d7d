import { defineCommand } from "../command.ts";

/** The options `replay` takes. */
export const replayOptions = {
  png: { type: "string" },
  "every-flush": { type: "boolean" },
  virgl: { type: "boolean" },
  readback: { type: "boolean" },
  "stop-after": { type: "string" },
  snapshot: { type: "string" },
  resume: { type: "string" },
  after: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const HELP = `Usage: rutabaga-ts replay TRACE --png OUTDIR [--every-flush] [--virgl] [--readback]
                           [--stop-after N [--snapshot FILE]] [--resume FILE --after N]

Replays a virtio-gpu trace headless and writes each scanout's picture as PNG: OUTDIR/scanout-N.png at the end, and
with --every-flush OUTDIR/scanout-N-flush-K.png after every flush. The device is the one the trace was recorded on:
a 2D device, or, for a trace of \`vhost-user-gpu --virgl\`, a virgl device on this host's GL (EGL surfaceless), which
must offer at least the capabilities the recorded guest read (else exit 1, naming the fields it lacks).

      --virgl     replay on a virgl device even when the trace does not ask for one (a version 1 trace)
      --readback  write what each TRANSFER_FROM_HOST_3D read back (a vtest client's TRANSFER_GET2, see
                  'rutabaga-ts vtest --trace'): OUTDIR/readback-K-resource-N.png for a 2D box of a 32-bit RGB(A)
                  format, OUTDIR/readback-K-resource-N.bin (the backing from the transfer's offset on) otherwise
      --stop-after N     stop after N requests; with --snapshot FILE, write the device's snapshot there (a 3D
                         session's GL state included)
      --resume FILE --after N
                         go on from a snapshot taken after N requests of this trace: the guest memory recorded up to
                         there is written, the snapshot restored, and the requests after N replayed (in a new
                         process, on another host whose capabilities cover the recorded ones)`;

/** `rutabaga-ts replay`: a recorded trace to PNG frames. */
export const replayCommand = defineCommand({
  summary: "replay a virtio-gpu trace headless and write the frames as PNG",
  options: replayOptions,
  positionals: true,
  help: () => HELP,
  load: async () => (await import("./run.ts")).runReplay,
});
