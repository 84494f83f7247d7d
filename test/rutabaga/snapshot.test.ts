import assert from "node:assert/strict";
import { test } from "node:test";
import {
  RutabagaBlobMem,
  RutabagaComponentType,
  RutabagaError,
  SNAPSHOT_VERSION,
  transfer2d,
} from "../../src/index.ts";
import { crc32 } from "../../src/rutabaga/crc32.ts";
import { encodeSnapshot } from "../../src/rutabaga/snapshot-format.ts";
import { assertCode, create2d, make2d, pattern, readAll } from "./helpers.ts";

function populated() {
  const { rutabaga } = make2d();
  rutabaga.resourceCreate3d(123, create2d(100, 200));
  rutabaga.attachBacking(123, [new Uint8Array(456)]);
  rutabaga.resourceCreate3d(7, create2d(16, 8, 67));
  const pixels = pattern(16 * 8 * 4, 3);
  rutabaga.attachBacking(7, [pixels.subarray(0, 100), pixels.subarray(100)]);
  rutabaga.transferWrite(0, 7, transfer2d(0, 0, 16, 8));
  rutabaga.resourceCreateBlob(0, 9, { blobMem: RutabagaBlobMem.Guest, blobFlags: 1, blobId: 0n, size: 4096n }, [
    new Uint8Array(4096),
  ]);
  rutabaga.setScanout(0, 9, {
    width: 32,
    height: 32,
    drmFourcc: 0,
    strides: [128, 0, 0, 0],
    offsets: [0, 0, 0, 0],
    modifier: 0n,
  });
  return { rutabaga, pixels };
}

test("no resources: a fresh instance restores an empty snapshot", () => {
  const { rutabaga } = make2d();
  const fresh = make2d().rutabaga;
  fresh.restore(rutabaga.snapshot());
  assert.deepEqual(fresh.resourceIds(), []);
});

test("resources, metadata and 2D pixels round-trip; backing is not saved", () => {
  const { rutabaga, pixels } = populated();
  const bytes = rutabaga.snapshot();
  const fresh = make2d().rutabaga;
  fresh.restore(bytes);
  assert.deepEqual(fresh.resourceIds(), [7, 9, 123]);
  assert.deepEqual(fresh.resourceInfo(123), { ...rutabaga.resourceInfo(123), backingLength: 0 });
  assert.equal(fresh.resourceInfo(123).width, 100);
  assert.equal(fresh.resourceInfo(123).height, 200);
  assert.equal(fresh.resourceInfo(7).format, 67);
  assert.deepEqual(readAll(fresh, 7, 16, 8), pixels);
  assert.equal(fresh.resourceInfo(9).blob, true);
  assert.equal(fresh.resourceInfo(9).size, 4096n);
  assert.equal(fresh.hostMemory.used, rutabaga.hostMemory.used);
  assert.deepEqual(fresh.snapshot(), bytes, "snapshot(restore(s)) == s");
  fresh.attachBacking(9, [new Uint8Array(4096).fill(5)]);
  const out = new Uint8Array(32 * 4);
  fresh.transferRead(0, 9, { ...transfer2d(0, 0, 32, 1), stride: 128 }, out);
  assert.ok(
    out.every((b) => b === 5),
    "the blob's scanout stride survived",
  );
});

test("restore replaces existing state and releases its memory", () => {
  const { rutabaga } = populated();
  const empty = make2d().rutabaga.snapshot();
  rutabaga.restore(empty);
  assert.deepEqual(rutabaga.resourceIds(), []);
  assert.equal(rutabaga.hostMemory.used, 0);
});

test("the chunked form concatenates to the same bytes", () => {
  const { rutabaga } = populated();
  const chunks = rutabaga.snapshotChunks();
  const joined = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.byteLength;
  }
  assert.deepEqual(joined, rutabaga.snapshot());
});

test("truncated, corrupted and foreign bytes are SnapshotError and change nothing", () => {
  const { rutabaga, pixels } = populated();
  const good = rutabaga.snapshot();
  const before = rutabaga.snapshot();
  const bad: Uint8Array[] = [
    new Uint8Array(0),
    good.subarray(0, 10),
    good.subarray(0, good.byteLength - 1),
    new TextEncoder().encode("PNG\r\n\x1a\n not a snapshot at all"),
  ];
  for (const at of [0, 9, 13, 20, good.byteLength - 200, good.byteLength - 1]) {
    const flipped = good.slice();
    flipped[at]! ^= 0x40;
    bad.push(flipped);
  }
  for (const bytes of bad) assertCode(() => rutabaga.restore(bytes), "SnapshotError");
  assert.deepEqual(rutabaga.snapshot(), before);
  assert.deepEqual(readAll(rutabaga, 7, 16, 8), pixels);
});

test("another format version is refused by the version check, its checksum made right", () => {
  const { rutabaga, pixels } = populated();
  const good = rutabaga.snapshot();
  const before = rutabaga.snapshot();
  for (const version of [0, SNAPSHOT_VERSION + 1, 0xffff_ffff]) {
    const other = good.slice();
    const view = new DataView(other.buffer);
    view.setUint32(8, version, true);
    view.setUint32(other.length - 4, crc32(other.subarray(0, other.length - 4)), true);
    assert.throws(
      () => rutabaga.restore(other),
      (e: unknown) => e instanceof RutabagaError && e.code === "SnapshotError" && /version/.test(e.message),
      `version ${version}`,
    );
  }
  assert.deepEqual(rutabaga.snapshot(), before);
  assert.deepEqual(readAll(rutabaga, 7, 16, 8), pixels);
});

test("CRC-32 known answers: the IEEE check value, zlib's values, and continuation", () => {
  const ascii = (s: string) => new TextEncoder().encode(s);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(ascii("123456789")), 0xcbf43926);
  assert.equal(crc32(ascii("The quick brown fox jumps over the lazy dog")), 0x414fa339);
  assert.equal(crc32(new Uint8Array([0])), 0xd202ef8d);
  assert.equal(crc32(new Uint8Array(32).fill(0xff)), 0xff6cab0b);
  assert.equal(crc32(ascii("56789"), crc32(ascii("1234"))), 0xcbf43926);
});

test("a snapshot of format version 1 (before resources had component sections) still restores", () => {
  const { rutabaga, pixels } = populated();
  const v1 = rutabaga.snapshot().slice();
  const view = new DataView(v1.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(v1.length - 4, crc32(v1.subarray(0, v1.length - 4)), true);
  const { rutabaga: other } = make2d();
  other.restore(v1);
  assert.deepEqual(readAll(other, 7, 16, 8), pixels);
});

test("a snapshot of another default component is refused", () => {
  const { rutabaga } = make2d();
  const bytes = encodeSnapshot({
    defaultComponent: RutabagaComponentType.Gfxstream,
    componentState: new Uint8Array(0),
    resources: [],
    resourceStates: new Map(),
    contexts: [],
  });
  assertCode(() => rutabaga.restore(bytes), "SnapshotError");
});

test("restoring more pixels than the host memory limit allows is OutOfMemory and changes nothing", () => {
  const { rutabaga } = populated();
  const small = make2d(1024).rutabaga;
  small.resourceCreate3d(1, create2d(2, 2));
  assertCode(() => small.restore(rutabaga.snapshot()), "OutOfMemory");
  assert.deepEqual(small.resourceIds(), [1]);
  assert.equal(small.hostMemory.used, 16);
});
