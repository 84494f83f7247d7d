import { GL } from "../host-gl/gl-constants.ts";
import type { VirglResourceState } from "../resources/resource.ts";

/** `GL_DEPTH_STENCIL_TEXTURE_MODE` (GL 4.3). */
export const DEPTH_STENCIL_TEXTURE_MODE = 0x90ea;

/** virgl X24S8_UINT, S8X24_UINT and X32_S8X24_UINT: views of a depth-stencil texture's stencil. */
const STENCIL_VIEW_FORMATS = new Set([136, 137, 138]);

/**
 * What a sampler view of a depth-stencil texture reads, as GL_DEPTH_STENCIL_TEXTURE_MODE: its stencil for a
 * stencil view format (Mesa's glDrawPixels/glCopyPixels of stencil sample it so), else its depth. `undefined` for
 * other textures.
 */
export function depthStencilTextureMode(state: VirglResourceState, viewFormat: number): number | undefined {
  if (state.format?.kind !== "depthstencil") return undefined;
  return STENCIL_VIEW_FORMATS.has(viewFormat) ? GL.STENCIL_INDEX : GL.DEPTH_COMPONENT;
}
