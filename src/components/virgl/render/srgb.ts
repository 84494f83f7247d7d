import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { VIRGL_FORMATS } from "../resources/formats.ts";

/** `GL_TEXTURE_SRGB_DECODE_EXT` and `GL_SKIP_DECODE_EXT` (EXT_texture_sRGB_decode). */
const TEXTURE_SRGB_DECODE = 0x8a48;
const SKIP_DECODE = 0x8a4a;

/** Whether a virgl format stores sRGB-encoded colour. */
export function isSrgbFormat(format: number | undefined): boolean {
  return VIRGL_FORMATS.get(format ?? -1)?.name.includes("SRGB") === true;
}

/**
 * GL_FRAMEBUFFER_SRGB for draws and clears: Gallium encodes where the surface's format is sRGB (Mesa picks the
 * linear format for a surface while the guest's GL_FRAMEBUFFER_SRGB is off); the host's textures carry the
 * resource's format, so the switch is on when any bound colour surface is sRGB.
 */
export function applyFramebufferSrgb(gl: HostGl, surfaceFormats: readonly (number | undefined)[]): void {
  if (surfaceFormats.some(isSrgbFormat)) gl.enable(GL.FRAMEBUFFER_SRGB);
  else gl.disable(GL.FRAMEBUFFER_SRGB);
}

/** Whether the host can sample an sRGB texture undecoded (EXT_texture_sRGB_decode), asked once per GL. */
const decodeControl = new WeakMap<HostGl, boolean>();

function hostHasDecodeControl(gl: HostGl): boolean {
  let has = decodeControl.get(gl);
  if (has === undefined) {
    has = false;
    const n = gl.getInteger(GL.NUM_EXTENSIONS);
    for (let i = 0; i < n && !has; i++) has = gl.getStringi(GL.EXTENSIONS, i) === "GL_EXT_texture_sRGB_decode";
    decodeControl.set(gl, has);
  }
  return has;
}

/**
 * Whether a sampler view reads an sRGB texture's stored bytes undecoded: its format is the linear one (Mesa's
 * EXT_texture_sRGB_decode SKIP_DECODE), and the host can do so.
 */
export function readsSrgbRaw(gl: HostGl, resourceFormat: number | undefined, viewFormat: number): boolean {
  return isSrgbFormat(resourceFormat) && !isSrgbFormat(viewFormat) && hostHasDecodeControl(gl);
}

/** Makes a sampler object read sRGB textures undecoded (a bound sampler's setting overrides the texture's). */
export function skipSrgbDecode(gl: HostGl, sampler: number): void {
  gl.samplerParameteri(sampler, TEXTURE_SRGB_DECODE, SKIP_DECODE);
}
