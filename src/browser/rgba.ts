import { VirtioGpuFormat } from "../index.ts";

// Pixels are converted as 32-bit words: little-endian byte order (every browser engine's) is assumed and checked.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** How each virtio-gpu format's word (bytes b0..b3 as bits 0..31) becomes an RGBA word with a given alpha. */
function converter(format: number, keepAlpha: boolean): (w: number) => number {
  switch (format) {
    case VirtioGpuFormat.A8R8G8B8Unorm:
    case VirtioGpuFormat.X8R8G8B8Unorm:
      // Bytes A, R, G, B.
      return keepAlpha && format === VirtioGpuFormat.A8R8G8B8Unorm
        ? (w) => (w >>> 8) | (w << 24)
        : (w) => (w >>> 8) | 0xff000000;
    case VirtioGpuFormat.R8G8B8A8Unorm:
    case VirtioGpuFormat.R8G8B8X8Unorm:
      // Bytes R, G, B, A: already RGBA.
      return keepAlpha && format === VirtioGpuFormat.R8G8B8A8Unorm ? (w) => w : (w) => w | 0xff000000;
    case VirtioGpuFormat.A8B8G8R8Unorm:
    case VirtioGpuFormat.X8B8G8R8Unorm: {
      // Bytes A, B, G, R.
      const rgb = (w: number) => (w >>> 24) | ((w >>> 8) & 0xff00) | ((w << 8) & 0xff0000);
      return keepAlpha && format === VirtioGpuFormat.A8B8G8R8Unorm
        ? (w) => rgb(w) | (w << 24)
        : (w) => rgb(w) | 0xff000000;
    }
    default: {
      // Bytes B, G, R, A/X (B8G8R8X8 is what Linux scans out; unknown formats are read as it, as the PNG writer does).
      const rgb = (w: number) => ((w & 0xff) << 16) | (w & 0xff00) | ((w >>> 16) & 0xff);
      return keepAlpha && format === VirtioGpuFormat.B8G8R8A8Unorm
        ? (w) => rgb(w) | (w & 0xff000000)
        : (w) => rgb(w) | 0xff000000;
    }
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
  if (!LITTLE_ENDIAN) throw new RangeError("pixel conversion assumes a little-endian platform");
  const convert = converter(format, keepAlpha);
  const s = src.words;
  const d = dst.words;
  for (let y = 0; y < height; y++) {
    let i = src.first + y * src.pitch;
    let o = dst.first + y * dst.pitch;
    const end = o + width;
    while (o < end) d[o++] = convert(s[i++]!);
  }
}

/**
 * A word view of `bytes` when it is 4-byte aligned (always so for frames the device hands out), or of a copy of it
 * otherwise.
 */
export function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  return new Uint32Array(bytes.slice(0, bytes.byteLength & ~3).buffer);
}
