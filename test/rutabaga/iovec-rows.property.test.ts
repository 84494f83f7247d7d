import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { IovecList } from "../../src/rutabaga/iovec-list.ts";
import { copyRows, readRows, writeRows } from "../../src/rutabaga/iovec-rows.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

/** A backing of `total` bytes split into views at the given cut points (empty views included). */
function split(bytes: Uint8Array, cuts: readonly number[]): IovecList {
  const points = [...cuts.map((c) => c % (bytes.length + 1)), 0, bytes.length].sort((a, b) => a - b);
  const views: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) views.push(bytes.subarray(points[i]!, points[i + 1]!));
  return new IovecList(views);
}

const layout = fc.record({
  total: fc.integer({ min: 0, max: 200 }),
  cuts: fc.array(fc.nat(), { maxLength: 8 }),
  base: fc.integer({ min: 0, max: 220 }),
  lineBytes: fc.integer({ min: 0, max: 24 }),
  extra: fc.integer({ min: 0, max: 16 }),
  rows: fc.integer({ min: 0, max: 8 }),
  hostExtra: fc.integer({ min: 0, max: 5 }),
  hostBase: fc.integer({ min: 0, max: 7 }),
});

test("readRows copies each line byte for byte as a flat backing would, lines past the end left alone", () => {
  fc.assert(
    fc.property(layout, ({ total, cuts, base, lineBytes, extra, rows, hostExtra, hostBase }) => {
      const flat = Uint8Array.from({ length: total }, (_, i) => (i * 7 + 1) & 0xff);
      const stride = lineBytes + extra;
      const hostStride = lineBytes + hostExtra;
      const size = hostBase + rows * hostStride + 1;
      const expected = new Uint8Array(size).fill(0xee);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < lineBytes; k++) {
          const at = base + r * stride + k;
          if (at < total) expected[hostBase + r * hostStride + k] = flat[at]!;
        }
      }
      const got = new Uint8Array(size).fill(0xee);
      readRows(split(flat.slice(), cuts), base, stride, got, hostBase, hostStride, lineBytes, rows);
      assert.deepEqual(got, expected);
    }),
    { numRuns: RUNS },
  );
});

test("writeRows lands each line where a flat backing would, writing nothing past the end", () => {
  fc.assert(
    fc.property(layout, ({ total, cuts, base, lineBytes, extra, rows, hostExtra, hostBase }) => {
      const stride = lineBytes + extra;
      const hostStride = lineBytes + hostExtra;
      const src = Uint8Array.from({ length: hostBase + rows * hostStride + 1 }, (_, i) => (i * 13 + 5) & 0xff);
      const expected = new Uint8Array(total).fill(0xee);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < lineBytes; k++) {
          const at = base + r * stride + k;
          if (at < total) expected[at] = src[hostBase + r * hostStride + k]!;
        }
      }
      const backing = new Uint8Array(total).fill(0xee);
      writeRows(split(backing, cuts), base, stride, src, hostBase, hostStride, lineBytes, rows);
      assert.deepEqual(backing, expected);
    }),
    { numRuns: RUNS },
  );
});

test("copyRows moves lines between buffers; a zero destination stride keeps the last line", () => {
  const src = Uint8Array.from({ length: 32 }, (_, i) => i);
  const dst = new Uint8Array(12);
  copyRows(src, 1, 8, dst, 0, 4, 3, 3);
  assert.deepEqual([...dst], [1, 2, 3, 0, 9, 10, 11, 0, 17, 18, 19, 0]);
  const one = new Uint8Array(3);
  copyRows(src, 1, 8, one, 0, 0, 3, 3);
  assert.deepEqual([...one], [17, 18, 19]);
});
