import assert from "node:assert/strict";
import { test } from "node:test";
import { RutabagaError, VirtioGpuFormat } from "../../src/index.ts";
import { GpuCommandType, GpuResponseType, type MemEntry, MockGuestRam } from "../../src/virtio-gpu/index.ts";
import { pattern, saveMismatch, setup } from "./helpers.ts";

const W = 64;
const H = 48;
const CURSOR = 64;

/** A 2D session: a scattered framebuffer (resource 2) on scanout 0 and a cursor (resource 3) at (10, 20). */
function session() {
  const s = setup();
  const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata, s.logs.join("\n"));
  const fb = s.driver.scatteredPages(W * H * 4, 3);
  const cursor = s.driver.scatteredPages(CURSOR * CURSOR * 4, 5);
  const create = (resourceId: number, width: number, height: number, entries: MemEntry[]) => {
    ok(
      s.driver.send({
        type: GpuCommandType.ResourceCreate2d,
        resourceId,
        format: VirtioGpuFormat.B8G8R8X8Unorm,
        width,
        height,
      }),
    );
    ok(s.driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId, entries }));
  };
  /** Draws `seed`'s pattern into the framebuffer and flushes it. */
  const frame = (seed: number) => {
    s.driver.writeBacking(fb, 0, pattern(W, H, seed));
    const rect = { x: 0, y: 0, w: W, h: H };
    ok(s.driver.send({ type: GpuCommandType.TransferToHost2d, resourceId: 2, rect, offset: 0n }));
    ok(s.driver.send({ type: GpuCommandType.ResourceFlush, resourceId: 2, rect }));
  };
  return { ...s, ok, fb, cursor, create, frame, ram: s.driver.ram };
}

function start() {
  const s = session();
  s.create(2, W, H, s.fb);
  s.create(3, CURSOR, CURSOR, s.cursor);
  s.ok(
    s.driver.send({ type: GpuCommandType.SetScanout, scanoutId: 0, resourceId: 2, rect: { x: 0, y: 0, w: W, h: H } }),
  );
  s.frame(1);
  s.driver.writeBacking(s.cursor, 0, pattern(CURSOR, CURSOR, 9));
  const rect = { x: 0, y: 0, w: CURSOR, h: CURSOR };
  s.ok(s.driver.send({ type: GpuCommandType.TransferToHost2d, resourceId: 3, rect, offset: 0n }));
  const cursor = { scanoutId: 0, x: 1, y: 2, resourceId: 3, hotX: 4, hotY: 5 };
  s.driver.send({ type: GpuCommandType.UpdateCursor, ...cursor }, undefined, 1);
  s.driver.send({ type: GpuCommandType.MoveCursor, ...cursor, x: 10, y: 20 }, undefined, 1);
  return s;
}

function assertSameFrame(name: string, actual: Uint8Array | undefined, expected: Uint8Array | undefined): void {
  assert.ok(actual !== undefined && expected !== undefined, "both scanouts show a frame");
  if (Buffer.compare(actual, expected) !== 0) {
    const dir = saveMismatch(name, W, H, expected, actual);
    assert.fail(`frames differ (images in ${dir})`);
  }
}

test("a device snapshot restores into a new device over the same guest memory, and later frames match", () => {
  const live = start();
  const bytes = live.device.snapshot();
  // A new device whose guest holds the same memory at the same addresses (what a migration carries).
  const restored = session();
  restored.ram.bytes.set(live.ram.bytes);
  restored.device.restore(bytes, restored.ram.memory);
  assertSameFrame("device-snapshot-restored", restored.sink.framebuffers[0]?.pixels, live.sink.framebuffers[0]?.pixels);
  assert.deepEqual(
    { ...restored.sink.cursor, image: undefined },
    { ...live.sink.cursor, image: undefined },
    "the cursor is shown again where it was",
  );
  assert.deepEqual(restored.sink.cursorImage, live.sink.cursorImage);
  for (const seed of [2, 3]) {
    live.frame(seed);
    restored.frame(seed);
    assertSameFrame(
      `device-snapshot-frame-${seed}`,
      restored.sink.framebuffers[0]?.pixels,
      live.sink.framebuffers[0]?.pixels,
    );
  }
  assert.deepEqual(restored.device.snapshot(), live.device.snapshot());
});

test("a device snapshot is refused where the device cannot take it, leaving the device empty and working", () => {
  const live = start();
  const bytes = live.device.snapshot();
  const busy = start();
  assert.throws(() => busy.device.restore(bytes, busy.ram.memory), /already holds resources/);
  const fresh = session();
  const corrupt = bytes.slice();
  corrupt[20] = corrupt[20]! ^ 1;
  for (const bad of [bytes.subarray(0, 30), corrupt]) {
    assert.throws(
      () => fresh.device.restore(bad, fresh.ram.memory),
      (e: unknown) => e instanceof RutabagaError && e.code === "SnapshotError",
    );
  }
  // Backing entries outside this guest's memory: the library state is built, then dropped again.
  const small = setup({}, true);
  assert.throws(
    () => small.device.restore(bytes, new MockGuestRam(4096).memory),
    (e: unknown) => e instanceof RutabagaError && e.code === "SnapshotError" && /backing/.test(e.message),
  );
  assert.deepEqual(small.device.rutabaga.resourceIds(), []);
  fresh.create(2, W, H, fresh.fb);
  fresh.ok(
    fresh.driver.send({
      type: GpuCommandType.SetScanout,
      scanoutId: 0,
      resourceId: 2,
      rect: { x: 0, y: 0, w: W, h: H },
    }),
  );
});
