import assert from "node:assert/strict";
import { test } from "node:test";
import { encodePoll } from "../../../src/components/cross-domain/guest-encoder.ts";
import { fourcc } from "../../../src/components/cross-domain/image-layout.ts";
import { MemoryHost } from "../../../src/components/cross-domain/memory-host.ts";
import { CrossDomainIdType, CrossDomainRing } from "../../../src/components/cross-domain/protocol.ts";
import { isRutabagaError } from "../../../src/rutabaga/error.ts";
import { crossDomainSetup, str, text } from "./helpers.ts";

// rutabaga.md §10: the anchor's cross-domain hazards, each fixed here.
const err = (code: Parameters<typeof isRutabagaError>[1]) => (e: unknown) => isRutabagaError(e, code);

test("hazard: a zero cmd_size is InvalidCommandSize, not an endless loop", () => {
  const { guest } = crossDomainSetup(new MemoryHost());
  guest.start(1);
  const poll = encodePoll();
  poll[2] = 0;
  assert.throws(() => guest.submit(poll), err("InvalidCommandSize"));
  const short = encodePoll();
  short[2] = 4;
  assert.throws(() => guest.submit(short), err("InvalidCommandSize"));
  // The context still works.
  assert.equal(guest.imageRequirements(8, 8, fourcc("XR24")).strides[0], 32);
});

test("hazard: a ring-1 fence before INIT is refused, not silently dropped", () => {
  const { rutabaga, guest } = crossDomainSetup(new MemoryHost());
  rutabaga.createContext(1, 5);
  assert.throws(() => guest.fence(CrossDomainRing.Channel), err("InvalidCrossDomainState"));
  rutabaga.destroyContext(1);
  guest.start(1);
  const f = guest.fence(CrossDomainRing.Channel);
  assert.equal(guest.isComplete(1, f), false);
});

test("hazard: one failed read does not stop later fences", () => {
  const host = new MemoryHost();
  const log: string[] = [];
  const { guest, peers } = crossDomainSetup(host, {}, log);
  guest.start(1);
  guest.send(text("a"), [{ id: 0x80000001, type: CrossDomainIdType.ReadPipe, size: 0 }]);
  guest.send(text("b"), [{ id: 0x80000002, type: CrossDomainIdType.ReadPipe, size: 0 }]);
  const [a, b] = peers[0]!.take().map((m) => m.fds[0]!);
  // The read end of pipe a (the host side of item 0x80000001) fails on read.
  const readEnds = [...host.open].filter((h) => host.describe(h).kind === "readPipe");
  host.failReads.add(readEnds[0]!);
  host.write(a!, text("lost"));
  host.write(b!, text("kept"));
  const f1 = guest.poll();
  host.poll();
  assert.ok(guest.isComplete(1, f1));
  assert.deepEqual(guest.readChannel(), { cmd: 6, identifier: 0x80000002, hangUp: false, data: text("kept") });
  assert.equal(log.length, 1, "the failure is reported");
  const f2 = guest.poll();
  peers[0]!.send(text("later"));
  host.poll();
  assert.ok(guest.isComplete(1, f2));
  assert.equal(guest.readChannel().cmd, 5);
  host.close(a!);
  host.close(b!);
});

test("hazard: item ids never collide with internal readiness tokens (items 2 and 3 beside the channel)", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const e2 = host.createEvent();
  const e3 = host.createEvent();
  guest.poll();
  peers[0]!.send(text("events"), [e2, e3]);
  host.poll();
  const msg = guest.readChannel();
  assert.deepEqual("identifiers" in msg ? msg.identifiers.map((i) => i.id) : [], [2, 3]);
  for (const id of [2, 3]) {
    const b = new Uint8Array(16);
    b.set([11, 0, 16, 0, 0, 0, 0, 0, id, 0, 0, 0]);
    guest.submit(b);
  }
  host.signalEvent(e3, 3n);
  host.signalEvent(e2, 2n);
  peers[0]!.send(text("channel"));
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const f = guest.poll();
    host.poll();
    assert.ok(guest.isComplete(1, f));
    const m = guest.readChannel();
    if ("identifier" in m) seen.push(`READ ${m.identifier}=${m.data[0]}`);
    else if ("identifiers" in m) seen.push(`RECEIVE ${str(m.data)}`);
  }
  assert.deepEqual(seen.sort(), ["READ 2=2", "READ 3=3", "RECEIVE channel"]);
  host.close(e2);
  host.close(e3);
});

