/** A rectangle by its corners (x1, y1 exclusive), as `glBlitFramebuffer` takes it. */
export interface GlRect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Framebuffer objects, clears and blits (framebuffers belong to the context current when made). */
export interface HostGlFramebuffers {
  createFramebuffer(): number;
  deleteFramebuffer(fb: number): void;
  framebufferTexture(fb: number, attachment: number, texture: number, level: number): void;
  framebufferTextureLayer(fb: number, attachment: number, texture: number, level: number, layer: number): void;
  /** `glNamedFramebufferParameteri`: `GL_FRAMEBUFFER_DEFAULT_*` of a framebuffer without attachments (GL 4.3). */
  framebufferParameteri(fb: number, pname: number, value: number): void;
  framebufferDrawBuffers(fb: number, buffers: Uint32Array): void;
  framebufferReadBuffer(fb: number, buffer: number): void;
  checkFramebufferStatus(fb: number): number;
  bindFramebuffer(target: number, fb: number): void;
  clearBufferfv(fb: number, buffer: number, drawBuffer: number, value: Float32Array): void;
  clearBufferiv(fb: number, buffer: number, drawBuffer: number, value: Int32Array): void;
  clearBufferuiv(fb: number, buffer: number, drawBuffer: number, value: Uint32Array): void;
  clearBufferfi(fb: number, depth: number, stencil: number): void;
  blitFramebuffer(read: number, draw: number, src: GlRect, dst: GlRect, mask: number, filter: number): void;
  enable(cap: number): void;
  disable(cap: number): void;
  scissor(x: number, y: number, w: number, h: number): void;
}
