import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { RutabagaError, transfer2d } from "../../src/index.ts";
import { create2d, make2d, pattern, readAll, splitAt } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

function modelRectError(x: number, y: number, w: number, h: number, width: number, height: number): string | undefined {
  if (w === 0 || h === 0) return undefined;
  if (x + w > 0xffff_ffff) return "CheckedArithmetic";
  if (x + w > width) return "CheckedRange";
  if (y + h > 0xffff_ffff) return "CheckedArithmetic";
  if (y + h > height) return "CheckedRange";
  return undefined;
}

const scenario = fc
  .record({
    width: fc.integer({ min: 1, max: 12 }),
    height: fc.integer({ min: 1, max: 12 }),
    backingExtra: fc.integer({ min: -200, max: 64 }),
    cutFractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
    x: fc.integer({ min: 0, max: 14 }),
    y: fc.integer({ min: 0, max: 14 }),
    w: fc.integer({ min: 0, max: 14 }),
    h: fc.integer({ min: 0, max: 14 }),
    offsetJitter: fc.integer({ min: -8, max: 64 }),
    dstStrideExtra: fc.integer({ min: -4, max: 16 }),
    // Edges a uniform draw rarely reaches: whole rows (one packed copy) and a cut 1..4 bytes before the start.
    wholeRows: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    cutBeforeStart: fc.integer({ min: 0, max: 4 }),
    inBounds: fc.boolean(),
  })
  .map((s) => {
    // Half the rectangles are moved inside the resource, so that most runs copy.
    const x0 = s.inBounds ? s.x % s.width : s.x;
    const w0 = s.inBounds ? Math.min(s.w, s.width - x0) : s.w;
    const y = s.inBounds ? s.y % s.height : s.y;
    const h = s.inBounds ? Math.min(s.h, s.height - y) : s.h;
    const x = s.wholeRows ? 0 : x0;
    const w = s.wholeRows ? s.width : w0;
    const backingLength = Math.max(0, s.width * s.height * 4 + s.backingExtra);
    const offset = Math.max(0, y * s.width * 4 + x * 4 + s.offsetJitter);
    const cuts = [...new Set(s.cutFractions.map((f) => Math.floor(f * backingLength)))];
    if (s.cutBeforeStart > 0 && offset - s.cutBeforeStart > 0) cuts.push(offset - s.cutBeforeStart);
    return { ...s, x, y, w, h, backingLength, offset, cuts: [...new Set(cuts)].sort((a, b) => a - b) };
  });

/** Whether the copy's first byte lies past the start of a view that is not the first (the view must be entered mid-way). */
function startsInsideLaterView(offset: number, cuts: readonly number[], backingLength: number): boolean {
  return offset < backingLength && cuts.some((c) => c > 0 && c < offset);
}

test("transferWrite equals a plain per-byte model of the copy, over any iovec split", () => {
  const seen = { wholeRowsInsideView: 0, rowsInsideView: 0 };
  fc.assert(
    fc.property(scenario, (s) => {
      const { rutabaga } = make2d();
      rutabaga.resourceCreate3d(1, create2d(s.width, s.height));
      const memory = pattern(s.backingLength, 7);
      rutabaga.attachBacking(1, splitAt(memory, s.cuts));
      const pitch = s.width * 4;
      const offset = s.offset;
      const expected = new Uint8Array(s.width * s.height * 4);
      const error = modelRectError(s.x, s.y, s.w, s.h, s.width, s.height);
      if (error === undefined && s.w > 0 && s.h > 0 && startsInsideLaterView(offset, s.cuts, s.backingLength)) {
        if (s.w === s.width) seen.wholeRowsInsideView++;
        else seen.rowsInsideView++;
      }
      if (error === undefined) {
        for (let r = 0; r < s.h; r++) {
          for (let b = 0; b < s.w * 4; b++) {
            const src = offset + r * pitch + b;
            if (src < memory.length) expected[(s.y + r) * pitch + s.x * 4 + b] = memory[src]!;
          }
        }
      }
      try {
        rutabaga.transferWrite(0, 1, transfer2d(s.x, s.y, s.w, s.h, offset));
        assert.equal(error, undefined);
      } catch (e) {
        assert.ok(e instanceof RutabagaError);
        assert.equal(e.code, error);
      }
      assert.deepEqual(readAll(rutabaga, 1, s.width, s.height), expected);
    }),
    { numRuns: RUNS },
  );
  // Both copy paths (one packed copy, row by row) were entered mid-view in this run.
  assert.ok(seen.wholeRowsInsideView >= RUNS / 100 && seen.rowsInsideView >= RUNS / 100, JSON.stringify(seen));
});

test("transferRead equals a plain per-byte model, including destination strides and too-small buffers", () => {
  fc.assert(
    fc.property(scenario, fc.integer({ min: 0, max: 600 }), (s, dstLength) => {
      const { rutabaga } = make2d();
      rutabaga.resourceCreate3d(1, create2d(s.width, s.height));
      const host = pattern(s.width * s.height * 4, 11);
      rutabaga.attachBacking(1, [host]);
      rutabaga.transferWrite(0, 1, transfer2d(0, 0, s.width, s.height));
      const stride = Math.max(0, s.w * 4 + s.dstStrideExtra);
      const dst = new Uint8Array(dstLength).fill(0xee);
      const expected = dst.slice();
      let error = modelRectError(s.x, s.y, s.w, s.h, s.width, s.height);
      if (error === undefined && s.w > 0 && s.h > 0) {
        if ((s.h - 1) * stride + s.w * 4 > dstLength) error = "InvalidIovec";
        else {
          const pitch = s.width * 4;
          for (let r = 0; r < s.h; r++) {
            for (let b = 0; b < s.w * 4; b++) expected[r * stride + b] = host[(s.y + r) * pitch + s.x * 4 + b]!;
          }
        }
      }
      try {
        rutabaga.transferRead(0, 1, { ...transfer2d(s.x, s.y, s.w, s.h), stride }, dst);
        assert.equal(error, undefined);
      } catch (e) {
        assert.ok(e instanceof RutabagaError);
        assert.equal(e.code, error);
      }
      assert.deepEqual(dst, expected);
    }),
    { numRuns: RUNS },
  );
});
