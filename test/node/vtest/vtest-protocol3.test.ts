import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { nodeCrossDomainFactory } from "../../../src/node/cross-domain/index.ts";
import { EventFd } from "../../../src/node/os/eventfd.ts";
import { closeFd, dupFd } from "../../../src/node/os/fd.ts";
import { fileSize } from "../../../src/node/os/memfd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { syncPoints } from "../../../src/node/vtest/codec.ts";
import { MockVtestClient, VIRGL_FORMAT_R8G8B8A8_UNORM as RGBA8 } from "../../../src/node/vtest/mock-client.ts";
import {
  VTEST_MAX_TIMELINE_COUNT,
  VtestBlobFlag,
  VtestBlobType,
  VtestCommand,
  VtestParam,
  VtestSubmitFlag,
  VtestSyncWaitFlag,
} from "../../../src/node/vtest/protocol.ts";
import { VtestServer } from "../../../src/node/vtest/vtest-server.ts";
import { RutabagaBuilder } from "../../../src/rutabaga/builder.ts";
import { RutabagaCapset, RutabagaComponentType } from "../../../src/rutabaga/constants.ts";
import type { Rutabaga } from "../../../src/rutabaga/rutabaga.ts";
import { f32bits, stream } from "../../components/virgl/helpers.ts";
import { ServerLog } from "./server-log.ts";

let dir: string;
/** The default server: the virgl component on the host GL. */
let server: VtestServer;
/** A server of the cross-domain component (guest blobs through the 2D component) with small limits. */
let small: VtestServer;
const log = new ServerLog();
const smallLog = new ServerLog();
/** The library instances `small` built, newest last. */
const built: Rutabaga[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest3-"));
  server = new VtestServer(join(dir, "vtest.sock"), { log: log.push });
  small = new VtestServer(join(dir, "small.sock"), {
    log: smallLog.push,
    limits: { maxSyncs: 4, maxPendingWaits: 2, maxSyncsPerRequest: 3, maxBatches: 2, maxShmBytes: 1 << 16 },
    rutabaga: (fenceHandler) => {
      const rb = new RutabagaBuilder(1n << BigInt(RutabagaCapset.CrossDomain), fenceHandler)
        .setComponentFactory(RutabagaComponentType.CrossDomain, nodeCrossDomainFactory())
        .build();
      built.push(rb);
      return rb;
    },
  });
});
after(() => {
  server.close();
  small.close();
  rmSync(dir, { recursive: true, force: true });
});

const openFds = () => readdirSync("/proc/self/fd").length;

async function v3(path = server.path, name = "v3"): Promise<MockVtestClient> {
  const c = new MockVtestClient(path);
  assert.equal(await c.handshake(name, 3), 3);
  return c;
}

/** A round trip: every message sent before it has been handled once it returns. */
async function roundTrip(c: MockVtestClient): Promise<void> {
  c.send(VtestCommand.PingProtocolVersion, []);
  assert.equal((await c.reply()).id, VtestCommand.PingProtocolVersion);
}

/** Whether an eventfd the server sent has been written (reads it, so a second call says no); `fd` stays open. */
function signalled(fd: number): boolean {
  const e = EventFd.fromFd(dupFd(fd));
  const value = e.drain();
  e.close();
  return value !== 0n;
}

async function droppedFor(
  s: VtestServer,
  l: ServerLog,
  why: RegExp,
  act: (c: MockVtestClient) => void | Promise<void>,
  version = 3,
): Promise<void> {
  const before = s.stats.dropped;
  const c = new MockVtestClient(s.path);
  await c.handshake("hostile", version);
  const line = l.next(/dropped/);
  await act(c);
  await c.closedByServer();
  c.close();
  assert.equal(s.stats.dropped, before + 1);
  assert.match(await line, why);
}

