import { GUEST_PAGE_SIZE } from "../rutabaga/constants.ts";
import type { GpuCommand, MemEntry } from "./commands.ts";
import type { VirtioGpuDevice } from "./device.ts";
import { GpuLayout } from "./protocol.ts";
import { encodeRequest, type RequestHeader } from "./request-encoder.ts";
import { SplitVirtqueue } from "./virtqueue.ts";
import { MockGuestRam, type MockQueueOptions, MockVirtqueueDriver } from "./virtqueue-mock-driver.ts";

/** A response as the mock driver read it back. */
export interface MockResponse {
  type: number;
  bytes: Uint8Array;
  view: DataView;
}

/**
 * A guest's virtio-gpu driver in miniature: guest RAM, a control and a cursor queue, and requests sent the way Linux
 * sends them (request in a readable buffer, response in a writable one). Reused by tests, fuzzers and benchmarks.
 */
export class MockGpuDriver {
  readonly ram: MockGuestRam;
  readonly device: VirtioGpuDevice;
  readonly queues: [MockVirtqueueDriver, MockVirtqueueDriver];
  readonly deviceQueues: [SplitVirtqueue, SplitVirtqueue];
  /** Interrupts the device asked for, per queue. */
  readonly interrupts = [0, 0];
  #scratchMark: number;

  constructor(device: VirtioGpuDevice, options: MockQueueOptions & { ramBytes?: number } = {}) {
    this.ram = new MockGuestRam(options.ramBytes ?? 64 * 1024 * 1024);
    this.device = device;
    this.queues = [
      new MockVirtqueueDriver(this.ram, options),
      new MockVirtqueueDriver(this.ram, { ...options, size: 16 }),
    ];
    this.deviceQueues = [
      new SplitVirtqueue(this.ram.memory, this.queues[0].config),
      new SplitVirtqueue(this.ram.memory, this.queues[1].config),
    ];
    this.#scratchMark = this.ram.mark();
  }

  /** Reserves guest memory that outlives requests (framebuffers, cursor images); call before any {@link send}. */
  allocPersistent(length: number, align = GUEST_PAGE_SIZE): bigint {
    const addr = this.ram.alloc(length, align);
    this.#scratchMark = this.ram.mark();
    return addr;
  }

  /**
   * `pages` 4 KiB pages of persistent guest memory, handed out in a scrambled order (as a Linux guest's page
   * allocator does), as mem entries covering `bytes` bytes.
   */
  scatteredPages(bytes: number, seed = 1): MemEntry[] {
    const pages = Math.ceil(bytes / GUEST_PAGE_SIZE);
    const base = this.allocPersistent(pages * GUEST_PAGE_SIZE * 2, GUEST_PAGE_SIZE);
    const order = Array.from({ length: pages * 2 }, (_, i) => i);
    let s = seed >>> 0 || 1;
    for (let i = order.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const j = s % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.slice(0, pages).map((p, i) => ({
      addr: base + BigInt(p * GUEST_PAGE_SIZE),
      length: Math.min(GUEST_PAGE_SIZE, bytes - i * GUEST_PAGE_SIZE),
    }));
  }

  /** Writes `data` into guest memory at the backing offset `offset` of `entries`. */
  writeBacking(entries: readonly MemEntry[], offset: number, data: Uint8Array): void {
    let pos = 0;
    let done = 0;
    for (const e of entries) {
      const end = pos + e.length;
      if (offset + done < end && done < data.length) {
        const from = offset + done - pos;
        const take = Math.min(e.length - from, data.length - done);
        this.ram.view(e.addr + BigInt(from), take).set(data.subarray(done, done + take));
        done += take;
      }
      pos = end;
    }
  }

  /** Sends encoded request bytes and returns the response (after the device ran the queue). */
  sendBytes(
    request: Uint8Array,
    queueIndex: 0 | 1 = 0,
    responseSize = GpuLayout.RespEdid.size + 4096,
  ): MockResponse | undefined {
    this.ram.release(this.#scratchMark);
    const q = this.queues[queueIndex];
    const placed = q.add([request], [responseSize]);
    if (this.device.processQueue(queueIndex, this.deviceQueues[queueIndex])) this.interrupts[queueIndex]!++;
    const used = q.takeUsed().find((u) => u.head === placed.head);
    if (used === undefined) return undefined;
    const bytes = this.ram.view(placed.writable[0]!.addr, used.length).slice();
    const view = new DataView(bytes.buffer);
    return { type: bytes.length >= 4 ? view.getUint32(GpuLayout.CtrlHdr.type, true) : -1, bytes, view };
  }

  /** Encodes and sends one command; `undefined` when its response is parked behind a fence. */
  send(command: GpuCommand, hdr?: RequestHeader, queueIndex: 0 | 1 = 0): MockResponse | undefined {
    return this.sendBytes(encodeRequest(command, hdr), queueIndex);
  }
}
