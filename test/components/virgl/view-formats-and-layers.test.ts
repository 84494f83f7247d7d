import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeMask } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VIRGL_FORMATS } from "../../../src/components/virgl/resources/formats.ts";
import { viewInternalFormat } from "../../../src/components/virgl/resources/texture-view.ts";
import { transfer2d, VirglBind } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

// virgl_hw.h: R8G8B8_UINT 179, R8G8B8X8_UNORM 134, R8G8B8A8_SNORM 77, R8G8B8_SINT 183, RGTC1_UNORM 113,
// R8G8B8A8_UINT 180; p_defines.h PIPE_TEXTURE_2D_ARRAY 7.
const fmt = (n: number) => VIRGL_FORMATS.get(n)!;
const TEXTURE_2D_ARRAY = 7;
const RGTC1 = 113;
const RGBA8_UINT = 180;

test("a view across three- and four-channel storage of one RGB format takes the sibling of the storage's size", () => {
  assert.equal(viewInternalFormat(fmt(179), fmt(134)), 0x8051, "RGB8 over RGB8UI, not RGBA8");
  assert.equal(viewInternalFormat(fmt(77), fmt(183)), 0x8d8e, "RGBA8I over RGBA8_SNORM, not RGB8I");
  assert.equal(viewInternalFormat(fmt(67), fmt(77)), 0x8f97, "same size: the view's own format");
});

test("a surface of some layers of an array (layered) clears only those layers", () => {
  const { rutabaga } = makeVirgl();
  try {
    const bind = VirglBind.RenderTarget | VirglBind.SamplerView;
    const tex = createWithBacking(rutabaga, 1, res({ target: TEXTURE_2D_ARRAY, arraySize: 3, bind }), 3 * 64);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createSurface(10, 1, RGBA8, 0, 1, 2)
        .setFramebufferState(0, [10])
        .clear(PipeClear.Color0, [1, 0, 0, 1])
        .finish(),
    );
    rutabaga.transferRead(1, 1, { ...transfer2d(0, 0, 4, 4), d: 3 });
    assert.deepEqual([...tex.subarray(0, 4)], [0, 0, 0, 0], "layer 0 untouched");
    assert.deepEqual([...tex.subarray(64, 68)], [255, 0, 0, 255]);
    assert.deepEqual([...tex.subarray(128, 132)], [255, 0, 0, 255]);
  } finally {
    rutabaga.destroy();
  }
});

test("BLIT from a compressed texture decompresses it into the destination", () => {
  const { rutabaga } = makeVirgl();
  try {
    const bind = VirglBind.SamplerView;
    // One RGTC1 block: both endpoints 255, every index 0: red 1 everywhere.
    const block = createWithBacking(rutabaga, 1, res({ format: RGTC1, bind }), 8);
    block.set([255, 255, 0, 0, 0, 0, 0, 0]);
    rutabaga.transferWrite(1, 1, transfer2d(0, 0, 4, 4));
    const dst = createWithBacking(rutabaga, 2, res({ bind: VirglBind.RenderTarget | bind }), 64);
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
    rutabaga.submitCommand(1, new VirglEncoder().blit(side(2, RGBA8), side(1, RGTC1), PipeMask.Rgba).finish());
    rutabaga.transferRead(1, 2, transfer2d(0, 0, 4, 4));
    assert.deepEqual([...dst.subarray(0, 8)], [255, 0, 0, 255, 255, 0, 0, 255]);
  } finally {
    rutabaga.destroy();
  }
});

test("a BLIT the host GL refuses (integer into normalized) writes nothing and costs the guest nothing else", () => {
  const { rutabaga } = makeVirgl();
  try {
    const bind = VirglBind.RenderTarget | VirglBind.SamplerView;
    createWithBacking(rutabaga, 1, res({ format: RGBA8_UINT, bind }), 64);
    const dst = createWithBacking(rutabaga, 2, res({ bind }), 64);
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
    rutabaga.submitCommand(1, new VirglEncoder().blit(side(2, RGBA8), side(1, RGBA8_UINT), PipeMask.Rgba).finish());
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createSurface(10, 2, RGBA8)
        .setFramebufferState(0, [10])
        .clear(PipeClear.Color0, [0, 1, 0, 1])
        .finish(),
    );
    rutabaga.transferRead(1, 2, transfer2d(0, 0, 4, 4));
    assert.deepEqual([...dst.subarray(0, 4)], [0, 255, 0, 255]);
  } finally {
    rutabaga.destroy();
  }
});
