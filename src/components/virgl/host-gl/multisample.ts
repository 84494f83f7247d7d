/** Multisample queries of the host GL. */
export interface HostGlMultisample {
  /**
   * `glGetMultisamplefv(GL_SAMPLE_POSITION, index)` with `framebuffer` bound for drawing: sample `index`'s position
   * in the pixel, x and y in [0, 1). The draw framebuffer binding is left at 0.
   */
  getSamplePosition(framebuffer: number, index: number): readonly [number, number];
}
