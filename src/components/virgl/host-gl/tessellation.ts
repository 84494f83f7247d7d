/** Tessellation parameters (GL 4.0): patch size and the default levels used without a control shader. */
export interface HostGlTessellation {
  /** `glPatchParameteri`: `pname` is `GL_PATCH_VERTICES`. */
  patchParameteri(pname: number, value: number): void;
  /** `glPatchParameterfv`: `GL_PATCH_DEFAULT_OUTER_LEVEL` (4 floats) or `GL_PATCH_DEFAULT_INNER_LEVEL` (2). */
  patchParameterfv(pname: number, values: Float32Array): void;
}
