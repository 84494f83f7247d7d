import { ReusableBuffer } from "../rutabaga/reusable-buffer.ts";
import type { GuestMemory } from "./guest-memory.ts";

// Split virtqueue layout, virtio 1.3 §2.7.

/** Descriptor flags (§2.7.5). */
export const VirtqDescFlags = {
  Next: 1,
  Write: 2,
  Indirect: 4,
} as const;

/** `virtq_avail.flags` and `virtq_used.flags` bits (§2.7.7). */
export const VirtqRingFlags = {
  AvailNoInterrupt: 1,
  UsedNoNotify: 1,
} as const;

/** `virtq_desc` (§2.7.5): u64 addr, u32 len, u16 flags, u16 next; 16 bytes. */
export const VirtqDesc = { addr: 0, len: 8, flags: 12, next: 14, size: 16 } as const;
/** Bytes of one descriptor. */
export const DESC_SIZE = VirtqDesc.size;

/**
 * `virtq_avail` (§2.7.6): u16 flags, u16 idx, u16 ring[size], then u16 used_event. `virtq_used` (§2.7.8): u16 flags,
 * u16 idx, `{u32 id, u32 len}` ring[size], then u16 avail_event.
 */
export const VirtqRing = {
  flags: 0,
  idx: 2,
  ring: 4,
  availEntry: 2,
  usedEntry: 8,
  usedId: 0,
  usedLen: 4,
} as const;

/** Offset of available-ring entry `slot`. */
export const availSlot = (slot: number): number => VirtqRing.ring + VirtqRing.availEntry * slot;
/** Offset of used-ring element `slot`. */
export const usedSlot = (slot: number): number => VirtqRing.ring + VirtqRing.usedEntry * slot;
/** Offset of `used_event` in the available ring of `size` entries; its end is the area's size. */
export const usedEventOffset = availSlot;
/** Offset of `avail_event` in the used ring of `size` entries. */
export const availEventOffset = usedSlot;
/** Bytes of the available ring of `size` entries, `used_event` included. */
export const availRingBytes = (size: number): number => usedEventOffset(size) + 2;
/** Bytes of the used ring of `size` entries, `avail_event` included. */
export const usedRingBytes = (size: number): number => availEventOffset(size) + 2;
/** Largest queue the split layout allows. */
export const MAX_QUEUE_SIZE = 32768;
/** Most entries one indirect table may have. */
export const MAX_INDIRECT_ENTRIES = 4096;

/** Where a queue's three areas are, as the driver configured them. */
export interface VirtqueueConfig {
  /** Number of descriptors: a power of two, 1..32768. */
  size: number;
  descAddr: bigint;
  availAddr: bigint;
  usedAddr: bigint;
  /** `VIRTIO_F_EVENT_IDX` was negotiated. */
  eventIdx: boolean;
}

/** A queue that cannot be set up: a bad size or a ring outside guest memory. */
export class VirtqueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VirtqueueError";
  }
}

/** Why a chain was refused. */
export type ChainFault =
  | "head-out-of-range"
  | "index-out-of-range"
  | "loop"
  | "outside-memory"
  | "bad-indirect"
  | "readable-after-writable";

/** A descriptor chain taken from the available ring, as views of guest memory. */
export interface DescriptorChain {
  readonly head: number;
  /** Driver-written buffers, in order. */
  readonly readable: Uint8Array[];
  /** Device-writable buffers, in order. */
  readonly writable: Uint8Array[];
  readonly readableLength: number;
  readonly writableLength: number;
}

/** A chain the device must refuse; it still goes back on the used ring (with length 0). */
export interface FaultyChain {
  readonly head: number;
  readonly fault: ChainFault;
}

function singleView(memory: GuestMemory, addr: bigint, length: number, what: string): Uint8Array {
  const views = memory.translate(addr, length);
  if (views === undefined || views.length !== 1) {
    throw new VirtqueueError(`${what} at 0x${addr.toString(16)} (${length} bytes) is not in one guest memory region`);
  }
  return views[0]!;
}

/**
 * The device side of a split virtqueue. Ring areas become views once, at construction; each chain is walked with a
 * bounded number of steps, so a looping or overlong chain is refused rather than followed. Indirect tables are
 * copied into one reusable buffer before they are read.
 */
export class SplitVirtqueue {
  readonly size: number;
  readonly eventIdx: boolean;
  readonly #memory: GuestMemory;
  readonly #desc: DataView;
  readonly #avail: DataView;
  readonly #used: DataView;
  readonly #indirect = new ReusableBuffer(DESC_SIZE * 16);
  #lastAvail = 0;
  #usedIdx: number;
  #signalledUsed: number;
  #broken = false;

  constructor(memory: GuestMemory, config: VirtqueueConfig) {
    const { size } = config;
    if (!Number.isInteger(size) || size < 1 || size > MAX_QUEUE_SIZE || (size & (size - 1)) !== 0) {
      throw new VirtqueueError(`queue size ${size} is not a power of two in 1..${MAX_QUEUE_SIZE}`);
    }
    this.size = size;
    this.eventIdx = config.eventIdx;
    this.#memory = memory;
    const desc = singleView(memory, config.descAddr, DESC_SIZE * size, "descriptor table");
    const avail = singleView(memory, config.availAddr, availRingBytes(size), "available ring");
    const used = singleView(memory, config.usedAddr, usedRingBytes(size), "used ring");
    this.#desc = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
    this.#avail = new DataView(avail.buffer, avail.byteOffset, avail.byteLength);
    this.#used = new DataView(used.buffer, used.byteOffset, used.byteLength);
    this.#usedIdx = this.#used.getUint16(VirtqRing.idx, true);
    this.#signalledUsed = this.#usedIdx;
    this.#lastAvail = this.#usedIdx;
  }

