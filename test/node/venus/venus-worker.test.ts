import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { decodeVenusReply } from "../../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { NodeVenusHost } from "../../../src/node/venus/venus-host.ts";
import { RingStatus } from "../../../src/node/venus/venus-ring.ts";
import { commandBytes, hostVulkan } from "./venus-helpers.ts";

const lib = hostVulkan();
const skip = typeof lib === "string" ? lib : false;
const [HEAD, TAIL, STATUS, BUFFER, BUFFER_SIZE] = [0, 64, 128, 192, 4096];
const RING = 1;
const REPLY = 2;

test("a context's worker: ring commands and replies through shared memory, ALIVE stamped, IDLE then parked, and a notify wakes it", {
  skip,
  timeout: 30_000,
}, async (t) => {
  const log: string[] = [];
  const host = new NodeVenusHost({ log: (m) => log.push(m) });
  const fences: string[] = [];
  const ctx = host.createContext(1, "worker test", (ring, id) => fences.push(`${ring}:${id}`));
  const ringMem = host.createShmem(BUFFER + BUFFER_SIZE);
  const replyMem = host.createShmem(4096);
  ctx.attachBlob(RING, ringMem);
  ctx.attachBlob(REPLY, replyMem);
  const words = new Int32Array(ringMem.bytes.buffer, ringMem.bytes.byteOffset, ringMem.bytes.byteLength / 4);
  let tail = 0;
  const write = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) ringMem.bytes[BUFFER + ((tail + i) % BUFFER_SIZE)] = b[i]!;
    tail = (tail + b.length) >>> 0;
    Atomics.store(words, TAIL / 4, tail);
  };
  const until = async (what: string, ok: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) assert.fail(`${what}; log: ${log.join(" | ")}`);
      await sleep(1);
    }
  };
  try {
    ctx.submit(
      commandBytes(
        "vkCreateRingMESA",
        {
          ring: 9n,
          pCreateInfo: {
            sType: 1000384000,
            pNext: { sType: 1000384006, pNext: null, maxReportingPeriodMicroseconds: 40_000 },
            flags: 0,
            resourceId: RING,
            offset: 0,
            size: BUFFER + BUFFER_SIZE,
            idleTimeout: 5_000_000n,
            headOffset: HEAD,
            tailOffset: TAIL,
            statusOffset: STATUS,
            bufferOffset: BUFFER,
            bufferSize: BUFFER_SIZE,
            extraOffset: 0,
            extraSize: 0,
          },
        },
        0,
      ),
    );
    ctx.fence(0, 1n);
    await until("the fence after vkCreateRingMESA", () => fences.length === 1);
    // The main thread stamps ALIVE again after the guest clears it (Mesa's watchdog does so while it waits).
    Atomics.and(words, STATUS / 4, ~RingStatus.Alive);
    await until("ALIVE stamped", () => (Atomics.load(words, STATUS / 4) & RingStatus.Alive) !== 0);
    // Round trips: a command with a reply, the guest polling the head.
    const setReply = commandBytes(
      "vkSetReplyCommandStreamMESA",
      { pStream: { resourceId: REPLY, offset: 0, size: 64 } },
      0,
    );
    const version = commandBytes("vkEnumerateInstanceVersion", { pApiVersion: true });
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      write(setReply);
      write(version);
      if ((Atomics.load(words, STATUS / 4) & RingStatus.Idle) !== 0)
        ctx.submit(commandBytes("vkNotifyRingMESA", { ring: 9n, seqno: tail, flags: 0 }, 0));
      while (Atomics.load(words, HEAD / 4) >>> 0 !== tail) {
        if (performance.now() - t0 > 5000) assert.fail(`no head after 5 s; log: ${log.join(" | ")}`);
        await Promise.resolve();
      }
      times.push(performance.now() - t0);
    }
    const reply = decodeVenusReply(new VenusWireReader(replyMem.bytes));
    assert.equal(reply.values.ret, 0);
    assert.ok((reply.values.pApiVersion as number) >>> 22 === 1);
    times.sort((a, b) => a - b);
    t.diagnostic(
      `ring round trip (command + reply, busy ring): median ${(times[100]! * 1000).toFixed(0)} µs, p90 ${(times[180]! * 1000).toFixed(0)} µs`,
    );
    // Idle: after the 5 ms idle timeout the ring says IDLE and the worker sleeps on the doorbell.
    await until("IDLE", () => (Atomics.load(words, STATUS / 4) & RingStatus.Idle) !== 0);
    await sleep(50);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await sleep(500);
    const cpu = process.cpuUsage(cpu0);
    const share = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    t.diagnostic(`idle process CPU with the ring parked: ${(share * 100).toFixed(2)} % of one core`);
    assert.ok(share < 0.05, `the parked worker still uses ${(share * 100).toFixed(1)} % of a core`);
    // A command written while idle runs after vkNotifyRingMESA.
    write(version);
    ctx.submit(commandBytes("vkNotifyRingMESA", { ring: 9n, seqno: tail, flags: 0 }, 0));
    await until("the head after a notify", () => Atomics.load(words, HEAD / 4) >>> 0 === tail);
  } finally {
    ctx.destroy();
    ringMem.release();
    replyMem.release();
    host.destroy();
  }
  assert.deepEqual(host.teardowns, [{ created: 0, destroyed: 0, left: 0, stopped: true }]);
});
