import assert from "node:assert/strict";
import { test } from "node:test";
import { type Resource3DInfo, RutabagaBlobMem, type ScanoutTarget, transfer2d } from "../../src/index.ts";
import { assertCode, create2d, make2d } from "./helpers.ts";

/** A target that counts how often its buffer was asked for. */
function target(width: number, height: number, offset = 0): ScanoutTarget & { asked: number } {
  const bytes = new Uint8Array(width * height * 4);
  return {
    asked: 0,
    offset,
    stride: width * 4,
    bytes() {
      this.asked++;
      return bytes;
    },
  };
}

test("readScanout of a 2D resource is a view of its host copy: no copy, the caller's buffer untouched", () => {
  const { rutabaga } = make2d();
  rutabaga.resourceCreate3d(1, create2d(8, 4));
  const backing = Uint8Array.from({ length: 8 * 4 * 4 }, (_, i) => i & 0xff);
  rutabaga.attachBacking(1, [backing]);
  rutabaga.transferWrite(0, 1, transfer2d(0, 0, 8, 4));
  const t = target(2, 2);
  const image = rutabaga.readScanout(1, { x: 3, y: 1, w: 2, h: 2 }, t);
  assert.equal(t.asked, 0);
  assert.equal(image.stride, 8 * 4);
  assert.equal(image.offset, 1 * 32 + 3 * 4);
  // The view shows what the backing held at (3, 1) and (4, 2).
  assert.deepEqual(image.pixels.subarray(image.offset, image.offset + 4), backing.subarray(44, 48));
  const second = image.offset + image.stride + 4;
  assert.deepEqual(image.pixels.subarray(second, second + 4), backing.subarray(80, 84));
  backing.fill(0);
  assert.notEqual(image.pixels[image.offset + 1], 0, "the host copy, not the guest's pages");
});

test("readScanout of a guest-memory blob copies the rectangle into the caller's target with the scanout stride", () => {
  const { rutabaga } = make2d();
  const pitch = 64;
  const pages = Uint8Array.from({ length: pitch * 8 + 16 }, (_, i) => (i * 7) & 0xff);
  const create = { blobMem: RutabagaBlobMem.Guest, blobFlags: 0, blobId: 0n, size: BigInt(pages.length) };
  rutabaga.resourceCreateBlob(0, 5, create, [pages.subarray(0, 100), pages.subarray(100)]);
  const info: Resource3DInfo = {
    width: 10,
    height: 8,
    drmFourcc: 0,
    strides: [pitch, 0, 0, 0],
    offsets: [16, 0, 0, 0],
    modifier: 0n,
  };
  rutabaga.setScanout(0, 5, info);
  const t = target(4, 3, 4 * 4 + 4);
  const image = rutabaga.readScanout(5, { x: 2, y: 1, w: 3, h: 2 }, t, 16);
  assert.equal(t.asked, 1);
  assert.equal(image.pixels, t.bytes());
  assert.equal(image.offset, t.offset);
  for (let row = 0; row < 2; row++) {
    const from = 16 + (1 + row) * pitch + 2 * 4;
    const at = t.offset + row * t.stride;
    assert.deepEqual(image.pixels.subarray(at, at + 12), pages.subarray(from, from + 12), `row ${row}`);
  }
});

test("readScanout refuses rectangles outside a 2D resource and unknown resources", () => {
  const { rutabaga } = make2d();
  rutabaga.resourceCreate3d(1, create2d(8, 4));
  assertCode(() => rutabaga.readScanout(1, { x: 7, y: 0, w: 2, h: 1 }, target(2, 1)), "CheckedRange");
  assertCode(() => rutabaga.readScanout(1, { x: 0xffff_ffff, y: 0, w: 2, h: 1 }, target(2, 1)), "CheckedArithmetic");
  assertCode(() => rutabaga.readScanout(2, { x: 0, y: 0, w: 1, h: 1 }, target(1, 1)), "InvalidResourceId");
});
