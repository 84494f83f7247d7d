import { GL } from "../host-gl/gl-constants.ts";
import { drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import { PipeMask, type VirglCmd } from "../protocol/commands.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { levelExtent, subImageDims, toGlBox, type VirglResourceState } from "../resources/resource.ts";

/** Largest layer the read-back path moves at once: 4096 × 4096 RGBA float texels. */
const MAX_LAYER_TEXELS = 4096 * 4096;

/**
 * Whether BLIT must go through {@link blitByReadback}: GL cannot attach a compressed source to a framebuffer, but it
 * decompresses one on read-back.
 */
export function needsReadbackBlit(src: VirglResourceState, dst: VirglResourceState): boolean {
  return src.format?.compressed === true && dst.format !== undefined && !dst.format.compressed;
}

/**
 * BLIT from a compressed texture: each layer of the box is read back decompressed as RGBA float and uploaded into the
 * destination (unorm or float), which converts it. Only unscaled, unscissored colour blits inside both levels;
 * `false` when the blit is not one of those or the GL refused it (nothing was written then or the GL left it).
 */
export function blitByReadback(
  gl: HostGl,
  src: VirglResourceState,
  dst: VirglResourceState,
  c: VirglCommandOf<typeof VirglCmd.Blit>,
): boolean {
  const { src: s, dst: d } = c;
  const kind = dst.format?.kind;
  if ((c.mask & PipeMask.Rgba) === 0 || c.scissorEnable || (kind !== "unorm" && kind !== "float")) return false;
  if (s.w !== d.w || s.h !== d.h || s.w <= 0 || s.h <= 0 || s.w * s.h > MAX_LAYER_TEXELS) return false;
  const [sw, sh] = levelExtent(src, s.level);
  const [dw, dh] = levelExtent(dst, d.level);
  if (s.x < 0 || s.y < 0 || s.x + s.w > sw || s.y + s.h > sh) return false;
  if (d.x < 0 || d.y < 0 || d.x + d.w > dw || d.y + d.h > dh) return false;
  const texels = new Float32Array(s.w * s.h * 4);
  const bytes = new Uint8Array(texels.buffer);
  drainGlErrors(gl);
  for (let layer = 0; layer < Math.max(1, d.d); layer++) {
    const from = toGlBox(src.target, { x: s.x, y: s.y, z: s.z + layer, w: s.w, h: s.h, d: 1 });
    const to = toGlBox(dst.target, { x: d.x, y: d.y, z: d.z + layer, w: d.w, h: d.h, d: 1 });
    gl.getTextureSubImage(src.glName, s.level, from, GL.RGBA, GL.FLOAT, bytes);
    gl.textureSubImage(dst.glName, subImageDims(dst.target), d.level, to, GL.RGBA, GL.FLOAT, bytes);
  }
  if (gl.getError() === GL.NO_ERROR) return true;
  drainGlErrors(gl);
  return false;
}