test("GET_PARAM answers MAX_TIMELINE_COUNT with [valid, 64] and any other parameter with [0, 0]", async () => {
  const c = await v3();
  assert.deepEqual(await c.getParam(VtestParam.MaxTimelineCount), [1, 64], "virglrenderer offers 64");
  assert.deepEqual(await c.getParam(2), [0, 0]);
  assert.deepEqual(await c.getParam(0xffff_ffff), [0, 0]);
  c.close();
});

test("GET_CAPSET answers the capsets the library lists, up to their version; others are not valid", async () => {
  const c = await v3();
  c.send(VtestCommand.GetCaps2, []);
  const head = new Uint32Array((await c.read(8)).buffer);
  const caps2 = await c.read(head[0]! - 1);
  const capset = await c.getCapset(RutabagaCapset.Virgl2, 2);
  assert.ok(capset !== undefined);
  // The capset is padded to whole words; its bytes are GET_CAPS2's.
  assert.deepEqual([...capset.subarray(0, caps2.length)], [...caps2]);
  assert.equal(capset.length, Math.ceil(caps2.length / 4) * 4);
  assert.equal(await c.getCapset(RutabagaCapset.Virgl2, 3), undefined, "a version above the capset's");
  assert.equal(await c.getCapset(RutabagaCapset.Venus, 0), undefined, "no venus component here");
  assert.equal(await c.getCapset(0xdead, 0), undefined);
  c.close();
});

test("CONTEXT_INIT makes the context of a listed capset (no reply); venus and unknown capsets are refused", async () => {
  const c = await v3();
  c.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.Virgl2 });
  c.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.Virgl2 });
  await roundTrip(c);
  c.close();
  await droppedFor(server, log, /capset 4 \(venus\) is not served/, (d) =>
    d.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.Venus }),
  );
  await droppedFor(server, log, /CONTEXT_INIT with capset 0/, (d) =>
    d.request({ command: VtestCommand.ContextInit, capsetId: 0 }),
  );
  await droppedFor(server, log, /capset 1 \(virgl\) after a context of capset 2/, async (d) => {
    d.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.Virgl2 });
    d.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.Virgl });
  });
});

test("protocol 3 resources carry handle 0 and get the server's id in a reply, before the descriptor", async () => {
  const c = await v3();
  const a = await c.createResource3(0, { width: 8, height: 4, bytes: 128 });
  const b = await c.createResource3(0, { width: 4, height: 4, bytes: 64 });
  assert.ok(a.id !== 0 && b.id !== 0 && a.id !== b.id, `ids ${a.id}, ${b.id}`);
  c.request({
    command: VtestCommand.ResourceCreate,
    handle: 0,
    create: {
      target: 2,
      format: RGBA8,
      bind: 2,
      width: 2,
      height: 2,
      depth: 1,
      arraySize: 1,
      lastLevel: 0,
      nrSamples: 0,
      flags: 0,
    },
    dataSize: 0,
  });
  const reply = await c.reply();
  assert.equal(reply.id, VtestCommand.ResourceCreate);
  assert.ok(![a.id, b.id, 0].includes(reply.words[0]!));
  // The ids work: a clear of `b` through its id, read back into its shared memory.
  const shm = MemoryMapping.map(b.fd, 64);
  closeFd(b.fd);
  closeFd(a.fd);
  const words = stream(
    [VirglCmd.CreateSubCtx, 0, 1],
    [VirglCmd.SetSubCtx, 0, 1],
    [VirglCmd.CreateObject, VirglObject.Surface, 10, b.id, RGBA8, 0, 0],
    [VirglCmd.SetFramebufferState, 0, 1, 0, 10],
    [VirglCmd.Clear, 0, 4, f32bits(1), f32bits(0), f32bits(0), f32bits(1), 0, 0, 0],
  );
  c.send(VtestCommand.SubmitCmd, new Uint32Array(words.buffer) as unknown as number[]);
  c.send(VtestCommand.TransferGet2, [b.id, 0, 0, 0, 0, 4, 4, 1, 64, 0]);
  assert.equal(await c.busyWait(b.id), 0);
  assert.deepEqual([...shm.bytes.subarray(0, 4)], [255, 0, 0, 255]);
  shm.unmap();
  c.send(VtestCommand.ResourceUnref, [a.id]);
  await roundTrip(c);
  c.close();
  await droppedFor(server, log, /resource handle 5: protocol 3 clients send 0/, (d) =>
    d.send(VtestCommand.ResourceCreate2, [5, 2, RGBA8, 2, 4, 4, 1, 1, 0, 0, 64]),
  );
});

