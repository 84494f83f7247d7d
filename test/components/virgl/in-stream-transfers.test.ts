import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCmd, VirglTransferDirection } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, res } from "./helpers.ts";

/** The whole `w`×`h` level 0, tightly packed. */
const full = (w: number, h: number) => transfer2d(0, 0, w, h);

test("TRANSFER3D moves boxes both ways between the backing and the GL", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64 + 32);
    const data = backing.subarray(32, 64 + 32);
    for (let i = 0; i < 64; i++) data[i] = 200 - i;
    const expected = data.slice();
    // to host: whole level from backing offset 32
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .transfer3d(1, { ...full(4, 4), offset: 32 }, VirglTransferDirection.ToHost)
        .raw(VirglCmd.EndTransfers, 0, [])
        .finish(),
    );
    backing.fill(0);
    // from host: rows 1..2 only, into offset 32 + 16 (its own place in the level layout)
    const rows = { ...transfer2d(0, 1, 4, 2), offset: 48 };
    rutabaga.submitCommand(1, new VirglEncoder().transfer3d(1, rows, VirglTransferDirection.FromHost).finish());
    assert.deepEqual([...backing.subarray(48, 80)], [...expected.subarray(16, 48)]);
    assert.equal(backing[47], 0);
    assert.equal(backing[80], 0);
  } finally {
    rutabaga.destroy();
  }
});

test("COPY_TRANSFER3D uploads from a staging buffer's backing", () => {
  const { rutabaga } = makeVirgl();
  try {
    const tex = createWithBacking(rutabaga, 1, res({ width: 2, height: 2 }), 16);
    const staging = createWithBacking(
      rutabaga,
      2,
      res({ target: 0, format: 64, bind: 1 << 19, width: 64, height: 1 }),
      64,
    );
    staging.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 8);
    // dst 1 level 0, stride 8, box 2x2 at 0,0; src resource 2 offset 8
    const box = { ...full(2, 2), stride: 8, offset: 8 };
    rutabaga.submitCommand(1, new VirglEncoder().copyTransfer3d(1, box, 2, 1).finish());
    rutabaga.transferRead(1, 1, full(2, 2));
    assert.deepEqual([...tex], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  } finally {
    rutabaga.destroy();
  }
});

test("CLEAR_TEXTURE fills a box with the packed texel", () => {
  const { rutabaga } = makeVirgl();
  try {
    const b = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    rutabaga.transferWrite(1, 1, full(4, 4));
    const clear = new VirglEncoder().clearTexture(
      1,
      0,
      { x: 1, y: 1, z: 0, w: 2, h: 2, d: 1 },
      Uint8Array.of(9, 8, 7, 6),
    );
    rutabaga.submitCommand(1, clear.finish());
    rutabaga.transferRead(1, 1, full(4, 4));
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const inBox = x >= 1 && x < 3 && y >= 1 && y < 3;
        assert.deepEqual([...b.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)], inBox ? [9, 8, 7, 6] : [0, 0, 0, 0]);
      }
  } finally {
    rutabaga.destroy();
  }
});
