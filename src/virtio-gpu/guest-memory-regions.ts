import type { GuestMemory } from "./guest-memory.ts";

/** One contiguous piece of guest-physical memory and the bytes behind it. */
export interface GuestRegion {
  /** Guest-physical address of `bytes[0]`. */
  readonly guestAddr: bigint;
  readonly bytes: Uint8Array;
}

/**
 * Guest memory made of non-overlapping regions (an emulator's RAM below and above a PCI hole, or the regions a VMM
 * shares over vhost-user). Lookups are a binary search over the regions sorted by address.
 */
export class GuestMemoryRegions implements GuestMemory {
  readonly #regions: GuestRegion[];
  readonly #starts: bigint[];
  readonly #ends: bigint[];

  constructor(regions: readonly GuestRegion[]) {
    this.#regions = [...regions].sort((a, b) => (a.guestAddr < b.guestAddr ? -1 : a.guestAddr > b.guestAddr ? 1 : 0));
    this.#starts = this.#regions.map((r) => r.guestAddr);
    this.#ends = this.#regions.map((r) => r.guestAddr + BigInt(r.bytes.length));
    for (let i = 1; i < this.#regions.length; i++) {
      if (this.#starts[i]! < this.#ends[i - 1]!) throw new RangeError(`guest memory regions ${i - 1} and ${i} overlap`);
    }
  }

  /** The regions, by address. */
  get regions(): readonly GuestRegion[] {
    return this.#regions;
  }

  #find(addr: bigint): number {
    let lo = 0;
    let hi = this.#regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (addr < this.#starts[mid]!) hi = mid - 1;
      else if (addr >= this.#ends[mid]!) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  translate(addr: bigint, length: number): Uint8Array[] | undefined {
    if (addr < 0n || !Number.isSafeInteger(length) || length < 0 || addr + BigInt(length) > 0xffff_ffff_ffff_ffffn) {
      return undefined;
    }
    if (length === 0) return [];
    let i = this.#find(addr);
    if (i < 0) return undefined;
    const out: Uint8Array[] = [];
    let at = addr;
    let left = length;
    for (;;) {
      const region = this.#regions[i]!;
      const offset = Number(at - this.#starts[i]!);
      const take = Math.min(left, region.bytes.length - offset);
      out.push(region.bytes.subarray(offset, offset + take));
      left -= take;
      if (left === 0) return out;
      at += BigInt(take);
      i++;
      if (i >= this.#regions.length || this.#starts[i] !== at) return undefined;
    }
  }
}
