// Restore of corrupted virgl snapshots, their checksum made right so the virgl section parsers are reached: only
// typed errors escape, a refused restore creates no host GL object and leaves the instance drawing as before.
import assert from "node:assert/strict";
import test from "node:test";
import fc from "fast-check";
import { RutabagaError } from "../../../../src/index.ts";
import { glObjectCensus } from "../../../../src/node/gl/gl-object-census.ts";
import { crc32 } from "../../../../src/rutabaga/crc32.ts";
import { draw, snapshotScene } from "./scene.ts";

const RUNS = Math.max(20, Math.round(Number(process.env.FC_RUNS ?? 150) / 2));

/** Where the payload (the sections) starts: after the magic, version, header length and the JSON header. */
function payloadStart(bytes: Uint8Array): number {
  return 16 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
}

function withCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

test("corrupted virgl snapshots are refused with typed errors and nothing created", () => {
  const scene = snapshotScene();
  const { rutabaga, target } = scene;
  const good = rutabaga.snapshot();
  const before = draw(rutabaga, target, [0, 0, 0, 0]);
  const start = payloadStart(good);
  const end = good.length - 4;
  const sectionOffset = fc.nat({ max: end - start - 1 }).map((n) => start + n);
  const corruption = fc.oneof(
    // One bit of a section, a byte set to an edge value, a whole word set to an edge value.
    fc.record({ kind: fc.constant("flip" as const), at: sectionOffset, bit: fc.nat({ max: 7 }) }),
    fc.record({
      kind: fc.constant("byte" as const),
      at: sectionOffset,
      value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff),
    }),
    fc.record({
      kind: fc.constant("word" as const),
      at: sectionOffset.map((n) => Math.min(n - ((n - start) % 4), end - 4)),
      value: fc.constantFrom(0, 1, 0xffff_ffff, 0x8000_0000, 0x10000, 65536 * 16),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat({ max: end - 1 }) }),
  );
  let refused = 0;
  fc.assert(
    fc.property(corruption, (c) => {
      let bad: Uint8Array;
      if (c.kind === "truncate") bad = good.subarray(0, c.at);
      else {
        const copy = good.slice();
        if (c.kind === "flip") copy[c.at] = copy[c.at]! ^ (1 << c.bit);
        else if (c.kind === "byte") copy[c.at] = c.value;
        else new DataView(copy.buffer).setUint32(c.at, c.value, true);
        bad = withCrc(copy);
      }
      const census = glObjectCensus.live();
      try {
        rutabaga.restore(bad);
      } catch (e) {
        if (!(e instanceof RutabagaError)) throw e;
        refused++;
        assert.deepEqual(glObjectCensus.live(), census, `nothing created by a refused restore (${e.message})`);
        return;
      }
      // A corruption that still describes a valid state (a texel, a constant) restores: go back to the good one.
      rutabaga.restore(good);
      rutabaga.attachBacking(1, [target]);
    }),
    { numRuns: RUNS },
  );
  assert.ok(refused > RUNS / 4, `most corruptions are refused (${refused} of ${RUNS})`);
  assert.deepEqual(draw(rutabaga, target, [0, 0, 0, 0]), before);
  rutabaga.destroy();
});
