import { VirtioGpuFormat } from "../index.ts";

// Pixels are converted as 32-bit words: little-endian byte order (every browser engine's) is assumed and checked.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Converts `n` words of `s` from `i` into RGBA words of `d` from `o`. */
type RowConverter = (s: Uint32Array, i: number, d: Uint32Array, o: number, n: number) => void;

// One loop per byte order and alpha rule, the conversion written inline: a function called per pixel costs the
// loop about 2.5× in Chromium 156. Words read b0..b3 as bits 0..31; an RGBA word is R | G << 8 | B << 16 | A << 24.

/** Bytes A, R, G, B (A8R8G8B8, X8R8G8B8). */
const argbOpaque: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) d[o++] = (s[i++]! >>> 8) | 0xff000000;
};
const argbAlpha: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) {
    const w = s[i++]!;
    d[o++] = (w >>> 8) | (w << 24);
  }
};
/** Bytes R, G, B, A: already RGBA (R8G8B8A8, R8G8B8X8). */
const rgbaOpaque: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) d[o++] = s[i++]! | 0xff000000;
};
const rgbaAlpha: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) d[o++] = s[i++]!;
};
/** Bytes A, B, G, R (A8B8G8R8, X8B8G8R8). */
const abgrOpaque: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) {
    const w = s[i++]!;
    d[o++] = (w >>> 24) | ((w >>> 8) & 0xff00) | ((w << 8) & 0xff0000) | 0xff000000;
  }
};
const abgrAlpha: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) {
    const w = s[i++]!;
    d[o++] = (w >>> 24) | ((w >>> 8) & 0xff00) | ((w << 8) & 0xff0000) | (w << 24);
  }
};
/** Bytes B, G, R, A/X (B8G8R8X8 is what Linux scans out). */
const bgraOpaque: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) {
    const w = s[i++]!;
    d[o++] = ((w & 0xff) << 16) | (w & 0xff00) | ((w >>> 16) & 0xff) | 0xff000000;
  }
};
const bgraAlpha: RowConverter = (s, i, d, o, n) => {
  for (const end = o + n; o < end; ) {
    const w = s[i++]!;
    d[o++] = ((w & 0xff) << 16) | (w & 0xff00ff00) | ((w >>> 16) & 0xff);
  }
};

/** The row converter of a virtio-gpu format; unknown formats are read as B8G8R8X8, as the PNG writer does. */
function rowConverter(format: number, keepAlpha: boolean): RowConverter {
  switch (format) {
    case VirtioGpuFormat.A8R8G8B8Unorm:
      return keepAlpha ? argbAlpha : argbOpaque;
    case VirtioGpuFormat.X8R8G8B8Unorm:
      return argbOpaque;
    case VirtioGpuFormat.R8G8B8A8Unorm:
      return keepAlpha ? rgbaAlpha : rgbaOpaque;
    case VirtioGpuFormat.R8G8B8X8Unorm:
      return rgbaOpaque;
    case VirtioGpuFormat.A8B8G8R8Unorm:
      return keepAlpha ? abgrAlpha : abgrOpaque;
    case VirtioGpuFormat.X8B8G8R8Unorm:
      return abgrOpaque;
    case VirtioGpuFormat.B8G8R8A8Unorm:
      return keepAlpha ? bgraAlpha : bgraOpaque;
    default:
      return bgraOpaque;
  }
}

/** A rectangle of 4-byte pixels: `words` from `first`, rows `pitch` words apart. */
export interface WordRect {
  readonly words: Uint32Array;
  readonly first: number;
  readonly pitch: number;
}

/**
 * Converts `width`×`height` pixels of virtio-gpu `format` into RGBA words (the byte order of `ImageData`). Alpha
 * becomes 0xff (a scanout is opaque, as a monitor shows it) unless `keepAlpha` and the format has alpha (a cursor).
 * The loop is per pixel: no TypedArray operation reorders bytes within a word.
 */
export function convertToRgba(
  src: WordRect,
  dst: WordRect,
  width: number,
  height: number,
  format: number,
  keepAlpha = false,
): void {
  convertRows(src.words, src.first, src.pitch, dst.words, dst.first, dst.pitch, width, height, format, keepAlpha);
}

/** {@link convertToRgba} with the rectangles spread into arguments (for a caller that keeps its views). */
export function convertRows(
  src: Uint32Array,
  srcFirst: number,
  srcPitch: number,
  dst: Uint32Array,
  dstFirst: number,
  dstPitch: number,
  width: number,
  height: number,
  format: number,
  keepAlpha = false,
): void {
  if (!LITTLE_ENDIAN) throw new RangeError("pixel conversion assumes a little-endian platform");
  const row = rowConverter(format, keepAlpha);
  for (let y = 0; y < height; y++) row(src, srcFirst + y * srcPitch, dst, dstFirst + y * dstPitch, width);
}

/**
 * A word view of `bytes` when it is 4-byte aligned (always so for frames the device hands out), or of a copy of it
 * otherwise.
 */
export function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  return new Uint32Array(bytes.slice(0, bytes.byteLength & ~3).buffer);
}
