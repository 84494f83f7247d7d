import { GuestMemoryRegions } from "../../virtio-gpu/guest-memory-regions.ts";
import { closeFd } from "../os/fd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import { MAX_MEM_SLOTS } from "./protocol.ts";

/** A region as the front-end describes it (`VhostUserMemoryRegion`). */
export interface MemoryRegionDescriptor {
  guestPhysAddr: bigint;
  memorySize: bigint;
  userspaceAddr: bigint;
  mmapOffset: bigint;
}

interface MappedRegion extends MemoryRegionDescriptor {
  mapping: MemoryMapping;
}

/** Most bytes one region may map (64 GiB): a front-end cannot make us reserve more address space per region. */
export const MAX_REGION_BYTES = 64n * 1024n * 1024n * 1024n;

/** A region that cannot be mapped, or a table that would overflow. */
export class MemoryTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MemoryTableError";
  }
}

/**
 * Guest RAM shared by the front-end: each region's fd mapped once, translated by guest-physical address (descriptor
 * addresses) or by the front-end's virtual address (ring addresses in SET_VRING_ADDR). A removed region stays mapped
 * until {@link close}: resources may still hold views of it, and unmapping under them would fault the process.
 */
export class MemoryTable {
  #regions: MappedRegion[] = [];
  readonly #retired: MemoryMapping[] = [];
  #memory = new GuestMemoryRegions([]);

  /** Guest memory by guest-physical address, as the device reads it. */
  get memory(): GuestMemoryRegions {
    return this.#memory;
  }

  /** Regions in use. */
  get regionCount(): number {
    return this.#regions.length;
  }

  /** Maps `fd` for `region` (the fd is closed either way) and adds it. */
  add(region: MemoryRegionDescriptor, fd: number): void {
    try {
      if (this.#regions.length >= MAX_MEM_SLOTS) throw new MemoryTableError(`more than ${MAX_MEM_SLOTS} regions`);
      if (region.memorySize === 0n || region.memorySize > MAX_REGION_BYTES || region.mmapOffset > MAX_REGION_BYTES) {
        throw new MemoryTableError(`region of ${region.memorySize} bytes at offset ${region.mmapOffset}`);
      }
      const end = region.guestPhysAddr + region.memorySize;
      for (const r of this.#regions) {
        if (region.guestPhysAddr < r.guestPhysAddr + r.memorySize && r.guestPhysAddr < end) {
          throw new MemoryTableError(`region at 0x${region.guestPhysAddr.toString(16)} overlaps another`);
        }
      }
      const mapping = MemoryMapping.map(fd, Number(region.memorySize + region.mmapOffset));
      const next = [...this.#regions, { ...region, mapping }];
      try {
        this.#rebuild(next);
      } catch (e) {
        mapping.unmap();
        throw e;
      }
    } finally {
      closeFd(fd);
    }
  }

  /** Removes the region with the same guest address and size; returns whether there was one. */
  remove(region: MemoryRegionDescriptor): boolean {
    const i = this.#regions.findIndex(
      (r) => r.guestPhysAddr === region.guestPhysAddr && r.memorySize === region.memorySize,
    );
    if (i < 0) return false;
    const [gone] = this.#regions.splice(i, 1);
    this.#retired.push(gone!.mapping);
    this.#rebuild(this.#regions);
    return true;
  }

  /** Replaces every region (SET_MEM_TABLE); on failure nothing changes and every fd is closed. */
  replace(regions: readonly MemoryRegionDescriptor[], fds: readonly number[]): void {
    const old = this.#regions;
    this.#regions = [];
    try {
      for (const [i, r] of regions.entries()) this.add(r, fds[i]!);
    } catch (e) {
      for (const r of this.#regions) r.mapping.unmap();
      for (let i = this.#regions.length + 1; i < fds.length; i++) closeFd(fds[i]!);
      this.#regions = old;
      this.#rebuild(old);
      throw e;
    }
    for (const r of old) this.#retired.push(r.mapping);
  }

  #rebuild(regions: MappedRegion[]): void {
    this.#memory = new GuestMemoryRegions(
      regions.map((r) => ({ guestAddr: r.guestPhysAddr, bytes: r.mapping.bytes.subarray(Number(r.mmapOffset)) })),
    );
    this.#regions = regions;
  }

  /** The guest-physical address of the front-end's virtual address `uaddr`, if a region holds it. */
  userToGuest(uaddr: bigint): bigint | undefined {
    for (const r of this.#regions) {
      if (uaddr >= r.userspaceAddr && uaddr < r.userspaceAddr + r.memorySize)
        return r.guestPhysAddr + (uaddr - r.userspaceAddr);
    }
    return undefined;
  }

  /** Unmaps everything, retired regions included. Views handed out before must not be used afterwards. */
  close(): void {
    for (const r of this.#regions) r.mapping.unmap();
    for (const m of this.#retired) m.unmap();
    this.#regions = [];
    this.#retired.length = 0;
    this.#memory = new GuestMemoryRegions([]);
  }
}
