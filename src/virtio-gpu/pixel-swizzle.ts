import { BGRX_ORDER, PIXEL_BYTE_ORDER, shuffleWords, wordShuffle } from "./pixel-byte-order.ts";

/** Whether 4-byte pixels of `format` already are B8G8R8X8 bytes (or a format this table does not know). */
export function isB8G8R8X8Order(format: number): boolean {
  const order = PIXEL_BYTE_ORDER.get(format);
  return order === undefined || wordShuffle(order, BGRX_ORDER).kind === "same";
}

/**
 * Rewrites 4-byte pixels of `format` in place as B8G8R8X8 (bytes B, G, R, X: DRM's XRGB8888, what QEMU's display
 * and most sinks take). The alpha or padding byte stays in the fourth position. B8G8R8A8/B8G8R8X8 and unknown
 * formats are left as they are. Returns whether anything was rewritten.
 */
export function swizzleToB8G8R8X8(words: Uint32Array, format: number): boolean {
  const order = PIXEL_BYTE_ORDER.get(format);
  if (order === undefined) return false;
  const shuffle = wordShuffle(order, BGRX_ORDER);
  if (shuffle.kind === "same") return false;
  const all = { words, first: 0, pitch: words.length };
  shuffleWords(all, all, words.length, 1, shuffle);
  return true;
}
