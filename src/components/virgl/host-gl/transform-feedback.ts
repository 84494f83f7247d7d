/** Transform feedback objects: capture buffers, capture, and draws of what was captured. */
export interface HostGlTransformFeedback {
  createTransformFeedback(): number;
  deleteTransformFeedback(xfb: number): void;
  /** `glBindTransformFeedback(GL_TRANSFORM_FEEDBACK, xfb)`. */
  bindTransformFeedback(xfb: number): void;
  /** Points capture buffer `index` of `xfb` at bytes `[offset, offset + size)` (offset and size multiples of 4). */
  transformFeedbackBufferRange(xfb: number, index: number, buffer: number, offset: number, size: number): void;
  /** `mode` is GL_POINTS, GL_LINES or GL_TRIANGLES. */
  beginTransformFeedback(mode: number): void;
  endTransformFeedback(): void;
  pauseTransformFeedback(): void;
  resumeTransformFeedback(): void;
  /** Draws the vertices `xfb` captured (stream 0) in its last begin..end (`glDrawTransformFeedbackInstanced`). */
  drawTransformFeedback(mode: number, xfb: number, instances: number): void;
}