test("a client of protocol 2 keeps its own handles and is refused protocol 3's commands", async () => {
  const c = new MockVtestClient(server.path);
  assert.equal(await c.handshake("v2", 2), 2);
  assert.equal((await c.createResource3(7, { width: 4, height: 4, bytes: 64 })).id, 7);
  await roundTrip(c);
  c.close();
  await droppedFor(
    server,
    log,
    /command 15 needs protocol 3 \(version 2 agreed\)/,
    (d) => d.send(VtestCommand.GetParam, [1]),
    2,
  );
  await droppedFor(server, log, /command 24 needs protocol 3/, (d) => d.send(VtestCommand.SubmitCmd2, [0]), 2);
});

test("a client may negotiate again (Mesa's virpipe falls back from 3 to 2 after GET_CAPS)", async () => {
  const c = await v3();
  c.request({ command: VtestCommand.PingProtocolVersion });
  c.request({ command: VtestCommand.ResourceBusyWait, handle: 0, flags: 0 });
  c.request({ command: VtestCommand.ProtocolVersion, version: 2 });
  assert.equal((await c.reply()).id, VtestCommand.PingProtocolVersion);
  assert.equal((await c.reply()).id, VtestCommand.ResourceBusyWait);
  assert.deepEqual([...(await c.reply()).words], [2]);
  c.version = 2;
  assert.equal((await c.createResource3(3, { width: 4, height: 4, bytes: 64 })).id, 3);
  c.close();
});

test("SYNC_CREATE, SYNC_READ and SYNC_WRITE keep 64-bit values (a lower write resets); SYNC_UNREF forgets", async () => {
  const c = await v3();
  const big = (1n << 40n) + 7n;
  const a = await c.syncCreate(5n);
  const b = await c.syncCreate(big);
  assert.notEqual(a, b);
  assert.equal(await c.syncRead(a), 5n);
  assert.equal(await c.syncRead(b), big);
  c.request({ command: VtestCommand.SyncWrite, id: a, value: 0xffff_ffff_ffff_fff0n });
  assert.equal(await c.syncRead(a), 0xffff_ffff_ffff_fff0n);
  c.request({ command: VtestCommand.SyncWrite, id: a, value: 3n });
  assert.equal(await c.syncRead(a), 3n);
  c.request({ command: VtestCommand.SyncUnref, id: a });
  assert.equal(await c.syncRead(b), big);
  c.close();
  await droppedFor(server, log, /no sync 1/, async (d) => {
    const id = await d.syncCreate(0n);
    d.request({ command: VtestCommand.SyncUnref, id });
    d.request({ command: VtestCommand.SyncRead, id });
  });
  await droppedFor(server, log, /no sync 77/, (d) => d.request({ command: VtestCommand.SyncWrite, id: 77, value: 1n }));
});

