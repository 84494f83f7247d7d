import assert from "node:assert/strict";
import { test } from "node:test";
import { ReusableBuffer } from "../../src/rutabaga/reusable-buffer.ts";

test("a reusable buffer is kept while requests fit, and grows to at least twice its size, its view with it", () => {
  const b = new ReusableBuffer(16);
  const first = b.bytes;
  assert.equal(b.reserve(16), first, "16 bytes fit");
  assert.equal(b.reserve(3), first);
  const grown = b.reserve(17);
  assert.notEqual(grown, first);
  assert.equal(grown.length, 32, "doubled");
  assert.equal(b.reserve(100).length, 100, "a request past double gets its own size");
  assert.equal(b.view.buffer, b.bytes.buffer);
  assert.equal(b.view.byteLength, b.bytes.length);
});
