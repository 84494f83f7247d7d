import type { VirglResourceState } from "../resources/resource.ts";

/**
 * A count that moves whenever the contents of some buffer may have changed on the host: a guest upload, any
 * command that can write resources (copies, blits, clears of textures, in-stream transfers, queries, compute), a
 * draw that captures or writes shader memory, a query result served late. One per component, shared by its
 * contexts, so a write through any context is seen by all.
 */
export class BufferWrites {
  epoch = 0;

  /** Marks every remembered index range stale. */
  bump(): void {
    this.epoch++;
  }
}

/** Index runs remembered per buffer: a guest cannot grow the cache past this many per buffer. */
export const MAX_INDEX_RANGES_PER_BUFFER = 32;

interface IndexRangeEntry {
  readonly epoch: number;
  readonly offset: number;
  readonly count: number;
  readonly size: number;
  readonly restart: number;
  /** Smallest and largest index read (restart index skipped); `max < 0` when none. */
  readonly min: number;
  readonly max: number;
}

/**
 * The smallest and largest index of index runs already read back from the host, by buffer (its state object, so
 * a freed buffer's entries go with it) and run, valid while {@link BufferWrites.epoch} has not moved since.
 */
export class IndexRanges {
  readonly #writes: BufferWrites;
  readonly #byBuffer = new WeakMap<VirglResourceState, IndexRangeEntry[]>();

  constructor(writes: BufferWrites) {
    this.#writes = writes;
  }

  /** The remembered `[min, max]` of `count` indices of `size` bytes at `offset`, if still valid. */
  find(
    state: VirglResourceState,
    offset: number,
    count: number,
    size: number,
    restart: number,
  ): { min: number; max: number } | undefined {
    const entries = this.#byBuffer.get(state);
    if (entries === undefined) return undefined;
    const epoch = this.#writes.epoch;
    for (const e of entries) {
      if (e.offset === offset && e.count === count && e.size === size && e.restart === restart && e.epoch === epoch)
        return e;
    }
    return undefined;
  }

  /** Remembers a run's `[min, max]` as of now. */
  remember(
    state: VirglResourceState,
    offset: number,
    count: number,
    size: number,
    restart: number,
    min: number,
    max: number,
  ): void {
    const epoch = this.#writes.epoch;
    let entries = this.#byBuffer.get(state);
    if (entries === undefined) {
      entries = [];
      this.#byBuffer.set(state, entries);
    } else if (entries.length > 0 && entries[0]!.epoch !== epoch) {
      entries.length = 0;
    }
    entries.unshift({ epoch, offset, count, size, restart, min, max });
    if (entries.length > MAX_INDEX_RANGES_PER_BUFFER) entries.pop();
  }
}
