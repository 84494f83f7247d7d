// Restore of corrupted device snapshots (their checksum made right, so the JSON and the library's sections are
// reached): only RutabagaError escapes, a refused restore leaves the device empty, and it serves a guest afterwards.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { RutabagaError, VirtioGpuFormat } from "../../src/index.ts";
import { crc32 } from "../../src/rutabaga/crc32.ts";
import { GpuCommandType, GpuResponseType } from "../../src/virtio-gpu/index.ts";
import { pattern, setup } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 150);

function sample() {
  const s = setup();
  const entries = s.driver.scatteredPages(32 * 16 * 4, 2);
  s.driver.writeBacking(entries, 0, pattern(32, 16, 1));
  const rect = { x: 0, y: 0, w: 32, h: 16 };
  for (const c of [
    {
      type: GpuCommandType.ResourceCreate2d,
      resourceId: 2,
      format: VirtioGpuFormat.B8G8R8X8Unorm,
      width: 32,
      height: 16,
    },
    { type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries },
    { type: GpuCommandType.SetScanout, scanoutId: 0, resourceId: 2, rect },
    { type: GpuCommandType.TransferToHost2d, resourceId: 2, rect, offset: 0n },
  ] as const) {
    assert.equal(s.driver.send(c)?.type, GpuResponseType.OkNodata);
  }
  return { ...s, bytes: s.device.snapshot() };
}

function withCrc(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

test("corrupted device snapshots are refused with typed errors, leaving the device empty and serving", () => {
  const { bytes: good } = sample();
  const target = setup();
  const headerEnd = 16 + new DataView(good.buffer).getUint32(12, true);
  const json = new TextDecoder().decode(good.subarray(16, headerEnd));
  const corruption = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat({ max: good.length - 5 }), bit: fc.nat({ max: 7 }) }),
    // A header character replaced: digits in addresses and ids, brackets, quotes.
    fc.record({
      kind: fc.constant("header" as const),
      at: fc.nat({ max: json.length - 1 }),
      ch: fc.constantFrom("0", "9", "-", "[", "}", '"', "e", " "),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat({ max: good.length - 1 }) }),
  );
  let refused = 0;
  fc.assert(
    fc.property(corruption, (c) => {
      let bad: Uint8Array;
      if (c.kind === "truncate") bad = good.subarray(0, c.at);
      else if (c.kind === "flip") {
        bad = good.slice();
        bad[c.at] = bad[c.at]! ^ (1 << c.bit);
        bad = withCrc(bad);
      } else {
        const text = json.slice(0, c.at) + c.ch + json.slice(c.at + 1);
        const header = new TextEncoder().encode(text);
        if (header.length !== json.length) return;
        bad = good.slice();
        bad.set(header, 16);
        bad = withCrc(bad);
      }
      try {
        target.device.restore(bad, target.driver.ram.memory);
      } catch (e) {
        if (!(e instanceof RutabagaError)) throw e;
        refused++;
        assert.deepEqual(target.device.rutabaga.resourceIds(), [], `nothing left behind (${e.message})`);
        return;
      }
      // Still a valid state (a pixel, an address inside memory): empty the device for the next run.
      target.device.reset();
    }),
    { numRuns: RUNS },
  );
  assert.ok(refused > RUNS / 4, `most corruptions are refused (${refused} of ${RUNS})`);
  target.device.restore(good, target.driver.ram.memory);
  assert.deepEqual(target.device.rutabaga.resourceIds(), [2]);
});
