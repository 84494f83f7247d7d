import {
  PIXEL_BYTE_ORDER,
  pixelByteOrder,
  RGBA_ORDER,
  shuffleWords,
  type WordRect,
  type WordShuffle,
  wordShuffle,
} from "../virtio-gpu/pixel-byte-order.ts";

export type { WordRect };

// Pixels are converted as 32-bit words: little-endian byte order (every browser engine's) is assumed and checked.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Each format's shuffle to RGBA, worked out at its first conversion (a sink converts at every flush). */
const TO_RGBA = new Map<number, WordShuffle>();

/**
 * Converts `width`×`height` pixels of virtio-gpu `format` into RGBA words (the byte order of `ImageData`). Alpha
 * becomes 0xff (a scanout is opaque, as a monitor shows it) unless `keepAlpha` and the format has alpha (a cursor).
 * Formats outside the byte-order table are read as B8G8R8X8. The loop is per pixel: no TypedArray operation reorders
 * bytes within a word.
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
  const order = pixelByteOrder(format);
  let shuffle = TO_RGBA.get(format);
  if (shuffle === undefined) {
    shuffle = wordShuffle(order, RGBA_ORDER);
    // Formats outside the table all read as B8G8R8X8: only the table's are kept, so the map stays small.
    if (PIXEL_BYTE_ORDER.has(format)) TO_RGBA.set(format, shuffle);
  }
  shuffleWords(src, dst, width, height, shuffle, keepAlpha && order.alpha ? 0 : 0xff000000);
}

/**
 * A word view of `bytes` when it is 4-byte aligned (always so for frames the device hands out), or of a copy of it
 * otherwise.
 */
export function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  return new Uint32Array(bytes.slice(0, bytes.byteLength & ~3).buffer);
}
