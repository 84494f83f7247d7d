import assert from "node:assert/strict";
import { test } from "node:test";
import { transfer2d } from "../../../src/index.ts";
import { create2d, make2d, pattern, readAll, splitAt } from "../../rutabaga/helpers.ts";

const W = 8;
const H = 4;
const PITCH = W * 4;

function setup(cuts: number[], memory = pattern(W * H * 4)) {
  const { rutabaga } = make2d();
  rutabaga.resourceCreate3d(1, create2d(W, H));
  rutabaga.attachBacking(1, splitAt(memory, cuts));
  return { rutabaga, memory };
}

test("a full frame over one iovec copies byte for byte", () => {
  const { rutabaga, memory } = setup([]);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, H));
  assert.deepEqual(readAll(rutabaga, 1, W, H), memory);
});

test("a row crossing an iovec boundary is stitched together", () => {
  const { rutabaga, memory } = setup([PITCH + 13, 2 * PITCH + 1, 2 * PITCH + 2]);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, H));
  assert.deepEqual(readAll(rutabaga, 1, W, H), memory);
});

test("an iovec boundary exactly at a row end", () => {
  const { rutabaga, memory } = setup([PITCH, 2 * PITCH, 3 * PITCH]);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, H));
  assert.deepEqual(readAll(rutabaga, 1, W, H), memory);
});

test("4-byte iovecs: every pixel in its own view", () => {
  const cuts = Array.from({ length: W * H - 1 }, (_, i) => (i + 1) * 4);
  const { rutabaga, memory } = setup(cuts);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, H));
  assert.deepEqual(readAll(rutabaga, 1, W, H), memory);
});

test("a sub-rectangle uses offset = y*pitch + x*4 as Linux sends it (not added twice)", () => {
  const { rutabaga, memory } = setup([40, 77]);
  const x = 3;
  const y = 1;
  rutabaga.transferWrite(0, 1, transfer2d(x, y, 4, 2, y * PITCH + x * 4));
  const got = readAll(rutabaga, 1, W, H);
  const want = new Uint8Array(W * H * 4);
  for (let row = y; row < y + 2; row++) {
    const s = row * PITCH + x * 4;
    want.set(memory.subarray(s, s + 16), s);
  }
  assert.deepEqual(got, want);
});

test("short backing copies what exists and leaves the rest", () => {
  const memory = pattern(PITCH + 10);
  const { rutabaga } = setup([5], memory);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, H));
  const want = new Uint8Array(W * H * 4);
  want.set(memory);
  assert.deepEqual(readAll(rutabaga, 1, W, H), want);
});

test("an offset past the backing copies nothing and succeeds", () => {
  const { rutabaga } = setup([]);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, 1, 10_000));
  assert.ok(readAll(rutabaga, 1, W, H).every((b) => b === 0));
});

test("transfer_read with a destination stride, a sub-rectangle and stride 0", () => {
  const { rutabaga, memory } = setup([33]);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, W, H));
  const out = new Uint8Array(3 * 100);
  rutabaga.transferRead(0, 1, { ...transfer2d(2, 1, 3, 3), stride: 100 }, out);
  for (let r = 0; r < 3; r++) {
    const s = (1 + r) * PITCH + 8;
    assert.deepEqual(out.subarray(r * 100, r * 100 + 12), memory.subarray(s, s + 12));
  }
  const one = new Uint8Array(12);
  rutabaga.transferRead(0, 1, { ...transfer2d(2, 1, 3, 3), stride: 0 }, one);
  assert.deepEqual(one, memory.subarray(3 * PITCH + 8, 3 * PITCH + 20));
});

test("rutabaga_gfx's C test: host memory starts zeroed, backing filled after attach is seen on write", () => {
  const { rutabaga } = make2d();
  rutabaga.resourceCreate3d(1, create2d(256, 4));
  const backing = new Uint8Array(4096);
  rutabaga.attachBacking(1, [backing]);
  backing.fill(8);
  const out = new Uint8Array(4096);
  rutabaga.transferRead(0, 1, transfer2d(0, 0, 256, 4), out);
  assert.equal(out[0], 0);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, 256, 4));
  rutabaga.transferRead(0, 1, transfer2d(0, 0, 256, 4), out);
  assert.equal(out[0], 8);
  rutabaga.detachBacking(1);
  rutabaga.unrefResource(1);
});
