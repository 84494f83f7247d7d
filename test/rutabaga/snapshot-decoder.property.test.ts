import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { RutabagaBlobMem, RutabagaError, transfer2d } from "../../src/index.ts";
import { crc32 } from "../../src/rutabaga/crc32.ts";
import { create2d, make2d, pattern } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

function sample() {
  const { rutabaga } = make2d();
  rutabaga.resourceCreate3d(3, create2d(4, 3));
  rutabaga.attachBacking(3, [pattern(48)]);
  rutabaga.transferWrite(0, 3, transfer2d(0, 0, 4, 3));
  rutabaga.resourceCreateBlob(0, 4, { blobMem: RutabagaBlobMem.Guest, blobFlags: 1, blobId: 2n, size: 64n }, []);
  return rutabaga.snapshot();
}

/** Re-frames a header and payload as a well-formed snapshot (right lengths, right checksum). */
function frame(header: string, payload: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(16 + json.length + payload.length + 4);
  out.set(new TextEncoder().encode("RUTABAGA"));
  const view = new DataView(out.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(payload, 16 + json.length);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const good = sample();
const headerLength = new DataView(good.buffer).getUint32(12, true);
const header = JSON.parse(new TextDecoder().decode(good.subarray(16, 16 + headerLength)));
const payload = good.subarray(16 + headerLength, good.length - 4);

const jsonValue = fc.oneof(
  fc.integer({ min: -5, max: 2 ** 33 }),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 30 }),
  fc.constant("18446744073709551616"),
  fc.array(fc.integer({ min: -1, max: 300 }), { maxLength: 5 }),
  fc.constant({}),
  fc.constant({ offset: 0, length: 2 ** 31 }),
);

/** Sets `value` at a random path of a JSON tree. */
function mutate(tree: unknown, choices: number[], value: unknown): unknown {
  const copy = structuredClone(tree);
  let node: unknown = copy;
  for (const c of choices) {
    if (typeof node !== "object" || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[c % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (typeof child !== "object" || child === null || c % 3 === 0) {
      (node as Record<string, unknown>)[key] = value;
      return copy;
    }
    node = child;
  }
  return copy;
}

test("well-framed snapshots with mutated headers restore or throw RutabagaError, and failures change nothing", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), jsonValue, (path, value) => {
      const { rutabaga } = make2d();
      rutabaga.resourceCreate3d(9, create2d(1, 1));
      const before = rutabaga.snapshot();
      const bytes = frame(JSON.stringify(mutate(header, path, value)), payload);
      try {
        rutabaga.restore(bytes);
      } catch (e) {
        assert.ok(e instanceof RutabagaError, String(e));
        assert.deepEqual(rutabaga.snapshot(), before);
      }
      rutabaga.resourceCreate3d(1000, create2d(1, 1));
    }),
    { numRuns: RUNS },
  );
});

test("random and bit-flipped bytes only ever throw SnapshotError", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
          const b = good.slice();
          b[at % b.length]! ^= x;
          return b;
        }),
        fc.nat().map((n) => good.subarray(0, n % good.length)),
      ),
      (bytes) => {
        const { rutabaga } = make2d();
        assert.throws(
          () => rutabaga.restore(bytes),
          (e: unknown) => e instanceof RutabagaError && e.code === "SnapshotError",
        );
      },
    ),
    { numRuns: RUNS },
  );
});
