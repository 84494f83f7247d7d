import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

// VIRGL_BIND_VERTEX_BUFFER, VIRGL_FORMAT_R8_UNORM, PIPE_PRIM_POINTS / TRIANGLES; rasterizer S0: depth clip (bit 1),
// sprite_coord_mode (bit 6: 0 upper left, 1 lower left).
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const POINTS = 0;
const TRIANGLES = 4;
const LOWER_LEFT = 1 << 6;

/** The vertex writes TEXCOORD[0] = (0.25, 0.5, 0, 1) beside its position. */
const VS =
  "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], TEXCOORD[0]\nIMM[0] FLT32 { 0.25, 0.5, 0.0, 1.0 }\n" +
  "  0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IMM[0]\n  2: END\n";
/** gl_PointCoord (what Mesa sends for it) as the colour. */
const FS_PCOORD = "FRAG\nDCL IN[0], PCOORD, PERSPECTIVE\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";
/** TEXCOORD[0] as the colour (fixed-function texture coordinates, replaced on sprites). */
const FS_TEXCOORD = "FRAG\nDCL IN[0], TEXCOORD[0], PERSPECTIVE\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";

/**
 * Draws one 4-pixel point at the centre of a 4×4 target (or a triangle over it) and returns the red and green of
 * each pixel, row 0 first (Gallium's top row).
 */
function render(fs: string, s0: number, mode: number, spriteCoordEnable = 0): number[][] {
  const { rutabaga } = makeVirgl();
  try {
    const target = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    const vb = createWithBacking(
      rutabaga,
      2,
      res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
      48,
    );
    const vertices =
      mode === POINTS
        ? Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1)
        : Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1);
    vb.set(new Uint8Array(vertices.buffer));
    rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
    const e = bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, RGBA8)
        .setFramebufferState(0, [10])
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, fs)
        .bindShader(20, PipeShaderType.Vertex)
        .bindShader(21, PipeShaderType.Fragment),
    )
      .createRasterizer(40, (1 << 1) | s0, { pointSize: 4, spriteCoordEnable })
      .bindObject(VirglObject.Rasterizer, 40)
      .clear(PipeClear.Color0, [0, 0, 0, 1])
      .drawVbo({ count: mode === POINTS ? 1 : 3, mode });
    rutabaga.submitCommand(1, e.finish());
    rutabaga.transferRead(1, 1, transfer2d(0, 0, 4, 4));
    return Array.from({ length: 4 }, (_, y) =>
      Array.from({ length: 4 }, (_, x) => [target[(y * 4 + x) * 4]!, target[(y * 4 + x) * 4 + 1]!]).flat(),
    );
  } finally {
    rutabaga.destroy();
  }
}

/** Sprite coordinates at pixel centres 0.5..3.5 of a 4-pixel point centred at 2: 0.125, 0.375, 0.625, 0.875. */
const STEPS = [32, 96, 159, 223];
function near(got: number[][], want: number[][]): void {
  if (!got.every((row, y) => row.every((v, i) => Math.abs(v - want[y]![i]!) <= 1))) assert.deepEqual(got, want);
}

test("gl_PointCoord: Gallium's upper-left origin puts y = 0 on its top row (row 0), lower-left on its bottom", () => {
  const upper = STEPS.map((g) => STEPS.flatMap((r) => [r, g]));
  near(render(FS_PCOORD, 0, POINTS), upper);
  near(render(FS_PCOORD, LOWER_LEFT, POINTS), [...upper].reverse());
});

test("sprite_coord_enable replaces TEXCOORD[k] on points only; a triangle reads its varying", () => {
  const upper = STEPS.map((g) => STEPS.flatMap((r) => [r, g]));
  near(render(FS_TEXCOORD, 0, POINTS, 1), upper);
  near(render(FS_TEXCOORD, LOWER_LEFT, POINTS, 1), [...upper].reverse());
  const varying = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => [64, 128]).flat());
  near(render(FS_TEXCOORD, 0, TRIANGLES, 1), varying);
});
