import { closeFd } from "../os/fd.ts";
import type { MemoryMapping } from "../os/memory-mapping.ts";

/** A resource's shared memory: the memfd the client maps and the server's own mapping of it. */
export interface ShmBacking {
  readonly fd: number;
  readonly mapping: MemoryMapping;
}

/** Backings kept for reuse: Mesa's virpipe creates and frees a small resource every frame. */
export const SHM_POOL_ENTRIES = 4;
/** Largest backing kept; bigger ones are freed at once. */
export const SHM_POOL_MAX_BYTES = 64 * 1024;

/**
 * A client's freed small shared-memory backings, reused for its next resource of the same size instead of another
 * memfd, mmap and munmap. Reused memory is zeroed first. Per client: a backing never moves to another client, which may
 * still hold a mapping of it.
 */
export class ShmPool {
  readonly #free: ShmBacking[] = [];

  /** A freed backing of exactly `bytes`, zeroed, or `undefined`. */
  take(bytes: number): ShmBacking | undefined {
    const i = this.#free.findIndex((b) => b.mapping.length === bytes);
    if (i < 0) return undefined;
    const [b] = this.#free.splice(i, 1);
    b!.mapping.bytes.fill(0);
    return b;
  }

  /** Keeps `b` for reuse, or releases it when it is too big or the pool is full (then the oldest goes). */
  give(b: ShmBacking): void {
    if (b.mapping.length > SHM_POOL_MAX_BYTES) {
      release(b);
      return;
    }
    this.#free.push(b);
    if (this.#free.length > SHM_POOL_ENTRIES) release(this.#free.shift()!);
  }

  /** Releases every kept backing. */
  close(): void {
    for (const b of this.#free.splice(0)) release(b);
  }
}

/** Unmaps and closes one backing. */
export function release(b: ShmBacking): void {
  b.mapping.unmap();
  closeFd(b.fd);
}
