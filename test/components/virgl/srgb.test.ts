import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeMask, PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import {
  bindPlainPipeline,
  createWithBacking,
  fullScreenTriangle,
  makeVirgl,
  PASS_VS,
  RGBA8,
  res,
  TRIANGLES,
} from "./helpers.ts";

// VIRGL_FORMAT_R8G8B8A8_SRGB.
const SRGBA8 = 104;

const VS = PASS_VS;
/** Writes CONST[0]. */
const FS_CONST = "FRAG\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n";
/** Samples view 0 at its centre. */
const FS_TEX =
  "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, FLOAT\nIMM[0] FLT32 { 0.5, 0.5, 0.0, 0.0 }\n" +
  "  0: TEX OUT[0], IMM[0], SAMP[0], 2D\n  1: END\n";

/**
 * Resource 1: a 4×4 sRGB texture; 2: the vertex buffer (a triangle over the target); 3: a 4×4 RGBA8 texture.
 * Surface 10 is resource 1 as sRGB, 11 the same as RGBA8 (Mesa's surface while GL_FRAMEBUFFER_SRGB is off),
 * 12 resource 3.
 */
function scene() {
  const v = makeVirgl();
  const srgb = createWithBacking(v.rutabaga, 1, res({ format: SRGBA8 }), 64);
  fullScreenTriangle(v.rutabaga);
  const linear = createWithBacking(v.rutabaga, 3, res({}), 64);
  v.rutabaga.submitCommand(
    1,
    bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, SRGBA8)
        .createSurface(11, 1, RGBA8)
        .createSurface(12, 3, RGBA8)
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, FS_CONST)
        .createShader(22, PipeShaderType.Fragment, FS_TEX)
        .bindShader(20, PipeShaderType.Vertex)
        .createSamplerState(40, 0)
        .createSamplerView(41, 1, SRGBA8)
        .createSamplerView(42, 1, RGBA8),
    ).finish(),
  );
  const read = (id: number, bytes: Uint8Array) => {
    v.rutabaga.transferRead(1, id, transfer2d(0, 0, 4, 4));
    return [...bytes.subarray(0, 4)];
  };
  return { ...v, readSrgb: () => read(1, srgb), readLinear: () => read(3, linear) };
}

function near(got: number[], want: number[]): void {
  if (!got.every((g, i) => Math.abs(g - want[i]!) <= 1)) assert.deepEqual(got, want);
}

// sRGB encoding of 0.5 is 0.7354 (188/255); decoding 128/255 gives 0.2158 (55/255).
test("an sRGB surface encodes clears and draws; an RGBA8 surface of the same texture stores them as given", () => {
  const { rutabaga, readSrgb } = scene();
  try {
    const frame = (surface: number) =>
      new VirglEncoder()
        .setFramebufferState(0, [surface])
        .bindShader(21, PipeShaderType.Fragment)
        .setConstantBuffer(PipeShaderType.Fragment, 0, [0.5, 0.5, 0.5, 0.5]);
    rutabaga.submitCommand(1, frame(10).clear(PipeClear.Color0, [0.5, 0, 1, 1]).finish());
    near(readSrgb(), [188, 0, 255, 255]);
    rutabaga.submitCommand(1, frame(11).clear(PipeClear.Color0, [0.5, 0, 1, 1]).finish());
    near(readSrgb(), [128, 0, 255, 255]);
    rutabaga.submitCommand(1, frame(10).drawVbo({ count: 3, mode: TRIANGLES }).finish());
    near(readSrgb(), [188, 188, 188, 128]);
    rutabaga.submitCommand(1, frame(11).drawVbo({ count: 3, mode: TRIANGLES }).finish());
    near(readSrgb(), [128, 128, 128, 128]);
  } finally {
    rutabaga.destroy();
  }
});

test("a sampler view of an sRGB texture decodes; a view with the linear format reads the stored bytes", () => {
  const { rutabaga, readLinear } = scene();
  try {
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setFramebufferState(0, [11])
        .clear(PipeClear.Color0, [128 / 255, 128 / 255, 128 / 255, 1])
        .setFramebufferState(0, [12])
        .bindShader(22, PipeShaderType.Fragment)
        .bindSamplerStates(PipeShaderType.Fragment, 0, [40])
        .setSamplerViews(PipeShaderType.Fragment, 0, [41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    near(readLinear(), [55, 55, 55, 255]);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setSamplerViews(PipeShaderType.Fragment, 0, [42])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    near(readLinear(), [128, 128, 128, 255]);
  } finally {
    rutabaga.destroy();
  }
});

test("BLIT encodes into an sRGB destination format and copies raw between linear formats", () => {
  const { rutabaga, readSrgb } = scene();
  const side = (resourceId: number, format: number) => ({
    resourceId,
    level: 0,
    format,
    x: 0,
    y: 0,
    z: 0,
    w: 4,
    h: 4,
    d: 1,
  });
  try {
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setFramebufferState(0, [12])
        .clear(PipeClear.Color0, [0.5, 0.5, 0.5, 1])
        .blit(side(1, SRGBA8), side(3, RGBA8), PipeMask.Rgba)
        .finish(),
    );
    near(readSrgb(), [188, 188, 188, 255]);
    rutabaga.submitCommand(1, new VirglEncoder().blit(side(1, RGBA8), side(3, RGBA8), PipeMask.Rgba).finish());
    near(readSrgb(), [128, 128, 128, 255]);
  } finally {
    rutabaga.destroy();
  }
});
