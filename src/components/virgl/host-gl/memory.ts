/**
 * Buffer and image bindings shaders read and write, and the barriers that order those accesses (GL 4.2+).
 * Uniform, shader storage and atomic counter buffers all bind through {@link HostGlMemory.bindBufferRange}
 * (`GL_UNIFORM_BUFFER`, `GL_SHADER_STORAGE_BUFFER`, `GL_ATOMIC_COUNTER_BUFFER`).
 */
export interface HostGlMemory {
  /** `glBindBufferRange`: bytes `[offset, offset + size)` of `buffer` at indexed binding `index` of `target`. */
  bindBufferRange(target: number, index: number, buffer: number, offset: number, size: number): void;
  /**
   * `glBindImageTexture`: `level` of `texture` at image unit `unit`; `layer` is used when `layered` is false;
   * `access` is `GL_READ_ONLY`, `GL_WRITE_ONLY` or `GL_READ_WRITE`.
   */
  bindImageTexture(
    unit: number,
    texture: number,
    level: number,
    layered: boolean,
    layer: number,
    access: number,
    format: number,
  ): void;
  /** `glMemoryBarrier` with `GL_*_BARRIER_BIT` flags. */
  memoryBarrier(barriers: number): void;
  /** `glTextureBarrier`: needs `features.textureBarrier`. */
  textureBarrier(): void;
  /**
   * `glBlendBarrierKHR`: orders advanced-blend draws that overlap (KHR_blend_equation_advanced, needed where the host
   * blends them non-coherently); needs `features.blendBarrier`.
   */
  blendBarrier(): void;
}
