import assert from "node:assert/strict";
import { test } from "node:test";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import { encodeConfig } from "../../../src/node/vhost-user/codec.ts";
import { configRequest, MockFrontEnd } from "../../../src/node/vhost-user/mock-front-end.ts";
import { GpuDisplayRequest, VhostUserRequest } from "../../../src/node/vhost-user/protocol.ts";
import { GpuCommandType, GpuResponseType } from "../../../src/virtio-gpu/index.ts";

const FEATURES = (1n << 32n) | (1n << 29n) | (1n << 28n) | (1n << 30n) | (1n << 1n);

function connect(options: ConstructorParameters<typeof VhostUserGpuBackend>[1] = {}) {
  const [qemu, ours] = UnixSocket.pair();
  const logs: string[] = [];
  const backend = new VhostUserGpuBackend(ours, { log: (m) => logs.push(m), ...options });
  const ended = new Promise<string>((resolve) => backend.onEnd(resolve));
  const fe = new MockFrontEnd(qemu);
  return { backend, fe, logs, ended };
}

test("QEMU's message sequence brings up the rings; a guest's commands come back through the call eventfds", async () => {
  const { backend, fe, ended } = connect();
  try {
    const features = MockFrontEnd.u64(
      await fe.send(VhostUserRequest.GetFeatures, undefined, [], { expectReply: true }),
    );
    for (const b of [32n, 30n, 29n, 28n, 1n, 3n]) assert.ok(features & (1n << b), `feature bit ${b}`);
    const config = await fe.send(VhostUserRequest.GetConfig, configRequest(0, 16), [], { expectReply: true });
    assert.equal(new DataView(config!.payload.buffer).getUint32(12 + 8, true), 1, "num_scanouts");
    await fe.start(FEATURES);
    // The backend asked QEMU for its display size and took it.
    await fe.waitForDisplay(GpuDisplayRequest.GetDisplayInfo);
    const info = await fe.request({ type: GpuCommandType.GetDisplayInfo });
    assert.equal(info.type, GpuResponseType.OkDisplayInfo);
    const v = new DataView(info.bytes.buffer);
    assert.deepEqual([v.getUint32(32, true), v.getUint32(36, true)], [640, 480]);
    assert.equal((await fe.request({ type: GpuCommandType.GetEdid, scanoutId: 0 })).type, GpuResponseType.OkEdid);
    assert.equal(
      backend.device.driverFeatures,
      1n << 1n,
      "the device got the virtio-gpu feature bits the driver accepted",
    );

    // Framebuffer: create, attach scattered pages of the shared RAM, scanout, transfer, flush.
    const W = 640;
    const H = 480;
    const pages = Array.from({ length: (W * H * 4) / 4096 }, () => fe.ram.alloc(4096, 4096)).reverse();
    const entries = pages.map((addr) => ({ addr, length: 4096 }));
    const frame = new Uint8Array(W * H * 4).map((_, i) => (i * 31) & 0xff);
    for (const [i, addr] of pages.entries()) fe.ram.view(addr, 4096).set(frame.subarray(i * 4096, (i + 1) * 4096));
    const ok = async (c: Parameters<MockFrontEnd["request"]>[0], q = 0) =>
      assert.equal((await fe.request(c, {}, q)).type, GpuResponseType.OkNodata);
    await ok({ type: GpuCommandType.ResourceCreate2d, resourceId: 2, format: 2, width: W, height: H });
    await ok({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries });
    await ok({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 0, y: 0, w: W, h: H },
      offset: 0n,
      resourceId: 2,
    });
    await ok({
      type: GpuCommandType.SetScanout,
      rect: { x: 0, y: 0, w: W, h: H },
      scanoutId: 0,
      resourceId: 2,
    });
    const [scanout] = await fe.waitForDisplay(GpuDisplayRequest.Scanout);
    assert.deepEqual([...new Uint32Array(scanout!.payload.slice().buffer)], [0, W, H]);
    await ok({ type: GpuCommandType.ResourceFlush, rect: { x: 8, y: 16, w: 24, h: 10 }, resourceId: 2 });
    const updates = await fe.waitForDisplay(GpuDisplayRequest.Update, 2);
    const update = updates[updates.length - 1]!;
    const uv = new DataView(update.payload.buffer, update.payload.byteOffset);
    assert.deepEqual(
      [0, 4, 8, 12, 16].map((o) => uv.getUint32(o, true)),
      [0, 8, 16, 24, 10],
    );
    for (let row = 0; row < 10; row++) {
      const want = frame.subarray((16 + row) * W * 4 + 32, (16 + row) * W * 4 + 32 + 96);
      assert.deepEqual(update.payload.subarray(20 + row * 96, 20 + (row + 1) * 96), want);
    }
    // Cursor on the cursor queue: a 64x64 image, then a move, then hide.
    const cursorPages = [fe.ram.alloc(4096 * 4, 4096)];
    fe.ram.view(cursorPages[0]!, 16384).fill(0x7f);
    await ok({ type: GpuCommandType.ResourceCreate2d, resourceId: 3, format: 1, width: 64, height: 64 });
    await ok({
      type: GpuCommandType.ResourceAttachBacking,
      resourceId: 3,
      entries: [{ addr: cursorPages[0]!, length: 16384 }],
    });
    await ok({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 0, y: 0, w: 64, h: 64 },
      offset: 0n,
      resourceId: 3,
    });
    await ok({ type: GpuCommandType.UpdateCursor, scanoutId: 0, x: 5, y: 6, resourceId: 3, hotX: 1, hotY: 2 }, 1);
    const [cursor] = await fe.waitForDisplay(GpuDisplayRequest.CursorUpdate);
    assert.equal(cursor!.payload.length, 20 + 64 * 64 * 4);
    assert.deepEqual([...new Uint32Array(cursor!.payload.slice(0, 20).buffer)], [0, 5, 6, 1, 2]);
    await ok({ type: GpuCommandType.MoveCursor, scanoutId: 0, x: 50, y: 60, resourceId: 3, hotX: 0, hotY: 0 }, 1);
    await fe.waitForDisplay(GpuDisplayRequest.CursorPos);
    await ok({ type: GpuCommandType.UpdateCursor, scanoutId: 0, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 }, 1);
    await fe.waitForDisplay(GpuDisplayRequest.CursorPosHide);

    // Poweroff: GET_VRING_BASE stops each ring and reports how far it got.
    const base = await fe.send(VhostUserRequest.GetVringBase, MockFrontEnd.vringState(0, 0), [], { expectReply: true });
    assert.deepEqual([...new Uint32Array(base!.payload.slice().buffer)], [0, 10]);
  } finally {
    fe.close();
  }
  assert.match(await ended, /closed/);
});

