import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglFormatInfo } from "../resources/formats.ts";

/**
 * Whether a framebuffer whose only colour attachment is a 1×1 texture of `internalFormat` is complete on the host:
 * a driver may answer FRAMEBUFFER_RENDERABLE for a format its completeness check refuses (llvmpipe: RGB9_E5), and
 * a guest told it renders there draws into a framebuffer the host never binds.
 */
export function colorAttachmentComplete(gl: HostGl, internalFormat: number): boolean {
  const tex = gl.createTexture(GL.TEXTURE_2D);
  const fb = gl.createFramebuffer();
  try {
    gl.textureStorage(tex, { dims: 2, levels: 1, samples: 1, internalFormat, width: 1, height: 1, depth: 1 });
    gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, tex, 0);
    return gl.checkFramebufferStatus(fb) === GL.FRAMEBUFFER_COMPLETE;
  } finally {
    gl.deleteFramebuffer(fb);
    gl.deleteTexture(tex);
  }
}

/**
 * Whether draws into a colour format blend as Gallium defines: a luminance-alpha format kept in GL red and green
 * (alpha in green) would blend its alpha with the colour factors and read GL's alpha of 1 as its destination alpha,
 * so it is not offered as a render target (Mesa then renders those textures into an RGBA format).
 */
export function blendsAsStored(f: VirglFormatInfo): boolean {
  const sw = f.swizzle;
  return !(sw !== undefined && sw[0] === GL.RED && sw[3] === GL.GREEN);
}
