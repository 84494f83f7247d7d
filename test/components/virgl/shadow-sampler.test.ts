import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d, VirglBind } from "../../../src/index.ts";
import { createWithBacking, res } from "./helpers.ts";
import { samplingScene, TRIANGLES } from "./sampling-scene.ts";

// A depth texture's mode reaches the host as the view swizzle Mesa sends (luminance R, R, R, 1; alpha 0, 0, 0, R;
// PIPE_SWIZZLE_0 = 4, _1 = 5). A shadow lookup must return the comparison in the channels the swizzle names and
// the constants in the others. virgl_hw.h Z24X8_UNORM 21; sampler state: clamp to edge, nearest, no mipmaps,
// compare (bit 15) with PIPE_FUNC_GREATER (4).
const Z24X8 = 21;
const SAMPLER = 2 | (2 << 3) | (2 << 11) | (1 << 15) | (4 << 16);
const swizzle = (r: number, g: number, b: number, a: number) => r | (g << 3) | (b << 6) | (a << 9);

/** shadow2D at (0.1, 0.5) with reference `ref` against a texture of depth 0.25. */
const FS = (ref: number) =>
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], SHADOW2D, FLOAT\n" +
  `DCL TEMP[0]\nIMM[0] FLT32 {0.1, 0.5, ${ref}, 0}\n` +
  "  0: MOV TEMP[0].xyz, IMM[0].xyzz\n  1: TEX OUT[0], TEMP[0], SAMP[0], SHADOW2D\n  2: END\n";

function shadowPixel(ref: number, viewSwizzle: number): number[] {
  const { rutabaga, pixels } = samplingScene();
  try {
    const bind = VirglBind.DepthStencil | VirglBind.SamplerView;
    const backing = createWithBacking(rutabaga, 3, res({ format: Z24X8, bind }), 64);
    new Uint32Array(backing.buffer).fill(Math.round(0.25 * 0xffffff));
    rutabaga.transferWrite(1, 3, transfer2d(0, 0, 4, 4));
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createShader(21, PipeShaderType.Fragment, FS(ref))
        .bindShader(21, PipeShaderType.Fragment)
        .createSamplerView(40, 3, Z24X8, { swizzle: viewSwizzle })
        .setSamplerViews(PipeShaderType.Fragment, 0, [40])
        .createSamplerState(41, SAMPLER)
        .bindSamplerStates(PipeShaderType.Fragment, 0, [41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    return pixels()[0]!;
  } finally {
    rutabaga.destroy();
  }
}

test("a luminance depth texture's shadow lookup gives (r, r, r, 1)", () => {
  assert.deepEqual(shadowPixel(0.5, swizzle(0, 0, 0, 5)), [255, 255, 255, 255]);
  assert.deepEqual(shadowPixel(0.05, swizzle(0, 0, 0, 5)), [0, 0, 0, 255]);
});

test("an alpha depth texture's shadow lookup gives (0, 0, 0, r)", () => {
  assert.deepEqual(shadowPixel(0.5, swizzle(4, 4, 4, 0)), [0, 0, 0, 255]);
  assert.deepEqual(shadowPixel(0.05, swizzle(4, 4, 4, 0)), [0, 0, 0, 0]);
});

test("an intensity (identity-like) swizzle gives r in every channel", () => {
  assert.deepEqual(shadowPixel(0.5, swizzle(0, 0, 0, 0)), [255, 255, 255, 255]);
});
