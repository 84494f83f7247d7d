import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, res } from "./helpers.ts";

const full = transfer2d(0, 0, 4, 4);

function clearDepthStencil(format: number, depth: number, stencil: number): Uint32Array {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ format, bind: 1 }), 64);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createSurface(5, 1, format)
        .setFramebufferState(5, [])
        .clear(PipeClear.Depth | PipeClear.Stencil, [0, 0, 0, 0], depth, stencil)
        .finish(),
    );
    rutabaga.transferRead(1, 1, full);
    return new Uint32Array(backing.buffer.slice(0));
  } finally {
    rutabaga.destroy();
  }
}

test("CLEAR of Z24_UNORM_S8_UINT reads back in Gallium's layout (depth low 24 bits, stencil high 8)", () => {
  for (const word of clearDepthStencil(19, 1.0, 0x5a)) assert.equal(word, (0x5a << 24) | 0xffffff);
  for (const word of clearDepthStencil(19, 0.0, 0x01)) assert.equal(word, 0x01000000);
});

test("CLEAR of S8_UINT_Z24_UNORM reads back with stencil low and depth high", () => {
  for (const word of clearDepthStencil(20, 1.0, 0x33)) assert.equal(word >>> 0, ((0xffffff << 8) | 0x33) >>> 0);
});

test("CLEAR of Z32_FLOAT gives the exact float", () => {
  const words = clearDepthStencil(18, 0.25, 0);
  for (const word of words) assert.equal(new Float32Array(Uint32Array.of(word).buffer)[0], 0.25);
});

test("Z24S8 uploads convert to GL's layout and back without loss", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ format: 19, bind: 1 }), 64);
    const words = new Uint32Array(backing.buffer);
    for (let i = 0; i < 16; i++) words[i] = ((i * 0x10) << 24) | (i * 0x111111);
    const expected = words.slice();
    rutabaga.transferWrite(1, 1, full);
    words.fill(0);
    rutabaga.transferRead(1, 1, full);
    assert.deepEqual(words, expected);
  } finally {
    rutabaga.destroy();
  }
});
