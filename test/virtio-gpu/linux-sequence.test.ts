import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtioGpuFormat } from "../../src/index.ts";
import { GpuCommandType, GpuResponseType, GpuWireSize } from "../../src/virtio-gpu/index.ts";
import { assertFrame, pattern, setup } from "./helpers.ts";

// What a Linux 6.1 guest sends (test/fixtures/virtio-gpu/ holds captured requests): EDID, display info, create,
// attach scattered pages, scanout disabled then enabled, full transfer and flush, then partial damage, then a cursor.
test("a Linux-like boot sequence produces the right responses and frames", () => {
  const { sink, driver, logs } = setup();
  const W = 1280;
  const H = 800;

  const edid = driver.send({ type: GpuCommandType.GetEdid, scanoutId: 0 })!;
  assert.equal(edid.type, GpuResponseType.OkEdid);
  assert.equal(edid.bytes.length, GpuWireSize.RespEdid);
  assert.equal(edid.view.getUint32(24, true), 128);

  const info = driver.send({ type: GpuCommandType.GetDisplayInfo })!;
  assert.equal(info.type, GpuResponseType.OkDisplayInfo);
  assert.deepEqual(
    [24, 28, 32, 36, 40].map((o) => info.view.getUint32(o, true)),
    [0, 0, W, H, 1],
  );
  assert.equal(info.view.getUint32(24 + 24 + 16, true), 0, "scanout 1 is not enabled");

  const entries = driver.scatteredPages(W * H * 4, 7);
  assert.equal(entries.length, 1000);
  const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata, logs.join("\n"));
  ok(
    driver.send({
      type: GpuCommandType.ResourceCreate2d,
      resourceId: 2,
      format: VirtioGpuFormat.B8G8R8X8Unorm,
      width: W,
      height: H,
    }),
  );
  ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries }));
  ok(
    driver.send({
      type: GpuCommandType.SetScanout,
      rect: { x: 0, y: 0, w: W, h: H },
      scanoutId: 0,
      resourceId: 0,
    }),
  );

  const frame = pattern(W, H, 3);
  driver.writeBacking(entries, 0, frame);
  ok(
    driver.send({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 0, y: 0, w: W, h: H },
      offset: 0n,
      resourceId: 2,
    }),
  );
  ok(
    driver.send({
      type: GpuCommandType.SetScanout,
      rect: { x: 0, y: 0, w: W, h: H },
      scanoutId: 0,
      resourceId: 2,
    }),
  );
  ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 0, y: 0, w: W, h: H }, resourceId: 2 }));
  assertFrame("linux-sequence-full", W, H, frame, sink.framebuffers[0]!.pixels);

  // An 8x16 glyph cell and a 728x64 strip, each written into the backing then transferred at y*pitch + x*4.
  const expected = frame.slice();
  for (const [x, y, w, h, seed] of [
    [136, 48, 8, 16, 90],
    [0, 700, 728, 64, 17],
    [1272, 784, 8, 16, 5],
  ] as const) {
    const patch = pattern(w, h, seed);
    for (let row = 0; row < h; row++) {
      const off = (y + row) * W * 4 + x * 4;
      expected.set(patch.subarray(row * w * 4, (row + 1) * w * 4), off);
      driver.writeBacking(entries, off, patch.subarray(row * w * 4, (row + 1) * w * 4));
    }
    const rect = { x, y, w, h };
    ok(driver.send({ type: GpuCommandType.TransferToHost2d, rect, offset: BigInt(y * W * 4 + x * 4), resourceId: 2 }));
    ok(driver.send({ type: GpuCommandType.ResourceFlush, rect, resourceId: 2 }));
  }
  assertFrame("linux-sequence-partial", W, H, expected, sink.framebuffers[0]!.pixels);

  // A 64x64 cursor resource with its own backing, shown then moved.
  const cursorEntries = driver.scatteredPages(64 * 64 * 4, 3);
  const cursor = pattern(64, 64, 44);
  driver.writeBacking(cursorEntries, 0, cursor);
  ok(
    driver.send({
      type: GpuCommandType.ResourceCreate2d,
      resourceId: 3,
      format: VirtioGpuFormat.B8G8R8A8Unorm,
      width: 64,
      height: 64,
    }),
  );
  ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 3, entries: cursorEntries }));
  ok(
    driver.send({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 0, y: 0, w: 64, h: 64 },
      offset: 0n,
      resourceId: 3,
    }),
  );
  ok(
    driver.send(
      { type: GpuCommandType.UpdateCursor, scanoutId: 0, x: 100, y: 200, resourceId: 3, hotX: 4, hotY: 5 },
      {},
      1,
    ),
  );
  assert.deepEqual(
    { x: sink.cursor?.x, y: sink.cursor?.y, hotX: sink.cursor?.hotX, hotY: sink.cursor?.hotY },
    { x: 100, y: 200, hotX: 4, hotY: 5 },
  );
  assertFrame("linux-sequence-cursor", 64, 64, cursor, sink.cursorImage!);
  ok(
    driver.send(
      { type: GpuCommandType.MoveCursor, scanoutId: 0, x: 300, y: 10, resourceId: 3, hotX: 0, hotY: 0 },
      {},
      1,
    ),
  );
  assert.equal(sink.cursor?.x, 300);
  ok(
    driver.send(
      { type: GpuCommandType.UpdateCursor, scanoutId: 0, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 },
      {},
      1,
    ),
  );
  assert.equal(sink.cursor?.image, undefined);

  // Linux frees with UNREF alone: the scanout goes dark and the backing is dropped.
  ok(driver.send({ type: GpuCommandType.ResourceUnref, resourceId: 2 }));
  assert.equal(sink.framebuffers[0], undefined);
  assert.equal(
    driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 0, y: 0, w: 8, h: 8 }, resourceId: 2 })?.type,
    GpuResponseType.ErrInvalidResourceId,
  );
});

