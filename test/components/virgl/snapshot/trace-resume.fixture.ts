// Run by trace-resume.test.ts in a process of its own: replays the trace given first, resuming from the device
// snapshot given second after the request count given third, and writes every frame flushed (and every read-back)
// after the restore to the file given fourth, and beside it the device's snapshots right after the restore
// (`.restored`) and at the end (`.final`).
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { replayTraceOnHost } from "../../../../src/node/gl/trace-replay.ts";
import { encodeCapture, FrameRecorder, readBackBox } from "./trace-frames.ts";

const [traceFile, stateFile, after, outFile] = process.argv.slice(2);
const trace = new Uint8Array(gunzipSync(readFileSync(traceFile!)));
const frames = new FrameRecorder();
const readBacks: Uint8Array[] = [];
const result = await replayTraceOnHost(trace, frames, {
  resume: {
    state: new Uint8Array(readFileSync(stateFile!)),
    afterRequest: Number(after),
    onResumed: (device) => {
      frames.mark();
      writeFileSync(`${outFile}.restored`, device.snapshot());
    },
  },
  onReadBack: (r) => readBacks.push(readBackBox(r)),
});
writeFileSync(outFile!, encodeCapture(frames.sinceMark(), readBacks));
writeFileSync(`${outFile}.final`, result.device.snapshot());
result.device.destroy();
