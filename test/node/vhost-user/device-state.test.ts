import assert from "node:assert/strict";
import { test } from "node:test";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import { VhostUserRefusal } from "../../../src/node/vhost-user/codec.ts";
import { decodeUpdate } from "../../../src/node/vhost-user/display-codec.ts";
import { MockFrontEnd } from "../../../src/node/vhost-user/mock-front-end.ts";
import { DeviceStateTransfer, GpuDisplayRequest } from "../../../src/node/vhost-user/protocol.ts";
import { GpuCommandType, GpuResponseType, type MemEntry } from "../../../src/virtio-gpu/index.ts";

const FEATURES = (1n << 32n) | (1n << 29n) | (1n << 28n) | (1n << 30n) | (1n << 1n);
const W = 64;
const H = 32;

function connect() {
  const [qemu, ours] = UnixSocket.pair();
  const logs: string[] = [];
  const backend = new VhostUserGpuBackend(ours, { log: (m) => logs.push(m) });
  const fe = new MockFrontEnd(qemu);
  return { backend, fe, logs };
}

function pixels(seed: number): Uint8Array {
  return new Uint8Array(W * H * 4).map((_, i) => (i * 29 + seed * 7) & 0xff);
}

/** Writes `frame` into the guest pages, transfers and flushes it; returns the display's last UPDATE pixels. */
async function drawFrame(fe: MockFrontEnd, entries: readonly MemEntry[], frame: Uint8Array, updates: number) {
  for (const [i, e] of entries.entries()) fe.ram.view(e.addr, e.length).set(frame.subarray(i * 4096, (i + 1) * 4096));
  const rect = { x: 0, y: 0, w: W, h: H };
  for (const c of [
    { type: GpuCommandType.TransferToHost2d, rect, offset: 0n, resourceId: 2 },
    { type: GpuCommandType.ResourceFlush, rect, resourceId: 2 },
  ] as const) {
    assert.equal((await fe.request(c)).type, GpuResponseType.OkNodata);
  }
  const all = await fe.waitForDisplay(GpuDisplayRequest.Update, updates);
  const update = decodeUpdate(all.at(-1)!.payload);
  if (update instanceof VhostUserRefusal) throw new Error(update.reason);
  return update.pixels.slice();
}

test("the device state saved from one backend loads into another, which shows the frame and goes on", async () => {
  const a = connect();
  const b = connect();
  try {
    await a.fe.start(FEATURES, { deviceState: true });
    const entries = Array.from({ length: (W * H * 4) / 4096 }, () => ({
      addr: a.fe.ram.alloc(4096, 4096),
      length: 4096,
    }));
    entries.reverse();
    const ok = async (c: Parameters<MockFrontEnd["request"]>[0]) =>
      assert.equal((await a.fe.request(c)).type, GpuResponseType.OkNodata, a.logs.join("\n"));
    await ok({ type: GpuCommandType.ResourceCreate2d, resourceId: 2, format: 2, width: W, height: H });
    await ok({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries });
    await ok({ type: GpuCommandType.SetScanout, scanoutId: 0, resourceId: 2, rect: { x: 0, y: 0, w: W, h: H } });
    const first = await drawFrame(a.fe, entries, pixels(1), 2);
    assert.deepEqual(first, pixels(1));

    await a.fe.stopRings();
    const saved = await a.fe.saveDeviceState();
    assert.equal(saved.reply, DeviceStateTransfer.REPLY_NO_FD, a.logs.join("\n"));
    assert.equal(saved.check, 0n, a.logs.join("\n"));
    assert.ok(saved.state.byteLength > W * H * 4, "the state holds the resource's pixels");

    // The destination: guest RAM arrives by migration, then the back-end state; the display gets the frame again.
    await b.fe.start(FEATURES, { deviceState: true });
    // Only the framebuffer's pages: the rings are the destination's own (their positions travel separately).
    for (const e of entries) b.fe.ram.view(e.addr, e.length).set(a.fe.ram.view(e.addr, e.length));
    const loaded = await b.fe.loadDeviceState(saved.state);
    assert.deepEqual(loaded, { reply: DeviceStateTransfer.REPLY_NO_FD, check: 0n }, b.logs.join("\n"));
    const [scanout] = await b.fe.waitForDisplay(GpuDisplayRequest.Scanout);
    assert.deepEqual([...new Uint32Array(scanout!.payload.slice().buffer)], [0, W, H]);
    const [update] = await b.fe.waitForDisplay(GpuDisplayRequest.Update);
    const shown = decodeUpdate(update!.payload);
    assert.ok(!(shown instanceof VhostUserRefusal));
    assert.deepEqual(shown.pixels, pixels(1));
    // The guest's next frame goes through the restored resource and backing.
    const count = b.fe.displayMessages.filter((m) => m.request === GpuDisplayRequest.Update).length;
    assert.deepEqual(await drawFrame(b.fe, entries, pixels(2), count + 1), pixels(2));
  } finally {
    a.fe.close();
    b.fe.close();
  }
});

test("device state transfers the back-end cannot do are refused in the reply or by CHECK_DEVICE_STATE", async () => {
  const plain = connect();
  const b = connect();
  try {
    // Without the protocol feature negotiated.
    await plain.fe.start(FEATURES);
    const refused = await plain.fe.saveDeviceState();
    assert.equal(refused.reply, DeviceStateTransfer.REPLY_ERROR | DeviceStateTransfer.REPLY_NO_FD);
    assert.notEqual(refused.check, 0n);
    // A load of bytes that are not a device state: accepted for transfer, refused by the check, the device still empty.
    await b.fe.start(FEATURES, { deviceState: true });
    const loaded = await b.fe.loadDeviceState(new TextEncoder().encode("not a device state"));
    assert.equal(loaded.reply, DeviceStateTransfer.REPLY_NO_FD);
    assert.notEqual(loaded.check, 0n);
    assert.deepEqual(b.backend.device.rutabaga.resourceIds(), []);
    assert.equal(
      (await b.fe.request({ type: GpuCommandType.ResourceCreate2d, resourceId: 2, format: 2, width: W, height: H }))
        .type,
      GpuResponseType.OkNodata,
    );
  } finally {
    plain.fe.close();
    b.fe.close();
  }
});
