import { PipeShaderType, VirglObject } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { type Rutabaga, transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, RGBA8, res } from "../helpers.ts";

const BIND_VERTEX_BUFFER = 1 << 4;
const BIND_SAMPLER_VIEW = 1 << 3;
const R8 = 64;
/** `PIPE_PRIM_TRIANGLES`. */
export const TRIANGLES = 4;
/** Target width and height in pixels. */
export const SIZE = 8;

/** Passes the position through and its xy mapped to [0, 1] as a texture coordinate. */
const TEXCOORD_VS = `VERT
DCL IN[0]
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0]
IMM[0] FLT32 { 0.5, 0.0, 0.0, 0.0 }
  0: MOV OUT[0], IN[0]
  1: MAD OUT[1], IN[0], IMM[0].xxxx, IMM[0].xxyy
  2: END
`;

/** The texture at the coordinate plus CONST[0]. */
const TEXTURE_PLUS_CONSTANT_FS = `FRAG
PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL SAMP[0]
DCL SVIEW[0], 2D, FLOAT
DCL CONST[0]
DCL TEMP[0]
  0: TEX TEMP[0], IN[0], SAMP[0], 2D
  1: ADD OUT[0], TEMP[0], CONST[0]
  2: END
`;

/** The 4×4 level-0 texels of texture 3 (distinct RGBA bytes). */
export function texels(seed: number): Uint8Array {
  return Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + seed * 11) & 0xff);
}

/** Bytes of backing each scene resource has. */
const BACKING_BYTES: ReadonlyMap<number, number> = new Map([
  [1, SIZE * SIZE * 4],
  [2, 48],
  [3, 64 + 16 + 4],
]);

/**
 * Attaches fresh backing to the scene's resources, as a front end does after a restore; returns the target's.
 */
export function reattach(r: Rutabaga): Uint8Array {
  let target: Uint8Array | undefined;
  for (const [id, bytes] of BACKING_BYTES) {
    const b = new Uint8Array(bytes);
    r.attachBacking(id, [b]);
    if (id === 1) target = b;
  }
  return target!;
}

/**
 * A scene that leaves state behind for a snapshot on a new virgl instance: an 8×8 RGBA8 target (resource 1,
 * surface 10), a vertex buffer (2) with one triangle over it, a 4×4 texture with 3 levels (3) sampled nearest
 * through view 40 and sampler 41, a second sub-context with an object of its own, and shaders 20/21 bound.
 * `draw(r, target, constants)` sets the constants, draws, and returns a copy of the target's pixels.
 */
export function snapshotScene() {
  const v = makeVirgl();
  const target = buildScene(v.rutabaga);
  return { ...v, target };
}

function buildScene(r: Rutabaga): Uint8Array {
  const target = createWithBacking(r, 1, res({ width: SIZE, height: SIZE }), BACKING_BYTES.get(1)!);
  const vb = createWithBacking(
    r,
    2,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
    BACKING_BYTES.get(2)!,
  );
  vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  r.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
  const tex = createWithBacking(
    r,
    3,
    res({ bind: BIND_SAMPLER_VIEW, width: 4, height: 4, lastLevel: 2 }),
    BACKING_BYTES.get(3)!,
  );
  tex.set(texels(1));
  r.transferWrite(1, 3, transfer2d(0, 0, 4, 4));
  tex.set(texels(2).subarray(0, 16), 0);
  r.transferWrite(1, 3, { ...transfer2d(0, 0, 2, 2), level: 1 });
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSubCtx(1)
      .setSubCtx(1)
      .createBlend(7, 0, 0, [0xf << 27])
      .bindObject(VirglObject.Blend, 7)
      .setSubCtx(0)
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, TEXCOORD_VS)
      .createShader(21, PipeShaderType.Fragment, TEXTURE_PLUS_CONSTANT_FS)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment)
      .createSamplerView(40, 3, RGBA8, { lastLevel: 2 })
      .createSamplerState(41, 0)
      .setSamplerViews(PipeShaderType.Fragment, 0, [40])
      .bindSamplerStates(PipeShaderType.Fragment, 0, [41]),
  ).setViewports(0, [{ scale: [SIZE / 2, SIZE / 2, 0.5], translate: [SIZE / 2, SIZE / 2, 0.5] }]);
  r.submitCommand(1, setup.finish());
  return target;
}

/** Sets the fragment constants, draws the triangle, reads the target back into `target`; returns a copy. */
export function draw(r: Rutabaga, target: Uint8Array, constants: readonly number[]): Uint8Array {
  r.submitCommand(
    1,
    new VirglEncoder()
      .setConstantBuffer(PipeShaderType.Fragment, 0, constants)
      .drawVbo({ mode: TRIANGLES, count: 3 })
      .finish(),
  );
  r.transferRead(1, 1, transfer2d(0, 0, SIZE, SIZE));
  return target.slice();
}
