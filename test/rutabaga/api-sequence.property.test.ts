import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type Rutabaga, RutabagaError, transfer2d } from "../../src/index.ts";
import { create2d, make2d, readAll } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 200);
const LIMIT = 64 * 1024;

// Ids and sizes are drawn mostly from small ranges so calls hit existing objects, sometimes from anywhere.
const id = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 30 },
  { arbitrary: fc.integer({ min: -2, max: 2 ** 32 + 1 }), weight: 1 },
  { arbitrary: fc.constant(Number.NaN), weight: 1 },
);
const u32 = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 70 }), weight: 60 },
  { arbitrary: fc.integer({ min: -1, max: 2 ** 32 }), weight: 1 },
);
const big = fc.oneof(fc.bigInt({ min: 0n, max: 8192n }), fc.bigInt({ min: -1n, max: 2n ** 64n }));
const views = fc
  .array(fc.integer({ min: 0, max: 600 }), { maxLength: 6 })
  .map((lens) => lens.map((n) => new Uint8Array(n)));
const transfer = fc.record({
  x: u32,
  y: u32,
  z: u32,
  w: u32,
  h: u32,
  d: u32,
  level: u32,
  stride: u32,
  layerStride: u32,
  offset: u32,
});

type Call = (r: Rutabaga, state: { snapshot?: Uint8Array }) => void;

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(id, u32, u32, u32).map(
    ([i, w, h, f]): Call =>
      (r) =>
        r.resourceCreate3d(i, { ...create2d(w, h), format: f }),
  ),
  fc.tuple(id, views).map(
    ([i, v]): Call =>
      (r) =>
        r.attachBacking(i, v),
  ),
  fc.tuple(id).map(
    ([i]): Call =>
      (r) =>
        r.detachBacking(i),
  ),
  fc.tuple(id).map(
    ([i]): Call =>
      (r) =>
        r.unrefResource(i),
  ),
  fc.tuple(id, id, transfer).map(
    ([c, i, t]): Call =>
      (r) =>
        r.transferWrite(c, i, t),
  ),
  fc.tuple(id, id, transfer, fc.integer({ min: 0, max: 2000 })).map(
    ([c, i, t, n]): Call =>
      (r) =>
        r.transferRead(c, i, t, new Uint8Array(n)),
  ),
  fc.tuple(id, id, u32, u32, big, big, views).map(
    ([c, i, mem, flags, blobId, size, v]): Call =>
      (r) =>
        r.resourceCreateBlob(c, i, { blobMem: mem, blobFlags: flags, blobId, size }, v),
  ),
  fc.tuple(id, id, u32).map(
    ([s, i, stride]): Call =>
      (r) =>
        r.setScanout(s, i, {
          width: 1,
          height: 1,
          drmFourcc: 0,
          strides: [stride, 0, 0, 0],
          offsets: [0, 0, 0, 0],
          modifier: 0n,
        }),
  ),
  fc.tuple(id, u32, big, u32).map(
    ([ctx, flags, fenceId, ring]): Call =>
      (r) =>
        r.createFence({ flags, fenceId, ctxId: ctx, ringIdx: ring }),
  ),
  fc.tuple(id, u32).map(
    ([c, init]): Call =>
      (r) =>
        r.createContext(c, init),
  ),
  fc.tuple(id, id).map(
    ([c, i]): Call =>
      (r) =>
        r.contextAttachResource(c, i),
  ),
  fc.tuple(id, fc.uint8Array({ maxLength: 64 })).map(
    ([c, b]): Call =>
      (r) =>
        r.submitCommand(c, b, []),
  ),
  fc.tuple(id).map(
    ([i]): Call =>
      (r) => {
        r.resourceFlush(i);
      },
  ),
  fc.tuple(id).map(
    ([i]): Call =>
      (r) => {
        r.map(i);
      },
  ),
  fc.tuple(id).map(
    ([i]): Call =>
      (r) => {
        r.exportBlob(i);
      },
  ),
  fc.tuple(u32).map(
    ([i]): Call =>
      (r) => {
        r.getCapsetInfo(i);
      },
  ),
  fc.constant<Call>((r, s) => {
    s.snapshot = r.snapshot();
  }),
  fc.constant<Call>((r, s) => {
    if (s.snapshot !== undefined) r.restore(s.snapshot);
  }),
  fc.uint8Array({ maxLength: 300 }).map(
    (b): Call =>
      (r) =>
        r.restore(b),
  ),
);

test("random API call sequences only throw RutabagaError and leave a consistent, usable instance", () => {
  fc.assert(
    fc.property(fc.array(call, { minLength: 10, maxLength: 60 }), (calls) => {
      const { rutabaga } = make2d(LIMIT);
      const state: { snapshot?: Uint8Array } = {};
      for (const c of calls) {
        try {
          c(rutabaga, state);
        } catch (e) {
          if (!(e instanceof RutabagaError)) throw e;
        }
        const ids = rutabaga.resourceIds();
        const held = ids.reduce((n, i) => {
          const info = rutabaga.resourceInfo(i);
          return n + (info.blob ? 0 : info.width * info.height * 4);
        }, 0);
        assert.equal(rutabaga.hostMemory.used, held, "host memory accounting matches the resources held");
        assert.ok(held <= LIMIT);
      }
      const fresh = 0xffff_fff0;
      rutabaga.resourceCreate3d(fresh, create2d(2, 2));
      const pixels = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
      rutabaga.attachBacking(fresh, [pixels]);
      rutabaga.transferWrite(0, fresh, transfer2d(0, 0, 2, 2));
      assert.deepEqual(readAll(rutabaga, fresh, 2, 2), pixels);
      const snap = rutabaga.snapshot();
      const again = make2d(LIMIT).rutabaga;
      again.restore(snap);
      assert.deepEqual(again.snapshot(), snap);
    }),
    { numRuns: RUNS },
  );
});
