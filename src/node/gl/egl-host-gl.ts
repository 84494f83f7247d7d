import type { GlDrawArrays, GlDrawElements } from "../../components/virgl/host-gl/draws.ts";
import type { GlRect } from "../../components/virgl/host-gl/framebuffers.ts";
import { GL } from "../../components/virgl/host-gl/gl-constants.ts";
import type { HostGl, HostGlContext } from "../../components/virgl/host-gl/host-gl.ts";
import type { HostGlFeatures } from "../../components/virgl/host-gl/indirect-draws.ts";
import type { GlViewport } from "../../components/virgl/host-gl/pipeline-state.ts";
import type { GlBuildResult } from "../../components/virgl/host-gl/programs.ts";
import type {
  GlBox,
  GlImageRef,
  GlTextureStorage,
  GlTextureViewRange,
} from "../../components/virgl/host-gl/textures.ts";
import type { GlVertexAttribFormat } from "../../components/virgl/host-gl/vertex-arrays.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { EglDisplay, type EglDisplayOptions } from "./egl-display.ts";
import {
  type GlFunction,
  type GlFunctions,
  type GlOptionalFunctions,
  type GlOptionalName,
  loadGlFunctions,
} from "./gl-functions.ts";
import { glObjectCensus } from "./gl-object-census.ts";

/** `GL_SAMPLE_POSITION` (GL 3.2 `glGetMultisamplefv`). */
const GL_SAMPLE_POSITION = 0x8e50;

const GL_UNPACK_ALIGNMENT = 0x0cf5;
const GL_PACK_ALIGNMENT = 0x0d05;

/** What {@link EglHostGl} is given; environment variables are its caller's to read. */
export type EglHostGlOptions = EglDisplayOptions;

/**
 * {@link HostGl} on an EGL display (`EglDisplay`: Mesa's surfaceless platform, desktop GL core contexts in one share
 * group) through a GL function table resolved once (`loadGlFunctions`).
 */
export class EglHostGl implements HostGl {
  readonly glVersion: number;
  readonly glesVersion = 0;
  readonly features: HostGlFeatures;
  readonly #display: EglDisplay;
  readonly #gl: GlFunctions;
  readonly #optional: GlOptionalFunctions;
  readonly #u32 = new Uint32Array(1);
  readonly #i32 = new Int32Array(4);
  readonly #f32 = new Float32Array(16);
  readonly #u64 = new BigUint64Array(1);

  constructor(options: EglHostGlOptions = {}) {
    const display = new EglDisplay(options);
    this.#display = display;
    this.glVersion = display.glVersion;
    try {
      const { gl, optional } = loadGlFunctions((name) => display.getProcAddress(name), display.glVersion);
      this.#gl = gl;
      this.#optional = optional;
    } catch (e) {
      display.destroy();
      throw e;
    }
    this.features = {
      indirectParameters:
        this.#optional.glMultiDrawArraysIndirectCount !== undefined &&
        this.#optional.glMultiDrawElementsIndirectCount !== undefined,
      textureBarrier: this.#optional.glTextureBarrier !== undefined,
      blendBarrier: this.#optional.glBlendBarrierKHR !== undefined,
    };
    this.#gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    this.#gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
  }

