// npm run bench -- stream-decode: framing and decoding virgl streams into typed commands, against copying the same
// bytes (the copy every submit pays anyway, so the guest cannot change them under the decoder).
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { PipeShaderType, VirglObject } from "../../src/components/virgl/protocol/commands.ts";
import { decodeCommand } from "../../src/components/virgl/protocol/decoder.ts";
import { VirglEncoder } from "../../src/components/virgl/protocol/encoder.ts";
import { VirglRefusal } from "../../src/components/virgl/protocol/refusal.ts";
import { DwordReader, frameVirglStream } from "../../src/components/virgl/protocol/stream.ts";
import { compare } from "../harness.ts";

// vtest_protocol.h command ids.
const VCMD_SUBMIT_CMD = 6;
const VCMD_CREATE_RENDERER = 8;

/** The SUBMIT_CMD payloads of a captured vtest connection, joined into one stream. */
function capturedStream(file: string): Uint8Array {
  const bytes = readFileSync(new URL(`../../test/fixtures/virgl/${file}`, import.meta.url));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 0; at + 8 <= bytes.byteLength; ) {
    const length = view.getUint32(at, true);
    const id = view.getUint32(at + 4, true);
    const size = id === VCMD_CREATE_RENDERER ? length : length * 4;
    if (id === VCMD_SUBMIT_CMD) parts.push(bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** A state-heavy stream as a drawing client sends it: objects created, bound and destroyed, constants set. */
function stateStream(): Uint8Array {
  const e = new VirglEncoder();
  for (let i = 1; i <= 500; i++) {
    e.createBlend(i, 0, 0, [0x78000000])
      .createDsa(i + 1000, 0x7, 0, 0)
      .createRasterizer(i + 2000, 1 << 1)
      .bindObject(VirglObject.Blend, i)
      .bindObject(VirglObject.Dsa, i + 1000)
      .bindObject(VirglObject.Rasterizer, i + 2000)
      .setConstantBuffer(PipeShaderType.Vertex, 0, new Array<number>(16).fill(0.5))
      .drawVbo({ count: 36, mode: 4 })
      .destroyObject(VirglObject.Blend, i)
      .destroyObject(VirglObject.Dsa, i + 1000)
      .destroyObject(VirglObject.Rasterizer, i + 2000);
  }
  return e.finish();
}

const reader = new DwordReader();
function decodeAll(bytes: Uint8Array): void {
  const frames = frameVirglStream(reader, reader.reset(bytes));
  if (frames instanceof VirglRefusal) throw new Error(frames.message);
  for (const f of frames) {
    const c = decodeCommand(reader, f.header, f.cmd, f.object, f.length);
    if (c instanceof VirglRefusal) throw new Error(c.message);
  }
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
const rows: string[][] = [["case", "bytes", "decode", "copy only", "ratio"]];
for (const [name, bytes] of [
  ["Mesa glsl-fs-color-matrix submits", capturedStream("glsl-fs-color-matrix.vtest")],
  ["Mesa draw-arrays-colormaterial submits", capturedStream("draw-arrays-colormaterial.vtest")],
  ["500 × (3 state objects, binds, constants, draw)", stateStream()],
] as const) {
  const { baselineMs, subjectMs } = compare(
    () => reader.reset(bytes),
    () => decodeAll(bytes),
  );
  rows.push([
    name,
    String(bytes.byteLength),
    `${((bytes.byteLength / subjectMs) * 1e-3).toFixed(0)} MB/s`,
    `${((bytes.byteLength / baselineMs) * 1e-3).toFixed(0)} MB/s`,
    `${(subjectMs / baselineMs).toFixed(1)}× time`,
  ]);
}
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
