import assert from "node:assert/strict";
import { test } from "node:test";
import { isRutabagaError, type Transfer3D, transfer2d } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, res } from "./helpers.ts";

function pattern(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 31 + seed) & 0xff;
  return a;
}

const box = (o: Partial<Transfer3D>): Transfer3D => ({ ...transfer2d(0, 0, 1, 1), ...o });

test("every Gallium target creates and round-trips a full level through transfers", () => {
  const { rutabaga } = makeVirgl();
  try {
    const cases = [
      {
        name: "buffer",
        c: res({ target: 0, format: 64, bind: 0x10, width: 64, height: 1 }),
        b: box({ w: 64 }),
        bytes: 64,
      },
      {
        name: "query buffer with array size 0",
        c: res({ target: 0, format: 64, bind: 1 << 17, width: 8, height: 1, arraySize: 0 }),
        b: box({ w: 8 }),
        bytes: 8,
      },
      { name: "1D", c: res({ target: 1, width: 16, height: 1 }), b: box({ w: 16 }), bytes: 64 },
      { name: "2D", c: res({ width: 8, height: 4 }), b: box({ w: 8, h: 4 }), bytes: 128 },
      { name: "3D", c: res({ target: 3, width: 4, height: 4, depth: 3 }), b: box({ w: 4, h: 4, d: 3 }), bytes: 192 },
      {
        name: "cube",
        c: res({ target: 4, width: 4, height: 4, arraySize: 6 }),
        b: box({ w: 4, h: 4, d: 6 }),
        bytes: 384,
      },
      { name: "rect", c: res({ target: 5, width: 5, height: 3 }), b: box({ w: 5, h: 3 }), bytes: 60 },
      { name: "1D array", c: res({ target: 6, width: 8, height: 1, arraySize: 3 }), b: box({ w: 8, d: 3 }), bytes: 96 },
      {
        name: "2D array",
        c: res({ target: 7, width: 4, height: 2, arraySize: 5 }),
        b: box({ w: 4, h: 2, d: 5 }),
        bytes: 160,
      },
      {
        name: "cube array",
        c: res({ target: 8, width: 2, height: 2, arraySize: 12 }),
        b: box({ w: 2, h: 2, d: 12 }),
        bytes: 192,
      },
    ];
    let id = 1;
    for (const { name, c, b, bytes } of cases) {
      const backing = createWithBacking(rutabaga, id, c, bytes);
      const data = pattern(bytes, id);
      backing.set(data);
      rutabaga.transferWrite(1, id, b);
      backing.fill(0);
      rutabaga.transferRead(1, id, b);
      assert.deepEqual(backing, data, name);
      id++;
    }
  } finally {
    rutabaga.destroy();
  }
});

test("sub-boxes with strides, offsets, levels and layers land where they should", () => {
  const { rutabaga } = makeVirgl();
  try {
    // 2D array 8x8, 3 levels, 4 layers, RGBA8: write a 3x2x2 box at level 1 from a strided, offset layout.
    const backing = createWithBacking(
      rutabaga,
      1,
      res({ target: 7, width: 8, height: 8, arraySize: 4, lastLevel: 2 }),
      4096,
    );
    const stride = 20;
    const layerStride = 64;
    const offset = 100;
    const src = pattern(4096, 7);
    backing.set(src);
    rutabaga.transferWrite(1, 1, box({ x: 1, y: 2, z: 1, w: 3, h: 2, d: 2, level: 1, stride, layerStride, offset }));
    // Read the whole level 1 (4x4x4) tightly and check the box and nothing else.
    backing.fill(0);
    rutabaga.transferRead(1, 1, box({ w: 4, h: 4, d: 4, level: 1 }));
    const level = backing.slice(0, 4 * 4 * 4 * 4);
    for (let z = 0; z < 4; z++)
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) {
          const got = [...level.subarray(((z * 4 + y) * 4 + x) * 4, ((z * 4 + y) * 4 + x) * 4 + 4)];
          const inBox = x >= 1 && x < 4 && y >= 2 && y < 4 && z >= 1 && z < 3;
          const o = offset + (z - 1) * layerStride + (y - 2) * stride + (x - 1) * 4;
          assert.deepEqual(got, inBox ? [...src.subarray(o, o + 4)] : [0, 0, 0, 0], `texel ${x},${y},${z}`);
        }
  } finally {
    rutabaga.destroy();
  }
});

test("bad creates and out-of-range boxes are typed errors and change nothing", () => {
  const { rutabaga } = makeVirgl();
  try {
    for (const c of [
      res({ target: 9 }),
      res({ target: 4, arraySize: 5 }),
      res({ width: 0 }),
      res({ format: 999 }),
      res({ lastLevel: 10 }),
      res({ width: 1 << 20 }),
      res({ target: 0, height: 2 }),
      res({ format: 113, bind: 2 }), // RGTC1 as a render target
      res({ format: 67, bind: 1 }), // RGBA8 as depth/stencil
    ]) {
      assert.throws(
        () => rutabaga.resourceCreate3d(50, c),
        (e: unknown) => isRutabagaError(e),
      );
    }
    // A zero extent is a bad parameter (CheckedRange → ERR_INVALID_PARAMETER), not a bad resource id.
    for (const c of [
      res({ width: 0 }),
      res({ height: 0 }),
      res({ target: 3, depth: 0 }),
      res({ target: 4, arraySize: 0 }),
      res({ target: 0, width: 0, height: 1 }),
    ]) {
      assert.throws(
        () => rutabaga.resourceCreate3d(50, c),
        (e: unknown) => isRutabagaError(e, "CheckedRange"),
        JSON.stringify(c),
      );
    }
    createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    assert.throws(
      () => rutabaga.transferWrite(1, 1, box({ x: 2, w: 3, h: 1 })),
      (e: unknown) => isRutabagaError(e, "InvalidCommandBuffer"),
    );
    assert.throws(
      () => rutabaga.transferWrite(1, 1, box({ w: 4, h: 4, offset: 8 })),
      (e: unknown) => isRutabagaError(e, "InvalidIovec"),
    );
    rutabaga.transferWrite(1, 1, box({ w: 4, h: 4 }));
  } finally {
    rutabaga.destroy();
  }
});

test("1D-array layers are Gallium's z: a one-layer box lands in that layer only", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ target: 6, width: 4, height: 1, arraySize: 3 }), 48);
    rutabaga.transferWrite(1, 1, box({ w: 4, d: 3 })); // zeros everywhere
    backing.set(pattern(16, 3), 32);
    rutabaga.transferWrite(1, 1, box({ z: 2, w: 4, offset: 32 }));
    backing.fill(0);
    rutabaga.transferRead(1, 1, box({ w: 4, d: 3 }));
    assert.deepEqual([...backing.subarray(0, 32)], new Array(32).fill(0));
    assert.deepEqual(backing.subarray(32), pattern(16, 3));
  } finally {
    rutabaga.destroy();
  }
});
