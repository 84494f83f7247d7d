import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";

/**
 * Whether a 1×1 texture of colour `internalFormat` makes a complete framebuffer. A driver may report a format
 * `FRAMEBUFFER_RENDERABLE` and still call a framebuffer of it unsupported (llvmpipe: GL_RGB9_E5), so the caps name
 * a render format only after this probe; answers are kept in `seen` by internal format.
 */
export function colorRenderable(gl: HostGl, internalFormat: number, seen: Map<number, boolean>): boolean {
  const known = seen.get(internalFormat);
  if (known !== undefined) return known;
  const tex = gl.createTexture(GL.TEXTURE_2D);
  const fb = gl.createFramebuffer();
  let ok = false;
  try {
    gl.textureStorage(tex, { dims: 2, levels: 1, samples: 0, internalFormat, width: 1, height: 1, depth: 1 });
    gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, tex, 0);
    ok = gl.checkFramebufferStatus(fb) === GL.FRAMEBUFFER_COMPLETE;
  } finally {
    gl.deleteFramebuffer(fb);
    gl.deleteTexture(tex);
  }
  seen.set(internalFormat, ok);
  return ok;
}
