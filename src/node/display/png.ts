import { PNG } from "pngjs";
import { VirtioGpuFormat } from "../../rutabaga/constants.ts";
import type { ScanoutFrame } from "../../virtio-gpu/display-sink.ts";

/** Byte positions of red, green, blue and alpha (-1: opaque) within a pixel, per `VIRTIO_GPU_FORMAT_*`. */
const CHANNELS: Record<number, [number, number, number, number]> = {
  [VirtioGpuFormat.B8G8R8A8Unorm]: [2, 1, 0, 3],
  [VirtioGpuFormat.B8G8R8X8Unorm]: [2, 1, 0, -1],
  [VirtioGpuFormat.A8R8G8B8Unorm]: [1, 2, 3, 0],
  [VirtioGpuFormat.X8R8G8B8Unorm]: [1, 2, 3, -1],
  [VirtioGpuFormat.R8G8B8A8Unorm]: [0, 1, 2, 3],
  [VirtioGpuFormat.X8B8G8R8Unorm]: [3, 2, 1, -1],
  [VirtioGpuFormat.A8B8G8R8Unorm]: [3, 2, 1, 0],
  [VirtioGpuFormat.R8G8B8X8Unorm]: [0, 1, 2, -1],
};

/** Encodes a scanout frame as PNG (RGBA); unknown formats are read as B8G8R8X8, what Linux scans out. */
export function encodePng(frame: ScanoutFrame): Buffer {
  const [r, g, b, a] = CHANNELS[frame.format] ?? CHANNELS[VirtioGpuFormat.B8G8R8X8Unorm]!;
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
