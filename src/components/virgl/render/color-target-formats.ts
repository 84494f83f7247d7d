import { GL } from "../host-gl/gl-constants.ts";
import { VIRGL_FORMATS } from "../resources/formats.ts";

const CHANNELS = [GL.RED, GL.GREEN, GL.BLUE, GL.ALPHA] as const;

/**
 * A clear colour's four dwords as the host stores a colour surface of virgl `format`: a format kept in other GL
 * channels (alpha-only in red, luminance-alpha in red and green) takes, in each stored channel, the guest channel
 * its sampling swizzle reads from there. Other formats keep the colour as given.
 */
export function storedClearColor(format: number, color: ArrayBufferLike): ArrayBufferLike {
  const swizzle = VIRGL_FORMATS.get(format)?.swizzle;
  if (swizzle === undefined) return color;
  const src = new Uint32Array(color, 0, 4);
  const out = new Uint32Array(4);
  CHANNELS.forEach((channel, c) => {
    const from = swizzle.indexOf(channel);
    out[c] = src[from < 0 ? c : from]!;
  });
  return out.buffer;
}

/** Bit i of {@link colorTargetBlendBits}: colour buffer i is alpha-only, stored as GL red. */
export const ALPHA_IN_RED = 0;
/** Bit 8 + i of {@link colorTargetBlendBits}: colour buffer i has no alpha channel (its alpha reads as 1). */
export const NO_ALPHA = 8;

/** Blend-relevant layout of the bound colour buffers' formats (virgl formats, 0 where none), by the bits above. */
export function colorTargetBlendBits(formats: readonly number[]): number {
  let bits = 0;
  formats.forEach((format, i) => {
    const sw = VIRGL_FORMATS.get(format)?.swizzle;
    if (sw?.[0] === GL.ZERO && sw[3] === GL.RED) bits |= 1 << (ALPHA_IN_RED + i);
    else if (sw?.[3] === GL.ONE) bits |= 1 << (NO_ALPHA + i);
  });
  return bits;
}
