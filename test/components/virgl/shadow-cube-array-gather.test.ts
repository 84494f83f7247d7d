import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglBind } from "../../../src/index.ts";
import { createWithBacking, res } from "./helpers.ts";
import { samplingScene, TRIANGLES } from "./sampling-scene.ts";

// p_defines.h / virgl_hw.h: PIPE_TEXTURE_CUBE_ARRAY 8, VIRGL_FORMAT_Z32_FLOAT 18, PIPE_FUNC_LEQUAL 3 (sampler
// state: compare mode bit 15, compare function bits 16..18).
const CUBE_ARRAY = 8;
const Z32F = 18;
const COMPARE_LEQUAL = (1 << 15) | (3 << 16);

/** Gathers the +X face of cube 0 compared with CONST[0].x: Mesa puts a cube array's reference in the second source. */
const GATHER_FS =
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], CUBE_ARRAY, FLOAT\n" +
  "DCL CONST[0]\nDCL TEMP[0]\nIMM[0] FLT32 {1, 0, 0, 0}\n" +
  "  0: TG4 TEMP[0], IMM[0], CONST[0].xxxx, SAMP[0], SHADOWCUBE_ARRAY\n  1: MOV OUT[0], TEMP[0]\n  2: END\n";

for (const [ref, expected] of [
  [0.25, 255],
  [0.75, 0],
] as const) {
  test(`a shadow gather of a cube array compares every texel with the second source's reference (${ref})`, () => {
    const { rutabaga, pixels } = samplingScene();
    try {
      const bind = VirglBind.DepthStencil | VirglBind.SamplerView;
      createWithBacking(rutabaga, 3, res({ target: CUBE_ARRAY, format: Z32F, bind, arraySize: 6 }), 4 * 4 * 4 * 6);
      rutabaga.submitCommand(
        1,
        new VirglEncoder()
          .createSurface(11, 3, Z32F, 0, 0, 5)
          .setFramebufferState(11, [])
          .clear(PipeClear.Depth, [0, 0, 0, 0], 0.5)
          .setFramebufferState(0, [10])
          .createShader(21, PipeShaderType.Fragment, GATHER_FS)
          .bindShader(21, PipeShaderType.Fragment)
          .setConstantBuffer(PipeShaderType.Fragment, 0, [ref, 0, 0, 0])
          .createSamplerView(40, 3, Z32F, { target: CUBE_ARRAY, firstLayer: 0, lastLayer: 5 })
          .setSamplerViews(PipeShaderType.Fragment, 0, [40])
          .createSamplerState(41, COMPARE_LEQUAL)
          .bindSamplerStates(PipeShaderType.Fragment, 0, [41])
          .drawVbo({ count: 3, mode: TRIANGLES })
          .finish(),
      );
      assert.deepEqual(pixels(), new Array(16).fill([expected, expected, expected, expected]));
    } finally {
      rutabaga.destroy();
    }
  });
}