  /** The guest memory the queue's buffers live in. */
  get memory(): GuestMemory {
    return this.#memory;
  }

  /** The next available-ring index the device will read (vhost-user's vring base). */
  get lastAvailIdx(): number {
    return this.#lastAvail;
  }

  set lastAvailIdx(value: number) {
    this.#lastAvail = value & 0xffff;
  }

  /** The used-ring index the device will write next. */
  get usedIdx(): number {
    return this.#usedIdx;
  }

  /** The driver published more entries than the queue holds: the queue cannot be trusted any more. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Entries the driver made available that the device has not taken yet. */
  pending(): number {
    const n = (this.#avail.getUint16(VirtqRing.idx, true) - this.#lastAvail) & 0xffff;
    if (n > this.size) {
      this.#broken = true;
      return 0;
    }
    return n;
  }

  /**
   * Takes the next available chain: a {@link DescriptorChain}, a {@link FaultyChain} to refuse, or `undefined` when
   * the ring is empty (then, with EVENT_IDX, asks the driver to notify at the next entry).
   */
  pop(): DescriptorChain | FaultyChain | undefined {
    if (this.#broken) return undefined;
    if (this.pending() === 0) {
      if (this.eventIdx) {
        this.#used.setUint16(availEventOffset(this.size), this.#lastAvail, true);
        if (this.pending() === 0) return undefined;
      } else {
        return undefined;
      }
    }
    const head = this.#avail.getUint16(availSlot(this.#lastAvail % this.size), true);
    this.#lastAvail = (this.#lastAvail + 1) & 0xffff;
    if (head >= this.size) return { head, fault: "head-out-of-range" };
    return this.#walk(head);
  }

  #walk(head: number): DescriptorChain | FaultyChain {
    const readable: Uint8Array[] = [];
    const writable: Uint8Array[] = [];
    let readableLength = 0;
    let writableLength = 0;
    let table = this.#desc;
    let tableSize = this.size;
    let inIndirect = false;
    let i = head;
    let steps = 0;
    for (;;) {
      if (i >= tableSize) return { head, fault: "index-out-of-range" };
      if (++steps > tableSize) return { head, fault: "loop" };
      const at = i * DESC_SIZE;
      const addr = table.getBigUint64(at + VirtqDesc.addr, true);
      const len = table.getUint32(at + VirtqDesc.len, true);
      const flags = table.getUint16(at + VirtqDesc.flags, true);
      const next = table.getUint16(at + VirtqDesc.next, true);
      if ((flags & VirtqDescFlags.Indirect) !== 0) {
        if (inIndirect || (flags & VirtqDescFlags.Next) !== 0) return { head, fault: "bad-indirect" };
        if (len === 0 || len % DESC_SIZE !== 0 || len / DESC_SIZE > MAX_INDIRECT_ENTRIES) {
          return { head, fault: "bad-indirect" };
        }
        const views = this.#memory.translate(addr, len);
        if (views === undefined) return { head, fault: "outside-memory" };
        const copy = this.#indirect.reserve(len);
        let p = 0;
        for (const v of views) {
          copy.set(v, p);
          p += v.length;
        }
        table = this.#indirect.view;
        tableSize = len / DESC_SIZE;
        inIndirect = true;
        i = 0;
        steps = 0;
        continue;
      }
      const views = this.#memory.translate(addr, len);
      if (views === undefined) return { head, fault: "outside-memory" };
      if ((flags & VirtqDescFlags.Write) !== 0) {
        for (const v of views) writable.push(v);
        writableLength += len;
      } else {
        if (writable.length > 0 || writableLength > 0) return { head, fault: "readable-after-writable" };
        for (const v of views) readable.push(v);
        readableLength += len;
      }
      if ((flags & VirtqDescFlags.Next) === 0) break;
      i = next;
    }
    return { head, readable, writable, readableLength, writableLength };
  }

  /** Returns a chain to the driver with `written` bytes written into its writable buffers. */
  pushUsed(head: number, written: number): void {
    const at = usedSlot(this.#usedIdx % this.size);
    this.#used.setUint32(at + VirtqRing.usedId, head, true);
    this.#used.setUint32(at + VirtqRing.usedLen, written, true);
    // The element must be visible before the index that publishes it (§2.7.8.2).
    this.#usedIdx = (this.#usedIdx + 1) & 0xffff;
    this.#used.setUint16(VirtqRing.idx, this.#usedIdx, true);
  }

  /**
   * Whether the driver wants an interrupt for what was pushed since the last call (§2.7.10: `used_event` with
   * EVENT_IDX, else the `NO_INTERRUPT` flag).
   */
  needsNotification(): boolean {
    const old = this.#signalledUsed;
    const now = this.#usedIdx;
    this.#signalledUsed = now;
    if (old === now) return false;
    if (this.eventIdx) {
      const usedEvent = this.#avail.getUint16(usedEventOffset(this.size), true);
      return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    return (this.#avail.getUint16(VirtqRing.flags, true) & VirtqRingFlags.AvailNoInterrupt) === 0;
  }
}

/** True when `chain` is a {@link FaultyChain}. */
export function isFaulty(chain: DescriptorChain | FaultyChain): chain is FaultyChain {
  return "fault" in chain;
}
