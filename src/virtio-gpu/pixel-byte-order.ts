import { VirtioGpuFormat } from "../rutabaga/constants.ts";

/**
 * Where red, green, blue and the fourth byte sit in a 4-byte pixel (memory order, byte 0 first). The fourth byte is
 * alpha when `alpha` is true, else padding (the pixel is opaque).
 */
export interface PixelByteOrder {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
  readonly alpha: boolean;
}

const order = (r: number, g: number, b: number, a: number, alpha: boolean): PixelByteOrder => ({ r, g, b, a, alpha });

/** The byte order of every 4-byte `VIRTIO_GPU_FORMAT_*`: the one table the scanout, browser and PNG converters read. */
export const PIXEL_BYTE_ORDER: ReadonlyMap<number, PixelByteOrder> = new Map([
  [VirtioGpuFormat.B8G8R8A8Unorm, order(2, 1, 0, 3, true)],
  [VirtioGpuFormat.B8G8R8X8Unorm, order(2, 1, 0, 3, false)],
  [VirtioGpuFormat.A8R8G8B8Unorm, order(1, 2, 3, 0, true)],
  [VirtioGpuFormat.X8R8G8B8Unorm, order(1, 2, 3, 0, false)],
  [VirtioGpuFormat.R8G8B8A8Unorm, order(0, 1, 2, 3, true)],
  [VirtioGpuFormat.X8B8G8R8Unorm, order(3, 2, 1, 0, false)],
  [VirtioGpuFormat.A8B8G8R8Unorm, order(3, 2, 1, 0, true)],
  [VirtioGpuFormat.R8G8B8X8Unorm, order(0, 1, 2, 3, false)],
]);

/** B8G8R8X8: what Linux scans out, QEMU's display takes, and unknown formats are read as. */
export const BGRX_ORDER: PixelByteOrder = PIXEL_BYTE_ORDER.get(VirtioGpuFormat.B8G8R8X8Unorm)!;

/** R8G8B8A8: `ImageData`'s and PNG's order. */
export const RGBA_ORDER: PixelByteOrder = PIXEL_BYTE_ORDER.get(VirtioGpuFormat.R8G8B8A8Unorm)!;

/** The byte order of `format`; B8G8R8X8's for a format not in {@link PIXEL_BYTE_ORDER}. */
export function pixelByteOrder(format: number): PixelByteOrder {
  return PIXEL_BYTE_ORDER.get(format) ?? BGRX_ORDER;
}

/**
 * How a little-endian 32-bit word of one byte order becomes a word of another: `from[k]` is the source byte that
 * lands in byte k. The common cases have a cheaper form than moving four bytes one by one.
 */
export type WordShuffle =
  | { readonly kind: "same" }
  | { readonly kind: "rotate"; readonly bits: number }
  | { readonly kind: "reverse" }
  | { readonly kind: "swap-0-2" }
  | { readonly kind: "bytes"; readonly from: readonly [number, number, number, number] };

/** The shuffle that turns pixels of byte order `from` into byte order `to` (the fourth byte goes with it). */
export function wordShuffle(from: PixelByteOrder, to: PixelByteOrder): WordShuffle {
  const source = [0, 0, 0, 0] as [number, number, number, number];
  source[to.r] = from.r;
  source[to.g] = from.g;
  source[to.b] = from.b;
  source[to.a] = from.a;
  const [s0, s1, s2, s3] = source;
  if (s1 === (s0 + 1) % 4 && s2 === (s0 + 2) % 4 && s3 === (s0 + 3) % 4) {
    return s0 === 0 ? { kind: "same" } : { kind: "rotate", bits: 8 * s0 };
  }
  if (s0 === 3 && s1 === 2 && s2 === 1 && s3 === 0) return { kind: "reverse" };
  if (s0 === 2 && s1 === 1 && s2 === 0 && s3 === 3) return { kind: "swap-0-2" };
  return { kind: "bytes", from: source };
}

/** A rectangle of 4-byte pixels: `words` from `first`, rows `pitch` words apart. */
export interface WordRect {
  readonly words: Uint32Array;
  readonly first: number;
  readonly pitch: number;
}

/**
 * Shuffles `width`×`height` words of `src` into `dst` (which may be `src` itself, at the same place), OR-ing `set`
 * into each result (0xff000000 makes byte 3 opaque). One loop per kind: no call per pixel.
 */
export function shuffleWords(
  src: WordRect,
  dst: WordRect,
  width: number,
  height: number,
  shuffle: WordShuffle,
  set = 0,
): void {
  const s = src.words;
  const d = dst.words;
  for (let y = 0; y < height; y++) {
    let i = src.first + y * src.pitch;
    let o = dst.first + y * dst.pitch;
    const end = o + width;
    switch (shuffle.kind) {
      case "same":
        if (s !== d || i !== o || set !== 0) while (o < end) d[o++] = s[i++]! | set;
        break;
      case "rotate": {
        const right = shuffle.bits;
        const left = 32 - right;
        while (o < end) {
          const w = s[i++]!;
          d[o++] = (w >>> right) | (w << left) | set;
        }
        break;
      }
      case "reverse":
        while (o < end) {
          const w = s[i++]!;
          d[o++] = (w >>> 24) | ((w >>> 8) & 0xff00) | ((w & 0xff00) << 8) | (w << 24) | set;
        }
        break;
      case "swap-0-2":
        while (o < end) {
          const w = s[i++]!;
          d[o++] = (w & 0xff00ff00) | ((w >>> 16) & 0xff) | ((w & 0xff) << 16) | set;
        }
        break;
      case "bytes": {
        const [b0, b1, b2, b3] = shuffle.from.map((k) => 8 * k) as [number, number, number, number];
        while (o < end) {
          const w = s[i++]!;
          d[o++] =
            ((w >>> b0) & 0xff) |
            (((w >>> b1) & 0xff) << 8) |
            (((w >>> b2) & 0xff) << 16) |
            (((w >>> b3) & 0xff) << 24) |
            set;
        }
        break;
      }
    }
  }
}
