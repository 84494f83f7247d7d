import { BlendOffset, PipeLimits } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** One colour buffer's blend equation (Gallium `pipe_rt_blend_state`; factors and functions are `PIPE_BLEND*`). */
export interface VirglRtBlend {
  readonly enable: boolean;
  readonly rgbFunc: number;
  readonly rgbSrcFactor: number;
  readonly rgbDstFactor: number;
  readonly alphaFunc: number;
  readonly alphaSrcFactor: number;
  readonly alphaDstFactor: number;
  /** `PIPE_MASK_R|G|B|A` bits 0..3. */
  readonly colorMask: number;
}

/** A blend state object (`VIRGL_OBJ_BLEND_*`). */
export interface VirglBlendState {
  readonly kind: "blend";
  readonly independentBlend: boolean;
  readonly logicOpEnable: boolean;
  readonly dither: boolean;
  readonly alphaToCoverage: boolean;
  readonly alphaToOne: boolean;
  /** `PIPE_LOGICOP_*`. */
  readonly logicOpFunc: number;
  /** Eight entries; colour buffers the command left out are disabled with an empty mask. */
  readonly rt: readonly VirglRtBlend[];
}

const bit = (w: number, n: number) => ((w >>> n) & 1) === 1;

/** Parses a blend object of `length` payload dwords at header index `p` (the length rule allows 3..11). */
export function parseBlend(r: DwordReader, p: number, length: number): VirglBlendState {
  const s0 = r.u32(p + BlendOffset.S0);
  const rt: VirglRtBlend[] = [];
  for (let i = 0; i < PipeLimits.MaxColorBufs; i++) {
    const w = BlendOffset.Rt0 + i <= length ? r.u32(p + BlendOffset.Rt0 + i) : 0;
    rt.push({
      enable: bit(w, 0),
      rgbFunc: (w >>> 1) & 0x7,
      rgbSrcFactor: (w >>> 4) & 0x1f,
      rgbDstFactor: (w >>> 9) & 0x1f,
      alphaFunc: (w >>> 14) & 0x7,
      alphaSrcFactor: (w >>> 17) & 0x1f,
      alphaDstFactor: (w >>> 22) & 0x1f,
      colorMask: (w >>> 27) & 0xf,
    });
  }
  return {
    kind: "blend",
    independentBlend: bit(s0, 0),
    logicOpEnable: bit(s0, 1),
    dither: bit(s0, 2),
    alphaToCoverage: bit(s0, 3),
    alphaToOne: bit(s0, 4),
    logicOpFunc: r.u32(p + BlendOffset.S1) & 0xf,
    rt,
  };
}
