import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeVenusReply, type VenusCommand } from "../../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { RingStatus } from "../../../src/node/venus/venus-ring.ts";
import { type VenusCommandRunner, VenusRuntime } from "../../../src/node/venus/venus-runtime.ts";
import { RutabagaError } from "../../../src/rutabaga/error.ts";
import { commandBytes } from "./venus-helpers.ts";

// Mesa's ring layout (vn_ring_get_layout): head, tail and status 64 bytes apart, then the buffer, then the extra.
const HEAD = 0;
const TAIL = 64;
const STATUS = 128;
const BUFFER = 192;
const BUFFER_SIZE = 256;
const EXTRA = BUFFER + BUFFER_SIZE;
const RING_BLOB = 1;
const REPLY_BLOB = 2;

/** A guest: the ring blob, a reply blob, and what it wrote. */
class Guest {
  readonly ring = new Uint8Array(1024);
  readonly reply = new Uint8Array(1024);
  readonly words = new Int32Array(this.ring.buffer);
  tail = 0;

  write(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.ring[BUFFER + ((this.tail + i) % BUFFER_SIZE)] = bytes[i]!;
    this.tail = (this.tail + bytes.length) >>> 0;
    Atomics.store(this.words, TAIL / 4, this.tail | 0);
  }

  get head(): number {
    return Atomics.load(this.words, HEAD / 4) >>> 0;
  }

  get status(): number {
    return Atomics.load(this.words, STATUS / 4);
  }
}

const createRing = (id: bigint, overrides: Record<string, unknown> = {}) =>
  commandBytes(
    "vkCreateRingMESA",
    {
      ring: id,
      pCreateInfo: {
        sType: 1000384000,
        pNext: { sType: 1000384006, pNext: null, maxReportingPeriodMicroseconds: 3_000_000 },
        flags: 0,
        resourceId: RING_BLOB,
        offset: 0,
        size: 1024,
        idleTimeout: 1_000_000n,
        headOffset: HEAD,
        tailOffset: TAIL,
        statusOffset: STATUS,
        bufferOffset: BUFFER,
        bufferSize: BUFFER_SIZE,
        extraOffset: EXTRA,
        extraSize: 4,
        ...overrides,
      },
    },
    0,
  );

/** A runner that answers vkEnumerateInstanceVersion and counts what it ran. */
class FakeRunner implements VenusCommandRunner {
  readonly ran: string[] = [];
  destroyed = false;
  run(cmd: VenusCommand): Record<string, unknown> {
    this.ran.push(cmd.name);
    if (cmd.name !== "vkEnumerateInstanceVersion") throw new RutabagaError("Unsupported", `${cmd.name}`);
    return { ret: 0, pApiVersion: (1 << 22) | (3 << 12) };
  }
  destroyAll(): void {
    this.destroyed = true;
  }
}

function setup() {
  const guest = new Guest();
  const runner = new FakeRunner();
  const events: string[] = [];
  const runtime = new VenusRuntime(runner, {
    fence: (ring, id) => events.push(`fence ${ring} ${id}`),
    ringCreated: (ring, res, status, period) => events.push(`ring ${ring.id} ${res} ${status} ${period}`),
    ringDestroyed: (ring) => events.push(`unring ${ring.id}`),
    fatal: (m) => events.push(`fatal ${m}`),
  });
  runtime.attachBlob(RING_BLOB, guest.ring);
  runtime.attachBlob(REPLY_BLOB, guest.reply);
  return { guest, runner, events, runtime };
}

const version = commandBytes("vkEnumerateInstanceVersion", { pApiVersion: true });

test("a ring: commands the guest writes run, the head follows them, replies land in the reply stream", () => {
  const { guest, events, runtime } = setup();
  runtime.submit(createRing(7n));
  runtime.step();
  assert.deepEqual(events, [`ring 7 ${RING_BLOB} ${STATUS} 3000000`]);
  // A monitored ring starts ALIVE (the main thread keeps stamping it).
  assert.equal(guest.status & RingStatus.Alive, RingStatus.Alive);
  guest.write(
    commandBytes("vkSetReplyCommandStreamMESA", { pStream: { resourceId: REPLY_BLOB, offset: 16, size: 64 } }, 0),
  );
  guest.write(version);
  assert.ok(runtime.step());
  assert.equal(guest.head, guest.tail);
  const reply = decodeVenusReply(new VenusWireReader(guest.reply.subarray(16)));
  assert.deepEqual(reply.values, { ret: 0, pApiVersion: (1 << 22) | (3 << 12) });
  // Nothing new: no work, head unchanged.
  assert.equal(runtime.step(), false);
});