test("SYNC_WAIT answers at once with an eventfd the server writes when the syncs reach their values", async () => {
  const c = await v3();
  const a = await c.syncCreate(1n);
  const b = await c.syncCreate(0n);
  const done = await c.syncWait([{ id: a, value: 1n }], 1000);
  assert.ok(signalled(done), "a wait already satisfied is written before it is sent");
  closeFd(done);
  const anyDone = await c.syncWait(
    [
      { id: b, value: 100n },
      { id: a, value: 1n },
    ],
    1000,
    VtestSyncWaitFlag.Any,
  );
  assert.ok(signalled(anyDone), "ANY with one sync already there is written at once");
  closeFd(anyDone);
  const all = await c.syncWait(
    [
      { id: a, value: 2n },
      { id: b, value: 4n },
    ],
    0xffff_ffff,
  );
  const any = await c.syncWait(
    [
      { id: a, value: 9n },
      { id: b, value: 4n },
    ],
    0xffff_ffff,
    VtestSyncWaitFlag.Any,
  );
  assert.ok(!signalled(all) && !signalled(any));
  c.request({ command: VtestCommand.SyncWrite, id: b, value: 4n });
  await roundTrip(c);
  assert.ok(signalled(any), "ANY: one sync is enough");
  assert.ok(!signalled(all), "all: a is still below 2");
  c.request({ command: VtestCommand.SyncWrite, id: a, value: 2n });
  await roundTrip(c);
  assert.ok(signalled(all));
  const never = await c.syncWait([{ id: a, value: 100n }], 0);
  c.request({ command: VtestCommand.SyncWrite, id: a, value: 100n });
  await roundTrip(c);
  assert.ok(!signalled(never), "timeout 0 polls once: the server keeps nothing to write");
  for (const fd of [all, any, never]) closeFd(fd);
  c.close();
});

test("SUBMIT_CMD2 runs each batch's commands and writes its syncs at once, or when its ring fence retires", async () => {
  const c = await v3();
  const fd = await c.createResource3(0, { width: 4, height: 4, bytes: 64 });
  const shm = MemoryMapping.map(fd.fd, 64);
  closeFd(fd.fd);
  const s1 = await c.syncCreate(0n);
  const s2 = await c.syncCreate(0n);
  const wait = await c.syncWait([{ id: s2, value: 7n }], 0xffff_ffff);
  const clear = stream(
    [VirglCmd.CreateSubCtx, 0, 1],
    [VirglCmd.SetSubCtx, 0, 1],
    [VirglCmd.CreateObject, VirglObject.Surface, 10, fd.id, RGBA8, 0, 0],
    [VirglCmd.SetFramebufferState, 0, 1, 0, 10],
    [VirglCmd.Clear, 0, 4, f32bits(0), f32bits(0), f32bits(1), f32bits(1), 0, 0, 0],
  );
  c.submitCmd2([
    { flags: 0, commands: clear, syncs: syncPoints([{ id: s1, value: 3n }]), ringIdx: 0 },
    {
      flags: VtestSubmitFlag.RingIdx,
      commands: new Uint8Array(0),
      syncs: syncPoints([{ id: s2, value: 7n }]),
      ringIdx: VTEST_MAX_TIMELINE_COUNT - 1,
    },
  ]);
  assert.equal(await c.syncRead(s1), 3n);
  assert.equal(await c.syncRead(s2), 7n);
  assert.ok(signalled(wait), "the ring fence's syncs woke the wait");
  closeFd(wait);
  c.send(VtestCommand.TransferGet2, [fd.id, 0, 0, 0, 0, 4, 4, 1, 64, 0]);
  assert.equal(await c.busyWait(fd.id), 0);
  assert.deepEqual([...shm.bytes.subarray(60, 64)], [0, 0, 255, 255]);
  shm.unmap();
  c.close();
});

