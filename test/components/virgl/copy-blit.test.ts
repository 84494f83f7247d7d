import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeMask } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

/** The whole `w`×`h` level 0, tightly packed. */
const full = (w: number, h: number) => transfer2d(0, 0, w, h);

test("RESOURCE_COPY_REGION copies texture boxes and buffer ranges exactly", () => {
  const { rutabaga } = makeVirgl();
  try {
    const a = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    const b = createWithBacking(rutabaga, 2, res({ width: 4, height: 4 }), 64);
    for (let i = 0; i < 64; i++) a[i] = i;
    rutabaga.transferWrite(1, 1, full(4, 4));
    rutabaga.transferWrite(1, 2, full(4, 4)); // zeros
    // dst (2) level 0 at (1,1,0) <- src (1) level 0 box (0,0,0) 2x2x1
    const copy = new VirglEncoder().copyRegion(
      { resourceId: 2, level: 0, x: 1, y: 1, z: 0 },
      { resourceId: 1, level: 0, x: 0, y: 0, z: 0 },
      2,
      2,
      1,
    );
    rutabaga.submitCommand(1, copy.finish());
    rutabaga.transferRead(1, 2, full(4, 4));
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const inBox = x >= 1 && x < 3 && y >= 1 && y < 3;
        const s = ((y - 1) * 4 + (x - 1)) * 4;
        const expect = inBox ? [s, s + 1, s + 2, s + 3] : [0, 0, 0, 0];
        assert.deepEqual([...b.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)], expect, `${x},${y}`);
      }
    const bufA = createWithBacking(rutabaga, 3, res({ target: 0, format: 64, bind: 0x10, width: 32, height: 1 }), 32);
    const bufB = createWithBacking(rutabaga, 4, res({ target: 0, format: 64, bind: 0x10, width: 32, height: 1 }), 32);
    bufA.set(Array.from({ length: 32 }, (_, i) => 100 + i));
    rutabaga.transferWrite(1, 3, full(32, 1));
    rutabaga.transferWrite(1, 4, full(32, 1));
    const bufferCopy = new VirglEncoder().copyRegion(
      { resourceId: 4, level: 0, x: 8, y: 0, z: 0 },
      { resourceId: 3, level: 0, x: 2, y: 0, z: 0 },
      10,
      1,
      1,
    );
    rutabaga.submitCommand(1, bufferCopy.finish());
    rutabaga.transferRead(1, 4, full(32, 1));
    assert.deepEqual(
      [...bufB.subarray(8, 18)],
      Array.from({ length: 10 }, (_, i) => 102 + i),
    );
    assert.equal(bufB[7], 0);
    assert.equal(bufB[18], 0);
  } finally {
    rutabaga.destroy();
  }
});

test("BLIT scales with nearest filtering and honours the destination box", () => {
  const { rutabaga } = makeVirgl();
  try {
    const src = createWithBacking(rutabaga, 1, res({ width: 2, height: 2 }), 16);
    const dst = createWithBacking(rutabaga, 2, res({ width: 4, height: 4 }), 64);
    src.set([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
    rutabaga.transferWrite(1, 1, full(2, 2));
    rutabaga.transferWrite(1, 2, full(4, 4));
    // mask RGBA, nearest; dst 4x4 at 0,0 <- src 2x2
    const blit = new VirglEncoder().blit(
      { resourceId: 2, level: 0, format: RGBA8, x: 0, y: 0, z: 0, w: 4, h: 4, d: 1 },
      { resourceId: 1, level: 0, format: RGBA8, x: 0, y: 0, z: 0, w: 2, h: 2, d: 1 },
      PipeMask.Rgba,
    );
    rutabaga.submitCommand(1, blit.finish());
    rutabaga.transferRead(1, 2, full(4, 4));
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const s = ((y >> 1) * 2 + (x >> 1)) * 4;
        assert.deepEqual(
          [...dst.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)],
          [...src.subarray(s, s + 4)],
          `${x},${y}`,
        );
      }
  } finally {
    rutabaga.destroy();
  }
});

test("RESOURCE_INLINE_WRITE uploads the command's own bytes into a box", () => {
  const { rutabaga } = makeVirgl();
  try {
    const b = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    rutabaga.transferWrite(1, 1, full(4, 4));
    // 2x1 box at (1,2): two RGBA8 texels, stride 8
    const box = { level: 0, stride: 8, layerStride: 0, x: 1, y: 2, z: 0, w: 2, h: 1, d: 1, offset: 0 };
    rutabaga.submitCommand(1, new VirglEncoder().inlineWrite(1, box, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)).finish());
    rutabaga.transferRead(1, 1, full(4, 4));
    assert.deepEqual([...b.subarray(36, 44)], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...b.subarray(32, 36)], [0, 0, 0, 0]);
  } finally {
    rutabaga.destroy();
  }
});