test("unknown and malformed messages are refused with REPLY_ACK and the backend keeps serving", async () => {
  const { fe, logs, ended } = connect();
  try {
    await fe.send(VhostUserRequest.SetProtocolFeatures, MockFrontEnd.u64Payload(1n << 3n));
    assert.equal(MockFrontEnd.u64(await fe.send(99, undefined, [], { needReply: true })), 1n);
    assert.equal(
      MockFrontEnd.u64(await fe.send(VhostUserRequest.SetVringNum, new Uint8Array(3), [], { needReply: true })),
      1n,
    );
    assert.equal(
      MockFrontEnd.u64(
        await fe.send(VhostUserRequest.SetVringNum, MockFrontEnd.vringState(7, 64), [], { needReply: true }),
      ),
      1n,
    );
    assert.equal(
      MockFrontEnd.u64(
        await fe.send(VhostUserRequest.SetVringNum, MockFrontEnd.vringState(0, 100), [], { needReply: true }),
      ),
      1n,
    );
    assert.equal(
      MockFrontEnd.u64(await fe.send(VhostUserRequest.AddMemReg, new Uint8Array(40), [], { needReply: true })),
      1n,
    );
    assert.equal(
      MockFrontEnd.u64(await fe.send(VhostUserRequest.SetMemTable, new Uint8Array(8), [], { needReply: true })),
      1n,
    );
    assert.equal(
      MockFrontEnd.u64(await fe.send(VhostUserRequest.GetQueueNum, undefined, [], { expectReply: true })),
      2n,
    );
    assert.ok(logs.some((l) => l.includes("unknown request 99")));
  } finally {
    fe.close();
  }
  await ended;
});

test("SET_CONFIG whose declared size exceeds its data is refused and leaves the config space as it was", async () => {
  const { backend, fe, logs, ended } = connect();
  try {
    await fe.send(VhostUserRequest.SetProtocolFeatures, MockFrontEnd.u64Payload(1n << 3n));
    const eventsRead = async () => {
      const reply = await fe.send(VhostUserRequest.GetConfig, configRequest(0, 16), [], { expectReply: true });
      return new DataView(reply!.payload.buffer, reply!.payload.byteOffset).getUint32(12, true);
    };
    backend.device.setScanoutConfig(0, { width: 800, height: 600 });
    assert.equal(await eventsRead(), 1, "VIRTIO_GPU_EVENT_DISPLAY raised");
    // events_clear (offset 4) with all bits: 4 data bytes where the header declares 8, then 0xffffffff.
    const clearAll = encodeConfig({ offset: 4, flags: 0, data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) });
    const overdeclared = (size: number) => {
      const p = clearAll.slice();
      new DataView(p.buffer).setUint32(4, size, true);
      return p;
    };
    for (const size of [5, 8, 0xffff_ffff]) {
      const ack = await fe.send(VhostUserRequest.SetConfig, overdeclared(size), [], { needReply: true });
      assert.equal(MockFrontEnd.u64(ack), 1n, `declared ${size} bytes over 4`);
      assert.equal(await eventsRead(), 1, `declared ${size} bytes over 4: events_read unchanged`);
    }
    assert.ok(
      logs.some((l) => /payload of 16 bytes, 20 needed/.test(l)),
      logs.join("\n"),
    );
    // The same message with its size right is applied.
    assert.equal(MockFrontEnd.u64(await fe.send(VhostUserRequest.SetConfig, clearAll, [], { needReply: true })), 0n);
    assert.equal(await eventsRead(), 0);
  } finally {
    fe.close();
  }
  await ended;
});

test("a wrong protocol version or an oversized message ends the connection cleanly", async () => {
  const a = connect();
  await a.fe.send(VhostUserRequest.GetQueueNum, undefined, [], { flags: 0x2 });
  assert.match(await a.ended, /closed|version/);
  a.fe.close();
  const b = connect();
  const header = new Uint8Array(12);
  const v = new DataView(header.buffer);
  v.setUint32(0, VhostUserRequest.SetConfig, true);
  v.setUint32(4, 1, true);
  v.setUint32(8, 0x7fff_ffff, true);
  b.fe.socket.send(header);
  assert.match(await b.ended, /announced 2147483647 bytes/);
  b.fe.close();
});