test("hostile SUBMIT_CMD2: bad ring, fence-fd flags, overlong or misplaced batches, unknown syncs are refused", async () => {
  const header = (batches: number[][], extra: number[] = []) => [batches.length, ...batches.flat(), ...extra];
  // flags, cmd offset, cmd size, sync offset, sync count, ring, 0, 0
  await droppedFor(server, log, /ring 64 \(64 timelines\)/, (d) =>
    d.send(VtestCommand.SubmitCmd2, header([[VtestSubmitFlag.RingIdx, 0, 0, 0, 0, 64, 0, 0]])),
  );
  await droppedFor(server, log, /ring 4294967295/, (d) =>
    d.send(VtestCommand.SubmitCmd2, header([[0, 0, 0, 0, 0, 0xffff_ffff, 0, 0]])),
  );
  await droppedFor(server, log, /flags 2 \(fence fds are not served\)/, (d) =>
    d.send(VtestCommand.SubmitCmd2, header([[VtestSubmitFlag.InFenceFd, 0, 0, 0, 0, 0, 0, 0]])),
  );
  await droppedFor(server, log, /flags 5/, (d) =>
    d.send(
      VtestCommand.SubmitCmd2,
      header([[VtestSubmitFlag.RingIdx | VtestSubmitFlag.OutFenceFd, 0, 0, 0, 0, 0, 0, 0]]),
    ),
  );
  await droppedFor(server, log, /3 batch headers do not fit 17 words/, (d) =>
    d.send(VtestCommand.SubmitCmd2, [3, ...new Array(16).fill(0)]),
  );
  await droppedFor(server, log, /batch 0: commands past the payload/, (d) =>
    d.send(VtestCommand.SubmitCmd2, header([[0, 5, 0xffff_fffe, 0, 0, 0, 0, 0]])),
  );
  await droppedFor(server, log, /batch 0: syncs past the payload/, (d) =>
    d.send(VtestCommand.SubmitCmd2, header([[0, 0, 0, 9, 1, 0, 0, 0]], [1, 0])),
  );
  await droppedFor(server, log, /SUBMIT_CMD2: 0 bytes/, (d) => d.send(VtestCommand.SubmitCmd2, []));
  await droppedFor(server, log, /no sync 42/, async (d) => {
    const s = await d.syncCreate(0n);
    d.send(VtestCommand.SubmitCmd2, header([[0, 0, 0, 9, 1, 0, 0, 0]], [s, 1, 0]).concat([]));
    await roundTrip(d);
    assert.equal(await d.syncRead(s), 1n);
    d.send(
      VtestCommand.SubmitCmd2,
      header(
        [
          [0, 0, 0, 17, 1, 0, 0, 0],
          [0, 0, 0, 20, 1, 0, 0, 0],
        ],
        [s, 2, 0, 42, 1, 0],
      ),
    );
  });
});

test("per-client limits: syncs, syncs per request, batches, pending waits (expired ones are collected)", async () => {
  await droppedFor(small, smallLog, /more than 4 syncs/, async (d) => {
    for (let i = 0; i < 4; i++) await d.syncCreate(0n);
    d.request({ command: VtestCommand.SyncCreate, value: 0n });
  });
  await droppedFor(small, smallLog, /SYNC_WAIT: 4 syncs \(limit 3\)/, (d) =>
    d.request({
      command: VtestCommand.SyncWait,
      flags: 0,
      timeoutMs: 1,
      syncs: syncPoints(new Array(4).fill({ id: 1, value: 1n })),
    }),
  );
  await droppedFor(small, smallLog, /batch 0: 4 syncs \(limit 3\)/, (d) =>
    d.send(VtestCommand.SubmitCmd2, [1, 0, 0, 0, 9, 4, 0, 0, 0, ...new Array(12).fill(0)]),
  );
  await droppedFor(small, smallLog, /3 batches \(limit 2\)/, (d) =>
    d.send(VtestCommand.SubmitCmd2, [3, ...new Array(24).fill(0)]),
  );
  await droppedFor(small, smallLog, /more than 2 pending sync waits/, async (d) => {
    const s = await d.syncCreate(0n);
    // Two waits that expire in 1 ms are collected when the next ones need room.
    for (const timeout of [1, 1]) closeFd(await d.syncWait([{ id: s, value: 1n }], timeout));
    await new Promise((r) => setTimeout(r, 10));
    for (const timeout of [0xffff_ffff, 0xffff_ffff]) closeFd(await d.syncWait([{ id: s, value: 1n }], timeout));
    d.request({
      command: VtestCommand.SyncWait,
      flags: 0,
      timeoutMs: 0xffff_ffff,
      syncs: syncPoints([{ id: s, value: 1n }]),
    });
  });
});

