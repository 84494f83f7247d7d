import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import { drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import { PipeMask, type VirglCmd } from "../protocol/commands.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { levelExtent } from "../resources/resource.ts";
import { textureInFormat } from "../resources/texture-view.ts";
import { blitByReadback, needsReadbackBlit } from "./blit-readback.ts";
import { attachLevel, attachmentOf } from "./framebuffer.ts";
import { lookupDstSrc, type ResourceLookup } from "./lookup.ts";
import { applyFramebufferSrgb } from "./srgb.ts";

/** `PIPE_TEX_FILTER_LINEAR`, BLIT's filter for linear scaling. */
const PIPE_TEX_FILTER_LINEAR = 1;

/** The two framebuffers a context blits between (made on first use, in that context). */
export interface BlitFramebuffers {
  read: number;
  draw: number;
}

/** BLIT: scales a box between textures layer by layer, optionally scissored. */
export function executeBlit(
  gl: HostGl,
  fbs: BlitFramebuffers,
  c: VirglCommandOf<typeof VirglCmd.Blit>,
  lookup: ResourceLookup,
): VirglRefusal | undefined {
  const pair = lookupDstSrc(lookup, c.dst.resourceId, c.src.resourceId);
  if (pair instanceof VirglRefusal) return pair;
  const { dst, src } = pair;
  const { dst: d, src: s } = c;
  if (dst.target === PipeTextureTarget.Buffer || src.target === PipeTextureTarget.Buffer)
    return invalid("blit of a buffer");
  if (s.level >= src.levels || d.level >= dst.levels) return invalid("blit level out of range");
  const [, , srcLayers] = levelExtent(src, s.level);
  const [, , dstLayers] = levelExtent(dst, d.level);
  if (d.d !== s.d && !(d.d === 1 && s.d === 1)) return invalid("blit with different depths");
  if (d.z < 0 || s.z < 0 || d.d < 0 || d.z + d.d > dstLayers || s.z + s.d > srcLayers) {
    return invalid("blit layers out of range");
  }
  let glMask = 0;
  if ((c.mask & PipeMask.Rgba) !== 0) glMask |= GL.COLOR_BUFFER_BIT;
  if ((c.mask & PipeMask.Z) !== 0) glMask |= GL.DEPTH_BUFFER_BIT;
  if ((c.mask & PipeMask.S) !== 0) glMask |= GL.STENCIL_BUFFER_BIT;
  if (glMask === 0 || d.d === 0 || d.w === 0 || d.h === 0 || s.w === 0 || s.h === 0) return undefined;
  if (needsReadbackBlit(src, dst)) {
    blitByReadback(gl, src, dst, c);
    return undefined;
  }
  // Each side is read or written in its own format: a view where it is not the resource's (the resource itself
  // where the host has no such view).
  const srcTexture = textureInFormat(gl, src, s.format) || src.glName;
  const dstTexture = textureInFormat(gl, dst, d.format) || dst.glName;
  if (fbs.read === 0) fbs.read = gl.createFramebuffer();
  if (fbs.draw === 0) fbs.draw = gl.createFramebuffer();
  if (c.scissorEnable) {
    const r = c.scissor;
    gl.enable(GL.SCISSOR_TEST);
    gl.scissor(r.minX, r.minY, r.maxX - r.minX, r.maxY - r.minY);
  }
  // Gallium decodes an sRGB source format and encodes an sRGB destination format; the host does both while
  // GL_FRAMEBUFFER_SRGB is on (draws set it again from their surfaces).
  applyFramebufferSrgb(gl, [c.src.format, c.dst.format]);
  const filter = c.filter === PIPE_TEX_FILTER_LINEAR && glMask === GL.COLOR_BUFFER_BIT ? GL.LINEAR : GL.NEAREST;
  try {
    for (let layer = 0; layer < Math.max(1, d.d); layer++) {
      for (const [fb, state, level, z, texture] of [
        [fbs.read, src, s.level, s.z + layer, srcTexture],
        [fbs.draw, dst, d.level, d.z + layer, dstTexture],
      ] as const) {
        const a = attachmentOf(state);
        gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, 0, 0);
        gl.framebufferTexture(fb, GL.DEPTH_STENCIL_ATTACHMENT, 0, 0);
        attachLevel(gl, fb, a, state, level, z, false, texture);
        if (a === GL.COLOR_ATTACHMENT0) {
          gl.framebufferReadBuffer(fb, GL.COLOR_ATTACHMENT0);
          gl.framebufferDrawBuffers(fb, Uint32Array.of(GL.COLOR_ATTACHMENT0));
        }
      }
      gl.blitFramebuffer(
        fbs.read,
        fbs.draw,
        { x0: s.x, y0: s.y, x1: s.x + s.w, y1: s.y + s.h },
        { x0: d.x, y0: d.y, x1: d.x + d.w, y1: d.y + d.h },
        glMask,
        filter,
      );
    }
  } finally {
    if (c.scissorEnable) gl.disable(GL.SCISSOR_TEST);
  }
  // A blit the host GL refuses (formats it cannot convert between) leaves the destination as it was.
  drainGlErrors(gl);
  return undefined;
}
