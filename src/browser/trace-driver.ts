import {
  GpuResponseType,
  MockGuestRam,
  MockVirtqueueDriver,
  type PlacedChain,
  type TraceRecord,
} from "../virtio-gpu/index.ts";
import { type SharedTransport, sharedGuestMemory } from "./shared-transport.ts";
import { CONTROL_QUEUE_SIZE, RESPONSE_BYTES, type TraceLayout } from "./trace-layout.ts";

/** What a {@link replayIntoSharedRam} run did. */
export interface SharedReplayResult {
  requests: number;
  /** Error responses the device gave, by response type. */
  errors: Map<number, number>;
  /** Memory-record bytes written into guest RAM. */
  memoryBytes: number;
  /** Times the driver waited for the device to return every chain in flight. */
  drains: number;
}

/**
 * Plays a trace's records as a guest driver would, over shared guest RAM laid out by `layoutTrace`: memory records
 * are written where the guest had them, each request goes into the RAM as a real descriptor chain (request buffer,
 * then a writable response buffer) on the control or cursor queue, and the device is kicked through `transport`.
 * Before guest memory is rewritten, and before a request goes to the other queue, every chain in flight is waited
 * for (the bytes a transfer reads stay as recorded; requests run in the recorded order). Runs in a worker (it blocks in `Atomics.wait`). Throws when the device stops answering.
 */
export function replayIntoSharedRam(
  records: readonly TraceRecord[],
  ram: SharedArrayBuffer,
  layout: TraceLayout,
  transport: SharedTransport,
  onProgress?: (requestsDone: number) => void,
): SharedReplayResult {
  const memory = sharedGuestMemory(ram, layout.regions);
  const area = layout.driverArea;
  const driverRam = new MockGuestRam(new Uint8Array(ram, area.offset, area.length), area.guestAddr);
  const queues = [
    new MockVirtqueueDriver(driverRam, { size: CONTROL_QUEUE_SIZE }),
    new MockVirtqueueDriver(driverRam, { size: 16 }),
  ] as const;
  const scratch = driverRam.mark();
  transport.setQueues(queues.map((q) => q.config));
  const result: SharedReplayResult = { requests: 0, errors: new Map(), memoryBytes: 0, drains: 0 };
  const inFlight = new Map<MockVirtqueueDriver, Map<number, PlacedChain>>(queues.map((q) => [q, new Map()]));
  let pending = 0;
  let lastQueue: MockVirtqueueDriver = queues[0];

  const collect = () => {
    for (const q of queues) {
      const chains = inFlight.get(q)!;
      for (const used of q.takeUsed()) {
        const placed = chains.get(used.head);
        if (placed === undefined) continue;
        chains.delete(used.head);
        pending--;
        const at = placed.writable[0]!;
        const type =
          used.length >= 4
            ? new DataView(ram, area.offset + Number(at.addr - area.guestAddr), 4).getUint32(0, true)
            : 0;
        if (type >= GpuResponseType.ErrUnspec || used.length < 4)
          result.errors.set(type, (result.errors.get(type) ?? 0) + 1);
      }
    }
  };
  const drain = () => {
    if (pending === 0) return;
    result.drains++;
    for (;;) {
      const seen = transport.interrupts();
      collect();
      if (pending === 0) break;
      if (!transport.waitInterrupt(seen)) throw new Error(`the device returned no chain for ${pending} request(s)`);
    }
    driverRam.release(scratch);
    onProgress?.(result.requests);
  };

  for (const r of records as TraceRecord[]) {
    if (r.kind === "memory") {
      drain();
      const views = memory.translate(r.addr, r.bytes.length);
      if (views === undefined) throw new Error(`memory record at 0x${r.addr.toString(16)} is outside the layout`);
      let at = 0;
      for (const v of views) {
        v.set(r.bytes.subarray(at, at + v.length));
        at += v.length;
      }
      result.memoryBytes += r.bytes.length;
    } else if (r.kind === "display") {
      drain();
      if (!transport.changeDisplay(r.scanouts)) throw new Error("the device did not apply a display change");
    } else {
      const q = queues[r.queueIndex === 1 ? 1 : 0];
      const room = area.length - driverRam.mark();
      // The two queues are not ordered with each other: a request waits for the other queue's (a cursor update
      // must not overtake the transfer of its image).
      if (q !== lastQueue || q.freeDescriptors < 2 || room < r.bytes.length + RESPONSE_BYTES + 64) drain();
      lastQueue = q;
      const placed = q.add([r.bytes], [RESPONSE_BYTES]);
      inFlight.get(q)!.set(placed.head, placed);
      pending++;
      result.requests++;
      transport.kick();
    }
  }
  drain();
  return result;
}
