import { GuestMemoryRegions } from "./guest-memory-regions.ts";
import {
  availEventOffset,
  availRingBytes,
  availSlot,
  DESC_SIZE,
  usedEventOffset,
  usedRingBytes,
  usedSlot,
  VirtqDesc,
  VirtqDescFlags,
  VirtqRing,
  VirtqRingFlags,
  type VirtqueueConfig,
} from "./virtqueue.ts";

/** Options of a {@link MockVirtqueueDriver}. */
export interface MockQueueOptions {
  size?: number;
  eventIdx?: boolean;
  /** Put each chain in an indirect table (as Linux does when INDIRECT_DESC is negotiated). */
  indirect?: boolean;
}

/**
 * Guest RAM for tests: one region at guest-physical `base` over a plain `ArrayBuffer`, with a bump allocator. Several
 * {@link MockVirtqueueDriver}s can share it.
 */
export class MockGuestRam {
  readonly bytes: Uint8Array;
  readonly base: bigint;
  readonly memory: GuestMemoryRegions;
  #next: number;

  /** RAM of `memory` bytes, or over the given bytes (a shared mapping a real backend also sees). */
  constructor(memory: number | Uint8Array, base = 0x4000_0000n) {
    this.bytes = typeof memory === "number" ? new Uint8Array(memory) : memory;
    this.base = base;
    this.memory = new GuestMemoryRegions([{ guestAddr: base, bytes: this.bytes }]);
    this.#next = 0;
  }

  /** Reserves `length` bytes aligned to `align` and returns their guest address. */
  alloc(length: number, align = 16): bigint {
    const at = Math.ceil(this.#next / align) * align;
    if (at + length > this.bytes.length) throw new RangeError(`mock guest RAM is full (${length} bytes wanted)`);
    this.#next = at + length;
    return this.base + BigInt(at);
  }

  /** Frees everything allocated after `mark` (from {@link MockGuestRam.mark}). */
  release(mark: number): void {
    this.#next = mark;
  }

  /** The allocator's position, for {@link release}. */
  mark(): number {
    return this.#next;
  }

  /** The bytes at guest address `addr`. */
  view(addr: bigint, length: number): Uint8Array {
    const at = Number(addr - this.base);
    return this.bytes.subarray(at, at + length);
  }
}

/** One buffer as the driver placed it. */
export interface PlacedChain {
  head: number;
  /** Guest addresses of the writable buffers, in order. */
  writable: { addr: bigint; length: number }[];
}

/**
 * The driver side of a split virtqueue, written the way a guest writes it: descriptors in the table (or an indirect
 * table), the head in the available ring, then the index. Reused by tests, fuzzers and benchmarks.
 */
export class MockVirtqueueDriver {
  readonly ram: MockGuestRam;
  readonly config: VirtqueueConfig;
  readonly #desc: DataView;
  readonly #avail: DataView;
  readonly #used: DataView;
  readonly #indirect: boolean;
  #freeHead = 0;
  #availIdx = 0;
  #lastUsed = 0;
  readonly #busy = new Set<number>();
  readonly #chains = new Map<number, number[]>();

  constructor(ram: MockGuestRam, options: MockQueueOptions = {}) {
    const size = options.size ?? 256;
    this.ram = ram;
    this.#indirect = options.indirect ?? false;
    const descAddr = ram.alloc(DESC_SIZE * size, 16);
    const availAddr = ram.alloc(availRingBytes(size), 2);
    const usedAddr = ram.alloc(usedRingBytes(size), 4);
    this.config = { size, descAddr, availAddr, usedAddr, eventIdx: options.eventIdx ?? false };
    const dv = (addr: bigint, len: number) => {
      const v = ram.view(addr, len);
      return new DataView(v.buffer, v.byteOffset, v.byteLength);
    };
    this.#desc = dv(descAddr, DESC_SIZE * size);
    this.#avail = dv(availAddr, availRingBytes(size));
    this.#used = dv(usedAddr, usedRingBytes(size));
  }

  /** Descriptors not in use. */
  get freeDescriptors(): number {
    return this.config.size - this.#busy.size;
  }

  #writeDesc(table: DataView, i: number, addr: bigint, length: number, flags: number, next: number): void {
    table.setBigUint64(i * VirtqDesc.size + VirtqDesc.addr, addr, true);
    table.setUint32(i * VirtqDesc.size + VirtqDesc.len, length, true);
    table.setUint16(i * VirtqDesc.size + VirtqDesc.flags, flags, true);
    table.setUint16(i * VirtqDesc.size + VirtqDesc.next, next, true);
  }

  #takeDescriptor(): number {
    for (let n = 0; n < this.config.size; n++) {
      const i = (this.#freeHead + n) % this.config.size;
      if (!this.#busy.has(i)) {
        this.#busy.add(i);
        this.#freeHead = (i + 1) % this.config.size;
        return i;
      }
    }
    throw new RangeError("mock queue is full");
  }

