import assert from "node:assert/strict";
import { test } from "node:test";
import { closeFd, createMemfd, fileSize, MemoryMapping, OsError } from "../../../src/node/os/index.ts";

test("two mappings of one memfd share their bytes", () => {
  const fd = createMemfd("test", 3 * 4096);
  assert.equal(fileSize(fd), 3 * 4096);
  const a = MemoryMapping.map(fd, 3 * 4096);
  const b = MemoryMapping.map(fd, 4096, 4096);
  closeFd(fd);
  a.bytes[4096 + 7] = 0x5a;
  assert.equal(b.bytes[7], 0x5a);
  b.bytes.fill(0xff, 100, 200);
  assert.equal(a.bytes[4096 + 150], 0xff);
  assert.equal(a.bytes[150], 0);
  a.unmap();
  b.unmap();
  assert.equal(a.mapped, false);
  b.unmap();
});

test("mapping a bad descriptor or a negative size is an error, not a crash", () => {
  assert.throws(
    () => MemoryMapping.map(987654, 4096),
    (e) => e instanceof OsError && e.call === "mmap" && e.errno === 9,
  );
  assert.throws(() => createMemfd("bad", -1), RangeError);
  assert.equal(MemoryMapping.map(987654, 0).bytes.length, 0);
});
