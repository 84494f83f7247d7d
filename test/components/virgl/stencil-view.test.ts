import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, RGBA8, res } from "./helpers.ts";

// virgl Z24_UNORM_S8_UINT and its stencil view X24S8_UINT; VIRGL_BIND_DEPTH_STENCIL | SAMPLER_VIEW;
// VIRGL_BIND_VERTEX_BUFFER, R8_UNORM; PIPE_PRIM_TRIANGLES.
const Z24S8 = 19;
const X24S8 = 136;
const BIND_DEPTH_SAMPLER = 1 | 8;
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const TRIANGLES = 4;

const VS = PASS_VS;
/** Fetches texel (0, 0) of an unsigned view and writes it as value / 255 in red. */
const FS =
  "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, UINT\nDCL TEMP[0]\n" +
  "IMM[0] INT32 { 0, 0, 0, 0 }\nIMM[1] FLT32 { 0.00392156863, 0.0, 0.0, 1.0 }\n" +
  "  0: TXF TEMP[0], IMM[0], SAMP[0], 2D\n  1: U2F TEMP[0].x, TEMP[0].xxxx\n" +
  "  2: MUL TEMP[0].x, TEMP[0].xxxx, IMM[1].xxxx\n  3: MOV TEMP[0].yzw, IMM[1].yyyw\n  4: MOV OUT[0], TEMP[0]\n  5: END\n";

test("a stencil view (X24S8_UINT) of a depth-stencil texture samples its stencil", () => {
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
    createWithBacking(rutabaga, 3, res({ format: Z24S8, bind: BIND_DEPTH_SAMPLER }), 64);
    const e = bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, RGBA8)
        .createSurface(11, 3, Z24S8)
        .setFramebufferState(11, [])
        .clear(PipeClear.Depth | PipeClear.Stencil, [0, 0, 0, 0], 0.5, 7)
        .setFramebufferState(0, [10])
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, FS)
        .bindShader(20, PipeShaderType.Vertex)
        .bindShader(21, PipeShaderType.Fragment),
    )
      .createSamplerState(40, 0)
      .createSamplerView(41, 3, X24S8, { swizzle: 0 | (1 << 3) | (2 << 6) | (3 << 9) })
      .bindSamplerStates(PipeShaderType.Fragment, 0, [40])
      .setSamplerViews(PipeShaderType.Fragment, 0, [41])
      .drawVbo({ count: 3, mode: TRIANGLES });
    rutabaga.submitCommand(1, e.finish());
    rutabaga.transferRead(1, 1, transfer2d(0, 0, 4, 4));
    assert.deepEqual([...target.subarray(0, 4)], [7, 0, 0, 255]);
  } finally {
    rutabaga.destroy();
  }
});
