import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { invalid, type VirglRefusal } from "../protocol/refusal.ts";
import type { VirglSubContext } from "../state/sub-context.ts";

/** `PIPE_PRIM_PATCHES`: the primitive of a draw through a TES. */
export const PIPE_PRIM_PATCHES = 14;
/** Most vertices per patch a draw may give (Gallium's `PIPE_MAX_PATCH_VERTICES`, GL 4.0's minimum). */
export const MAX_PATCH_VERTICES = 32;

/**
 * The tessellation state of a patch draw on one GL context: the patch size DRAW_VBO carries and the default levels of
 * SET_TESS_STATE, each set when it changed.
 */
export class Tessellation {
  readonly #gl: HostGl;
  #patchVertices = 0;
  #levelsOf: VirglSubContext | undefined;
  #levelsVersion = -1;

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  /** Before a patch draw of `verticesPerPatch` vertices per patch: refused outside 1..{@link MAX_PATCH_VERTICES}. */
  apply(sub: VirglSubContext, verticesPerPatch: number): VirglRefusal | undefined {
    if (verticesPerPatch < 1 || verticesPerPatch > MAX_PATCH_VERTICES)
      return invalid(`${verticesPerPatch} vertices per patch (1..${MAX_PATCH_VERTICES})`);
    const gl = this.#gl;
    if (verticesPerPatch !== this.#patchVertices) {
      gl.patchParameteri(GL.PATCH_VERTICES, verticesPerPatch);
      this.#patchVertices = verticesPerPatch;
    }
    const b = sub.bound;
    if (this.#levelsOf !== sub || this.#levelsVersion !== b.tessVersion) {
      gl.patchParameterfv(GL.PATCH_DEFAULT_OUTER_LEVEL, b.tessLevels.subarray(0, 4));
      gl.patchParameterfv(GL.PATCH_DEFAULT_INNER_LEVEL, b.tessLevels.subarray(4, 6));
      this.#levelsOf = sub;
      this.#levelsVersion = b.tessVersion;
    }
    return undefined;
  }
}
