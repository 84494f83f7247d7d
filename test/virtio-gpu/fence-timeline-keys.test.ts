import assert from "node:assert/strict";
import { test } from "node:test";
import { FenceTimelines, ringTimeline } from "../../src/virtio-gpu/fence-timelines.ts";

test("ring timeline keys stay distinct and equal by value past the remembered ones, and completing releases nothing without parked responses", () => {
  const seen = new Set<string>();
  for (let ctx = 0; ctx < 40; ctx++) {
    for (let ring = 0; ring < 256; ring += 2) {
      const key = ringTimeline(ctx * 1000 + 1, ring);
      assert.equal(key, `${ctx * 1000 + 1}:${ring}`);
      assert.equal(ringTimeline(ctx * 1000 + 1, ring), key);
      seen.add(key);
    }
  }
  assert.equal(seen.size, 40 * 128);
  assert.notEqual(ringTimeline(1, 12), ringTimeline(11, 2));
  const t = new FenceTimelines<string>();
  assert.deepEqual(t.complete(ringTimeline(0xffff_ffff, 255), 5n), []);
  assert.equal(t.completed(ringTimeline(0xffff_ffff, 255)), 5n);
  t.park(ringTimeline(3, 1), 7n, "r");
  assert.deepEqual(t.complete(ringTimeline(3, 1), 6n), []);
  assert.deepEqual(t.complete(ringTimeline(3, 1), 7n), ["r"]);
});
