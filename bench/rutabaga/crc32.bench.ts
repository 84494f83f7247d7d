// npm run bench -- crc32: the snapshot and trace checksum (slicing-by-8) against the byte-at-a-time loop, on 1 MiB.
import { crc32 } from "../../src/rutabaga/crc32.ts";
import { compare } from "../harness.ts";

const BYTES = 1 << 20;
const data = new Uint8Array(BYTES);
for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;

const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}
function bytewise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

if (bytewise(data) !== crc32(data)) throw new Error("the two CRCs differ");
let sink = 0;
const r = compare(
  () => {
    sink ^= bytewise(data);
  },
  () => {
    sink ^= crc32(data);
  },
);
const gbs = (ms: number) => (BYTES / 1e6 / ms).toFixed(2);
console.log("| case | crc32 (slicing-by-8) | byte at a time | ratio |");
console.log("|---|---|---|---|");
console.log(
  `| 1 MiB | ${r.subjectMs.toFixed(3)} ms (${gbs(r.subjectMs)} GB/s) | ${r.baselineMs.toFixed(3)} ms (${gbs(r.baselineMs)} GB/s) | ${(r.subjectMs / r.baselineMs).toFixed(2)}× the time |`,
);
if (sink === 0x12345678) console.log("");
