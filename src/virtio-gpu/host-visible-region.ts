/** `VIRTIO_GPU_SHM_ID_HOST_VISIBLE`: the shared memory region host blobs are mapped into (virtio 1.3 §5.7.5). */
export const VIRTIO_GPU_SHM_ID_HOST_VISIBLE = 1;
/** Placement granularity of blobs in the region (the guest's page size). */
export const HOST_VISIBLE_ALIGNMENT = 4096;

/**
 * Where `RESOURCE_MAP_BLOB` puts a blob's host memory so the guest sees it: the front end owns the region (a PCI BAR
 * mapped into a VM, or, for a guest-side proxy in the same process, a table of views).
 */
export interface HostVisibleRegion {
  /** Bytes the region spans. */
  readonly size: bigint;
  /** Shows `bytes` (a blob's mapping) at `offset`; the device has checked alignment, bounds and overlap. */
  map(offset: bigint, bytes: Uint8Array, resourceId: number): void;
  /** Stops showing what was mapped at `offset`. */
  unmap(offset: bigint, resourceId: number): void;
}

/**
 * A region that keeps the placed views themselves: a guest driver in the same process reads and writes a mapped
 * blob through {@link viewAt}, as a VM's guest would through its BAR.
 */
export class ViewRegion implements HostVisibleRegion {
  readonly size: bigint;
  readonly #placed = new Map<bigint, Uint8Array>();

  constructor(size: bigint) {
    this.size = size;
  }

  map(offset: bigint, bytes: Uint8Array, _resourceId: number): void {
    this.#placed.set(offset, bytes);
  }

  unmap(offset: bigint, _resourceId: number): void {
    this.#placed.delete(offset);
  }

  /** The blob mapped at `offset`, or `undefined`. */
  viewAt(offset: bigint): Uint8Array | undefined {
    return this.#placed.get(offset);
  }

  /** How many blobs are mapped. */
  get mappedCount(): number {
    return this.#placed.size;
  }
}
