/** Which timeline a fence belongs to: the global one, or a context's ring (`INFO_RING_IDX`). */
export type TimelineKey = string;

/** The global timeline's key. */
export const GLOBAL_TIMELINE: TimelineKey = "global";

/** Ring keys made so far, by `ctxId * 256 + ringIdx` (at most {@link MAX_REMEMBERED_KEYS}; others are made anew). */
const ringKeys = new Map<number, TimelineKey>();
const MAX_REMEMBERED_KEYS = 4096;

/** The key of context `ctxId`'s ring `ringIdx` (`ringIdx` is a u8). */
export function ringTimeline(ctxId: number, ringIdx: number): TimelineKey {
  const n = ctxId * 256 + ringIdx;
  const known = ringKeys.get(n);
  if (known !== undefined) return known;
  const key = `${ctxId}:${ringIdx}`;
  if (ringKeys.size < MAX_REMEMBERED_KEYS) ringKeys.set(n, key);
  return key;
}

const NOTHING_RELEASED: readonly never[] = Object.freeze([]);

/** A response held back until its fence completes. */
interface ParkedResponse<T> {
  readonly timeline: TimelineKey;
  readonly fenceId: bigint;
  readonly item: T;
}

/**
 * Per-timeline fence bookkeeping (virtio 1.3 §5.7.6.7: with `INFO_RING_IDX` each context ring is its own timeline): the last completed id of each timeline and the responses parked
 * behind later fences. A completed fence releases, in the order they were parked, every response of its timeline
 * whose fence id is not above it.
 */
export class FenceTimelines<T> {
  readonly #completed = new Map<TimelineKey, bigint>();
  #parked: ParkedResponse<T>[] = [];

  /** Responses waiting for a fence. */
  get parkedCount(): number {
    return this.#parked.length;
  }

  /** The last completed fence id of `timeline` (0 before any). */
  completed(timeline: TimelineKey): bigint {
    return this.#completed.get(timeline) ?? 0n;
  }

  /** True when a response fenced with `fenceId` on `timeline` may go back at once. */
  isDone(timeline: TimelineKey, fenceId: bigint): boolean {
    return fenceId <= this.completed(timeline);
  }

  /** Holds `item` until `fenceId` completes on `timeline`. */
  park(timeline: TimelineKey, fenceId: bigint, item: T): void {
    this.#parked.push({ timeline, fenceId, item });
  }

  /** Records a completion and returns the responses it releases, in parking order. */
  complete(timeline: TimelineKey, fenceId: bigint): readonly T[] {
    if (fenceId > this.completed(timeline)) this.#completed.set(timeline, fenceId);
    if (this.#parked.length === 0) return NOTHING_RELEASED;
    const done = this.completed(timeline);
    const released: T[] = [];
    const kept: ParkedResponse<T>[] = [];
    for (const p of this.#parked) {
      if (p.timeline === timeline && p.fenceId <= done) released.push(p.item);
      else kept.push(p);
    }
    if (released.length > 0) this.#parked = kept;
    return released;
  }

  /** Forgets everything (device reset). */
  clear(): void {
    this.#completed.clear();
    this.#parked = [];
  }
}
