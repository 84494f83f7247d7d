import { RutabagaError } from "./error.ts";
import type { RutabagaIovec } from "./types.ts";

/**
 * Most bytes one resource's backing may span: 2 GiB − 1, so every offset stays a small integer (V8 copies several
 * times slower when offsets are heap doubles).
 */
export const MAX_BACKING_BYTES = 0x7fff_ffff;

/**
 * Guest backing as one logical byte range over many views. Built once per attach: the prefix offsets let a copy find
 * its first view by binary search and then walk forward, so no call walks the whole list.
 */
export class IovecList {
  /** The views in order, as attached. */
  readonly iovecs: readonly RutabagaIovec[];
  /** `starts[i]` is the logical offset of `iovecs[i]`; `starts[length]` is the total length. */
  readonly starts: Int32Array;
  /** Sum of the views' lengths. */
  readonly totalLength: number;

  constructor(iovecs: readonly RutabagaIovec[]) {
    this.iovecs = iovecs;
    this.starts = new Int32Array(iovecs.length + 1);
    let total = 0;
    for (let i = 0; i < iovecs.length; i++) {
      this.starts[i] = total;
      total += iovecs[i]!.byteLength;
      if (total > MAX_BACKING_BYTES) {
        throw new RutabagaError("InvalidIovec", `backing spans more than ${MAX_BACKING_BYTES} bytes`);
      }
    }
    this.starts[iovecs.length] = total;
    this.totalLength = total;
  }

  /** Index of the view holding logical byte `offset` (skipping empty views), or `iovecs.length` when past the end. */
  indexOf(offset: number): number {
    return this.indexFrom(0, offset);
  }

  /** Like {@link indexOf}, for an `offset` known to lie at or after view `from`: steps a little, then searches. */
  indexFrom(from: number, offset: number): number {
    const starts = this.starts;
    const count = this.iovecs.length;
    let lo = from;
    for (let step = 0; step < 4 && lo < count; step++) {
      if (starts[lo + 1]! > offset) return lo;
      lo++;
    }
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid + 1]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Copies up to `length` bytes from logical `offset` into `dst` at `dstOffset`; returns how many bytes existed.
   * The caller has checked that `dst` has room.
   */
  read(offset: number, dst: Uint8Array, dstOffset: number, length: number): number {
    if (offset >= this.totalLength || length <= 0) return 0;
    const iovecs = this.iovecs;
    const count = iovecs.length;
    const starts = this.starts;
    let i = this.indexOf(offset);
    let within = (offset - starts[i]!) | 0;
    let d = dstOffset | 0;
    let left = length | 0;
    while (left > 0 && i < count) {
      const iov = iovecs[i]!;
      const avail = (iov.length - within) | 0;
      if (within === 0 && avail <= left) {
        dst.set(iov, d);
        d = (d + avail) | 0;
        left = (left - avail) | 0;
      } else {
        const n = Math.min(avail, left);
        dst.set(iov.subarray(within, within + n), d);
        d = (d + n) | 0;
        left = (left - n) | 0;
      }
      within = 0;
      i++;
    }
    return (length - left) | 0;
  }

  /** Copies up to `length` bytes of `src` from `srcOffset` to logical `offset`; returns how many bytes fit. */
  write(offset: number, src: Uint8Array, srcOffset: number, length: number): number {
    if (offset >= this.totalLength || length <= 0) return 0;
    const iovecs = this.iovecs;
    const count = iovecs.length;
    const starts = this.starts;
    let i = this.indexOf(offset);
    let within = (offset - starts[i]!) | 0;
    let s = srcOffset | 0;
    let left = length | 0;
    while (left > 0 && i < count) {
      const iov = iovecs[i]!;
      const avail = (iov.length - within) | 0;
      const n = Math.min(avail, left);
      iov.set(src.subarray(s, s + n), within);
      s = (s + n) | 0;
      left = (left - n) | 0;
      within = 0;
      i++;
    }
    return (length - left) | 0;
  }

  /** Validates caller-supplied views (every entry a `Uint8Array`, 2 GiB at most in all) and builds the list. */
  static from(iovecs: readonly RutabagaIovec[]): IovecList {
    if (!Array.isArray(iovecs)) throw new RutabagaError("InvalidIovec", "backing must be an array of Uint8Array views");
    for (let i = 0; i < iovecs.length; i++) {
      if (!(iovecs[i] instanceof Uint8Array)) throw new RutabagaError("InvalidIovec", `iovec ${i} is not a Uint8Array`);
    }
    return new IovecList(iovecs.slice());
  }
}
