import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { PipeShaderType, VirglObject } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, PASS_VS, RGBA8, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const TRIANGLES = 4;
const CULL_BACK = (1 << 1) | (2 << 8);
const FRONT_CCW = 1 << 15;
const VS = PASS_VS;
const FS = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/** The `frontFace` argument of each draw, one draw per step (rasterizer front_ccw, viewport y scale). */
function frontFaces(steps: readonly { frontCcw: boolean; scaleY: number }[]): number[] {
  const { rutabaga, gl } = makeRecordedVirgl();
  try {
    createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    createWithBacking(rutabaga, 2, res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }), 48);
    rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
    const e = bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, RGBA8)
        .setFramebufferState(0, [10])
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, FS)
        .bindShader(20, PipeShaderType.Vertex)
        .bindShader(21, PipeShaderType.Fragment),
    )
      .createRasterizer(40, CULL_BACK)
      .createRasterizer(41, CULL_BACK | FRONT_CCW);
    rutabaga.submitCommand(1, e.finish());
    const seen: number[] = [];
    for (const s of steps) {
      gl.clearCalls();
      rutabaga.submitCommand(
        1,
        new VirglEncoder()
          .bindObject(VirglObject.Rasterizer, s.frontCcw ? 41 : 40)
          .setViewports(0, [{ scale: [2, s.scaleY, 0.5], translate: [2, 2, 0.5] }])
          .drawVbo({ count: 3, mode: TRIANGLES })
          .finish(),
      );
      const calls = gl.calls.filter((c) => c.name === "frontFace");
      assert.ok(calls.length <= 1);
      seen.push(calls.length === 0 ? seen.at(-1)! : (calls[0]!.args[0] as number));
    }
    return seen;
  } finally {
    rutabaga.destroy();
  }
}

test("front face: front_ccw maps to GL_CW and its absence to GL_CCW, the viewport's y direction aside", () => {
  assert.deepEqual(
    frontFaces([
      { frontCcw: false, scaleY: 2 },
      { frontCcw: true, scaleY: 2 },
      { frontCcw: true, scaleY: -2 },
      { frontCcw: false, scaleY: -2 },
    ]),
    [GL.CCW, GL.CW, GL.CW, GL.CCW],
  );
});

test("front face: a framebuffer change (window to FBO, y scale turned) with the same rasterizer keeps it", () => {
  assert.deepEqual(
    frontFaces([
      { frontCcw: true, scaleY: -2 },
      { frontCcw: true, scaleY: 2 },
    ]),
    [GL.CW, GL.CW],
  );
});
