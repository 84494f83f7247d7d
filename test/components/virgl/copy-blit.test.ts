import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCmd } from "../../../src/components/virgl/protocol/commands.ts";
import { transfer2d } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, res, stream } from "./helpers.ts";

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
    rutabaga.submitCommand(1, stream([VirglCmd.ResourceCopyRegion, 0, 2, 0, 1, 1, 0, 1, 0, 0, 0, 0, 2, 2, 1]));
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
    rutabaga.submitCommand(1, stream([VirglCmd.ResourceCopyRegion, 0, 4, 0, 8, 0, 0, 3, 0, 2, 0, 0, 10, 1, 1]));
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
    rutabaga.submitCommand(
      1,
      stream([VirglCmd.Blit, 0, 0xf, 0, 0, 2, 0, 67, 0, 0, 0, 4, 4, 1, 1, 0, 67, 0, 0, 0, 2, 2, 1]),
    );
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
    rutabaga.submitCommand(
      1,
      stream([VirglCmd.ResourceInlineWrite, 0, 1, 0, 0, 8, 0, 1, 2, 0, 2, 1, 1, 0x04030201, 0x08070605]),
    );
    rutabaga.transferRead(1, 1, full(4, 4));
    assert.deepEqual([...b.subarray(36, 44)], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...b.subarray(32, 36)], [0, 0, 0, 0]);
  } finally {
    rutabaga.destroy();
  }
});
