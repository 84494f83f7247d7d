// npm run bench -- display-update: an UPDATE of a flushed 1280×800 B8G8R8X8 frame to QEMU's display socket. The
// display channel sends the header and then the frame's rows as they are; the baseline, in the same run, is what it
// did before: the rows copied into one message, then one send. The peer drains each message before the next.
import { cpus } from "node:os";
import { VirtioGpuFormat } from "../../src/index.ts";
import { UnixSocket } from "../../src/node/os/unix-socket.ts";
import { DisplayChannel } from "../../src/node/vhost-user/display-channel.ts";
import { compare } from "../harness.ts";

const W = 1280;
const H = 800;
const [ours, peer] = UnixSocket.pair();
const channel = new DisplayChannel(ours);
const pixels = new Uint8Array(W * H * 4).map((_, i) => i * 7);
const frame = { width: W, height: H, stride: W * 4, format: VirtioGpuFormat.B8G8R8X8Unorm, pixels };
const rect = { x: 0, y: 0, w: W, h: H };
const sink = new Uint8Array(1 << 20);
const message = new Uint8Array(32 + W * H * 4);
const drain = () => {
  for (;;) {
    const r = peer.recv(sink);
    if (r === undefined || r.bytes === 0) return;
  }
};
const { baselineMs, subjectMs } = compare(
  () => {
    message.set(pixels, 32);
    ours.send(message);
    drain();
  },
  () => {
    channel.flush(0, rect, frame);
    drain();
  },
  { rounds: 9 },
);
console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
console.log("| UPDATE of a 1280×800 frame | copy then one send (before) | header, then the rows as they are | ratio |");
console.log("|---|---|---|---|");
console.log(
  `| per frame | ${baselineMs.toFixed(3)} ms | ${subjectMs.toFixed(3)} ms | ${(subjectMs / baselineMs).toFixed(2)}× time |`,
);
ours.close();
peer.close();
