import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { checkGl, drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import type { VirglCmd } from "../protocol/commands.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { levelExtent, toGlBox } from "../resources/resource.ts";
import { lookupDstSrc, type ResourceLookup } from "./lookup.ts";

/** RESOURCE_COPY_REGION: a texel box between textures, or a byte range between buffers. */
export function executeCopyRegion(
  gl: HostGl,
  c: VirglCommandOf<typeof VirglCmd.ResourceCopyRegion>,
  lookup: ResourceLookup,
): VirglRefusal | undefined {
  const pair = lookupDstSrc(lookup, c.dst.resourceId, c.src.resourceId);
  if (pair instanceof VirglRefusal) return pair;
  const { dst, src } = pair;
  const { w, h, d } = c;
  const isBuffer = (t: number) => t === PipeTextureTarget.Buffer;
  if (isBuffer(dst.target) !== isBuffer(src.target)) return invalid("copy between a buffer and a texture");
  if (isBuffer(dst.target)) {
    if (c.src.x + w > src.width || c.dst.x + w > dst.width) return invalid("buffer copy out of range");
    if (w === 0 || src.glName === 0 || dst.glName === 0) return undefined;
    gl.copyBufferSubData(src.glName, dst.glName, c.src.x, c.dst.x, w);
    return undefined;
  }
  if (c.src.level >= src.levels || c.dst.level >= dst.levels) return invalid("copy level out of range");
  const [sw, sh, sd] = levelExtent(src, c.src.level);
  const [dw, dh, dd] = levelExtent(dst, c.dst.level);
  const s = c.src;
  const t = c.dst;
  if (s.x + w > sw || s.y + h > sh || s.z + d > sd || t.x + w > dw || t.y + h > dh || t.z + d > dd) {
    return invalid("copy box out of range");
  }
  if (w === 0 || h === 0 || d === 0) return undefined;
  drainGlErrors(gl);
  // glCopyImageSubData addresses the layers of every array target, 1D arrays included, by z as Gallium does.
  gl.copyImageSubData(
    { name: src.glName, target: src.glTarget, level: s.level, x: s.x, y: s.y, z: s.z },
    { name: dst.glName, target: dst.glTarget, level: t.level, x: t.x, y: t.y, z: t.z },
    w,
    h,
    d,
  );
  checkGl(gl, "copy region");
  return undefined;
}

/** CLEAR_TEXTURE: fills a box of one level with one packed texel. */
export function executeClearTexture(
  gl: HostGl,
  c: VirglCommandOf<typeof VirglCmd.ClearTexture>,
  lookup: ResourceLookup,
): VirglRefusal | undefined {
  const res = lookup(c.resourceId);
  if (res instanceof VirglRefusal) return res;
  const state = res.state;
  if (state.target === PipeTextureTarget.Buffer || state.glName === 0) return invalid("clear_texture of a buffer");
  const f = state.format!;
  if (f.compressed) return invalid("clear_texture of a compressed format");
  if (c.level >= state.levels) return invalid(`level ${c.level}`);
  const [lw, lh, ld] = levelExtent(state, c.level);
  if (c.x + c.w > lw || c.y + c.h > lh || c.z + c.d > ld) return invalid("clear_texture box outside the level");
  const g = toGlBox(state.target, c);
  drainGlErrors(gl);
  gl.clearTexSubImage(state.glName, c.level, g, f.glFormat, f.glType, c.data.subarray(0, f.blockBytes));
  checkGl(gl, "clear_texture");
  return undefined;
}
