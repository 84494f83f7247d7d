import { DsaOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** One face's stencil test (functions `PIPE_FUNC_*`, operations `PIPE_STENCIL_OP_*`). */
export interface VirglStencilState {
  readonly enabled: boolean;
  readonly func: number;
  readonly failOp: number;
  readonly zpassOp: number;
  readonly zfailOp: number;
  readonly valueMask: number;
  readonly writeMask: number;
}

/** A depth-stencil-alpha state object (`VIRGL_OBJ_DSA_*`). */
export interface VirglDsaState {
  readonly kind: "dsa";
  readonly depthEnabled: boolean;
  readonly depthWriteMask: boolean;
  readonly depthFunc: number;
  readonly alphaEnabled: boolean;
  readonly alphaFunc: number;
  readonly alphaRef: number;
  readonly stencil: readonly [VirglStencilState, VirglStencilState];
}

function stencil(w: number): VirglStencilState {
  return {
    enabled: (w & 1) === 1,
    func: (w >>> 1) & 0x7,
    failOp: (w >>> 4) & 0x7,
    zpassOp: (w >>> 7) & 0x7,
    zfailOp: (w >>> 10) & 0x7,
    valueMask: (w >>> 13) & 0xff,
    writeMask: (w >>> 21) & 0xff,
  };
}

/** Parses a DSA object at header index `p` (exactly 5 payload dwords). */
export function parseDsa(r: DwordReader, p: number): VirglDsaState {
  const s0 = r.u32(p + DsaOffset.S0);
  return {
    kind: "dsa",
    depthEnabled: (s0 & 1) === 1,
    depthWriteMask: ((s0 >>> 1) & 1) === 1,
    depthFunc: (s0 >>> 2) & 0x7,
    alphaEnabled: ((s0 >>> 8) & 1) === 1,
    alphaFunc: (s0 >>> 9) & 0x7,
    alphaRef: r.f32(p + DsaOffset.AlphaRef),
    stencil: [stencil(r.u32(p + DsaOffset.FrontStencil)), stencil(r.u32(p + DsaOffset.BackStencil))],
  };
}
