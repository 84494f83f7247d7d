import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, RGBA8, res } from "./helpers.ts";

// VIRGL_BIND_VERTEX_BUFFER, VIRGL_FORMAT_R8_UNORM, PIPE_PRIM_TRIANGLES; rasterizer S0: depth clip (bit 1),
// cull_face PIPE_FACE_BACK (bits 8-9 = 2), front_ccw (bit 15).
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const TRIANGLES = 4;
const CULL_BACK = (1 << 1) | (2 << 8);
const FRONT_CCW = 1 << 15;

const VS = PASS_VS;
const FS = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/**
 * Draws a triangle that is counter-clockwise in clip space over a red 4×4 target with back faces culled; whether
 * it was drawn (green) or culled (red).
 */
function drawn(frontCcw: boolean, viewportScaleY: number): boolean {
  const { rutabaga } = makeVirgl();
  try {
    const target = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    const vb = createWithBacking(
      rutabaga,
      2,
      res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
      48,
    );
    vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
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
      .createRasterizer(40, CULL_BACK | (frontCcw ? FRONT_CCW : 0))
      .bindObject(VirglObject.Rasterizer, 40)
      .setViewports(0, [{ scale: [2, viewportScaleY, 0.5], translate: [2, 2, 0.5] }])
      .clear(PipeClear.Color0, [1, 0, 0, 1])
      .drawVbo({ count: 3, mode: TRIANGLES });
    rutabaga.submitCommand(1, e.finish());
    rutabaga.transferRead(1, 1, transfer2d(0, 0, 4, 4));
    const first = [...target.subarray(0, 4)];
    assert.ok(
      target.every((b, i) => b === first[i % 4]),
      "the triangle covers the whole target or none of it",
    );
    return first[1] === 255;
  } finally {
    rutabaga.destroy();
  }
}

// Mesa's st keeps Gallium's y-down window space: for an application's CCW front face it sends front_ccw = false to
// a framebuffer object (positive viewport y scale) and front_ccw = true to a window (negative y scale).
test("culling: Gallium's front_ccw is clockwise in GL's window space, whichever the viewport's y direction", () => {
  assert.equal(drawn(false, 2), true, "front_ccw = false, y up: the CCW triangle is a front face");
  assert.equal(drawn(true, 2), false, "front_ccw = true, y up: the CCW triangle is a back face");
  assert.equal(drawn(true, -2), true, "front_ccw = true, y flipped: the mirrored triangle is a front face");
  assert.equal(drawn(false, -2), false, "front_ccw = false, y flipped: the mirrored triangle is a back face");
});