test("commands that wrap around the ring's end run whole", () => {
  const { guest, runner, runtime } = setup();
  runtime.submit(createRing(1n));
  runtime.step();
  guest.write(
    commandBytes("vkSetReplyCommandStreamMESA", { pStream: { resourceId: REPLY_BLOB, offset: 0, size: 1024 } }, 0),
  );
  for (let i = 0; i < 40; i++) {
    guest.write(version);
    runtime.step();
  }
  assert.equal(runner.ran.length, 40);
  assert.equal(guest.head, guest.tail);
  assert.ok(guest.tail > BUFFER_SIZE);
});

test("vkWaitVirtqueueSeqnoMESA holds the ring until vkSubmitVirtqueueSeqnoMESA reaches it", () => {
  const { guest, runner, runtime } = setup();
  runtime.submit(createRing(1n));
  runtime.step();
  guest.write(
    commandBytes("vkSetReplyCommandStreamMESA", { pStream: { resourceId: REPLY_BLOB, offset: 0, size: 256 } }, 0),
  );
  guest.write(commandBytes("vkWaitVirtqueueSeqnoMESA", { seqno: 2n }, 0));
  guest.write(version);
  runtime.step();
  assert.deepEqual(runner.ran, []);
  assert.notEqual(guest.head, guest.tail);
  runtime.submit(commandBytes("vkSubmitVirtqueueSeqnoMESA", { ring: 1n, seqno: 2n }, 0));
  runtime.step();
  runtime.step();
  assert.deepEqual(runner.ran, ["vkEnumerateInstanceVersion"]);
  assert.equal(guest.head, guest.tail);
});

test("fences complete in order after the virtqueue commands before them, and a ring seqno wait holds them", () => {
  const { guest, events, runtime } = setup();
  const setReply = commandBytes(
    "vkSetReplyCommandStreamMESA",
    { pStream: { resourceId: REPLY_BLOB, offset: 0, size: 64 } },
    0,
  );
  runtime.submit(createRing(1n));
  runtime.fence(0, 1n);
  const seqno = BigInt(setReply.length + version.length);
  runtime.submit(commandBytes("vkWaitRingSeqnoMESA", { ring: 1n, seqno }, 0));
  runtime.fence(3, 2n);
  runtime.step();
  assert.deepEqual(events.slice(1), ["fence 0 1"]);
  guest.write(setReply);
  runtime.step();
  runtime.step();
  assert.deepEqual(events.slice(1), ["fence 0 1"], "the ring has not reached the seqno");
  guest.write(version);
  runtime.step();
  runtime.step();
  assert.deepEqual(events.slice(1), ["fence 0 1", "fence 3 2"]);
});

test("a bad ring layout is refused; a refused command marks every ring FATAL and stops the context", () => {
  for (const bad of [
    { bufferSize: 100 },
    { bufferOffset: 1000 },
    { headOffset: 2 },
    { statusOffset: BUFFER + 4 },
    { size: 1 << 20 },
    { resourceId: 99 },
    { extraOffset: EXTRA + 2 },
  ]) {
    const { events, runtime } = setup();
    runtime.submit(createRing(1n, bad));
    runtime.step();
    assert.match(events.at(-1)!, /^fatal vkCreateRingMESA/, JSON.stringify(bad));
  }
  const { guest, events, runner, runtime } = setup();
  runtime.submit(createRing(1n));
  runtime.step();
  guest.write(commandBytes("vkCreateBuffer", { device: 5, pCreateInfo: null, pAllocator: null, pBuffer: 6 }, 0));
  guest.write(version);
  runtime.step();
  assert.equal(guest.status & RingStatus.Fatal, RingStatus.Fatal);
  assert.match(events.at(-1)!, /^fatal vkCreateBuffer/);
  runtime.submit(version);
  assert.equal(runtime.step(), false);
  assert.deepEqual(runner.ran, ["vkCreateBuffer"]);
  runtime.close();
  assert.ok(runner.destroyed);
});

test("vkWriteRingExtraMESA writes inside the extra region only", () => {
  const { guest, events, runtime } = setup();
  runtime.submit(createRing(1n));
  runtime.submit(commandBytes("vkWriteRingExtraMESA", { ring: 1n, offset: 0, value: 0xabcd }, 0));
  runtime.step();
  assert.equal(guest.words[EXTRA / 4], 0xabcd);
  runtime.submit(commandBytes("vkWriteRingExtraMESA", { ring: 1n, offset: 4, value: 1 }, 0));
  runtime.step();
  assert.match(events.at(-1)!, /^fatal vkWriteRingExtraMESA: InvalidCommandBuffer: ring extra offset 4/);
});
