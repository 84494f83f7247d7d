// npm run bench -- venus/decode: the generated straight-line venus decoders over two streams, against the table
// interpreter they are checked with, and against a loop that only reads every word of the same bytes.
import {
  decodeVenusCommand,
  decodeVenusCommandInterpreted,
  venusCommandBytes,
  venusCommandType,
} from "../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../src/components/venus/wire-stream.ts";
import { commandArgs, DECODABLE_TYPES } from "../../test/components/venus/wire-arbitrary.ts";
import { compare } from "../harness.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const t = (name: string) => venusCommandType(name)!;
const draws: Uint8Array[] = [];
for (let i = 0; i < 1000; i++) {
  draws.push(
    venusCommandBytes(t("vkCmdBindPipeline"), 0, { commandBuffer: 9, pipelineBindPoint: 0, pipeline: 40 + (i & 7) }),
  );
  draws.push(
    venusCommandBytes(t("vkCmdSetViewport"), 0, {
      commandBuffer: 9,
      firstViewport: 0,
      viewportCount: 1,
      pViewports: [{ x: 0, y: 0, width: 1920, height: 1080, minDepth: 0, maxDepth: 1 }],
    }),
  );
  draws.push(
    venusCommandBytes(t("vkCmdBindDescriptorSets"), 0, {
      commandBuffer: 9,
      pipelineBindPoint: 0,
      layout: 30,
      firstSet: 0,
      descriptorSetCount: 1,
      pDescriptorSets: [70 + (i & 3)],
      dynamicOffsetCount: 0,
      pDynamicOffsets: null,
    }),
  );
  draws.push(
    venusCommandBytes(t("vkCmdDraw"), 0, {
      commandBuffer: 9,
      vertexCount: 36,
      instanceCount: 1,
      firstVertex: 0,
      firstInstance: 0,
    }),
  );
}
const drawStream = concat(draws);
const mixed = concat(
  Array.from({ length: 4000 }, (_, i) => {
    const type = DECODABLE_TYPES[i % DECODABLE_TYPES.length]!;
    return venusCommandBytes(type, 0, commandArgs(type, i));
  }),
);

const r = new VenusWireReader();
function decodeAll(bytes: Uint8Array, decode = decodeVenusCommand): number {
  r.reset(bytes);
  let n = 0;
  while (r.remaining > 0) {
    decode(r);
    n++;
  }
  return n;
}
const floorView = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
function readWords(v: DataView): number {
  let x = 0;
  for (let i = 0; i + 4 <= v.byteLength; i += 4) x ^= v.getUint32(i, true);
  return x;
}

for (const [name, bytes, count] of [
  ["draw loop (bind, viewport, descriptor sets, draw)", drawStream, draws.length],
  ["every decodable command, generated arguments", mixed, 4000],
] as const) {
  const v = floorView(bytes);
  const { baselineMs, subjectMs } = compare(
    () => decodeAll(bytes, decodeVenusCommandInterpreted),
    () => decodeAll(bytes),
  );
  const floor = compare(
    () => readWords(v),
    () => readWords(v),
  ).baselineMs;
  const per = (ms: number) => `${((ms * 1e6) / count).toFixed(0)} ns/command`;
  console.log(
    `${name}: ${count} commands, ${(bytes.byteLength / 1024).toFixed(0)} KiB: generated ${subjectMs.toFixed(3)} ms ` +
      `(${per(subjectMs)}, ${(bytes.byteLength / subjectMs / 1e3).toFixed(0)} MB/s), interpreter ${baselineMs.toFixed(3)} ms ` +
      `(${per(baselineMs)}), reading every word ${floor.toFixed(3)} ms`,
  );
}
