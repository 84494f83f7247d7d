import { SamplerStateOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** A sampler state object (`VIRGL_OBJ_SAMPLER_STATE_*`; wraps `PIPE_TEX_WRAP_*`, filters `PIPE_TEX_FILTER/MIPFILTER_*`). */
export interface VirglSamplerState {
  readonly kind: "sampler-state";
  readonly wrapS: number;
  readonly wrapT: number;
  readonly wrapR: number;
  readonly minImgFilter: number;
  readonly minMipFilter: number;
  readonly magImgFilter: number;
  readonly compareMode: number;
  readonly compareFunc: number;
  readonly seamlessCubeMap: boolean;
  readonly lodBias: number;
  readonly minLod: number;
  readonly maxLod: number;
  /** The border colour's four words as sent (float, int or uint by the view's format). */
  readonly borderColor: Uint32Array;
}

/** Parses a sampler state at header index `p` (exactly 9 payload dwords). */
export function parseSamplerState(r: DwordReader, p: number): VirglSamplerState {
  const s0 = r.u32(p + SamplerStateOffset.S0);
  const borderColor = new Uint32Array(4);
  for (let i = 0; i < 4; i++) borderColor[i] = r.u32(p + SamplerStateOffset.BorderColor0 + i);
  return {
    kind: "sampler-state",
    wrapS: s0 & 0x7,
    wrapT: (s0 >>> 3) & 0x7,
    wrapR: (s0 >>> 6) & 0x7,
    minImgFilter: (s0 >>> 9) & 0x3,
    minMipFilter: (s0 >>> 11) & 0x3,
    magImgFilter: (s0 >>> 13) & 0x3,
    compareMode: (s0 >>> 15) & 0x1,
    compareFunc: (s0 >>> 16) & 0x7,
    seamlessCubeMap: ((s0 >>> 19) & 1) === 1,
    lodBias: r.f32(p + SamplerStateOffset.LodBias),
    minLod: r.f32(p + SamplerStateOffset.MinLod),
    maxLod: r.f32(p + SamplerStateOffset.MaxLod),
    borderColor,
  };
}
