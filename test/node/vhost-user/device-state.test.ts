import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { buildVirglRutabaga } from "../../../src/node/gl/virgl-rutabaga.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import { VhostUserRefusal } from "../../../src/node/vhost-user/codec.ts";
import { decodeUpdate } from "../../../src/node/vhost-user/display-codec.ts";
import { MockFrontEnd } from "../../../src/node/vhost-user/mock-front-end.ts";
import { DeviceStateTransfer, GpuDisplayRequest } from "../../../src/node/vhost-user/protocol.ts";
import type { RutabagaFenceHandler } from "../../../src/rutabaga/types.ts";
import { GpuCommandType, GpuResponseType, type MemEntry } from "../../../src/virtio-gpu/index.ts";
import { scanoutBuffer } from "../../components/virgl/helpers.ts";

const FEATURES = (1n << 32n) | (1n << 29n) | (1n << 28n) | (1n << 30n) | (1n << 1n);
/** `VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM`, as a virgl format. */
const B8G8R8X8 = 2;
const W = 64;
const H = 32;

function connect(virgl = false) {
  const [qemu, ours] = UnixSocket.pair();
  const logs: string[] = [];
  const backend = new VhostUserGpuBackend(ours, {
    log: (m) => logs.push(m),
    ...(virgl ? { rutabaga: (h: RutabagaFenceHandler) => buildVirglRutabaga(h) } : {}),
  });
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

test("a 3D device state (a virgl context and its GL-rendered scanout) moves to another backend", async () => {
  const a = connect(true);
  const b = connect(true);
  const features = FEATURES | (1n << 0n);
  /** Clears resource 2 through surface 10 to `rgba` in context 1, flushes it; returns the UPDATE's pixels. */
  const clearAndFlush = async (fe: MockFrontEnd, logs: string[], rgba: number[], updates: number) => {
    const commands = new VirglEncoder()
      .createSurface(10, 2, B8G8R8X8)
      .setFramebufferState(0, [10])
      .clear(4, rgba)
      .finish();
    for (const c of [
      { type: GpuCommandType.Submit3d, commands, numInFences: 0 },
      { type: GpuCommandType.ResourceFlush, rect: { x: 0, y: 0, w: W, h: H }, resourceId: 2 },
    ] as const) {
      assert.equal((await fe.request(c, { ctxId: 1 })).type, GpuResponseType.OkNodata, logs.join("\n"));
    }
    const all = await fe.waitForDisplay(GpuDisplayRequest.Update, updates);
    const update = decodeUpdate(all.at(-1)!.payload);
    if (update instanceof VhostUserRefusal) throw new Error(update.reason);
    return update.pixels.slice();
  };
  try {
    await a.fe.start(features, { deviceState: true });
    const entries = [{ addr: a.fe.ram.alloc(W * H * 4, 4096), length: W * H * 4 }];
    const ok = async (c: Parameters<MockFrontEnd["request"]>[0]) =>
      assert.equal((await a.fe.request(c, { ctxId: 1 })).type, GpuResponseType.OkNodata, a.logs.join("\n"));
    await ok({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "guest" });
    await ok({ type: GpuCommandType.ResourceCreate3d, resourceId: 2, ...scanoutBuffer(W, H) });
    await ok({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries });
    await ok({ type: GpuCommandType.CtxAttachResource, resourceId: 2 });
    await ok({ type: GpuCommandType.SetScanout, scanoutId: 0, resourceId: 2, rect: { x: 0, y: 0, w: W, h: H } });
    const red = await clearAndFlush(a.fe, a.logs, [1, 0, 0, 1], 1);
    assert.deepEqual([...red.subarray(0, 4)], [0, 0, 0xff, 0xff], "the GL cleared the scanout red");

    await a.fe.stopRings();
    const saved = await a.fe.saveDeviceState();
    assert.equal(saved.check, 0n, a.logs.join("\n"));

    await b.fe.start(features, { deviceState: true });
    assert.equal(b.fe.ram.alloc(W * H * 4, 4096), entries[0]!.addr, "the same guest layout");
    const loaded = await b.fe.loadDeviceState(saved.state);
    assert.equal(loaded.check, 0n, b.logs.join("\n"));
    const [update] = await b.fe.waitForDisplay(GpuDisplayRequest.Update);
    const shown = decodeUpdate(update!.payload);
    assert.ok(!(shown instanceof VhostUserRefusal));
    assert.deepEqual(shown.pixels, red, "the destination shows the GL-rendered frame");
    // The restored context renders on: its objects (surface 10) and resource are there.
    const count = b.fe.displayMessages.filter((m) => m.request === GpuDisplayRequest.Update).length;
    const blue = await clearAndFlush(b.fe, b.logs, [0, 0, 1, 1], count + 1);
    assert.deepEqual([...blue.subarray(0, 4)], [0xff, 0, 0, 0xff]);
  } finally {
    a.fe.close();
    b.fe.close();
  }
});
