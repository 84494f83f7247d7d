import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { PipeLimits } from "../protocol/commands.ts";
import type { VirglBlendState } from "../protocol/objects/blend.ts";
import type { VirglDsaState } from "../protocol/objects/dsa.ts";
import type { VirglRasterizerState } from "../protocol/objects/rasterizer.ts";
import type { VirglScissor, VirglViewport } from "../protocol/typed-commands.ts";
import { ALPHA_IN_RED, type colorTargetBlendBits, NO_ALPHA } from "./color-target-formats.ts";
import {
  ADVANCED_BLEND,
  BLEND_FACTOR,
  BLEND_FUNC,
  CULL_FACE,
  compareFunc,
  LOGIC_OP,
  STENCIL_OP,
} from "./gallium-to-gl.ts";
import { polygonModeOf } from "./polygon-mode.ts";

function toggle(gl: HostGl, cap: number, on: boolean): void {
  if (on) gl.enable(cap);
  else gl.disable(cap);
}

/**
 * Alpha-only colour buffers keep their alpha in GL's red channel: red blends with the alpha equation, reading the
 * destination's alpha from its colour and the constant's alpha (PIPE_BLENDFACTOR_* values).
 */
function alphaInRed(factor: number): number {
  if (factor === 0x04) return 0x05; // DST_ALPHA → DST_COLOR
  if (factor === 0x14) return 0x15; // INV_DST_ALPHA → INV_DST_COLOR
  if (factor === 0x07) return 0x08; // CONST_COLOR → CONST_ALPHA
  if (factor === 0x17) return 0x18; // INV_CONST_COLOR → INV_CONST_ALPHA
  return factor;
}

/** Destination alpha of a target without alpha is 1 (PIPE_BLENDFACTOR_* values). */
function dstAlphaOne(factor: number): number {
  if (factor === 0x04) return 0x01; // DST_ALPHA → ONE
  if (factor === 0x14 || factor === 0x06) return 0x11; // INV_DST_ALPHA, SRC_ALPHA_SATURATE → ZERO
  return factor;
}

/**
 * Blend state for every colour buffer (unbound: blending off, all channels written); `targets`: the colour
 * buffers' layout by {@link colorTargetBlendBits} (alpha-only stored as GL red; no alpha channel). With `advanced`
 * (the fragment shader declares FS_BLEND_EQUATION_ADVANCED) colour buffer 0's alpha source factor carries a
 * `PIPE_ADVANCED_BLEND_*` mode instead.
 */
export function applyBlend(gl: HostGl, blend: VirglBlendState | undefined, targets: number, advanced = false): void {
  for (let i = 0; i < PipeLimits.MaxColorBufs; i++) {
    let rt = blend === undefined ? undefined : blend.independentBlend ? blend.rt[i]! : blend.rt[0]!;
    if (rt !== undefined && (targets & (1 << (NO_ALPHA + i))) !== 0) {
      rt = {
        ...rt,
        rgbSrcFactor: dstAlphaOne(rt.rgbSrcFactor),
        rgbDstFactor: dstAlphaOne(rt.rgbDstFactor),
        alphaSrcFactor: dstAlphaOne(rt.alphaSrcFactor),
        alphaDstFactor: dstAlphaOne(rt.alphaDstFactor),
      };
    }
    if (rt !== undefined && (targets & (1 << (ALPHA_IN_RED + i))) !== 0) {
      rt = {
        ...rt,
        rgbFunc: rt.alphaFunc,
        rgbSrcFactor: alphaInRed(rt.alphaSrcFactor),
        rgbDstFactor: alphaInRed(rt.alphaDstFactor),
        colorMask: (rt.colorMask & 8) !== 0 ? 0xf : 0,
      };
    }
    if (rt?.enable) {
      gl.enablei(GL.BLEND, i);
      gl.blendFuncSeparatei(
        i,
        BLEND_FACTOR[rt.rgbSrcFactor] ?? GL.ONE,
        BLEND_FACTOR[rt.rgbDstFactor] ?? GL.ZERO,
        BLEND_FACTOR[rt.alphaSrcFactor] ?? GL.ONE,
        BLEND_FACTOR[rt.alphaDstFactor] ?? GL.ZERO,
      );
      const mode = advanced && i === 0 ? (ADVANCED_BLEND[rt.alphaSrcFactor] ?? 0) : 0;
      if (mode !== 0) gl.blendEquationi(i, mode);
      else gl.blendEquationSeparatei(i, BLEND_FUNC[rt.rgbFunc]!, BLEND_FUNC[rt.alphaFunc]!);
    } else {
      gl.disablei(GL.BLEND, i);
    }
    const m = rt === undefined ? 0xf : rt.colorMask;
    gl.colorMaski(i, (m & 1) !== 0, (m & 2) !== 0, (m & 4) !== 0, (m & 8) !== 0);
  }
  toggle(gl, GL.COLOR_LOGIC_OP, blend?.logicOpEnable === true);
  if (blend?.logicOpEnable) gl.logicOp(LOGIC_OP[blend.logicOpFunc]!);
  toggle(gl, GL.SAMPLE_ALPHA_TO_COVERAGE, blend?.alphaToCoverage === true);
  toggle(gl, GL.SAMPLE_ALPHA_TO_ONE, blend?.alphaToOne === true);
}

