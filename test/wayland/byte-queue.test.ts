import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ByteQueue } from "../../src/wayland/byte-queue.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const pending = (q: ByteQueue) => [...q.bytes.subarray(q.start, q.end)];

test("byte queue: bytes pushed or written into reserved room come out in order, consumed from the front", () => {
  const q = new ByteQueue(64, 8);
  q.push(Uint8Array.of(1, 2, 3));
  const room = q.reserve(4);
  room.set([4, 5]);
  q.commit(2);
  assert.equal(q.length, 5);
  assert.deepEqual(pending(q), [1, 2, 3, 4, 5]);
  assert.equal(q.view.getUint8(q.start + 3), 4);
  q.consume(2);
  assert.deepEqual(pending(q), [3, 4, 5]);
  q.consume(3);
  assert.equal(q.length, 0);
  assert.equal(q.start, 0, "an emptied queue starts again at the front");
});

test("byte queue: room is made by moving what is left to the front before growing", () => {
  const q = new ByteQueue(16, 8);
  q.push(Uint8Array.of(1, 2, 3, 4, 5, 6));
  const buffer = q.bytes;
  q.consume(5);
  q.push(Uint8Array.of(7, 8, 9, 10));
  assert.equal(q.bytes, buffer, "compacted in place");
  assert.deepEqual(pending(q), [6, 7, 8, 9, 10]);
  q.push(Uint8Array.of(11, 12, 13, 14));
  assert.notEqual(q.bytes, buffer, "grown");
  assert.equal(q.bytes.length, 16);
  assert.deepEqual(pending(q), [6, 7, 8, 9, 10, 11, 12, 13, 14]);
});

test("byte queue: never grows past its limit, and a refused write leaves it as it was", () => {
  const q = new ByteQueue(10, 4);
  q.push(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  assert.throws(() => q.push(new Uint8Array(3)), RangeError);
  assert.throws(() => q.reserve(3), RangeError);
  assert.deepEqual(pending(q), [1, 2, 3, 4, 5, 6, 7, 8]);
  q.reserve(2);
  assert.throws(() => q.commit(3), RangeError);
  assert.throws(() => q.consume(9), RangeError);
  assert.throws(() => q.consume(-1), RangeError);
  assert.deepEqual(pending(q), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => new ByteQueue(0), RangeError);
  assert.throws(() => new ByteQueue(4, 8), RangeError);
});

test("byte queue: any sequence of writes and reads matches a plain array (property)", () => {
  const op = fc.oneof(
    fc.record({ push: fc.uint8Array({ maxLength: 40 }) }),
    fc.record({ write: fc.uint8Array({ maxLength: 40 }), extra: fc.nat(8) }),
    fc.record({ consume: fc.nat(60) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.array(op, { maxLength: 40 }), (initial, ops) => {
      const max = 96;
      const q = new ByteQueue(max, Math.min(initial, max));
      let model: number[] = [];
      for (const o of ops) {
        if ("push" in o) {
          if (model.length + o.push.length > max) {
            assert.throws(() => q.push(o.push), RangeError);
          } else {
            q.push(o.push);
            model.push(...o.push);
          }
        } else if ("write" in o) {
          const want = o.write.length + o.extra;
          if (model.length + want > max) {
            assert.throws(() => q.reserve(want), RangeError);
          } else {
            const room = q.reserve(want);
            assert.equal(room.length, want);
            room.set(o.write);
            q.commit(o.write.length);
            model.push(...o.write);
          }
        } else {
          const n = Math.min(o.consume, model.length);
          q.consume(n);
          model = model.slice(n);
        }
        assert.equal(q.length, model.length);
        assert.deepEqual(pending(q), model);
        assert.ok(q.bytes.length <= max);
      }
    }),
    { numRuns: RUNS },
  );
});
