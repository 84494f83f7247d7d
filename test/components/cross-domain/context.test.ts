import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeInit, encodeSend } from "../../../src/components/cross-domain/guest-encoder.ts";
import { fourcc } from "../../../src/components/cross-domain/image-layout.ts";
import { MemoryHost } from "../../../src/components/cross-domain/memory-host.ts";
import { CrossDomainCmd, CrossDomainIdType, CrossDomainRing } from "../../../src/components/cross-domain/protocol.ts";
import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaFenceFlags } from "../../../src/rutabaga/constants.ts";
import { isRutabagaError } from "../../../src/rutabaga/error.ts";
import { crossDomainSetup, str, text } from "./helpers.ts";

const XR24 = fourcc("XR24");
const err = (code: Parameters<typeof isRutabagaError>[1]) => (e: unknown) => isRutabagaError(e, code);

test("capset 5: one capset, info (5, version 0, 16 bytes), content version 1 with the Wayland channel bit", () => {
  const { rutabaga } = crossDomainSetup(new MemoryHost());
  assert.equal(rutabaga.getNumCapsets(), 1);
  assert.deepEqual(rutabaga.getCapsetInfo(0), { capsetId: 5, version: 0, size: 16 });
  assert.deepEqual([...rutabaga.getCapset(5, 0)], [1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

for (const size of [16, 20, 36] as const) {
  test(`INIT of ${size} bytes connects the channel and RECEIVE lands in the channel ring`, () => {
    const host = new MemoryHost();
    const { guest, peers } = crossDomainSetup(host);
    guest.start(1, size);
    assert.equal(peers.length, 1);
    const fence = guest.poll();
    assert.equal(guest.isComplete(1, fence), false);
    peers[0]!.send(text("hello"));
    host.poll();
    assert.equal(guest.isComplete(1, fence), true);
    // Legacy INIT has no channel ring: the query ring doubles as it.
    const ring = size === 16 ? guest.queryRing : guest.channelRing;
    assert.equal(ring[0], CrossDomainCmd.Receive);
    assert.equal(str(ring.subarray(352, 357)), "hello");
  });
}

test("INIT errors: rings not attached, unknown channel, second INIT, any other size", () => {
  const host = new MemoryHost();
  const { rutabaga, guest } = crossDomainSetup(host);
  rutabaga.createContext(1, 5);
  assert.throws(() => guest.submit(encodeInit(1, 2, 1)), err("InvalidResourceId"));
  const ring = { blobMem: RutabagaBlobMem.Guest, blobFlags: RutabagaBlobFlags.UseMappable, blobId: 0n, size: 4096n };
  rutabaga.resourceCreateBlob(0, 1, ring, [guest.queryRing]);
  rutabaga.contextAttachResource(1, 1);
  assert.throws(() => guest.submit(encodeInit(1, 2, 1)), err("InvalidResourceId"));
  rutabaga.resourceCreateBlob(0, 2, ring, [guest.channelRing]);
  rutabaga.contextAttachResource(1, 2);
  assert.throws(() => guest.submit(encodeInit(1, 2, 0x11)), err("InvalidCrossDomainChannel"));
  const odd = encodeInit(1, 2, 1, 36);
  odd[2] = 24;
  assert.throws(() => guest.submit(odd.subarray(0, 24)), err("InvalidCommandSize"));
  guest.submit(encodeInit(1, 2, 1));
  assert.throws(() => guest.submit(encodeInit(1, 2, 1)), err("InvalidCrossDomainState"));
});

test("GET_IMAGE_REQUIREMENTS before INIT is InvalidCrossDomainState; a query-only INIT (channel 0) serves it", () => {
  const { guest } = crossDomainSetup(new MemoryHost());
  guest.rutabaga.createContext(1, 5);
  assert.throws(() => guest.imageRequirements(64, 64, XR24), err("InvalidCrossDomainState"));
  guest.rutabaga.destroyContext(1);
  guest.start(0);
  const reqs = guest.imageRequirements(64, 64, XR24);
  assert.equal(reqs.strides[0], 256);
  assert.throws(() => guest.send(text("x")), err("InvalidCrossDomainChannel"));
});

test("rutabaga_gfx's C sequence: image requirements, host blobs, map info, export, map (widths and heights 0..1536)", () => {
  const host = new MemoryHost();
  const { rutabaga, guest } = crossDomainSetup(host);
  guest.start(1);
  let resourceId = 10;
  let expectedItem = 2;
  for (const w of [0, 512, 1024, 1536]) {
    for (const h of [0, 512, 1024, 1536]) {
      const reqs = guest.imageRequirements(w, h, XR24, (1 << 4) | (1 << 5));
      assert.equal(reqs.blobId, expectedItem++);
      assert.ok(reqs.strides[0] >= 4 * w);
      assert.ok(reqs.size >= BigInt(4 * w * h));
      assert.equal(reqs.mapInfo, 1);
      assert.equal(reqs.memoryIdx, -1);
      assert.equal(reqs.physicalDeviceIdx, -1);
      guest.createHostBlob(resourceId, reqs.blobId, reqs.size);
      assert.equal(rutabaga.mapInfo(resourceId), 0x31);
      assert.deepEqual(rutabaga.query(resourceId).strides, reqs.strides);
      assert.ok(rutabaga.exportBlob(resourceId) !== undefined);
      if (reqs.size > 0n) {
        const bytes = rutabaga.map(resourceId);
        assert.equal(BigInt(bytes.length), reqs.size);
        rutabaga.unmap(resourceId);
      }
      rutabaga.contextDetachResource(1, resourceId);
      rutabaga.unrefResource(resourceId);
      resourceId++;
    }
  }
  assert.equal(rutabaga.hostMemory.used, 0);
});

test("a host blob must match its image size; the item stays for a retry", () => {
  const { rutabaga, guest } = crossDomainSetup(new MemoryHost());
  guest.start(1);
  const reqs = guest.imageRequirements(32, 32, XR24);
  assert.throws(() => guest.createHostBlob(10, reqs.blobId, reqs.size + 1n), err("CheckedRange"));
  assert.throws(() => guest.createHostBlob(10, 999, reqs.size), err("InvalidCrossDomainItemId"));
  guest.createHostBlob(10, reqs.blobId, reqs.size);
  guest.createHostBlob(11, reqs.blobId, reqs.size);
  assert.deepEqual(rutabaga.resourceIds(), [1, 2, 10, 11]);
});

test("SEND carries bytes and a blob's memory to the host channel", () => {
  const host = new MemoryHost();
  const { rutabaga, guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const reqs = guest.imageRequirements(16, 16, XR24);
  guest.createHostBlob(10, reqs.blobId, reqs.size);
  rutabaga.map(10).fill(0x5a, 0, 1024);
  guest.send(text("wl_shm.create_pool"), [{ id: 10, type: CrossDomainIdType.VirtgpuBlob, size: 0 }]);
  const [msg] = peers[0]!.take();
  assert.equal(str(msg!.data), "wl_shm.create_pool");
  assert.equal(msg!.fds.length, 1);
  const seen = host.map(msg!.fds[0]!, 1024).bytes;
  assert.ok(seen.every((b) => b === 0x5a));
  assert.throws(
    () => guest.send(text("x"), [{ id: 99, type: CrossDomainIdType.VirtgpuBlob, size: 0 }]),
    err("InvalidResourceId"),
  );
  assert.throws(
    () => guest.send(text("x"), [{ id: 1, type: CrossDomainIdType.Event, size: 0 }]),
    err("InvalidCrossDomainItemType"),
  );
  assert.throws(
    () => guest.send(text("x"), [{ id: 1, type: CrossDomainIdType.VirtgpuBlob, size: 0 }]),
    err("BadHandle"),
  );
});

test("read pipes: the guest predicts 0x80000001, host data and hang-up come back as READs on ring-1 fences", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  assert.throws(
    () => guest.send(text("receive"), [{ id: 0x80000002, type: CrossDomainIdType.ReadPipe, size: 0 }]),
    err("InvalidCrossDomainItemId"),
  );
  guest.send(text("receive"), [{ id: 0x80000001, type: CrossDomainIdType.ReadPipe, size: 0 }]);
  const [msg] = peers[0]!.take();
  const writeEnd = msg!.fds[0]!;
  host.write(writeEnd, text("clipboard text"));
  const f1 = guest.poll();
  host.poll();
  assert.ok(guest.isComplete(1, f1));
  assert.deepEqual(guest.readChannel(), {
    cmd: 6,
    identifier: 0x80000001,
    hangUp: false,
    data: text("clipboard text"),
  });
  host.close(writeEnd);
  const f2 = guest.poll();
  host.poll();
  assert.ok(guest.isComplete(1, f2));
  assert.deepEqual(guest.readChannel(), { cmd: 6, identifier: 0x80000001, hangUp: true, data: new Uint8Array(0) });
  assert.equal(host.open.size, 0 + 2, "only the two channel ends stay open");
  // The next pipe gets the next id.
  guest.send(text("again"), [{ id: 0x80000002, type: CrossDomainIdType.ReadPipe, size: 0 }]);
});

test("RECEIVE: host memory, eventfds, pipe write ends and sockets become items with ids from 2", () => {
  const host = new MemoryHost();
  const { rutabaga, guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const keymap = host.createMemory(8192, false);
  host.map(keymap, 8192).bytes.set(text("xkb_keymap {"));
  const event = host.createEvent();
  const pipe = host.createPipe();
  const [sockA, sockB] = host.createSocketPair();
  const fence = guest.poll();
  peers[0]!.send(text("keymap+"), [keymap, event, pipe.write, sockA]);
  host.poll();
  assert.ok(guest.isComplete(1, fence));
  const msg = guest.readChannel();
  assert.equal(msg.cmd, 5);
  if (msg.cmd !== 5 || !("identifiers" in msg)) throw new Error("not a RECEIVE");
  assert.equal(str(msg.data), "keymap+");
  assert.deepEqual(msg.identifiers, [
    { id: 2, type: CrossDomainIdType.VirtgpuBlob, size: 8192 },
    { id: 3, type: CrossDomainIdType.Event, size: 0 },
    { id: 4, type: CrossDomainIdType.WritePipe, size: 0 },
    { id: 5, type: CrossDomainIdType.Socket, size: 0 },
  ]);
  // Received memory maps as a blob, read-only access reported; a larger blob than the memory is refused.
  assert.throws(() => guest.createHostBlob(20, 2, 8193n), err("CheckedRange"));
  guest.createHostBlob(20, 2, 8192n);
  assert.equal(rutabaga.mapInfo(20), 0x11);
  assert.equal(str(rutabaga.map(20).subarray(0, 12)), "xkb_keymap {");
  assert.throws(() => guest.createHostBlob(21, 2, 8192n), err("InvalidCrossDomainItemId"));
  assert.throws(() => guest.createHostBlob(21, 3, 8n), err("InvalidCrossDomainItemType"));
  // WRITE to the pipe's write end reaches the host reader; hang-up closes it.
  guest.write(4, text("paste"), true);
  assert.equal(str(host.drainPipe(pipe.read)), "paste");
  assert.throws(() => guest.write(4, text("more")), err("InvalidCrossDomainItemId"));
  // WRITE to an event adds to its counter; 8 bytes exactly.
  assert.throws(() => guest.write(3, new Uint8Array(7)), err("InvalidCrossDomainWriteLength"));
  guest.write(3, new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(host.eventCounter(event), 5n);
  assert.throws(() => guest.write(2, new Uint8Array(8)), err("InvalidCrossDomainItemId"));
  assert.throws(() => guest.write(5, new Uint8Array(8)), err("InvalidCrossDomainItemType"));
  host.close(sockB);
  host.close(pipe.read);
  for (const h of [keymap, event, sockA, pipe.write]) host.close(h);
});

test("READ_CREATE_EVENT: a host signal on a received eventfd comes back as an 8-byte READ", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const event = host.createEvent();
  guest.poll();
  peers[0]!.send(text("e"), [event]);
  host.poll();
  guest.submit(
    (() => {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      v.setUint8(0, CrossDomainCmd.ReadCreateEvent);
      v.setUint16(2, 16, true);
      v.setUint32(8, 2, true);
      return b;
    })(),
  );
  const f = guest.poll();
  host.poll();
  assert.equal(guest.isComplete(1, f), false);
  host.signalEvent(event, 7n);
  host.poll();
  assert.ok(guest.isComplete(1, f));
  const msg = guest.readChannel();
  assert.equal(msg.cmd, 6);
  if (!("identifier" in msg)) throw new Error("not a READ");
  assert.equal(msg.identifier, 2);
  assert.deepEqual([...msg.data], [7, 0, 0, 0, 0, 0, 0, 0]);
  host.close(event);
});

test("ring-0 fences complete at once, ring-1 fences wait in order, other rings are refused", () => {
  const host = new MemoryHost();
  const { rutabaga, guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const q = guest.fence(CrossDomainRing.Query);
  assert.ok(guest.isComplete(0, q));
  const a = guest.poll();
  const b = guest.poll();
  peers[0]!.send(text("one"));
  host.poll();
  assert.deepEqual(guest.completed.get(1), [a]);
  peers[0]!.send(text("two"));
  host.poll();
  assert.deepEqual(guest.completed.get(1), [a, b]);
  assert.equal(
    str(guest.readChannel().cmd === 5 ? (guest.readChannel() as { data: Uint8Array }).data : new Uint8Array()),
    "two",
  );
  assert.throws(
    () => rutabaga.createFence({ flags: RutabagaFenceFlags.InfoRingIdx, fenceId: 99n, ctxId: 1, ringIdx: 2 }),
    err("InvalidCommandBuffer"),
  );
  // Global fences complete at once.
  rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 100n, ctxId: 0, ringIdx: 0 });
  assert.deepEqual(guest.completed.get(-1), [100n]);
});

test("destroying a context completes its waiting fences and closes everything it held", () => {
  const host = new MemoryHost();
  const { rutabaga, guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const event = host.createEvent();
  const pipe = host.createPipe();
  guest.poll();
  peers[0]!.send(text("fds"), [event, pipe.write]);
  host.poll();
  guest.send(text("r"), [{ id: 0x80000001, type: CrossDomainIdType.ReadPipe, size: 0 }]);
  const waiting = guest.poll();
  const peerFds = peers[0]!.take().flatMap((m) => m.fds);
  rutabaga.destroyContext(1);
  assert.ok(guest.isComplete(1, waiting));
  assert.ok(peers[0]!.closed);
  for (const h of [event, pipe.read, pipe.write, ...peerFds]) host.close(h);
  peers[0]!.close();
  assert.equal(host.open.size, 0);
  assert.equal(host.watchCount, 0);
});

test("a channel message with a descriptor cross-domain cannot carry ends the channel cleanly", () => {
  const host = new MemoryHost();
  const log: string[] = [];
  const { guest, peers } = crossDomainSetup(host, {}, log);
  guest.start(1);
  const mem = host.createMemory(4096);
  const file = host.createFile();
  const f = guest.poll();
  peers[0]!.send(text("bad"), [mem, file]);
  host.poll();
  assert.ok(guest.isComplete(1, f));
  assert.deepEqual(guest.readChannel(), { cmd: 5, identifiers: [], data: new Uint8Array(0) });
  assert.ok(peers[0]!.closed);
  assert.equal(log.length, 1);
  host.close(mem);
  host.close(file);
  peers[0]!.close();
  assert.equal(host.open.size, 0);
});

test("internal sockets: a received socket assigned a uuid becomes another context's channel", () => {
  const host = new MemoryHost();
  const { rutabaga, guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const [mine, theirs] = host.createSocketPair();
  guest.poll();
  peers[0]!.send(text("s"), [theirs]);
  host.poll();
  host.close(theirs);
  const uuid = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const assign = new Uint8Array(32);
  const v = new DataView(assign.buffer);
  v.setUint8(0, CrossDomainCmd.AssignSocketUuid);
  v.setUint16(2, 32, true);
  assign.set(uuid, 8);
  v.setUint32(24, 2, true);
  guest.submit(assign);
  assert.throws(() => guest.submit(assign), err("InvalidCrossDomainItemId"));
  // A second context INITs on the internal socket.
  rutabaga.createContext(2, 5);
  rutabaga.contextAttachResource(2, 1);
  rutabaga.contextAttachResource(2, 2);
  rutabaga.submitCommand(2, encodeInit(1, 2, 0xffffffff, 36, uuid));
  const peer = host.peerOf(mine);
  rutabaga.submitCommand(2, encodeSend([], text("over the internal socket")));
  assert.equal(str(peer.take()[0]!.data), "over the internal socket");
  rutabaga.createContext(3, 5);
  rutabaga.contextAttachResource(3, 1);
  rutabaga.contextAttachResource(3, 2);
  assert.throws(
    () => rutabaga.submitCommand(3, encodeInit(1, 2, 0xffffffff, 36, uuid)),
    err("InvalidCrossDomainChannel"),
  );
  host.close(mine);
});
