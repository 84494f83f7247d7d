import type { GpuRect, ScanoutFrame } from "../src/virtio-gpu/index.ts";

/** FNV-1a over the 32-bit pixels of `rect` in `frame`: the pages and the tests compare every flush by it. */
export function flushDigest(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): number {
  let h = Math.imul(0x811c9dc5 ^ scanoutId, 0x01000193);
  for (const v of [rect.x, rect.y, rect.w, rect.h, frame.format]) h = Math.imul(h ^ v, 0x01000193);
  const words = new Uint32Array(frame.pixels.buffer, frame.pixels.byteOffset, frame.pixels.byteLength >>> 2);
  const pitch = frame.stride >>> 2;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    const end = y * pitch + rect.x + rect.w;
    for (let i = y * pitch + rect.x; i < end; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  }
  return h >>> 0;
}
