import { PNG } from "pngjs";
import type { ScanoutFrame } from "../../virtio-gpu/display-sink.ts";
import { pixelByteOrder } from "../../virtio-gpu/pixel-byte-order.ts";

/** Encodes a scanout frame as PNG (RGBA); unknown formats are read as B8G8R8X8, what Linux scans out. */
export function encodePng(frame: ScanoutFrame): Buffer {
  const order = pixelByteOrder(frame.format);
  const { r, g, b } = order;
  const a = order.alpha ? order.a : -1;
  const png = new PNG({ width: frame.width, height: frame.height });
  const out = png.data;
  const src = frame.pixels;
  // A per-pixel swizzle: PNG wants RGBA and no TypedArray operation reorders bytes within a pixel.
  for (let y = 0; y < frame.height; y++) {
    let s = y * frame.stride;
    let d = y * frame.width * 4;
    for (let x = 0; x < frame.width; x++, s += 4, d += 4) {
      out[d] = src[s + r]!;
      out[d + 1] = src[s + g]!;
      out[d + 2] = src[s + b]!;
      out[d + 3] = a < 0 ? 0xff : src[s + a]!;
    }
  }
  return PNG.sync.write(png);
}

/** Decodes a PNG into RGBA bytes. */
export function decodePng(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return {
    width: png.width,
    height: png.height,
    rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length),
  };
}
