import { PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

// The stream-output scene: a vertex shader capturing GENERIC[0].xy and POSITION.w of four vertices into a target
// over bytes 8..128 (6 vertices) of resource 4; resource 1 is a 4×4 RGBA8 colour buffer.
// virgl_hw.h / p_defines.h values typed here: VIRGL_FORMAT_R32G32B32A32_FLOAT, VIRGL_FORMAT_R8_UNORM,
// VIRGL_BIND_VERTEX_BUFFER, VIRGL_BIND_STREAM_OUTPUT, PIPE_PRIM_TRIANGLES.
const R8 = 64;
const BIND_VERTEX_BUFFER = 1 << 4;
const BIND_STREAM_OUTPUT = 1 << 11;
export const TRIANGLES = 4;

/** GENERIC[0] = position × (2, 1, 0.5, 3). */
const VS =
  "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\n" +
  "IMM[0] FLT32 {    2.0000,     1.0000,     0.5000,     3.0000}\n" +
  "  0: MOV OUT[0], IN[0]\n  1: MUL OUT[1], IN[0], IMM[0]\n  2: END\n";
const FS =
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n";
/** GENERIC[0].xy at dwords 0..1, POSITION.w at dword 3, 5 dwords per vertex: dwords 2 and 4 are skipped. */
const STREAM_OUTPUT = {
  strides: [5, 0, 0, 0],
  outputs: [
    { registerIndex: 1, startComponent: 0, numComponents: 2, buffer: 0, dstOffset: 0, stream: 0 },
    { registerIndex: 0, startComponent: 3, numComponents: 1, buffer: 0, dstOffset: 3, stream: 0 },
  ],
};
export const VERTICES = [
  [-1, -1, 0, 1],
  [3, -1, 0, 1],
  [-1, 3, 0, 1],
  [1, 1, 0, 1],
] as const;
export const SENTINEL = 0xdeadbeef;
/** The capture buffer (resource 4): 136 bytes; the target covers bytes 8..128 (6 vertices). */
export const SO_BYTES = 136;

export function captured(v: readonly number[]): number[] {
  const f = new Float32Array([v[0]! * 2, v[1]!, 0, v[3]!]);
  const u = new Uint32Array(f.buffer);
  return [u[0]!, u[1]!, SENTINEL, u[3]!, SENTINEL];
}

export function streamOutputScene() {
  const v = makeVirgl();
  createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  const vb = createWithBacking(
    v.rutabaga,
    2,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 64, height: 1 }),
    64,
  );
  vb.set(new Uint8Array(Float32Array.from(VERTICES.flat()).buffer));
  v.rutabaga.transferWrite(1, 2, transfer2d(0, 0, 64, 1));
  const so = createWithBacking(
    v.rutabaga,
    4,
    res({ target: 0, format: R8, bind: BIND_STREAM_OUTPUT, width: SO_BYTES, height: 1 }),
    SO_BYTES,
  );
  new Uint32Array(so.buffer).fill(SENTINEL);
  v.rutabaga.transferWrite(1, 4, transfer2d(0, 0, SO_BYTES, 1));
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, VS, 0, 0xfff0, STREAM_OUTPUT)
      .createShader(21, PipeShaderType.Fragment, FS)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment),
  ).createStreamoutTarget(40, 4, 8, 120);
  v.rutabaga.submitCommand(1, setup.finish());
  const read = (): number[] => {
    v.rutabaga.transferRead(1, 4, transfer2d(0, 0, SO_BYTES, 1));
    return [...new Uint32Array(so.buffer.slice(0))];
  };
  return { ...v, read };
}

/** A second capture buffer (resource 5, SO_BYTES of sentinels) and its reader. */
export function secondCapture(v: ReturnType<typeof makeVirgl>): () => number[] {
  const so = createWithBacking(
    v.rutabaga,
    5,
    res({ target: 0, format: R8, bind: BIND_STREAM_OUTPUT, width: SO_BYTES, height: 1 }),
    SO_BYTES,
  );
  new Uint32Array(so.buffer).fill(SENTINEL);
  v.rutabaga.transferWrite(1, 5, transfer2d(0, 0, SO_BYTES, 1));
  return () => {
    v.rutabaga.transferRead(1, 5, transfer2d(0, 0, SO_BYTES, 1));
    return [...new Uint32Array(so.buffer.slice(0))];
  };
}
