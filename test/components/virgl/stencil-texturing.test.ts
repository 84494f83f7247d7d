import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCapsView } from "../../../src/components/virgl/caps/caps-view.ts";
import { PipeClear, PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglBind } from "../../../src/index.ts";
import { createWithBacking, res } from "./helpers.ts";
import { samplingScene, TRIANGLES } from "./sampling-scene.ts";

// virgl_hw.h: Z24_UNORM_S8_UINT 19, Z32_FLOAT_S8X24_UINT 126, X24S8_UINT 136, S8X24_UINT 137, X32_S8X24_UINT 138.
const Z24S8 = 19;
const Z32F_S8 = 126;
const X24S8 = 136;
const X32_S8X24 = 138;

/** Fetches texel (0, 0) of an unsigned-integer view and writes its red channel / 255 as the colour. */
const STENCIL_FS =
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, UINT\nDCL TEMP[0]\n" +
  "IMM[0] INT32 {0, 0, 0, 0}\nIMM[1] FLT32 {0.00392156862745098, 1, 0, 0}\n" +
  "  0: TXF TEMP[0], IMM[0], SAMP[0], 2D\n  1: U2F TEMP[0].x, TEMP[0].xxxx\n" +
  "  2: MUL OUT[0], TEMP[0].xxxx, IMM[1].xxxy\n  3: END\n";

test("the caps give the guest stencil views of the depth-stencil formats the host samples", () => {
  const { rutabaga } = samplingScene();
  try {
    const caps = new VirglCapsView(rutabaga.getCapset(2, 2));
    assert.ok(caps.hasFormat("sampler", X24S8) && caps.hasFormat("sampler", 137));
    assert.equal(caps.hasFormat("sampler", X32_S8X24), caps.hasFormat("sampler", Z32F_S8));
  } finally {
    rutabaga.destroy();
  }
});

for (const [ds, view] of [
  [Z24S8, X24S8],
  [Z32F_S8, X32_S8X24],
] as const) {
  test(`a ${view} sampler view of a ${ds} texture samples its stencil, not its depth`, () => {
    const { rutabaga, pixels } = samplingScene();
    try {
      const bind = VirglBind.DepthStencil | VirglBind.SamplerView;
      createWithBacking(rutabaga, 3, res({ format: ds, bind }), 4 * 4 * 8);
      rutabaga.submitCommand(
        1,
        new VirglEncoder()
          .createSurface(11, 3, ds)
          .setFramebufferState(11, [10])
          .clear(PipeClear.Stencil | PipeClear.Depth, [0, 0, 0, 0], 0.25, 0x5a)
          .setFramebufferState(0, [10])
          .createShader(21, PipeShaderType.Fragment, STENCIL_FS)
          .bindShader(21, PipeShaderType.Fragment)
          .createSamplerView(40, 3, view)
          .setSamplerViews(PipeShaderType.Fragment, 0, [40])
          .createSamplerState(41, 0)
          .bindSamplerStates(PipeShaderType.Fragment, 0, [41])
          .drawVbo({ count: 3, mode: TRIANGLES })
          .finish(),
      );
      assert.deepEqual(pixels(), new Array(16).fill([0x5a, 0x5a, 0x5a, 255]));
    } finally {
      rutabaga.destroy();
    }
  });
}
