import assert from "node:assert/strict";
import { test } from "node:test";
import { GpuCommandType, GpuResponseType } from "../../src/virtio-gpu/index.ts";
import { setup } from "./helpers.ts";

const rect = (x: number, y: number, width: number, height: number) => ({ x, y, w: width, h: height });

test("each command answers the right error for bad ids, bad rectangles and bad memory", () => {
  const { driver, device } = setup({
    scanouts: [
      { width: 640, height: 480 },
      { width: 320, height: 200, connected: false },
    ],
  });
  const expect = (type: number, cmd: Parameters<typeof driver.send>[0], queue: 0 | 1 = 0) =>
    assert.equal(
      driver.send(cmd, {}, queue)?.type.toString(16),
      type.toString(16),
      JSON.stringify(cmd, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
    );

  expect(GpuResponseType.OkNodata, {
    type: GpuCommandType.ResourceCreate2d,
    resourceId: 1,
    format: 2,
    width: 64,
    height: 64,
  });
  expect(GpuResponseType.ErrInvalidResourceId, {
    type: GpuCommandType.ResourceCreate2d,
    resourceId: 1,
    format: 2,
    width: 64,
    height: 64,
  });
  expect(GpuResponseType.ErrInvalidResourceId, {
    type: GpuCommandType.ResourceCreate2d,
    resourceId: 0,
    format: 2,
    width: 64,
    height: 64,
  });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.ResourceCreate2d,
    resourceId: 9,
    format: 999,
    width: 64,
    height: 64,
  });
  expect(GpuResponseType.ErrOutOfMemory, {
    type: GpuCommandType.ResourceCreate2d,
    resourceId: 9,
    format: 2,
    width: 20000,
    height: 20000,
  });
  expect(GpuResponseType.ErrInvalidResourceId, { type: GpuCommandType.ResourceUnref, resourceId: 42 });
  expect(GpuResponseType.ErrInvalidResourceId, {
    type: GpuCommandType.ResourceAttachBacking,
    resourceId: 42,
    entries: [],
  });
  expect(GpuResponseType.ErrUnspec, {
    type: GpuCommandType.ResourceAttachBacking,
    resourceId: 1,
    entries: [{ addr: 0x10n, length: 4096 }],
  });
  expect(GpuResponseType.ErrUnspec, {
    type: GpuCommandType.ResourceAttachBacking,
    resourceId: 1,
    entries: [{ addr: 0xffff_ffff_ffff_f000n, length: 8192 }],
  });
  expect(GpuResponseType.ErrInvalidResourceId, { type: GpuCommandType.ResourceDetachBacking, resourceId: 42 });
  expect(GpuResponseType.ErrInvalidScanoutId, {
    type: GpuCommandType.SetScanout,
    rect: rect(0, 0, 64, 64),
    scanoutId: 16,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidScanoutId, {
    type: GpuCommandType.SetScanout,
    rect: rect(0, 0, 64, 64),
    scanoutId: 2,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidResourceId, {
    type: GpuCommandType.SetScanout,
    rect: rect(0, 0, 64, 64),
    scanoutId: 0,
    resourceId: 42,
  });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.SetScanout,
    rect: rect(1, 0, 64, 64),
    scanoutId: 0,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.SetScanout,
    rect: rect(0xffff_ffff, 0, 2, 2),
    scanoutId: 0,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.ResourceFlush,
    rect: rect(60, 60, 8, 8),
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidResourceId, {
    type: GpuCommandType.ResourceFlush,
    rect: rect(0, 0, 8, 8),
    resourceId: 42,
  });
  expect(GpuResponseType.OkNodata, { type: GpuCommandType.ResourceFlush, rect: rect(0, 0, 8, 8), resourceId: 0 });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.TransferToHost2d,
    rect: rect(0, 0, 65, 1),
    offset: 0n,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.TransferToHost2d,
    rect: rect(0, 0, 64, 64),
    offset: 0n,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidParameter, {
    type: GpuCommandType.TransferToHost2d,
    rect: rect(0, 0, 1, 1),
    offset: 1n << 60n,
    resourceId: 1,
  });
  expect(GpuResponseType.ErrInvalidResourceId, {
    type: GpuCommandType.TransferToHost2d,
    rect: rect(0, 0, 1, 1),
    offset: 0n,
    resourceId: 42,
  });
  expect(GpuResponseType.ErrInvalidParameter, { type: GpuCommandType.GetEdid, scanoutId: 5 });
  expect(GpuResponseType.ErrInvalidParameter, { type: GpuCommandType.GetCapsetInfo, capsetIndex: 0 });
  expect(GpuResponseType.ErrInvalidParameter, { type: GpuCommandType.GetCapset, capsetId: 1, capsetVersion: 0 });
  expect(GpuResponseType.ErrInvalidResourceId, { type: GpuCommandType.ResourceAssignUuid, resourceId: 42 });
  expect(GpuResponseType.ErrInvalidContextId, { type: GpuCommandType.CtxDestroy });
  expect(GpuResponseType.ErrInvalidContextId, {
    type: GpuCommandType.Submit3d,
    commands: new Uint8Array(8),
    numInFences: 0,
  });
  expect(GpuResponseType.ErrInvalidResourceId, { type: GpuCommandType.ResourceMapBlob, resourceId: 42, offset: 0n });
  expect(GpuResponseType.ErrUnspec, { type: GpuCommandType.ResourceMapBlob, resourceId: 1, offset: 0n });
  expect(
    GpuResponseType.ErrInvalidScanoutId,
    { type: GpuCommandType.UpdateCursor, scanoutId: 3, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 },
    1,
  );
  expect(
    GpuResponseType.ErrInvalidResourceId,
    { type: GpuCommandType.UpdateCursor, scanoutId: 0, x: 0, y: 0, resourceId: 42, hotX: 0, hotY: 0 },
    1,
  );
  expect(
    GpuResponseType.ErrInvalidScanoutId,
    { type: GpuCommandType.MoveCursor, scanoutId: 3, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 },
    1,
  );
  // Garbage: unknown type, short header, short body.
  assert.equal(driver.sendBytes(new Uint8Array(24).fill(0xee))?.type, GpuResponseType.ErrUnspec);
  assert.equal(driver.sendBytes(new Uint8Array(8))?.type, GpuResponseType.ErrUnspec);
  const short = new Uint8Array(30);
  new DataView(short.buffer).setUint32(0, GpuCommandType.ResourceCreate2d, true);
  assert.equal(driver.sendBytes(short)?.type, GpuResponseType.ErrUnspec);
  // The resource that did get created is intact.
  expect(GpuResponseType.OkNodata, { type: GpuCommandType.ResourceUnref, resourceId: 1 });
  assert.deepEqual(device.rutabaga.resourceIds(), []);
});

test("a response buffer too small for the answer gets a bare error header, one too small for that nothing", () => {
  const { driver } = setup();
  const q = driver.queues[0];
  const req = new Uint8Array(24);
  new DataView(req.buffer).setUint32(0, GpuCommandType.GetDisplayInfo, true);
  const placed = q.add([req], [100]);
  driver.device.processQueue(0, driver.deviceQueues[0]);
  const used = q.takeUsed();
  assert.deepEqual(used, [{ head: placed.head, length: 24 }]);
  assert.equal(
    new DataView(driver.ram.view(placed.writable[0]!.addr, 4).slice().buffer).getUint32(0, true),
    GpuResponseType.ErrUnspec,
  );
  q.add([req], [10]);
  driver.device.processQueue(0, driver.deviceQueues[0]);
  assert.equal(q.takeUsed()[0]?.length, 0);
});
