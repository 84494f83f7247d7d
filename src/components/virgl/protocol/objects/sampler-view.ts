import { SamplerViewOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/**
 * A sampler view object (`VIRGL_OBJ_SAMPLER_VIEW_*`). For a buffer resource the two range words are first and
 * last element; for a texture, layers (first | last << 16) and levels (first | last << 8).
 */
export interface VirglSamplerView {
  readonly kind: "sampler-view";
  readonly resourceId: number;
  /** virgl format (bits 0..23 of the format word). */
  readonly format: number;
  /** Gallium target of the view (bits 24..31; 0 when the guest sent none). */
  readonly target: number;
  readonly firstElementOrLayers: number;
  readonly lastElementOrLevels: number;
  /** `PIPE_SWIZZLE_*` for r, g, b, a. */
  readonly swizzle: readonly [number, number, number, number];
}

/** Parses a sampler view at header index `p` (exactly 6 payload dwords). */
export function parseSamplerView(r: DwordReader, p: number): VirglSamplerView {
  const f = r.u32(p + SamplerViewOffset.Format);
  const s = r.u32(p + SamplerViewOffset.Swizzle);
  return {
    kind: "sampler-view",
    resourceId: r.u32(p + SamplerViewOffset.Resource),
    format: f & 0xffffff,
    target: f >>> 24,
    firstElementOrLayers: r.u32(p + SamplerViewOffset.FirstElementOrLayers),
    lastElementOrLevels: r.u32(p + SamplerViewOffset.LastElementOrLevels),
    swizzle: [s & 0x7, (s >>> 3) & 0x7, (s >>> 6) & 0x7, (s >>> 9) & 0x7],
  };
}
