import type { IovecList } from "./iovec-list.ts";

/**
 * Copies `rows` lines of `lineBytes` from scattered backing (line `r` starts at logical `srcBase + r * srcStride`)
 * into `dst` (line `r` at `dstBase + r * dstStride`). Lines past the end of the backing are left as they were.
 * The caller has checked that `dst` holds every line. Tightly packed lines on both sides are one copy.
 */
export function readRows(
  src: IovecList,
  srcBase: number,
  srcStride: number,
  dst: Uint8Array,
  dstBase: number,
  dstStride: number,
  lineBytes: number,
  rows: number,
): void {
  if (rows === 0 || lineBytes === 0) return;
  if (srcStride === lineBytes && dstStride === lineBytes) {
    src.read(srcBase, dst, dstBase, rows * lineBytes);
    return;
  }
  const total = src.totalLength;
  // Offsets below stay under 2^31 (dst is a host buffer, src a backing of at most MAX_BACKING_BYTES), so int math.
  if (srcBase >= total) return;
  const iovecs = src.iovecs;
  const starts = src.starts;
  const count = iovecs.length;
  let i = src.indexOf(srcBase);
  let lineStart = srcBase | 0;
  let d = dstBase | 0;
  for (let r = 0; r < rows; r++) {
    if (lineStart >= total) return;
    if (starts[i + 1]! <= lineStart) i = src.indexFrom(i + 1, lineStart);
    let iov = iovecs[i]!;
    let within = (lineStart - starts[i]!) | 0;
    if (within + lineBytes <= iov.length) {
      dst.set(iov.subarray(within, within + lineBytes), d);
    } else {
      let left = lineBytes;
      let to = d;
      let j = i;
      while (left > 0 && j < count) {
        iov = iovecs[j]!;
        const avail = (iov.length - within) | 0;
        const n = Math.min(avail, left);
        if (n > 0) dst.set(iov.subarray(within, within + n), to);
        to = (to + n) | 0;
        left = (left - n) | 0;
        within = 0;
        j++;
      }
    }
    lineStart = (lineStart + srcStride) | 0;
    d = (d + dstStride) | 0;
  }
}

/**
 * Copies `rows` lines of `lineBytes` from `src` (line `r` at `srcBase + r * srcStride`) into scattered backing (line
 * `r` at logical `dstBase + r * dstStride`). What lies past the end of the backing is not written.
 * The caller has checked that `src` holds every line. Tightly packed lines on both sides are one copy.
 */
export function writeRows(
  dst: IovecList,
  dstBase: number,
  dstStride: number,
  src: Uint8Array,
  srcBase: number,
  srcStride: number,
  lineBytes: number,
  rows: number,
): void {
  if (rows === 0 || lineBytes === 0) return;
  if (srcStride === lineBytes && dstStride === lineBytes) {
    dst.write(dstBase, src, srcBase, rows * lineBytes);
    return;
  }
  const total = dst.totalLength;
  if (dstBase >= total) return;
  const iovecs = dst.iovecs;
  const starts = dst.starts;
  const count = iovecs.length;
  let i = dst.indexOf(dstBase);
  let lineStart = dstBase | 0;
  let s = srcBase | 0;
  for (let r = 0; r < rows; r++) {
    if (lineStart >= total) return;
    if (starts[i + 1]! <= lineStart) i = dst.indexFrom(i + 1, lineStart);
    let iov = iovecs[i]!;
    let within = (lineStart - starts[i]!) | 0;
    if (within + lineBytes <= iov.length) {
      iov.set(src.subarray(s, s + lineBytes), within);
    } else {
      let left = lineBytes;
      let from = s;
      let j = i;
      while (left > 0 && j < count) {
        iov = iovecs[j]!;
        const avail = (iov.length - within) | 0;
        const n = Math.min(avail, left);
        if (n > 0) iov.set(src.subarray(from, from + n), within);
        from = (from + n) | 0;
        left = (left - n) | 0;
        within = 0;
        j++;
      }
    }
    lineStart = (lineStart + dstStride) | 0;
    s = (s + srcStride) | 0;
  }
}

/**
 * Copies `rows` lines between contiguous buffers. A `dstStride` of 0 is legal and lands every line at `dstBase`
 * (rutabaga_gfx's C test relies on it).
 */
export function copyRows(
  src: Uint8Array,
  srcBase: number,
  srcStride: number,
  dst: Uint8Array,
  dstBase: number,
  dstStride: number,
  lineBytes: number,
  rows: number,
): void {
  if (rows === 0 || lineBytes === 0) return;
  if (srcStride === lineBytes && dstStride === lineBytes) {
    dst.set(src.subarray(srcBase, srcBase + rows * lineBytes), dstBase);
    return;
  }
  if (dstStride === 0) {
    const last = srcBase + (rows - 1) * srcStride;
    dst.set(src.subarray(last, last + lineBytes), dstBase);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = srcBase + r * srcStride;
    dst.set(src.subarray(s, s + lineBytes), dstBase + r * dstStride);
  }
}