/** Depth and stencil tests (unbound: both off); alpha test is a shader variant. */
export function applyDsa(gl: HostGl, dsa: VirglDsaState | undefined, ref: { front: number; back: number }): void {
  toggle(gl, GL.DEPTH_TEST, dsa?.depthEnabled === true);
  if (dsa !== undefined) {
    gl.depthFunc(compareFunc(dsa.depthFunc));
    gl.depthMask(dsa.depthWriteMask);
  } else {
    gl.depthMask(true);
  }
  const front = dsa?.stencil[0];
  toggle(gl, GL.STENCIL_TEST, front?.enabled === true);
  if (dsa === undefined || front === undefined || !front.enabled) return;
  const back = dsa.stencil[1].enabled ? dsa.stencil[1] : front;
  for (const [face, s, r] of [
    [GL.FRONT, front, ref.front],
    [GL.BACK, back, dsa.stencil[1].enabled ? ref.back : ref.front],
  ] as const) {
    gl.stencilFuncSeparate(face, compareFunc(s.func), r, s.valueMask);
    gl.stencilOpSeparate(face, STENCIL_OP[s.failOp]!, STENCIL_OP[s.zfailOp]!, STENCIL_OP[s.zpassOp]!);
    gl.stencilMaskSeparate(face, s.writeMask);
  }
}

/**
 * Rasterizer state (unbound: GL defaults with culling off). Gallium's window space has y pointing down, so its
 * counter-clockwise is GL's clockwise on the same window coordinates; the y flip of window-system framebuffers is
 * already in Mesa's `front_ccw` and in the host's coordinates (see applyViewports), so it never enters here.
 */
export function applyRasterizer(gl: HostGl, rs: VirglRasterizerState | undefined): void {
  const cull = rs === undefined ? 0 : CULL_FACE[rs.cullFace]!;
  toggle(gl, GL.CULL_FACE, cull !== 0);
  if (cull !== 0) gl.cullFace(cull);
  gl.frontFace(rs === undefined || !rs.frontCcw ? GL.CCW : GL.CW);
  gl.polygonMode(GL.FRONT_AND_BACK, polygonModeOf(rs));
  toggle(gl, GL.POLYGON_OFFSET_FILL, rs?.offsetTri === true);
  toggle(gl, GL.POLYGON_OFFSET_LINE, rs?.offsetLine === true);
  toggle(gl, GL.POLYGON_OFFSET_POINT, rs?.offsetPoint === true);
  if (rs !== undefined && (rs.offsetTri || rs.offsetLine || rs.offsetPoint))
    gl.polygonOffset(rs.offsetScale, rs.offsetUnits);
  toggle(gl, GL.SCISSOR_TEST, rs?.scissor === true);
  toggle(gl, GL.DEPTH_CLAMP, rs !== undefined && !rs.depthClip);
  toggle(gl, GL.RASTERIZER_DISCARD, rs?.rasterizerDiscard === true);
  toggle(gl, GL.PROGRAM_POINT_SIZE, rs?.pointSizePerVertex === true);
  toggle(gl, GL.MULTISAMPLE, rs?.multisample !== false);
  toggle(gl, GL.LINE_SMOOTH, rs?.lineSmooth === true);
  gl.pointSize(rs === undefined || !(rs.pointSize > 0) ? 1 : rs.pointSize);
  gl.lineWidth(rs === undefined || !(rs.lineWidth > 0) ? 1 : rs.lineWidth);
  gl.clipControl(GL.LOWER_LEFT, rs?.clipHalfz ? GL.ZERO_TO_ONE : GL.NEGATIVE_ONE_TO_ONE);
  const planes = rs?.clipPlaneEnable ?? 0;
  for (let i = 0; i < 8; i++) toggle(gl, GL.CLIP_DISTANCE0 + i, (planes & (1 << i)) !== 0);
}

/** Viewports from Gallium scale/translate; a negative y scale is undone by the shader's y flip. */
export function applyViewports(gl: HostGl, viewports: readonly (VirglViewport | undefined)[], halfz: boolean): void {
  viewports.forEach((v, i) => {
    if (v === undefined) return;
    const [sx, sy, sz] = v.scale;
    const [tx, ty, tz] = v.translate;
    const h = Math.abs(sy);
    gl.viewportIndexed(i, {
      x: tx - sx,
      y: ty - h,
      w: 2 * sx,
      h: 2 * h,
      near: halfz ? tz : tz - sz,
      far: tz + sz,
    });
  });
}

/** Scissor rectangles (max exclusive). */
export function applyScissors(gl: HostGl, scissors: readonly (VirglScissor | undefined)[]): void {
  scissors.forEach((s, i) => {
    if (s === undefined) return;
    gl.scissorIndexed(i, s.minX, s.minY, Math.max(0, s.maxX - s.minX), Math.max(0, s.maxY - s.minY));
  });
}
