import assert from "node:assert/strict";
import { test } from "node:test";
import { GpuResponseType as R } from "../../src/virtio-gpu/index.ts";
import { setup, T } from "./helpers.ts";

const rect = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

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

  expect(R.OkNodata, { type: T.ResourceCreate2d, resourceId: 1, format: 2, width: 64, height: 64 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceCreate2d, resourceId: 1, format: 2, width: 64, height: 64 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceCreate2d, resourceId: 0, format: 2, width: 64, height: 64 });
  expect(R.ErrInvalidParameter, { type: T.ResourceCreate2d, resourceId: 9, format: 999, width: 64, height: 64 });
  expect(R.ErrOutOfMemory, { type: T.ResourceCreate2d, resourceId: 9, format: 2, width: 20000, height: 20000 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceUnref, resourceId: 42 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceAttachBacking, resourceId: 42, entries: [] });
  expect(R.ErrUnspec, { type: T.ResourceAttachBacking, resourceId: 1, entries: [{ addr: 0x10n, length: 4096 }] });
  expect(R.ErrUnspec, {
    type: T.ResourceAttachBacking,
    resourceId: 1,
    entries: [{ addr: 0xffff_ffff_ffff_f000n, length: 8192 }],
  });
  expect(R.ErrInvalidResourceId, { type: T.ResourceDetachBacking, resourceId: 42 });
  expect(R.ErrInvalidScanoutId, { type: T.SetScanout, rect: rect(0, 0, 64, 64), scanoutId: 16, resourceId: 1 });
  expect(R.ErrInvalidScanoutId, { type: T.SetScanout, rect: rect(0, 0, 64, 64), scanoutId: 2, resourceId: 1 });
  expect(R.ErrInvalidResourceId, { type: T.SetScanout, rect: rect(0, 0, 64, 64), scanoutId: 0, resourceId: 42 });
  expect(R.ErrInvalidParameter, { type: T.SetScanout, rect: rect(1, 0, 64, 64), scanoutId: 0, resourceId: 1 });
  expect(R.ErrInvalidParameter, { type: T.SetScanout, rect: rect(0xffff_ffff, 0, 2, 2), scanoutId: 0, resourceId: 1 });
  expect(R.ErrInvalidParameter, { type: T.ResourceFlush, rect: rect(60, 60, 8, 8), resourceId: 1 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceFlush, rect: rect(0, 0, 8, 8), resourceId: 42 });
  expect(R.OkNodata, { type: T.ResourceFlush, rect: rect(0, 0, 8, 8), resourceId: 0 });
  expect(R.ErrInvalidParameter, { type: T.TransferToHost2d, rect: rect(0, 0, 65, 1), offset: 0n, resourceId: 1 });
  expect(R.ErrInvalidParameter, { type: T.TransferToHost2d, rect: rect(0, 0, 64, 64), offset: 0n, resourceId: 1 });
  expect(R.ErrInvalidParameter, { type: T.TransferToHost2d, rect: rect(0, 0, 1, 1), offset: 1n << 60n, resourceId: 1 });
  expect(R.ErrInvalidResourceId, { type: T.TransferToHost2d, rect: rect(0, 0, 1, 1), offset: 0n, resourceId: 42 });
  expect(R.ErrInvalidParameter, { type: T.GetEdid, scanoutId: 5 });
  expect(R.ErrInvalidParameter, { type: T.GetCapsetInfo, capsetIndex: 0 });
  expect(R.ErrInvalidParameter, { type: T.GetCapset, capsetId: 1, capsetVersion: 0 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceAssignUuid, resourceId: 42 });
  expect(R.ErrInvalidContextId, { type: T.CtxDestroy });
  expect(R.ErrInvalidContextId, { type: T.Submit3d, commands: new Uint8Array(8), numInFences: 0 });
  expect(R.ErrInvalidResourceId, { type: T.ResourceMapBlob, resourceId: 42, offset: 0n });
  expect(R.ErrUnspec, { type: T.ResourceMapBlob, resourceId: 1, offset: 0n });
  expect(R.ErrInvalidScanoutId, { type: T.UpdateCursor, scanoutId: 3, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 }, 1);
  expect(
    R.ErrInvalidResourceId,
    { type: T.UpdateCursor, scanoutId: 0, x: 0, y: 0, resourceId: 42, hotX: 0, hotY: 0 },
    1,
  );
  expect(R.ErrInvalidScanoutId, { type: T.MoveCursor, scanoutId: 3, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 }, 1);
  // Garbage: unknown type, short header, short body.
  assert.equal(driver.sendBytes(new Uint8Array(24).fill(0xee))?.type, R.ErrUnspec);
  assert.equal(driver.sendBytes(new Uint8Array(8))?.type, R.ErrUnspec);
  const short = new Uint8Array(30);
  new DataView(short.buffer).setUint32(0, T.ResourceCreate2d, true);
  assert.equal(driver.sendBytes(short)?.type, R.ErrUnspec);
  // The resource that did get created is intact.
  expect(R.OkNodata, { type: T.ResourceUnref, resourceId: 1 });
  assert.deepEqual(device.rutabaga.resourceIds(), []);
});

test("a response buffer too small for the answer gets a bare error header, one too small for that nothing", () => {
  const { driver } = setup();
  const q = driver.queues[0];
  const req = new Uint8Array(24);
  new DataView(req.buffer).setUint32(0, T.GetDisplayInfo, true);
  const placed = q.add([req], [100]);
  driver.device.processQueue(0, driver.deviceQueues[0]);
  const used = q.takeUsed();
  assert.deepEqual(used, [{ head: placed.head, length: 24 }]);
  assert.equal(
    new DataView(driver.ram.view(placed.writable[0]!.addr, 4).slice().buffer).getUint32(0, true),
    R.ErrUnspec,
  );
  q.add([req], [10]);
  driver.device.processQueue(0, driver.deviceQueues[0]);
  assert.equal(q.takeUsed()[0]?.length, 0);
});