test("hazard: every descriptor the guest drops is closed (pipes, blobs, sent copies, unclaimed items, a dead channel)", () => {
  const host = new MemoryHost();
  const { rutabaga, guest, peers } = crossDomainSetup(host);
  guest.start(1);
  const base = host.open.size; // the two channel ends
  // A blob sent twice: the copies for sendmsg are closed once sent.
  const reqs = guest.imageRequirements(16, 16, fourcc("AR24"));
  guest.createHostBlob(10, reqs.blobId, reqs.size);
  guest.send(text("1"), [{ id: 10, type: CrossDomainIdType.VirtgpuBlob, size: 0 }]);
  guest.send(text("2"), [{ id: 10, type: CrossDomainIdType.VirtgpuBlob, size: 0 }]);
  for (const m of peers[0]!.take()) for (const f of m.fds) host.close(f);
  assert.equal(host.open.size, base + 1);
  rutabaga.contextDetachResource(1, 10);
  rutabaga.unrefResource(10);
  assert.equal(host.open.size, base);
  // A write pipe the guest hangs up, a received blob it never claims, an event it never reads.
  const pipe = host.createPipe();
  const mem = host.createMemory(4096);
  const ev = host.createEvent();
  guest.poll();
  peers[0]!.send(text("x"), [pipe.write, mem, ev]);
  host.poll();
  for (const h of [pipe.write, mem, ev]) host.close(h);
  assert.equal(host.open.size, base + 1 + 3);
  guest.write(3, new Uint8Array(0), true);
  assert.equal(host.open.size, base + 1 + 2);
  // A SEND that fails because the compositor went away closes what it made.
  peers[0]!.close();
  assert.throws(
    () => guest.send(text("r"), [{ id: 0x80000001, type: CrossDomainIdType.ReadPipe, size: 0 }]),
    err("InvalidCrossDomainChannel"),
  );
  assert.equal(host.open.size, base - 1 + 1 + 2);
  rutabaga.destroyContext(1);
  host.close(pipe.read);
  assert.equal(host.open.size, 0);
});

test("limits: ring-1 fences and items are bounded", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  for (let i = 0; i < 1024; i++) guest.fence(CrossDomainRing.Channel);
  assert.throws(() => guest.fence(CrossDomainRing.Channel), err("OutOfMemory"));
  // Image requirement items are forgotten oldest-first past 256.
  for (let i = 0; i < 300; i++) guest.imageRequirements(4, 4, fourcc("R8  "));
  assert.throws(() => guest.createHostBlob(10, 2, 4096n), err("InvalidCrossDomainItemId"));
  guest.createHostBlob(10, 301, 4096n);
  assert.equal(peers.length, 1);
});

test("limits: live items are bounded, and a SEND refused for it makes no pipe", () => {
  const host = new MemoryHost();
  const { guest, peers } = crossDomainSetup(host);
  guest.start(1);
  for (let i = 1; i <= 1024; i++) {
    guest.send(text("r"), [{ id: 0x80000000 + i, type: CrossDomainIdType.ReadPipe, size: 0 }]);
  }
  const open = host.open.size;
  assert.throws(
    () => guest.send(text("r"), [{ id: 0x80000000 + 1025, type: CrossDomainIdType.ReadPipe, size: 0 }]),
    err("OutOfMemory"),
  );
  assert.equal(host.open.size, open);
  assert.equal(peers[0]!.take().length, 1024);
});