test("a guest-memory blob scanout (what Linux does when RESOURCE_BLOB is offered) shows and flushes from guest pages", () => {
  const { sink, driver, logs } = setup();
  const W = 640;
  const H = 480;
  const entries = driver.scatteredPages(W * H * 4, 9);
  const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata, logs.join("\n"));
  ok(
    driver.send({
      type: GpuCommandType.ResourceCreateBlob,
      resourceId: 5,
      blobMem: 1,
      blobFlags: 2,
      blobId: 0n,
      size: BigInt(W * H * 4),
      entries,
    }),
  );
  const frame = pattern(W, H, 1);
  driver.writeBacking(entries, 0, frame);
  ok(
    driver.send({
      type: GpuCommandType.SetScanoutBlob,
      rect: { x: 0, y: 0, w: W, h: H },
      scanoutId: 0,
      resourceId: 5,
      width: W,
      height: H,
      format: VirtioGpuFormat.B8G8R8X8Unorm,
      strides: [W * 4, 0, 0, 0],
      offsets: [0, 0, 0, 0],
    }),
  );
  assertFrame("blob-scanout", W, H, frame, sink.framebuffers[0]!.pixels);
  const patch = pattern(32, 16, 77);
  const expected = frame.slice();
  for (let row = 0; row < 16; row++) {
    const off = (100 + row) * W * 4 + 200 * 4;
    expected.set(patch.subarray(row * 128, row * 128 + 128), off);
    driver.writeBacking(entries, off, patch.subarray(row * 128, row * 128 + 128));
  }
  ok(
    driver.send({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 200, y: 100, w: 32, h: 16 },
      offset: BigInt(100 * W * 4 + 800),
      resourceId: 5,
    }),
  );
  ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 200, y: 100, w: 32, h: 16 }, resourceId: 5 }));
  assertFrame("blob-scanout-partial", W, H, expected, sink.framebuffers[0]!.pixels);
});