  #needOptional(name: GlOptionalName): GlFunction {
    const f = this.#optional[name];
    if (f === undefined) throw new RutabagaError("Unsupported", `${name} (not in this host GL)`);
    return f;
  }

  createContext(): HostGlContext {
    const ctx = this.#display.createContext();
    const previous = this.#display.current;
    this.#display.makeCurrent(ctx);
    this.#gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    this.#gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
    this.#display.makeCurrent(previous);
    return ctx;
  }

  makeCurrent(ctx: HostGlContext | undefined): void {
    this.#display.makeCurrent(ctx);
  }

  ensureCurrent(): void {
    this.#display.ensureCurrent();
  }

  destroyContext(ctx: HostGlContext): void {
    this.#display.destroyContext(ctx);
  }

  destroy(): void {
    this.#display.destroy();
  }

  getError(): number {
    return this.#gl.glGetError();
  }
  getString(name: number): string {
    return this.#gl.glGetString(name) ?? "";
  }
  getStringi(name: number, index: number): string {
    return this.#gl.glGetStringi(name, index) ?? "";
  }
  getInteger(pname: number): number {
    this.#i32.fill(0);
    this.#gl.glGetIntegerv(pname, this.#i32);
    return this.#i32[0]!;
  }
  getIntegerIndexed(pname: number, index: number): number {
    this.#i32.fill(0);
    this.#gl.glGetIntegeri_v(pname, index, this.#i32);
    return this.#i32[0]!;
  }
  getFloats(pname: number, count: number): Float32Array {
    this.#f32.fill(0);
    this.#gl.glGetFloatv(pname, this.#f32);
    return this.#f32.slice(0, count);
  }
  getInternalformat(target: number, internalFormat: number, pname: number): number {
    this.#i32.fill(0);
    this.#gl.glGetInternalformativ(target, internalFormat, pname, 1, this.#i32);
    return this.#i32[0]!;
  }
  finish(): void {
    this.#gl.glFinish();
  }
  flush(): void {
    this.#gl.glFlush();
  }

  createTexture(target: number): number {
    this.#u32[0] = 0;
    this.#gl.glCreateTextures(target, 1, this.#u32);
    if (this.#u32[0] !== 0) glObjectCensus.created("texture");
    return this.#u32[0]!;
  }
  deleteTexture(texture: number): void {
    this.#u32[0] = texture;
    this.#gl.glDeleteTextures(1, this.#u32);
    if (texture !== 0) glObjectCensus.deleted("texture");
  }
  textureStorage(texture: number, st: GlTextureStorage): void {
    const g = this.#gl;
    if (st.samples > 1) {
      if (st.dims === 3)
        g.glTextureStorage3DMultisample(texture, st.samples, st.internalFormat, st.width, st.height, st.depth, 1);
      else g.glTextureStorage2DMultisample(texture, st.samples, st.internalFormat, st.width, st.height, 1);
    } else if (st.dims === 1) g.glTextureStorage1D(texture, st.levels, st.internalFormat, st.width);
    else if (st.dims === 2) g.glTextureStorage2D(texture, st.levels, st.internalFormat, st.width, st.height);
    else g.glTextureStorage3D(texture, st.levels, st.internalFormat, st.width, st.height, st.depth);
  }
  createTextureName(): number {
    this.#u32[0] = 0;
    this.#gl.glGenTextures(1, this.#u32);
    if (this.#u32[0] !== 0) glObjectCensus.created("texture");
    return this.#u32[0]!;
  }
  textureView(texture: number, target: number, original: number, ifmt: number, v: GlTextureViewRange): void {
    this.#gl.glTextureView(texture, target, original, ifmt, v.minLevel, v.numLevels, v.minLayer, v.numLayers);
  }
  textureBufferRange(texture: number, internalFormat: number, buffer: number, offset: number, size: number): void {
    this.#gl.glTextureBufferRange(texture, internalFormat, buffer, offset, size);
  }
  textureParameteri(texture: number, pname: number, value: number): void {
    this.#gl.glTextureParameteri(texture, pname, value);
  }
  textureParameteriv(texture: number, pname: number, values: Int32Array): void {
    this.#gl.glTextureParameteriv(texture, pname, values);
  }
  textureSubImage(t: number, dims: 1 | 2 | 3, l: number, b: GlBox, f: number, ty: number, data: Uint8Array): void {
    if (dims === 1) this.#gl.glTextureSubImage1D(t, l, b.x, b.w, f, ty, data);
    else if (dims === 2) this.#gl.glTextureSubImage2D(t, l, b.x, b.y, b.w, b.h, f, ty, data);
    else this.#gl.glTextureSubImage3D(t, l, b.x, b.y, b.z, b.w, b.h, b.d, f, ty, data);
  }
  compressedTextureSubImage(t: number, dims: 1 | 2 | 3, l: number, b: GlBox, ifmt: number, data: Uint8Array): void {
    const n = data.byteLength;
    if (dims === 1) this.#gl.glCompressedTextureSubImage1D(t, l, b.x, b.w, ifmt, n, data);
    else if (dims === 2) this.#gl.glCompressedTextureSubImage2D(t, l, b.x, b.y, b.w, b.h, ifmt, n, data);
    else this.#gl.glCompressedTextureSubImage3D(t, l, b.x, b.y, b.z, b.w, b.h, b.d, ifmt, n, data);
  }
  getTextureSubImage(t: number, l: number, b: GlBox, f: number, ty: number, out: Uint8Array): void {
    this.#gl.glGetTextureSubImage(t, l, b.x, b.y, b.z, b.w, b.h, b.d, f, ty, out.byteLength, out);
  }
  getCompressedTextureSubImage(t: number, l: number, b: GlBox, out: Uint8Array): void {
    this.#gl.glGetCompressedTextureSubImage(t, l, b.x, b.y, b.z, b.w, b.h, b.d, out.byteLength, out);
  }
  clearTexSubImage(t: number, l: number, b: GlBox, f: number, ty: number, data: Uint8Array): void {
    this.#gl.glClearTexSubImage(t, l, b.x, b.y, b.z, b.w, b.h, b.d, f, ty, data);
  }
  copyImageSubData(s: GlImageRef, d: GlImageRef, w: number, h: number, depth: number): void {
    this.#gl.glCopyImageSubData(
      s.name,
      s.target,
      s.level,
      s.x,
      s.y,
      s.z,
      d.name,
      d.target,
      d.level,
      d.x,
      d.y,
      d.z,
      w,
      h,
      depth,
    );
  }

  createBuffer(size: number): number {
    this.#u32[0] = 0;
    this.#gl.glCreateBuffers(1, this.#u32);
    const b = this.#u32[0]!;
    if (b !== 0) glObjectCensus.created("buffer");
    this.#gl.glNamedBufferStorage(b, Math.max(size, 1), null, 0x0100 /* DYNAMIC_STORAGE_BIT */);
    return b;
  }
  deleteBuffer(buffer: number): void {
    this.#u32[0] = buffer;
    this.#gl.glDeleteBuffers(1, this.#u32);
    if (buffer !== 0) glObjectCensus.deleted("buffer");
  }
  zeroBufferSubData(buffer: number, offset: number, size: number): void {
    // A NULL clear value fills the range with zeros.
    this.#gl.glClearNamedBufferSubData(buffer, 0x8229 /* R8 */, offset, size, 0x1903 /* RED */, 0x1401, null);
  }
  bufferSubData(buffer: number, offset: number, data: Uint8Array): void {
    this.#gl.glNamedBufferSubData(buffer, offset, data.byteLength, data);
  }
  getBufferSubData(buffer: number, offset: number, out: Uint8Array): void {
    this.#gl.glGetNamedBufferSubData(buffer, offset, out.byteLength, out);
  }
  copyBufferSubData(src: number, dst: number, so: number, dOff: number, size: number): void {
    this.#gl.glCopyNamedBufferSubData(src, dst, so, dOff, size);
  }

  createFramebuffer(): number {
    this.#u32[0] = 0;
    this.#gl.glCreateFramebuffers(1, this.#u32);
    if (this.#u32[0] !== 0) glObjectCensus.created("framebuffer");
    return this.#u32[0]!;
  }
  deleteFramebuffer(fb: number): void {
    this.#u32[0] = fb;
    this.#gl.glDeleteFramebuffers(1, this.#u32);
    if (fb !== 0) glObjectCensus.deleted("framebuffer");
  }
  framebufferTexture(fb: number, att: number, tex: number, level: number): void {
    this.#gl.glNamedFramebufferTexture(fb, att, tex, level);
  }
  framebufferTextureLayer(fb: number, att: number, tex: number, level: number, layer: number): void {
    this.#gl.glNamedFramebufferTextureLayer(fb, att, tex, level, layer);
  }
  framebufferParameteri(fb: number, pname: number, value: number): void {
    this.#gl.glNamedFramebufferParameteri(fb, pname, value);
  }
  framebufferDrawBuffers(fb: number, buffers: Uint32Array): void {
    this.#gl.glNamedFramebufferDrawBuffers(fb, buffers.length, buffers);
  }
  framebufferReadBuffer(fb: number, buffer: number): void {
    this.#gl.glNamedFramebufferReadBuffer(fb, buffer);
  }
  checkFramebufferStatus(fb: number): number {
    return this.#gl.glCheckNamedFramebufferStatus(fb, 0x8d40);
  }
  bindFramebuffer(target: number, fb: number): void {
    this.#gl.glBindFramebuffer(target, fb);
  }
  clearBufferfv(fb: number, buffer: number, db: number, value: Float32Array): void {
    this.#gl.glClearNamedFramebufferfv(fb, buffer, db, value);
  }
  clearBufferiv(fb: number, buffer: number, db: number, value: Int32Array): void {
    this.#gl.glClearNamedFramebufferiv(fb, buffer, db, value);
  }
  clearBufferuiv(fb: number, buffer: number, db: number, value: Uint32Array): void {
    this.#gl.glClearNamedFramebufferuiv(fb, buffer, db, value);
  }
  clearBufferfi(fb: number, depth: number, stencil: number): void {
    this.#gl.glClearNamedFramebufferfi(fb, 0x84f9, 0, depth, stencil);
  }
  blitFramebuffer(read: number, draw: number, s: GlRect, d: GlRect, mask: number, filter: number): void {
    this.#gl.glBlitNamedFramebuffer(read, draw, s.x0, s.y0, s.x1, s.y1, d.x0, d.y0, d.x1, d.y1, mask, filter);
  }
  enable(cap: number): void {
    this.#gl.glEnable(cap);
  }
  disable(cap: number): void {
    this.#gl.glDisable(cap);
  }
  scissor(x: number, y: number, w: number, h: number): void {
    this.#gl.glScissor(x, y, w, h);
  }
  compileShader(type: number, source: string): GlBuildResult {
    const g = this.#gl;
    const shader = g.glCreateShader(type) as number;
    g.glShaderSource(shader, 1, [source], null);
    g.glCompileShader(shader);
    g.glGetShaderiv(shader, 0x8b81 /* COMPILE_STATUS */, this.#i32);
    if (this.#i32[0] !== 0) {
      glObjectCensus.created("shader");
      return { name: shader, log: "" };
    }
    const log = this.#infoLog((size, len, out) => g.glGetShaderInfoLog(shader, size, len, out));
    g.glDeleteShader(shader);
    return { name: 0, log };
  }
  deleteShader(shader: number): void {
    this.#gl.glDeleteShader(shader);
    if (shader !== 0) glObjectCensus.deleted("shader");
  }
  linkProgram(shaders: readonly number[], feedbackVaryings: readonly string[] = []): GlBuildResult {
    const g = this.#gl;
    const program = g.glCreateProgram() as number;
    for (const s of shaders) g.glAttachShader(program, s);
    if (feedbackVaryings.length > 0) {
      g.glTransformFeedbackVaryings(program, feedbackVaryings.length, feedbackVaryings, GL.INTERLEAVED_ATTRIBS);
    }
    g.glLinkProgram(program);
    for (const s of shaders) g.glDetachShader(program, s);
    g.glGetProgramiv(program, 0x8b82 /* LINK_STATUS */, this.#i32);
    if (this.#i32[0] !== 0) {
      glObjectCensus.created("program");
      return { name: program, log: "" };
    }
    const log = this.#infoLog((size, len, out) => g.glGetProgramInfoLog(program, size, len, out));
    g.glDeleteProgram(program);
    return { name: 0, log };
  }
  #infoLog(read: (size: number, len: Int32Array, out: Uint8Array) => void): string {
    const out = new Uint8Array(4096);
    const len = new Int32Array(1);
    read(out.byteLength, len, out);
    return new TextDecoder().decode(out.subarray(0, Math.min(len[0]!, out.byteLength)));
  }
  deleteProgram(program: number): void {
    this.#gl.glDeleteProgram(program);
    if (program !== 0) glObjectCensus.deleted("program");
  }
  useProgram(program: number): void {
    this.#gl.glUseProgram(program);
  }
  getUniformLocation(program: number, name: string): number {
    return this.#gl.glGetUniformLocation(program, name);
  }
  programUniform4uiv(program: number, location: number, data: Uint32Array): void {
    this.#gl.glProgramUniform4uiv(program, location, data.length >>> 2, data);
  }

  createVertexArray(): number {
    this.#u32[0] = 0;
    this.#gl.glCreateVertexArrays(1, this.#u32);
    if (this.#u32[0] !== 0) glObjectCensus.created("vertex array");
    return this.#u32[0]!;
  }
  deleteVertexArray(vao: number): void {
    this.#u32[0] = vao;
    this.#gl.glDeleteVertexArrays(1, this.#u32);
    if (vao !== 0) glObjectCensus.deleted("vertex array");
  }
  bindVertexArray(vao: number): void {
    this.#gl.glBindVertexArray(vao);
  }
  enableVertexArrayAttrib(vao: number, index: number, enable: boolean): void {
    if (enable) this.#gl.glEnableVertexArrayAttrib(vao, index);
    else this.#gl.glDisableVertexArrayAttrib(vao, index);
  }
  vertexArrayAttribFormat(vao: number, index: number, f: GlVertexAttribFormat): void {
    if (f.kind === "int") this.#gl.glVertexArrayAttribIFormat(vao, index, f.size, f.type, f.relativeOffset);
    else if (f.kind === "double") this.#gl.glVertexArrayAttribLFormat(vao, index, f.size, f.type, f.relativeOffset);
    else this.#gl.glVertexArrayAttribFormat(vao, index, f.size, f.type, f.normalized ? 1 : 0, f.relativeOffset);
  }
  vertexArrayAttribBinding(vao: number, index: number, binding: number): void {
    this.#gl.glVertexArrayAttribBinding(vao, index, binding);
  }
  vertexArrayVertexBuffer(vao: number, binding: number, buffer: number, offset: number, stride: number): void {
    this.#gl.glVertexArrayVertexBuffer(vao, binding, buffer, offset, stride);
  }
  vertexArrayBindingDivisor(vao: number, binding: number, divisor: number): void {
    this.#gl.glVertexArrayBindingDivisor(vao, binding, divisor);
  }
  vertexArrayElementBuffer(vao: number, buffer: number): void {
    this.#gl.glVertexArrayElementBuffer(vao, buffer);
  }
  drawArrays(d: GlDrawArrays): void {
    this.#gl.glDrawArraysInstancedBaseInstance(d.mode, d.first, d.count, d.instances, d.baseInstance);
  }
  drawElements(d: GlDrawElements): void {
    this.#gl.glDrawElementsInstancedBaseVertexBaseInstance(
      d.mode,
      d.count,
      d.type,
      d.offset,
      d.instances,
      d.baseVertex,
      d.baseInstance,
    );
  }

  createTransformFeedback(): number {
    this.#u32[0] = 0;
    this.#gl.glCreateTransformFeedbacks(1, this.#u32);
    return this.#u32[0]!;
  }
  deleteTransformFeedback(xfb: number): void {
    this.#u32[0] = xfb;
    this.#gl.glDeleteTransformFeedbacks(1, this.#u32);
  }
  bindTransformFeedback(xfb: number): void {
    this.#gl.glBindTransformFeedback(GL.TRANSFORM_FEEDBACK, xfb);
  }
  transformFeedbackBufferRange(xfb: number, index: number, buffer: number, offset: number, size: number): void {
    this.#gl.glTransformFeedbackBufferRange(xfb, index, buffer, offset, size);
  }
  beginTransformFeedback(mode: number): void {
    this.#gl.glBeginTransformFeedback(mode);
  }
  endTransformFeedback(): void {
    this.#gl.glEndTransformFeedback();
  }
  pauseTransformFeedback(): void {
    this.#gl.glPauseTransformFeedback();
  }
  resumeTransformFeedback(): void {
    this.#gl.glResumeTransformFeedback();
  }
  drawTransformFeedback(mode: number, xfb: number, instances: number): void {
    this.#gl.glDrawTransformFeedbackInstanced(mode, xfb, instances);
  }
  bindBufferRange(target: number, index: number, buffer: number, offset: number, size: number): void {
    this.#gl.glBindBufferRange(target, index, buffer, offset, size);
  }
  bindTextureUnit(unit: number, texture: number): void {
    this.#gl.glBindTextureUnit(unit, texture);
  }
  createSampler(): number {
    this.#u32[0] = 0;
    this.#gl.glCreateSamplers(1, this.#u32);
    if (this.#u32[0] !== 0) glObjectCensus.created("sampler");
    return this.#u32[0]!;
  }
  deleteSampler(sampler: number): void {
    this.#u32[0] = sampler;
    this.#gl.glDeleteSamplers(1, this.#u32);
    if (sampler !== 0) glObjectCensus.deleted("sampler");
  }
  samplerParameteri(sampler: number, pname: number, value: number): void {
    this.#gl.glSamplerParameteri(sampler, pname, value);
  }
  samplerParameterf(sampler: number, pname: number, value: number): void {
    this.#gl.glSamplerParameterf(sampler, pname, value);
  }
  samplerParameterfv(sampler: number, pname: number, values: Float32Array): void {
    this.#gl.glSamplerParameterfv(sampler, pname, values);
  }
  bindSampler(unit: number, sampler: number): void {
    this.#gl.glBindSampler(unit, sampler);
  }

  enablei(cap: number, index: number): void {
    this.#gl.glEnablei(cap, index);
  }
  disablei(cap: number, index: number): void {
    this.#gl.glDisablei(cap, index);
  }
  blendFuncSeparatei(buffer: number, srcRgb: number, dstRgb: number, srcAlpha: number, dstAlpha: number): void {
    this.#gl.glBlendFuncSeparatei(buffer, srcRgb, dstRgb, srcAlpha, dstAlpha);
  }
  blendEquationSeparatei(buffer: number, rgb: number, alpha: number): void {
    this.#gl.glBlendEquationSeparatei(buffer, rgb, alpha);
  }
  blendEquationi(buffer: number, mode: number): void {
    this.#gl.glBlendEquationi(buffer, mode);
  }
  colorMaski(buffer: number, r: boolean, g: boolean, b: boolean, a: boolean): void {
    this.#gl.glColorMaski(buffer, r ? 1 : 0, g ? 1 : 0, b ? 1 : 0, a ? 1 : 0);
  }
  blendColor(r: number, g: number, b: number, a: number): void {
    this.#gl.glBlendColor(r, g, b, a);
  }
  logicOp(op: number): void {
    this.#gl.glLogicOp(op);
  }
  depthFunc(func: number): void {
    this.#gl.glDepthFunc(func);
  }
  depthMask(write: boolean): void {
    this.#gl.glDepthMask(write ? 1 : 0);
  }
  stencilFuncSeparate(face: number, func: number, ref: number, mask: number): void {
    this.#gl.glStencilFuncSeparate(face, func, ref, mask);
  }
  stencilOpSeparate(face: number, fail: number, zfail: number, zpass: number): void {
    this.#gl.glStencilOpSeparate(face, fail, zfail, zpass);
  }
  stencilMaskSeparate(face: number, mask: number): void {
    this.#gl.glStencilMaskSeparate(face, mask);
  }
  cullFace(face: number): void {
    this.#gl.glCullFace(face);
  }
  frontFace(mode: number): void {
    this.#gl.glFrontFace(mode);
  }
  polygonMode(face: number, mode: number): void {
    this.#gl.glPolygonMode(face, mode);
  }
  polygonOffset(factor: number, units: number): void {
    this.#gl.glPolygonOffset(factor, units);
  }
  lineWidth(width: number): void {
    this.#gl.glLineWidth(width);
  }
  pointSize(size: number): void {
    this.#gl.glPointSize(size);
  }
  viewportIndexed(index: number, v: GlViewport): void {
    this.#gl.glViewportIndexedf(index, v.x, v.y, v.w, v.h);
    this.#gl.glDepthRangeIndexed(index, v.near, v.far);
  }
  scissorIndexed(index: number, x: number, y: number, w: number, h: number): void {
    this.#gl.glScissorIndexed(index, x, y, w, h);
  }
  clipControl(origin: number, depth: number): void {
    this.#gl.glClipControl(origin, depth);
  }
  sampleMaski(index: number, mask: number): void {
    this.#gl.glSampleMaski(index, mask);
  }
  primitiveRestartIndex(index: number): void {
    this.#gl.glPrimitiveRestartIndex(index);
  }

  createQuery(target: number): number {
    this.#u32[0] = 0;
    this.#gl.glCreateQueries(target, 1, this.#u32);
    if (this.#u32[0] === 0) {
      // Mesa 22.3's glCreateQueries refuses the ARB_pipeline_statistics_query targets (GL_INVALID_ENUM) that its
      // glBeginQuery accepts: a name from glGenQueries becomes that query at its first begin.
      this.#gl.glGetError();
      this.#gl.glGenQueries(1, this.#u32);
    }
    if (this.#u32[0] !== 0) glObjectCensus.created("query");
    return this.#u32[0]!;
  }
  deleteQuery(query: number): void {
    this.#u32[0] = query;
    this.#gl.glDeleteQueries(1, this.#u32);
    if (query !== 0) glObjectCensus.deleted("query");
  }
  beginQuery(target: number, query: number, index = 0): void {
    if (index === 0) this.#gl.glBeginQuery(target, query);
    else this.#gl.glBeginQueryIndexed(target, index, query);
  }
  endQuery(target: number, index = 0): void {
    if (index === 0) this.#gl.glEndQuery(target);
    else this.#gl.glEndQueryIndexed(target, index);
  }
  queryCounter(query: number, target: number): void {
    this.#gl.glQueryCounter(query, target);
  }
  beginConditionalRender(query: number, mode: number): void {
    this.#gl.glBeginConditionalRender(query, mode);
  }
  endConditionalRender(): void {
    this.#gl.glEndConditionalRender();
  }
  isQueryResultAvailable(query: number): boolean {
    this.#u32[0] = 0;
    this.#gl.glGetQueryObjectuiv(query, GL.QUERY_RESULT_AVAILABLE, this.#u32);
    return this.#u32[0] !== 0;
  }
  queryResultToBuffer(query: number, buffer: number, offset: number, resultType: number, pname: number): void {
    if (resultType === 0) this.#gl.glGetQueryBufferObjectiv(query, buffer, pname, offset);
    else if (resultType === 1) this.#gl.glGetQueryBufferObjectuiv(query, buffer, pname, offset);
    else if (resultType === 2) this.#gl.glGetQueryBufferObjecti64v(query, buffer, pname, offset);
    else this.#gl.glGetQueryBufferObjectui64v(query, buffer, pname, offset);
  }
  getQueryResult(query: number): bigint {
    this.#u64[0] = 0n;
    this.#gl.glGetQueryObjectui64v(query, GL.QUERY_RESULT, this.#u64);
    return this.#u64[0]!;
  }

  minSampleShading(value: number): void {
    this.#gl.glMinSampleShading(value);
  }
  getSamplePosition(framebuffer: number, index: number): readonly [number, number] {
    this.#f32.fill(0);
    this.#gl.glBindFramebuffer(GL.DRAW_FRAMEBUFFER, framebuffer);
    this.#gl.glGetMultisamplefv(GL_SAMPLE_POSITION, index, this.#f32);
    this.#gl.glBindFramebuffer(GL.DRAW_FRAMEBUFFER, 0);
    return [this.#f32[0]!, this.#f32[1]!];
  }

  bindImageTexture(
    unit: number,
    texture: number,
    level: number,
    layered: boolean,
    layer: number,
    access: number,
    format: number,
  ): void {
    this.#gl.glBindImageTexture(unit, texture, level, layered ? 1 : 0, layer, access, format);
  }
  memoryBarrier(barriers: number): void {
    this.#gl.glMemoryBarrier(barriers);
  }
  blendBarrier(): void {
    this.#needOptional("glBlendBarrierKHR")();
  }
  textureBarrier(): void {
    this.#needOptional("glTextureBarrier")();
  }

  bindDrawIndirectBuffer(buffer: number): void {
    this.#gl.glBindBuffer(GL.DRAW_INDIRECT_BUFFER, buffer);
  }
  bindParameterBuffer(buffer: number): void {
    if (!this.features.indirectParameters) throw new RutabagaError("Unsupported", "GL_PARAMETER_BUFFER");
    this.#gl.glBindBuffer(GL.PARAMETER_BUFFER, buffer);
  }
  drawArraysIndirect(mode: number, offset: number): void {
    this.#gl.glDrawArraysIndirect(mode, offset);
  }
  drawElementsIndirect(mode: number, type: number, offset: number): void {
    this.#gl.glDrawElementsIndirect(mode, type, offset);
  }
  multiDrawArraysIndirect(mode: number, offset: number, drawCount: number, stride: number): void {
    this.#gl.glMultiDrawArraysIndirect(mode, offset, drawCount, stride);
  }
  multiDrawElementsIndirect(mode: number, type: number, offset: number, drawCount: number, stride: number): void {
    this.#gl.glMultiDrawElementsIndirect(mode, type, offset, drawCount, stride);
  }
  multiDrawArraysIndirectCount(mode: number, off: number, countOff: number, max: number, stride: number): void {
    this.#needOptional("glMultiDrawArraysIndirectCount")(mode, off, countOff, max, stride);
  }
  multiDrawElementsIndirectCount(
    mode: number,
    type: number,
    off: number,
    countOff: number,
    max: number,
    stride: number,
  ): void {
    this.#needOptional("glMultiDrawElementsIndirectCount")(mode, type, off, countOff, max, stride);
  }

  bindDispatchIndirectBuffer(buffer: number): void {
    this.#gl.glBindBuffer(GL.DISPATCH_INDIRECT_BUFFER, buffer);
  }
  dispatchCompute(x: number, y: number, z: number): void {
    this.#gl.glDispatchCompute(x, y, z);
  }
  dispatchComputeIndirect(offset: number): void {
    this.#gl.glDispatchComputeIndirect(offset);
  }

  patchParameteri(pname: number, value: number): void {
    this.#gl.glPatchParameteri(pname, value);
  }
  patchParameterfv(pname: number, values: Float32Array): void {
    this.#gl.glPatchParameterfv(pname, values);
  }
}
