import assert from "node:assert/strict";
import { test } from "node:test";
import { fourcc, fourccName, linearImageLayout } from "../../../src/components/cross-domain/image-layout.ts";
import { isRutabagaError } from "../../../src/rutabaga/error.ts";

// rutabaga_gfx formats.rs tests (rutabaga.md §9 items 3-5): canonical sizes before page rounding.
test("fourcc names print as rutabaga_gfx's Debug does", () => {
  assert.equal(fourcc("XR24"), 0x34325258);
  assert.equal(fourccName(fourcc("XR24")), "fourcc(XR24)");
  assert.equal(fourccName(0 | (1 << 8) | (2 << 16) | (16 << 24)), "fourcc(0x00010210)");
});

test("canonical single-plane layouts: R8 and XR24 10x10", () => {
  const r8 = linearImageLayout(10, 10, fourcc("R8  "), 0);
  assert.deepEqual(r8.strides, [10, 0, 0, 0]);
  assert.deepEqual(r8.offsets, [0, 0, 0, 0]);
  assert.equal(r8.size, 4096);
  const xr24 = linearImageLayout(10, 10, fourcc("XR24"), 0);
  assert.deepEqual(xr24.strides, [40, 0, 0, 0]);
  assert.equal(xr24.size, 4096);
  assert.equal(xr24.mapInfo, 1);
  assert.equal(linearImageLayout(640, 480, fourcc("AR24"), 0).size, 640 * 480 * 4);
  assert.equal(linearImageLayout(100, 100, fourcc("RG16"), 0).strides[0], 200);
  assert.equal(linearImageLayout(100, 100, fourcc("BG24"), 0).strides[0], 300);
  assert.equal(linearImageLayout(100, 100, fourcc("AB4H"), 0).strides[0], 800);
});

test("canonical planar layouts: NV12 and YV12 10x10", () => {
  const nv12 = linearImageLayout(10, 10, fourcc("NV12"), 0);
  assert.deepEqual(nv12.strides, [10, 10, 0, 0]);
  assert.deepEqual(nv12.offsets, [0, 100, 0, 0]);
  const yv12 = linearImageLayout(10, 10, fourcc("YV12"), 0);
  assert.deepEqual(yv12.strides, [10, 5, 5, 0]);
  assert.deepEqual(yv12.offsets, [0, 100, 125, 0]);
  assert.equal(nv12.size, 4096);
  assert.equal(linearImageLayout(1024, 1024, fourcc("NV12"), 0).size, 1024 * 1024 * 1.5);
});

test("unknown formats and 32-bit overflow are typed errors", () => {
  assert.throws(
    () => linearImageLayout(10, 10, fourcc("NOPE"), 0),
    (e) => isRutabagaError(e, "InvalidGrallocDrmFormat"),
  );
  assert.throws(
    () => linearImageLayout(0xffff_ffff, 2, fourcc("XR24"), 0),
    (e) => isRutabagaError(e, "CheckedArithmetic"),
  );
  assert.throws(
    () => linearImageLayout(65536, 65536, fourcc("XR24"), 0),
    (e) => isRutabagaError(e, "CheckedArithmetic"),
  );
});
