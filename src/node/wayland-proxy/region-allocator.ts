import { HOST_VISIBLE_ALIGNMENT } from "../../virtio-gpu/host-visible-region.ts";

/** First-fit placement of blobs in the host-visible region, page aligned (what a guest kernel's drm_mm does). */
export class RegionAllocator {
  readonly size: bigint;
  readonly #used = new Map<bigint, bigint>();

  constructor(size: bigint) {
    this.size = size;
  }

  /** An offset for `length` bytes, or `undefined` when no gap is large enough. */
  alloc(length: bigint): bigint | undefined {
    const len = (length + BigInt(HOST_VISIBLE_ALIGNMENT - 1)) & ~BigInt(HOST_VISIBLE_ALIGNMENT - 1);
    const spans = [...this.#used].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    let at = 0n;
    for (const [start, l] of spans) {
      if (start - at >= len) break;
      at = start + l;
    }
    if (at + len > this.size) return undefined;
    this.#used.set(at, len === 0n ? BigInt(HOST_VISIBLE_ALIGNMENT) : len);
    return at;
  }

  free(offset: bigint): void {
    this.#used.delete(offset);
  }

  /** Spans in use. */
  get count(): number {
    return this.#used.size;
  }
}
