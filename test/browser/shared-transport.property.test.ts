import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { CONTROL_BYTES, ControlWord, SharedTransport, sharedGuestMemory } from "../../src/browser/shared-transport.ts";
import {
  DESC_SIZE,
  encodeRequest,
  GpuCommandType,
  GpuResponseType,
  VirtioGpuDevice,
  VirtqueueError,
} from "../../src/virtio-gpu/index.ts";

const RUNS = Number(process.env.FC_RUNS ?? 150);
const RAM_BYTES = 64 * 1024;
const BASE = 0x10000n;
/** Where a well-formed layout puts queue `i`'s rings, and where requests may sit. */
const ringsAt = (i: number) => ({
  descAddr: BASE + BigInt(i * 0x4000),
  availAddr: BASE + BigInt(i * 0x4000 + 0x1000),
  usedAddr: BASE + BigInt(i * 0x4000 + 0x2000),
});
const REQUESTS = 0x8000;

const anyAddr = fc.oneof(
  fc.bigInt({ min: BASE, max: BASE + BigInt(RAM_BYTES) }).map((a) => a & ~15n),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);
const size = fc.constantFrom(1, 4, 16, 64, 256);
/** Queue registers: mostly a sane layout (so chains get served), sometimes anything. */
const queue = (i: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ size, eventIdx: fc.boolean() }).map((q) => ({ ...q, ...ringsAt(i) })) },
    {
      weight: 1,
      arbitrary: fc.record({
        size: fc.oneof(fc.constantFrom(0, 3, 32768, 65536), fc.integer()),
        descAddr: anyAddr,
        availAddr: anyAddr,
        usedAddr: anyAddr,
        eventIdx: fc.boolean(),
      }),
    },
  );
/** A descriptor: buffers inside RAM (often on the requests area) or anywhere, any flags, any next. */
const descriptor = fc.record({
  addr: fc.oneof(
    fc.integer({ min: 0, max: 63 }).map((k) => BASE + BigInt(REQUESTS + k * 64)),
    fc.integer({ min: 0, max: RAM_BYTES }).map((o) => BASE + BigInt(o)),
    anyAddr,
  ),
  length: fc.oneof(fc.integer({ min: 0, max: 1024 }), fc.integer({ min: 0, max: 0xffff_ffff })),
  flags: fc.integer({ min: 0, max: 7 }),
  next: fc.integer({ min: 0, max: 0xffff }),
});
const scanout = fc.record({
  width: fc.oneof(fc.integer({ min: -1, max: 5000 }), fc.constantFrom(0, 16, 640)),
  height: fc.oneof(fc.integer({ min: -1, max: 5000 }), fc.constantFrom(0, 16, 480)),
  connected: fc.boolean(),
});
const request = fc.oneof(
  fc.constant(encodeRequest({ type: GpuCommandType.GetDisplayInfo })),
  fc.constant(
    encodeRequest({ type: GpuCommandType.ResourceCreate2d, resourceId: 1, format: 2, width: 64, height: 64 }),
  ),
  fc.constant(encodeRequest({ type: GpuCommandType.GetEdid, scanoutId: 0 })),
  fc.uint8Array({ maxLength: 64 }),
);

// The control block's queue registers and display words come from the guest (through the emulator): whatever they
// hold, and whatever the rings in guest RAM hold, serving ends normally or with a VirtqueueError, and the device
// still answers afterwards.
test("serve() over arbitrary queue registers, display words and guest RAM: only VirtqueueError escapes", () => {
  let served = 0;
  let queuesBuilt = 0;
  fc.assert(
    fc.property(
      fc.tuple(queue(0), queue(1)),
      fc.array(descriptor, { maxLength: 24 }),
      fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 8 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.array(request, { maxLength: 64 }),
      fc.option(fc.array(scanout, { minLength: 1, maxLength: 3 })),
      (queues, descriptors, heads, availIdx, requests, display) => {
        const ram = new SharedArrayBuffer(RAM_BYTES);
        const v = new DataView(ram);
        const at = (a: bigint) => Number(a - BASE);
        for (const [i, q] of queues.entries()) {
          const r = ringsAt(i);
          const sane = q.descAddr === r.descAddr && q.availAddr === r.availAddr && q.usedAddr === r.usedAddr;
          if (!sane || ![1, 4, 16, 64, 256].includes(q.size)) continue;
          descriptors.forEach((d, i) => {
            if (i >= q.size) return;
            const o = at(q.descAddr) + i * DESC_SIZE;
            v.setBigUint64(o, d.addr, true);
            v.setUint32(o + 8, d.length, true);
            v.setUint16(o + 12, d.flags, true);
            v.setUint16(o + 14, d.next % (q.size + 2), true);
          });
          heads.forEach((h, i) => {
            v.setUint16(at(q.availAddr) + 4 + 2 * (i % q.size), h % (q.size + 1), true);
          });
          v.setUint16(at(q.availAddr) + 2, availIdx % 3 === 0 ? availIdx : heads.length, true);
        }
        requests.forEach((r, k) => {
          new Uint8Array(ram, REQUESTS + k * 64, Math.min(64, r.length)).set(r.subarray(0, 64));
        });
        const memory = sharedGuestMemory(ram, [{ guestAddr: BASE, offset: 0, length: RAM_BYTES }]);
        const transport = new SharedTransport(new SharedArrayBuffer(CONTROL_BYTES));
        transport.setQueues(queues);
        if (display !== null) {
          display.forEach((d, i) => {
            transport.words.set([d.width, d.height, d.connected ? 1 : 0], ControlWord.Scanouts + i * 3);
          });
          transport.words[ControlWord.ConfigSeq] = 1;
        }
        const device = new VirtioGpuDevice({ scanouts: [{ width: 640, height: 480 }] });
        try {
          assert.equal(transport.serve(device, memory, 0), "idle");
          queuesBuilt++;
          served += transport.words[ControlWord.Served]!;
          if (display !== null) assert.equal(transport.words[ControlWord.ConfigAck], 1);
        } catch (e) {
          if (!(e instanceof VirtqueueError)) throw e;
        }
        const answer = device.execute(0, encodeRequest({ type: GpuCommandType.GetDisplayInfo }), memory);
        assert.equal(new DataView(answer.buffer).getUint32(0, true), GpuResponseType.OkDisplayInfo);
      },
    ),
    { numRuns: RUNS },
  );
  // The generators reach the device: queues were built and chains (mostly junk) were served.
  assert.ok(queuesBuilt > RUNS / 4 && served > RUNS, `${queuesBuilt} runs built queues, ${served} chains served`);
});
