import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCap } from "../../../src/components/virgl/caps/caps.ts";
import { VirglCapsView } from "../../../src/components/virgl/caps/caps-view.ts";
import { PipeMask, PipeShaderType, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d, VirglBind } from "../../../src/index.ts";
import { glObjectCensus } from "../../../src/node/gl/gl-object-census.ts";
import { createWithBacking, RGBA8, res } from "./helpers.ts";
import { samplingScene, TRIANGLES } from "./sampling-scene.ts";

// virgl_hw.h / p_defines.h: R8G8B8A8_UINT 180, PIPE_TEXTURE_2D 2, PIPE_TEXTURE_2D_ARRAY 7.
const RGBA8_UINT = 180;
const TEXTURE_2D = 2;
const TEXTURE_2D_ARRAY = 7;

/** Fetches texel (0, 0) of an unsigned-integer 2D view and writes it / 255 as the colour. */
const UINT_FS =
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, UINT\nDCL TEMP[0]\n" +
  "IMM[0] INT32 {0, 0, 0, 0}\nIMM[1] FLT32 {0.00392156862745098, 0, 0, 0}\n" +
  "  0: TXF TEMP[0], IMM[0], SAMP[0], 2D\n  1: U2F TEMP[0], TEMP[0]\n  2: MUL OUT[0], TEMP[0], IMM[1].xxxx\n  3: END\n";

/** Fetches texel (0, 0) of a float 2D view as the colour. */
const FLOAT_FS =
  "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, FLOAT\n" +
  "IMM[0] INT32 {0, 0, 0, 0}\n  0: TXF OUT[0], IMM[0], SAMP[0], 2D\n  1: END\n";

function fill(rutabaga: ReturnType<typeof samplingScene>["rutabaga"], id: number, layers: number[][]): void {
  const bytes = new Uint8Array(16 * 4 * layers.length);
  layers.forEach((rgba, z) => {
    for (let i = 0; i < 16; i++) bytes.set(rgba, (z * 16 + i) * 4);
  });
  const backing = createWithBacking(
    rutabaga,
    id,
    res({
      target: layers.length > 1 ? TEXTURE_2D_ARRAY : TEXTURE_2D,
      arraySize: layers.length,
      bind: VirglBind.SamplerView | VirglBind.RenderTarget,
    }),
    bytes.byteLength,
  );
  backing.set(bytes);
  rutabaga.transferWrite(1, id, { ...transfer2d(0, 0, 4, 4), d: layers.length });
}

function drawWith(fs: string, view: VirglEncoder): VirglEncoder {
  return view
    .createShader(21, PipeShaderType.Fragment, fs)
    .bindShader(21, PipeShaderType.Fragment)
    .setSamplerViews(PipeShaderType.Fragment, 0, [40])
    .createSamplerState(41, 0)
    .bindSamplerStates(PipeShaderType.Fragment, 0, [41])
    .drawVbo({ count: 3, mode: TRIANGLES });
}

test("the caps advertise texture views on a GL 4.3 host", () => {
  const { rutabaga } = samplingScene();
  try {
    assert.ok((new VirglCapsView(rutabaga.getCapset(2, 2)).u32("capabilityBits") & VirglCap.TextureView) !== 0);
  } finally {
    rutabaga.destroy();
  }
});

test("a sampler view in another format of the same size reads the resource's bytes as that format", () => {
  const { rutabaga, pixels } = samplingScene();
  try {
    fill(rutabaga, 3, [[12, 34, 56, 78]]);
    rutabaga.submitCommand(
      1,
      drawWith(UINT_FS, new VirglEncoder().createSamplerView(40, 3, RGBA8_UINT, { target: TEXTURE_2D })).finish(),
    );
    assert.deepEqual(pixels(), new Array(16).fill([12, 34, 56, 78]));
  } finally {
    rutabaga.destroy();
  }
});

test("a 2D sampler view of one layer of an array samples that layer", () => {
  const { rutabaga, pixels } = samplingScene();
  try {
    fill(rutabaga, 3, [
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
    ]);
    const view = new VirglEncoder().createSamplerView(40, 3, RGBA8, {
      target: TEXTURE_2D,
      firstLayer: 1,
      lastLayer: 1,
    });
    rutabaga.submitCommand(1, drawWith(FLOAT_FS, view).finish());
    assert.deepEqual(pixels(), new Array(16).fill([0, 255, 0, 255]));
  } finally {
    rutabaga.destroy();
  }
});

test("BLIT reads and writes each side in its own format (an integer blit between unorm and uint storage)", () => {
  const { rutabaga } = samplingScene();
  try {
    fill(rutabaga, 3, [[200, 100, 50, 25]]);
    const dst = createWithBacking(
      rutabaga,
      4,
      res({ format: RGBA8_UINT, bind: VirglBind.SamplerView | VirglBind.RenderTarget }),
      64,
    );
    const side = (resourceId: number) => ({
      resourceId,
      level: 0,
      format: RGBA8_UINT,
      x: 0,
      y: 0,
      z: 0,
      w: 4,
      h: 4,
      d: 1,
    });
    rutabaga.submitCommand(1, new VirglEncoder().blit(side(4), side(3), PipeMask.Rgba).finish());
    rutabaga.transferRead(1, 4, transfer2d(0, 0, 4, 4));
    assert.deepEqual([...dst.subarray(0, 8)], [200, 100, 50, 25, 200, 100, 50, 25]);
  } finally {
    rutabaga.destroy();
  }
});

test("a resource's views are deleted with it", () => {
  const { rutabaga, pixels } = samplingScene();
  try {
    fill(rutabaga, 3, [[1, 2, 3, 4]]);
    rutabaga.submitCommand(
      1,
      drawWith(UINT_FS, new VirglEncoder().createSamplerView(40, 3, RGBA8_UINT, { target: TEXTURE_2D })).finish(),
    );
    assert.deepEqual(pixels()[0], [1, 2, 3, 4]);
    const live = glObjectCensus.live().texture ?? 0;
    rutabaga.unrefResource(3);
    assert.equal(glObjectCensus.live().texture ?? 0, live - 2, "the texture and its one view");
  } finally {
    rutabaga.destroy();
  }
});

test("a view the host refuses (a cube of a one-layer 2D texture, an unknown target) binds nothing; later draws work", () => {
  const { rutabaga, pixels } = samplingScene();
  try {
    fill(rutabaga, 3, [[0, 255, 0, 255]]);
    const draws = (target: number) =>
      drawWith(FLOAT_FS, new VirglEncoder().createSamplerView(40, 3, RGBA8, { target, firstLayer: 0, lastLayer: 5 }));
    // PIPE_TEXTURE_CUBE 4; 200 names no target (the resource's is used).
    rutabaga.submitCommand(1, draws(4).finish());
    assert.deepEqual(pixels()[0], [0, 0, 0, 255], "the default texture: black, opaque");
    rutabaga.submitCommand(1, new VirglEncoder().destroyObject(VirglObject.SamplerView, 40).finish());
    rutabaga.submitCommand(1, draws(200).finish());
    assert.deepEqual(pixels(), new Array(16).fill([0, 255, 0, 255]));
  } finally {
    rutabaga.destroy();
  }
});
