import assert from "node:assert/strict";
import { test } from "node:test";
import type { Rutabaga, Transfer3D } from "../../../src/index.ts";
import { makeVirgl, res } from "./helpers.ts";

// TRANSFER_FROM_HOST_3D reads through one scratch buffer kept across read-backs: these check the bytes of boxes
// that cannot be read straight into guest memory (rows apart, layers apart, scattered backing) and that a
// smaller read-back after a larger one leaves nothing of the larger behind.

const W = 16;
const H = 12;
const LAYERS = 3;
const LEVELS = 3;
const SENTINEL = 0xee;

/** The RGBA8 texel every test writes at (x, y) of `layer` of `level`: four bytes naming where it is. */
function texel(level: number, layer: number, x: number, y: number): number[] {
  return [x, y, layer * 16 + level, (x * 7 + y * 13 + layer * 29 + level * 31) & 0xff];
}

/** Resource 1: a W×H RGBA8 2D array of LAYERS layers and LEVELS levels, every texel written with {@link texel}. */
function fillArray(rutabaga: Rutabaga, backing: Uint8Array[]): void {
  rutabaga.resourceCreate3d(1, res({ target: 7, width: W, height: H, arraySize: LAYERS, lastLevel: LEVELS - 1 }));
  rutabaga.attachBacking(1, backing);
  rutabaga.contextAttachResource(1, 1);
  for (let level = 0; level < LEVELS; level++) {
    const w = W >> level;
    const h = H >> level;
    const bytes = new Uint8Array(w * h * 4 * LAYERS);
    for (let layer = 0; layer < LAYERS; layer++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) bytes.set(texel(level, layer, x, y), ((layer * h + y) * w + x) * 4);
    const box: Transfer3D = { x: 0, y: 0, z: 0, w, h, d: LAYERS, level, stride: 0, layerStride: 0, offset: 0 };
    rutabaga.transferWrite(1, 1, box, bytes);
  }
}

/** The guest memory as one array, however it is split. */
function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Guest memory of `bytes` in pieces of `piece` bytes (the last shorter), each filled with the sentinel. */
function pieces(bytes: number, piece: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes; at += piece) out.push(new Uint8Array(Math.min(piece, bytes - at)).fill(SENTINEL));
  return out;
}

/** Checks that guest memory holds `box`'s texels where its layout puts them and the sentinel everywhere else. */
function assertBox(memory: Uint8Array, box: Transfer3D, label: string): void {
  const rowBytes = box.w * 4;
  const stride = box.stride;
  const layerStride = box.layerStride;
  const expected = new Uint8Array(memory.byteLength).fill(SENTINEL);
  for (let z = 0; z < box.d; z++)
    for (let y = 0; y < box.h; y++)
      for (let x = 0; x < box.w; x++) {
        const at = box.offset + z * layerStride + y * stride + x * 4;
        expected.set(texel(box.level, box.z + z, box.x + x, box.y + y), at);
      }
  for (let i = 0; i < memory.byteLength; i++) {
    if (memory[i] !== expected[i]) {
      const rel = i - box.offset;
      assert.fail(
        `${label}: byte ${i} (layer ${Math.floor(rel / layerStride)}, row ${Math.floor((rel % layerStride) / stride)}, ` +
          `column byte ${(rel % layerStride) % stride} of ${rowBytes}) is ${memory[i]}, expected ${expected[i]}`,
      );
    }
  }
}

/** A box inside level 1, from layer 1, rows and layers apart in guest memory (stride ≠ width × 4). */
const INNER: Transfer3D = {
  x: 3,
  y: 2,
  z: 1,
  w: 4,
  h: 3,
  d: 2,
  level: 1,
  stride: 4 * 4 + 12,
  layerStride: 0,
  offset: 20,
};
INNER.layerStride = INNER.stride * INNER.h + 8;
const INNER_SPAN = INNER.offset + INNER.layerStride * INNER.d + 16;

for (const [name, piece] of [
  ["one contiguous backing", 1 << 20],
  ["a backing in 4 KiB pages", 4096],
  ["a backing in 100-byte pieces (rows split across pieces)", 100],
] as const) {
  test(`a box inside level 1 from layer 1, strided and layer-strided, lands byte-exact in ${name}`, () => {
    const { rutabaga } = makeVirgl();
    try {
      const memory = pieces(Math.max(INNER_SPAN, W * H * 4 * LAYERS), piece);
      fillArray(rutabaga, memory);
      for (const p of memory) p.fill(SENTINEL);
      rutabaga.transferRead(1, 1, INNER);
      assertBox(joined(memory), INNER, name);
    } finally {
      rutabaga.destroy();
    }
  });
}

test("a smaller read-back after a larger one carries nothing of the larger (the scratch is reused)", () => {
  const { rutabaga, component } = makeVirgl();
  try {
    const memory = pieces(W * H * 4 * LAYERS + 64, 1000);
    fillArray(rutabaga, memory);
    // Level 0, every layer, tightly packed: fills the scratch with layer 0..2 texels.
    const whole: Transfer3D = {
      x: 0,
      y: 0,
      z: 0,
      w: W,
      h: H,
      d: LAYERS,
      level: 0,
      stride: W * 4,
      layerStride: W * H * 4,
      offset: 0,
    };
    for (const p of memory) p.fill(SENTINEL);
    rutabaga.transferRead(1, 1, whole);
    assertBox(joined(memory), whole, "level 0, all layers");
    const kept = component.readbackScratch.keptBytes;
    assert.ok(kept >= W * H * 4 * LAYERS, "the larger read-back went through the scratch");
    // Level 2 (4×3), layer 2, one row apart by 4 bytes.
    const small: Transfer3D = { x: 1, y: 1, z: 2, w: 3, h: 2, d: 1, level: 2, stride: 16, layerStride: 0, offset: 4 };
    for (const p of memory) p.fill(SENTINEL);
    rutabaga.transferRead(1, 1, small);
    assertBox(joined(memory), { ...small, layerStride: small.stride * small.h }, "level 2, layer 2");
    assert.equal(component.readbackScratch.keptBytes, kept, "no new scratch for a smaller read-back");
  } finally {
    rutabaga.destroy();
  }
});

test("a tightly packed box in one contiguous backing is read straight into it (the scratch stays unused)", () => {
  const { rutabaga, component } = makeVirgl();
  try {
    const memory = pieces(W * H * 4 * LAYERS, 1 << 20);
    fillArray(rutabaga, memory);
    for (const p of memory) p.fill(SENTINEL);
    const box: Transfer3D = { x: 0, y: 0, z: 1, w: W, h: H, d: 1, level: 0, stride: W * 4, layerStride: 0, offset: 0 };
    rutabaga.transferRead(1, 1, box);
    assertBox(joined(memory), { ...box, layerStride: W * H * 4 }, "level 0, layer 1");
    assert.equal(component.readbackScratch.keptBytes, 0);
  } finally {
    rutabaga.destroy();
  }
});