test("short frames of every protocol 3 command are refused", async () => {
  const cases: [number, number[], RegExp][] = [
    [VtestCommand.GetParam, [], /GET_PARAM: 0 bytes, 4 needed/],
    [VtestCommand.GetCapset, [4], /GET_CAPSET: 4 bytes, 8 needed/],
    [VtestCommand.ContextInit, [], /CONTEXT_INIT: 0 bytes/],
    [VtestCommand.ResourceCreateBlob, [2, 1, 4096, 0, 0], /RESOURCE_CREATE_BLOB: 20 bytes, 24 needed/],
    [VtestCommand.SyncCreate, [1], /SYNC_CREATE: 4 bytes/],
    [VtestCommand.SyncUnref, [], /SYNC_UNREF\/READ: 0 bytes/],
    [VtestCommand.SyncRead, [], /SYNC_UNREF\/READ: 0 bytes/],
    [VtestCommand.SyncWrite, [1, 2], /SYNC_WRITE: 8 bytes, 12 needed/],
    [VtestCommand.SyncWait, [0, 0, 1, 1], /SYNC_WAIT: 16 bytes is not 2 \+ 3n words/],
    [VtestCommand.SyncWait, [0], /SYNC_WAIT: 4 bytes is not 2 \+ 3n words/],
  ];
  for (const [command, words, why] of cases) await droppedFor(server, log, why, (d) => d.send(command, words));
});

test("RESOURCE_CREATE_BLOB: a guest blob's memfd comes back after the id; HOST3D needs a component that makes it", async () => {
  const c = await v3(small.path, "blob");
  c.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.CrossDomain });
  const blob = await c.createBlob(4096n, { type: VtestBlobType.Guest, flags: VtestBlobFlag.Mappable });
  assert.ok(blob.resId > 0);
  assert.equal(fileSize(blob.fd), 4096);
  const rb = built.at(-1)!;
  assert.ok(rb.resourceIds().includes(blob.resId));
  assert.equal(rb.resourceInfo(blob.resId).size, 4096n);
  const second = await c.createBlob(8192n, { type: VtestBlobType.Guest });
  assert.notEqual(second.resId, blob.resId);
  c.request({ command: VtestCommand.ResourceUnref, handle: blob.resId });
  await roundTrip(c);
  assert.ok(!rb.resourceIds().includes(blob.resId));
  closeFd(blob.fd);
  closeFd(second.fd);
  c.close();
  const blobOf = (type: number, flags: number, size: bigint) => (d: MockVtestClient) =>
    d.request({ command: VtestCommand.ResourceCreateBlob, type, flags, size, blobId: 0n });
  await droppedFor(server, log, /blob resources/, blobOf(VtestBlobType.Host3D, VtestBlobFlag.Mappable, 4096n));
  await droppedFor(server, log, /RESOURCE_CREATE_BLOB: type 7/, blobOf(7, 1, 4096n));
  await droppedFor(server, log, /RESOURCE_CREATE_BLOB: flags 8/, blobOf(VtestBlobType.Guest, 8, 4096n));
  await droppedFor(server, log, /RESOURCE_CREATE_BLOB of 0 bytes/, blobOf(VtestBlobType.Guest, 1, 0n));
  await droppedFor(small, smallLog, /shared memory would pass 65536 bytes/, blobOf(VtestBlobType.Guest, 1, 1n << 40n));
  await droppedFor(small, smallLog, /InvalidCrossDomainItemId: no item 0/, async (d) => {
    d.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.CrossDomain });
    blobOf(VtestBlobType.Host3DGuest, 1, 4096n)(d);
  });
});

test("a client that goes with pending waits, ring submits and blobs leaves no descriptor behind", async () => {
  const before = openFds();
  const c = await v3(small.path, "leaver");
  c.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.CrossDomain });
  const blob = await c.createBlob(4096n, { type: VtestBlobType.Guest });
  closeFd(blob.fd);
  const s = await c.syncCreate(0n);
  closeFd(await c.syncWait([{ id: s, value: 5n }], 0xffff_ffff));
  closeFd(await c.syncWait([{ id: s, value: 6n }], 0xffff_ffff));
  c.close();
  await smallLog.next(/leaver\) disconnected/);
  assert.equal(openFds(), before);
});
