/**
 * Every host GL call the virgl component makes goes through this interface, so a GLES 3 or WebGL2 host can provide
 * it. Object names are GL names (numbers); objects live in one share group, except framebuffers, which belong to the
 * context current when they were made. Methods follow GL 4.5 direct state access; an implementation without it
 * binds internally. Calls act on the current context.
 */
export interface HostGl {
  /** Desktop GL version × 10 (45 for 4.5), or 0 on GLES. */
  readonly glVersion: number;
  /** GLES version × 10, or 0 on desktop GL. */
  readonly glesVersion: number;

  /** A new context sharing objects with every other one; not made current. */
  createContext(): HostGlContext;
  /** Makes `ctx` current; `undefined` selects the host's own context (resource work outside any guest context). */
  makeCurrent(ctx: HostGlContext | undefined): void;
  destroyContext(ctx: HostGlContext): void;
  /** Releases every context and the display. */
  destroy(): void;

  getError(): number;
  getString(name: number): string;
  getStringi(name: number, index: number): string;
  getInteger(pname: number): number;
  getIntegerIndexed(pname: number, index: number): number;
  /** `count` floats of a float query (2 for ranges). */
  getFloats(pname: number, count: number): Float32Array;
  getInternalformat(target: number, internalFormat: number, pname: number): number;
  finish(): void;

  createTexture(target: number): number;
  deleteTexture(texture: number): void;
  textureStorage(
    texture: number,
    dims: 1 | 2 | 3,
    levels: number,
    internalFormat: number,
    w: number,
    h: number,
    d: number,
  ): void;
  textureStorageMultisample(
    texture: number,
    dims: 2 | 3,
    samples: number,
    internalFormat: number,
    w: number,
    h: number,
    d: number,
  ): void;
  textureParameteri(texture: number, pname: number, value: number): void;
  textureParameteriv(texture: number, pname: number, values: Int32Array): void;
  /** Uploads tightly packed rows (unpack alignment 1). */
  textureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    x: number,
    y: number,
    z: number,
    w: number,
    h: number,
    d: number,
    format: number,
    type: number,
    data: Uint8Array,
  ): void;
  compressedTextureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    x: number,
    y: number,
    z: number,
    w: number,
    h: number,
    d: number,
    internalFormat: number,
    data: Uint8Array,
  ): void;
  /** Reads a box into tightly packed rows (pack alignment 1). */
  getTextureSubImage(
    texture: number,
    level: number,
    x: number,
    y: number,
    z: number,
    w: number,
    h: number,
    d: number,
    format: number,
    type: number,
    out: Uint8Array,
  ): void;
  getCompressedTextureSubImage(
    texture: number,
    level: number,
    x: number,
    y: number,
    z: number,
    w: number,
    h: number,
    d: number,
    out: Uint8Array,
  ): void;
  /** `data` is `byteLength(data)` bytes of one texel in `format`/`type`. */
  clearTexSubImage(
    texture: number,
    level: number,
    x: number,
    y: number,
    z: number,
    w: number,
    h: number,
    d: number,
    format: number,
    type: number,
    data: Uint8Array,
  ): void;
  copyImageSubData(
    src: number,
    srcTarget: number,
    srcLevel: number,
    sx: number,
    sy: number,
    sz: number,
    dst: number,
    dstTarget: number,
    dstLevel: number,
    dx: number,
    dy: number,
    dz: number,
    w: number,
    h: number,
    d: number,
  ): void;

  createBuffer(size: number): number;
  deleteBuffer(buffer: number): void;
  bufferSubData(buffer: number, offset: number, data: Uint8Array): void;
  getBufferSubData(buffer: number, offset: number, out: Uint8Array): void;
  copyBufferSubData(src: number, dst: number, srcOffset: number, dstOffset: number, size: number): void;

  createFramebuffer(): number;
  deleteFramebuffer(fb: number): void;
  framebufferTexture(fb: number, attachment: number, texture: number, level: number): void;
  framebufferTextureLayer(fb: number, attachment: number, texture: number, level: number, layer: number): void;
  framebufferDrawBuffers(fb: number, buffers: Uint32Array): void;
  framebufferReadBuffer(fb: number, buffer: number): void;
  checkFramebufferStatus(fb: number): number;
  bindFramebuffer(target: number, fb: number): void;
  clearBufferfv(fb: number, buffer: number, drawBuffer: number, value: Float32Array): void;
  clearBufferiv(fb: number, buffer: number, drawBuffer: number, value: Int32Array): void;
  clearBufferuiv(fb: number, buffer: number, drawBuffer: number, value: Uint32Array): void;
  clearBufferfi(fb: number, depth: number, stencil: number): void;
  blitFramebuffer(
    read: number,
    draw: number,
    sx0: number,
    sy0: number,
    sx1: number,
    sy1: number,
    dx0: number,
    dy0: number,
    dx1: number,
    dy1: number,
    mask: number,
    filter: number,
  ): void;
  enable(cap: number): void;
  disable(cap: number): void;
  scissor(x: number, y: number, w: number, h: number): void;
}

/** An opaque context made by {@link HostGl.createContext}. */
export interface HostGlContext {
  readonly id: number;
}

/** Most GL errors a drain reads (GL keeps at most one flag per error kind). */
const MAX_PENDING_GL_ERRORS = 16;

/** Clears pending GL errors so a later check sees only its own operation's. */
export function drainGlErrors(gl: HostGl): void {
  for (let i = 0; i < MAX_PENDING_GL_ERRORS && gl.getError() !== 0; i++) {
    /* keep reading */
  }
}
