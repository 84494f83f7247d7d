import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, RGBA8, res } from "./helpers.ts";

// VIRGL_BIND_VERTEX_BUFFER, VIRGL_FORMAT_R8_UNORM, PIPE_PRIM_TRIANGLES; rasterizer S0: depth clip (bit 1),
// cull_face (bits 8-9), fill_front (10-11), fill_back (12-13), PIPE_POLYGON_MODE_FILL / LINE / POINT = 0 / 1 / 2.
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const TRIANGLES = 4;
const FILL = 0;
const LINE = 1;
const POINT = 2;
const CULL_FRONT = 1;

const VS = PASS_VS;
const FS = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/**
 * Two triangles on a 16×16 target: the left one counter-clockwise in clip space (a front face for front_ccw = 0),
 * the right one clockwise. Returns how many pixels each half has lit.
 */
function litHalves(fillFront: number, fillBack: number, cullFace = 0): [number, number] {
  const { rutabaga } = makeVirgl();
  try {
    const target = createWithBacking(rutabaga, 1, res({ width: 16, height: 16 }), 1024);
    const vb = createWithBacking(
      rutabaga,
      2,
      res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 96, height: 1 }),
      96,
    );
    const ccw = [-0.9, -0.9, -0.1, -0.9, -0.9, 0.9];
    const cw = [0.1, -0.9, 0.1, 0.9, 0.9, -0.9];
    const xyzw = [...ccw, ...cw].flatMap((v, i, all) => (i % 2 === 0 ? [v, all[i + 1]!, 0, 1] : []));
    vb.set(new Uint8Array(Float32Array.from(xyzw).buffer));
    rutabaga.transferWrite(1, 2, transfer2d(0, 0, 96, 1));
    const e = bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, RGBA8)
        .setFramebufferState(0, [10])
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, FS)
        .bindShader(20, PipeShaderType.Vertex)
        .bindShader(21, PipeShaderType.Fragment),
    )
      .createRasterizer(40, (1 << 1) | (cullFace << 8) | (fillFront << 10) | (fillBack << 12))
      .bindObject(VirglObject.Rasterizer, 40)
      .setViewports(0, [{ scale: [8, 8, 0.5], translate: [8, 8, 0.5] }])
      .clear(PipeClear.Color0, [0, 0, 0, 1])
      .drawVbo({ count: 6, mode: TRIANGLES });
    rutabaga.submitCommand(1, e.finish());
    rutabaga.transferRead(1, 1, transfer2d(0, 0, 16, 16));
    const halves: [number, number] = [0, 0];
    for (let i = 0; i < 256; i++) if (target[i * 4 + 1] === 255) halves[i % 16 < 8 ? 0 : 1]++;
    return halves;
  } finally {
    rutabaga.destroy();
  }
}

test("front and back faces keep their own polygon modes (core GL has one for both)", () => {
  const [fillLeft, fillRight] = litHalves(FILL, FILL);
  const [lineLeft, lineRight] = litHalves(LINE, LINE);
  assert.ok(fillLeft > lineLeft && lineLeft > 0 && fillRight > lineRight && lineRight > 0);
  assert.deepEqual(litHalves(FILL, LINE), [fillLeft, lineRight]);
  assert.deepEqual(litHalves(LINE, FILL), [lineLeft, fillRight]);
  const [, points] = litHalves(FILL, POINT);
  assert.ok(points > 0 && points <= 3, `${points} points`);
  // With front faces culled, what remains is drawn in the back faces' mode.
  assert.deepEqual(litHalves(FILL, LINE, CULL_FRONT), [0, lineRight]);
});
