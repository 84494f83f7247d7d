import { RutabagaError } from "./error.ts";
import type { RutabagaIovec } from "./types.ts";

/**
 * Guest backing as one logical byte range over many views. Built once per attach: the prefix offsets let a copy find
 * its first view by binary search and then walk forward, so no call walks the whole list.
 */
export class IovecList {
  /** The views in order, as attached. */
  readonly iovecs: readonly RutabagaIovec[];
  /** `starts[i]` is the logical offset of `iovecs[i]`; `starts[length]` is the total length. */
  readonly starts: Float64Array;
  /** Sum of the views' lengths. */
  readonly totalLength: number;

  constructor(iovecs: readonly RutabagaIovec[]) {
    this.iovecs = iovecs;
    this.starts = new Float64Array(iovecs.length + 1);
    let total = 0;
    for (let i = 0; i < iovecs.length; i++) {
      this.starts[i] = total;
      total += iovecs[i]!.byteLength;
    }
    this.starts[iovecs.length] = total;
    this.totalLength = total;
  }

  /** Index of the view holding logical byte `offset` (skipping empty views), or `iovecs.length` when past the end. */
  indexOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = this.iovecs.length;
    // Invariant: starts[lo] <= offset (or lo == 0), the answer is in [lo, hi].
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
    const starts = this.starts;
    let i = this.indexOf(offset);
    let done = 0;
    while (done < length && i < iovecs.length) {
      const iov = iovecs[i]!;
      const within = offset + done - starts[i]!;
      const n = Math.min(iov.byteLength - within, length - done);
      if (n > 0) {
        dst.set(n === iov.byteLength ? iov : iov.subarray(within, within + n), dstOffset + done);
        done += n;
      }
      i++;
    }
    return done;
  }

  /** Copies up to `length` bytes of `src` from `srcOffset` to logical `offset`; returns how many bytes fit. */
  write(offset: number, src: Uint8Array, srcOffset: number, length: number): number {
    if (offset >= this.totalLength || length <= 0) return 0;
    const iovecs = this.iovecs;
    const starts = this.starts;
    let i = this.indexOf(offset);
    let done = 0;
    while (done < length && i < iovecs.length) {
      const iov = iovecs[i]!;
      const within = offset + done - starts[i]!;
      const n = Math.min(iov.byteLength - within, length - done);
      if (n > 0) {
        iov.set(src.subarray(srcOffset + done, srcOffset + done + n), within);
        done += n;
      }
      i++;
    }
    return done;
  }

  /** Validates guest-supplied views: every entry must be a `Uint8Array`. */
  static from(iovecs: readonly RutabagaIovec[]): IovecList {
    if (!Array.isArray(iovecs)) throw new RutabagaError("InvalidIovec", "backing must be an array of Uint8Array views");
    for (let i = 0; i < iovecs.length; i++) {
      if (!(iovecs[i] instanceof Uint8Array)) throw new RutabagaError("InvalidIovec", `iovec ${i} is not a Uint8Array`);
    }
    return new IovecList(iovecs.slice());
  }
}
