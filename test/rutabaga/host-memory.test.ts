import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_HOST_MEMORY_LIMIT } from "../../src/index.ts";
import { assertCode, create2d, make2d } from "./helpers.ts";

test("the default host memory limit is 256 MiB, as QEMU's", () => {
  const { rutabaga: r } = make2d();
  assert.equal(DEFAULT_HOST_MEMORY_LIMIT, 256 * 1024 * 1024);
  assert.equal(r.hostMemory.limit, DEFAULT_HOST_MEMORY_LIMIT);
  assertCode(() => r.resourceCreate3d(1, create2d(8192, 8193)), "OutOfMemory");
  assert.deepEqual(r.resourceIds(), []);
  assert.equal(r.hostMemory.used, 0);
});

test("resources past the limit are refused and create nothing; unref gives the bytes back", () => {
  const { rutabaga: r } = make2d(1024);
  r.resourceCreate3d(1, create2d(8, 16));
  assert.equal(r.hostMemory.used, 512);
  r.resourceCreate3d(2, create2d(16, 8));
  assertCode(() => r.resourceCreate3d(3, create2d(1, 1)), "OutOfMemory");
  assert.deepEqual(r.resourceIds(), [1, 2]);
  r.unrefResource(1);
  assert.equal(r.hostMemory.used, 512);
  r.resourceCreate3d(3, create2d(8, 16));
  assert.equal(r.hostMemory.used, 1024);
});

test("a huge width×height is OutOfMemory, never an allocation attempt", () => {
  const { rutabaga: r } = make2d();
  assertCode(() => r.resourceCreate3d(1, create2d(0xffff_ffff, 0xffff_ffff)), "OutOfMemory");
  assertCode(() => r.resourceCreate3d(1, create2d(0x4000_0000, 1)), "OutOfMemory");
});
