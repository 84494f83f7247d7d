import { VirtioGpuFormat } from "../rutabaga/constants.ts";

/**
 * Rewrites 4-byte pixels of `format` in place as B8G8R8X8 (bytes B, G, R, X: DRM's XRGB8888, what QEMU's display
 * and most sinks take). The alpha or padding byte stays in the fourth position. B8G8R8A8/B8G8R8X8 and unknown
 * formats are left as they are. Returns whether anything was rewritten.
 */
export function swizzleToB8G8R8X8(words: Uint32Array, format: number): boolean {
  const n = words.length;
  switch (format) {
    case VirtioGpuFormat.A8R8G8B8Unorm:
    case VirtioGpuFormat.X8R8G8B8Unorm:
      // Bytes A, R, G, B: reverse them.
      for (let i = 0; i < n; i++) {
        const w = words[i]!;
        words[i] = (w >>> 24) | ((w >>> 8) & 0xff00) | ((w & 0xff00) << 8) | (w << 24);
      }
      return true;
    case VirtioGpuFormat.R8G8B8A8Unorm:
    case VirtioGpuFormat.R8G8B8X8Unorm:
      // Bytes R, G, B, A: swap R and B.
      for (let i = 0; i < n; i++) {
        const w = words[i]!;
        words[i] = (w & 0xff00ff00) | ((w >>> 16) & 0xff) | ((w & 0xff) << 16);
      }
      return true;
    case VirtioGpuFormat.A8B8G8R8Unorm:
    case VirtioGpuFormat.X8B8G8R8Unorm:
      // Bytes A, B, G, R: rotate A to the end.
      for (let i = 0; i < n; i++) {
        const w = words[i]!;
        words[i] = (w >>> 8) | (w << 24);
      }
      return true;
    default:
      return false;
  }
}
