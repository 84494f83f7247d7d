import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, RGBA8, res } from "./helpers.ts";

// VIRGL_FORMAT_Z32_FLOAT; VIRGL_BIND_DEPTH_STENCIL | SAMPLER_VIEW; VIRGL_BIND_VERTEX_BUFFER, R8_UNORM;
// PIPE_PRIM_TRIANGLES; sampler S0 compare_mode (bit 15), compare_func (bits 16-18: PIPE_FUNC_LESS 1, GEQUAL 6).
const Z32F = 18;
const BIND_DEPTH_SAMPLER = 1 | 8;
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const TRIANGLES = 4;
const compare = (func: number) => (1 << 15) | (func << 16);
const LESS = 1;
const GEQUAL = 6;
/** PIPE_SWIZZLE_X, 0, 1 packed as a sampler view's swizzle word. */
const swizzle = (s: readonly number[]) => s[0]! | (s[1]! << 3) | (s[2]! << 6) | (s[3]! << 9);
const [X, Z0, Z1] = [0, 4, 5];

const VS = PASS_VS;
/** A depth comparison with reference 0.5 at the texture's centre. */
const FS =
  "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, FLOAT\nIMM[0] FLT32 { 0.5, 0.5, 0.5, 0.0 }\n" +
  "  0: TEX OUT[0], IMM[0], SAMP[0], SHADOW2D\n  1: END\n";

/** The colour a shadow lookup writes (the depth texture holds 0.25) through a view with `viewSwizzle`. */
function shadowColour(func: number, viewSwizzle: readonly number[]): number[] {
  const { rutabaga } = makeVirgl();
  try {
    const target = createWithBacking(rutabaga, 1, res({}), 64);
    const vb = createWithBacking(
      rutabaga,
      2,
      res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
      48,
    );
    vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
    rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
    createWithBacking(rutabaga, 3, res({ format: Z32F, bind: BIND_DEPTH_SAMPLER }), 64);
    const e = bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, RGBA8)
        .createSurface(11, 3, Z32F)
        .setFramebufferState(11, [])
        .clear(PipeClear.Depth, [0, 0, 0, 0], 0.25)
        .setFramebufferState(0, [10])
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, FS)
        .bindShader(20, PipeShaderType.Vertex)
        .bindShader(21, PipeShaderType.Fragment),
    )
      .createSamplerState(40, compare(func))
      .createSamplerView(41, 3, Z32F, { swizzle: swizzle(viewSwizzle) })
      .bindSamplerStates(PipeShaderType.Fragment, 0, [40])
      .setSamplerViews(PipeShaderType.Fragment, 0, [41])
      .drawVbo({ count: 3, mode: TRIANGLES });
    rutabaga.submitCommand(1, e.finish());
    rutabaga.transferRead(1, 1, transfer2d(0, 0, 4, 4));
    return [...target.subarray(0, 4)];
  } finally {
    rutabaga.destroy();
  }
}

test("depth texture modes: the view's swizzle places a depth comparison's result (luminance, intensity, alpha, red)", () => {
  const modes = {
    luminance: [X, X, X, Z1],
    intensity: [X, X, X, X],
    alpha: [Z0, Z0, Z0, X],
    red: [X, Z0, Z0, Z1],
  } as const;
  assert.deepEqual(shadowColour(GEQUAL, modes.luminance), [255, 255, 255, 255]);
  assert.deepEqual(shadowColour(LESS, modes.luminance), [0, 0, 0, 255]);
  assert.deepEqual(shadowColour(GEQUAL, modes.intensity), [255, 255, 255, 255]);
  assert.deepEqual(shadowColour(LESS, modes.intensity), [0, 0, 0, 0]);
  assert.deepEqual(shadowColour(GEQUAL, modes.alpha), [0, 0, 0, 255]);
  assert.deepEqual(shadowColour(GEQUAL, modes.red), [255, 0, 0, 255]);
});
