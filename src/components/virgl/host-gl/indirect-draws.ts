/**
 * Draws whose parameters a GL buffer holds (GL 4.3): `DrawArraysIndirectCommand` records (4 × u32) for arrays,
 * `DrawElementsIndirectCommand` records (5 × u32) for elements, read at byte offsets in the draw indirect buffer.
 * The `...Count` forms read the draw count from the parameter buffer; they need
 * {@link HostGlFeatures.indirectParameters} (GL 4.6 or `GL_ARB_indirect_parameters`).
 */
export interface HostGlIndirectDraws {
  /** `glBindBuffer(GL_DRAW_INDIRECT_BUFFER, buffer)`. */
  bindDrawIndirectBuffer(buffer: number): void;
  /** `glBindBuffer(GL_PARAMETER_BUFFER, buffer)`; needs {@link HostGlFeatures.indirectParameters}. */
  bindParameterBuffer(buffer: number): void;
  drawArraysIndirect(mode: number, offset: number): void;
  /** `type` is the index type (`GL_UNSIGNED_BYTE`, `_SHORT`, `_INT`) of the vertex array's element buffer. */
  drawElementsIndirect(mode: number, type: number, offset: number): void;
  /** `drawCount` records `stride` bytes apart (0: tightly packed). */
  multiDrawArraysIndirect(mode: number, offset: number, drawCount: number, stride: number): void;
  multiDrawElementsIndirect(mode: number, type: number, offset: number, drawCount: number, stride: number): void;
  /** Draws min(the u32 at `countOffset` in the parameter buffer, `maxDrawCount`) records. */
  multiDrawArraysIndirectCount(
    mode: number,
    offset: number,
    countOffset: number,
    maxDrawCount: number,
    stride: number,
  ): void;
  multiDrawElementsIndirectCount(
    mode: number,
    type: number,
    offset: number,
    countOffset: number,
    maxDrawCount: number,
    stride: number,
  ): void;
}

/** Optional host GL functionality beyond a GL 4.3 core context, which a caller checks before using it. */
export interface HostGlFeatures {
  /** `bindParameterBuffer` and the `multiDraw...IndirectCount` draws (GL 4.6 or `GL_ARB_indirect_parameters`). */
  readonly indirectParameters: boolean;
  /** `textureBarrier` (GL 4.5 or `GL_ARB_texture_barrier`). */
  readonly textureBarrier: boolean;
  /** `blendBarrier` and the `GL_*_KHR` blend equations (`GL_KHR_blend_equation_advanced`). */
  readonly blendBarrier: boolean;
}