  /**
   * Copies `readable` buffers into guest RAM, reserves `writable` buffers, chains them and publishes the chain.
   * Allocations come from the shared RAM's bump allocator.
   */
  add(readable: readonly Uint8Array[], writable: readonly number[]): PlacedChain {
    const parts: { addr: bigint; length: number; write: boolean }[] = [];
    for (const r of readable) {
      const addr = this.ram.alloc(Math.max(1, r.length), 8);
      this.ram.view(addr, r.length).set(r);
      parts.push({ addr, length: r.length, write: false });
    }
    const placed: PlacedChain = { head: 0, writable: [] };
    for (const w of writable) {
      const addr = this.ram.alloc(Math.max(1, w), 8);
      this.ram.view(addr, w).fill(0);
      parts.push({ addr, length: w, write: true });
      placed.writable.push({ addr, length: w });
    }
    return this.addRaw(parts, placed);
  }

  /** Publishes a chain of already placed buffers (for fuzzers that point descriptors anywhere). */
  addRaw(
    parts: readonly { addr: bigint; length: number; write: boolean }[],
    placed: PlacedChain = { head: 0, writable: [] },
  ): PlacedChain {
    const head = this.#takeDescriptor();
    if (this.#indirect && parts.length > 0) {
      const tableAddr = this.ram.alloc(DESC_SIZE * parts.length, 16);
      const t = this.ram.view(tableAddr, DESC_SIZE * parts.length);
      const table = new DataView(t.buffer, t.byteOffset, t.byteLength);
      parts.forEach((p, i) => {
        const last = i === parts.length - 1;
        const flags = (last ? 0 : VirtqDescFlags.Next) | (p.write ? VirtqDescFlags.Write : 0);
        this.#writeDesc(table, i, p.addr, p.length, flags, last ? 0 : i + 1);
      });
      this.#writeDesc(this.#desc, head, tableAddr, DESC_SIZE * parts.length, VirtqDescFlags.Indirect, 0);
      this.#chains.set(head, [head]);
    } else {
      const ids = [head];
      for (let i = 1; i < parts.length; i++) ids.push(this.#takeDescriptor());
      this.#chains.set(head, ids);
      parts.forEach((p, i) => {
        const last = i === parts.length - 1;
        const flags = (last ? 0 : VirtqDescFlags.Next) | (p.write ? VirtqDescFlags.Write : 0);
        this.#writeDesc(this.#desc, ids[i]!, p.addr, p.length, flags, last ? 0 : ids[i + 1]!);
      });
    }
    this.#publish(head);
    placed.head = head;
    return placed;
  }

  /** Writes a raw descriptor into the main table (fuzzers build loops and junk with it). */
  writeDescriptor(i: number, addr: bigint, length: number, flags: number, next: number): void {
    this.#writeDesc(this.#desc, i, addr, length, flags, next);
  }

  /** Puts `head` in the available ring and bumps the index. */
  #publish(head: number): void {
    this.#avail.setUint16(availSlot(this.#availIdx % this.config.size), head, true);
    this.#availIdx = (this.#availIdx + 1) & 0xffff;
    this.#avail.setUint16(VirtqRing.idx, this.#availIdx, true);
  }

  /** Publishes a head index as is (fuzzers), without owning descriptors. */
  publishRawHead(head: number): void {
    this.#publish(head);
  }

  /** Sets the available ring's index directly (fuzzers: indexes that run past the ring). */
  setAvailIdx(idx: number): void {
    this.#availIdx = idx & 0xffff;
    this.#avail.setUint16(VirtqRing.idx, this.#availIdx, true);
  }

  /** Sets `VIRTQ_AVAIL_F_NO_INTERRUPT`. */
  setNoInterrupt(on: boolean): void {
    this.#avail.setUint16(VirtqRing.flags, on ? VirtqRingFlags.AvailNoInterrupt : 0, true);
  }

  /** Sets `used_event` (EVENT_IDX). */
  setUsedEvent(idx: number): void {
    this.#avail.setUint16(usedEventOffset(this.config.size), idx & 0xffff, true);
  }

  /** `avail_event` as the device last wrote it (EVENT_IDX). */
  get availEvent(): number {
    return this.#used.getUint16(availEventOffset(this.config.size), true);
  }

  /** Chains the device returned since the last call, as `{head, length}`; their descriptors become free. */
  takeUsed(): { head: number; length: number }[] {
    const out: { head: number; length: number }[] = [];
    const idx = this.#used.getUint16(VirtqRing.idx, true);
    while (this.#lastUsed !== idx) {
      const at = usedSlot(this.#lastUsed % this.config.size);
      const head = this.#used.getUint32(at + VirtqRing.usedId, true);
      out.push({ head, length: this.#used.getUint32(at + VirtqRing.usedLen, true) });
      for (const id of this.#chains.get(head) ?? []) this.#busy.delete(id);
      this.#chains.delete(head);
      this.#lastUsed = (this.#lastUsed + 1) & 0xffff;
    }
    // Like Linux: ask to be interrupted for the next entry after the ones just consumed.
    if (this.config.eventIdx) this.setUsedEvent(this.#lastUsed);
    return out;
  }
}
