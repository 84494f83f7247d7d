import { RutabagaError } from "../../../rutabaga/error.ts";
import type { GlDrawArrays, GlDrawElements } from "./draws.ts";
import type { GlRect } from "./framebuffers.ts";
import { GL } from "./gl-constants.ts";
import type { HostGl, HostGlContext } from "./host-gl.ts";
import type { HostGlFeatures } from "./indirect-draws.ts";
import type { GlViewport } from "./pipeline-state.ts";
import type { GlBuildResult } from "./programs.ts";
import type { GlBox, GlImageRef, GlTextureStorage, GlTextureViewRange } from "./textures.ts";
import type { GlVertexAttribFormat } from "./vertex-arrays.ts";

/** One recorded call: the `HostGl` method and its arguments (typed arrays and records copied when called). */
export interface GlCall {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** Kinds of GL objects a {@link RecordingHostGl} names and keeps alive until deleted. */
export type RecordedObjectKind =
  | "texture"
  | "buffer"
  | "framebuffer"
  | "shader"
  | "program"
  | "vertex array"
  | "sampler"
  | "query"
  | "transform feedback";

/** What a {@link RecordingHostGl} answers; every field has a default (a GL 4.5 core host supporting every format). */
export interface RecordingHostGlOptions {
  /** Desktop GL version × 10 (default 45). */
  readonly glVersion?: number;
  /** `getInteger` answers, over {@link RECORDING_DEFAULT_INTS}; absent pnames read 0. */
  readonly ints?: ReadonlyMap<number, number>;
  /** `getIntegerIndexed` answers by pname, one value per index; absent ones read 0. */
  readonly indexedInts?: ReadonlyMap<number, readonly number[]>;
  /** `getFloats` answers; absent ones read zeros. */
  readonly floats?: ReadonlyMap<number, readonly number[]>;
  /** `getString` answers (default: vendor "rutabaga-ts", renderer "recording", version from `glVersion`). */
  readonly strings?: ReadonlyMap<number, string>;
  /** `GL_EXTENSIONS` through `getStringi`; `GL_NUM_EXTENSIONS` is their count unless `ints` says otherwise. */
  readonly extensions?: readonly string[];
  /** `getInternalformat` (default: every format supported, sampled, renderable, 4 samples). */
  readonly internalformat?: (target: number, internalFormat: number, pname: number) => number;
  readonly features?: Partial<HostGlFeatures>;
  /** Whether a query's result is available as soon as it ends (default true); see {@link RecordingHostGl.setQueryResult}. */
  readonly queryResultsAvailable?: boolean;
}

/** The `getInteger` limits a {@link RecordingHostGl} answers unless told otherwise (GL 4.5 minimums or above). */
export const RECORDING_DEFAULT_INTS: ReadonlyMap<number, number> = new Map([
  [GL.MAX_TEXTURE_SIZE, 16384],
  [GL.MAX_3D_TEXTURE_SIZE, 2048],
  [GL.MAX_CUBE_MAP_TEXTURE_SIZE, 16384],
  [GL.MAX_ARRAY_TEXTURE_LAYERS, 2048],
  [GL.MAX_RECTANGLE_TEXTURE_SIZE, 16384],
  [GL.MAX_SAMPLES, 4],
  [GL.MAX_DRAW_BUFFERS, 8],
  [GL.MAX_COLOR_ATTACHMENTS, 8],
  [GL.MAX_VERTEX_ATTRIBS, 16],
  [GL.MAX_VIEWPORTS, 16],
  [GL.MAX_TRANSFORM_FEEDBACK_BUFFERS, 4],
  [GL.MAX_TEXTURE_BUFFER_SIZE, 1 << 27],
  [GL.UNIFORM_BUFFER_OFFSET_ALIGNMENT, 16],
  [GL.TEXTURE_BUFFER_OFFSET_ALIGNMENT, 16],
  [GL.SHADER_STORAGE_BUFFER_OFFSET_ALIGNMENT, 16],
]);

interface RecordedQuery {
  readonly target: number;
  available: boolean;
  value: bigint;
}

/** Copies what a caller may reuse after the call (scratch typed arrays, records). */
function snapshot(a: unknown): unknown {
  if (ArrayBuffer.isView(a)) return (a as Uint8Array).slice();
  if (Array.isArray(a)) return [...a];
  if (typeof a === "object" && a !== null) return { ...a };
  return a;
}

/**
 * A {@link HostGl} without a GPU (isomorphic): records every call with its arguments in {@link calls}, names objects
 * and keeps them until deleted ({@link live}), stores buffer contents (so index read-backs and query result writes
 * can be checked), answers limits from a table, reports errors queued with {@link pushError}, and serves query
 * results that can be held back ({@link setQueryResult}) to exercise the component's pending-result path.
 * Textures hold no texels: reads return zeros.
 */
export class RecordingHostGl implements HostGl {
  readonly glVersion: number;
  readonly glesVersion = 0;
  readonly features: HostGlFeatures;
  /** Every call in order. */
  readonly calls: GlCall[] = [];
  readonly #ints: ReadonlyMap<number, number>;
  readonly #options: RecordingHostGlOptions;
  readonly #errors: number[] = [];
  readonly #live = new Map<number, RecordedObjectKind>();
  readonly #buffers = new Map<number, Uint8Array>();
  readonly #queries = new Map<number, RecordedQuery>();
  readonly #activeQueries = new Map<number, number>();
  readonly #contexts = new Set<HostGlContext>();
  #nextName = 1;
  #nextContext = 1;
  /** The context current now; `undefined` is the host's own. */
  current: HostGlContext | undefined;
  /** Whether {@link destroy} ran. */
  destroyed = false;

  constructor(options: RecordingHostGlOptions = {}) {
    this.#options = options;
    this.glVersion = options.glVersion ?? 45;
    this.#ints = new Map([...RECORDING_DEFAULT_INTS, ...(options.ints ?? [])]);
    this.features = {
      indirectParameters: options.features?.indirectParameters ?? this.glVersion >= 46,
      textureBarrier: options.features?.textureBarrier ?? this.glVersion >= 45,
      blendBarrier:
        options.features?.blendBarrier ?? (options.extensions ?? []).includes("GL_KHR_blend_equation_advanced"),
    };
  }

  #record(name: string, args: readonly unknown[]): void {
    this.calls.push({ name, args: args.map(snapshot) });
  }

  /** Names of the recorded calls, in order (optionally only those `keep` selects). */
  callNames(keep: (name: string) => boolean = () => true): string[] {
    return this.calls.filter((c) => keep(c.name)).map((c) => c.name);
  }

  /** Forgets the calls recorded so far (objects and their state stay). */
  clearCalls(): void {
    this.calls.length = 0;
  }

  /** Queues an error for `getError` (GL reports each kind once; this reports them in order). */
  pushError(error: number): void {
    this.#errors.push(error);
  }

  /** Live objects by kind. */
  live(): Map<RecordedObjectKind, number> {
    const out = new Map<RecordedObjectKind, number>();
    for (const k of this.#live.values()) out.set(k, (out.get(k) ?? 0) + 1);
    return out;
  }

  /** The stored bytes of `buffer` (a view; undefined for a name that is not a live buffer). */
  bufferContents(buffer: number): Uint8Array | undefined {
    return this.#buffers.get(buffer);
  }

  /** Sets `query`'s result and whether the GL has it yet (a held-back result makes the component wait). */
  setQueryResult(query: number, value: bigint, available = true): void {
    const q = this.#queries.get(query);
    if (q === undefined) throw new RutabagaError("InvalidComponent", `no query ${query}`);
    q.value = value;
    q.available = available;
  }

  #name(kind: RecordedObjectKind): number {
    const name = this.#nextName++;
    this.#live.set(name, kind);
    return name;
  }

  #delete(kind: RecordedObjectKind, name: number): void {
    if (name !== 0 && this.#live.get(name) === kind) this.#live.delete(name);
  }

  createContext(): HostGlContext {
    this.#record("createContext", []);
    const ctx = { id: this.#nextContext++ };
    this.#contexts.add(ctx);
    return ctx;
  }
  makeCurrent(ctx: HostGlContext | undefined): void {
    this.#record("makeCurrent", [ctx?.id]);
    this.current = ctx;
  }
  ensureCurrent(): void {
    this.#record("ensureCurrent", []);
  }
  destroyContext(ctx: HostGlContext): void {
    this.#record("destroyContext", [ctx.id]);
    this.#contexts.delete(ctx);
    if (this.current === ctx) this.current = undefined;
  }
  destroy(): void {
    this.#record("destroy", []);
    this.destroyed = true;
    this.#contexts.clear();
  }
  /** Live contexts made by {@link createContext} (the host's own not counted). */
  get contextCount(): number {
    return this.#contexts.size;
  }

  getError(): number {
    return this.#errors.shift() ?? GL.NO_ERROR;
  }
  getString(name: number): string {
    const s = this.#options.strings?.get(name);
    if (s !== undefined) return s;
    if (name === GL.VENDOR) return "rutabaga-ts";
    if (name === GL.RENDERER) return "recording";
    if (name === GL.VERSION) return `${Math.floor(this.glVersion / 10)}.${this.glVersion % 10} core`;
    return "";
  }
  getStringi(name: number, index: number): string {
    return name === GL.EXTENSIONS ? (this.#options.extensions?.[index] ?? "") : "";
  }
  getInteger(pname: number): number {
    const v = this.#ints.get(pname);
    if (v !== undefined) return v;
    if (pname === GL.NUM_EXTENSIONS) return this.#options.extensions?.length ?? 0;
    if (pname === GL.MAJOR_VERSION) return Math.floor(this.glVersion / 10);
    if (pname === GL.MINOR_VERSION) return this.glVersion % 10;
    return 0;
  }
  getIntegerIndexed(pname: number, index: number): number {
    return this.#options.indexedInts?.get(pname)?.[index] ?? 0;
  }
  getFloats(pname: number, count: number): Float32Array {
    const out = new Float32Array(count);
    const v = this.#options.floats?.get(pname);
    if (v !== undefined) out.set(v.slice(0, count));
    return out;
  }
  getInternalformat(target: number, internalFormat: number, pname: number): number {
    if (this.#options.internalformat !== undefined) return this.#options.internalformat(target, internalFormat, pname);
    if (pname === GL.INTERNALFORMAT_SUPPORTED) return GL.TRUE;
    if (pname === GL.SAMPLES) return 4;
    return GL.FULL_SUPPORT;
  }

  createTexture(target: number): number {
    this.#record("createTexture", [target]);
    return this.#name("texture");
  }
  createTextureName(): number {
    this.#record("createTextureName", []);
    return this.#name("texture");
  }
  deleteTexture(texture: number): void {
    this.#record("deleteTexture", [texture]);
    this.#delete("texture", texture);
  }
  getTextureSubImage(texture: number, level: number, box: GlBox, format: number, type: number, out: Uint8Array): void {
    this.#record("getTextureSubImage", [texture, level, box, format, type]);
    out.fill(0);
  }
  getCompressedTextureSubImage(texture: number, level: number, box: GlBox, out: Uint8Array): void {
    this.#record("getCompressedTextureSubImage", [texture, level, box]);
    out.fill(0);
  }

  createBuffer(size: number): number {
    this.#record("createBuffer", [size]);
    const name = this.#name("buffer");
    this.#buffers.set(name, new Uint8Array(Math.max(size, 1)));
    return name;
  }
  deleteBuffer(buffer: number): void {
    this.#record("deleteBuffer", [buffer]);
    this.#delete("buffer", buffer);
    this.#buffers.delete(buffer);
  }
  #range(buffer: number, offset: number, size: number): Uint8Array | undefined {
    const b = this.#buffers.get(buffer);
    if (b === undefined || offset < 0 || size < 0 || offset + size > b.byteLength) {
      this.#errors.push(0x0501 /* INVALID_VALUE */);
      return undefined;
    }
    return b.subarray(offset, offset + size);
  }
  bufferSubData(buffer: number, offset: number, data: Uint8Array): void {
    this.#record("bufferSubData", [buffer, offset, data]);
    this.#range(buffer, offset, data.byteLength)?.set(data);
  }
  zeroBufferSubData(buffer: number, offset: number, size: number): void {
    this.#record("zeroBufferSubData", [buffer, offset, size]);
    this.#range(buffer, offset, size)?.fill(0);
  }
  getBufferSubData(buffer: number, offset: number, out: Uint8Array): void {
    this.#record("getBufferSubData", [buffer, offset, out.byteLength]);
    const r = this.#range(buffer, offset, out.byteLength);
    if (r !== undefined) out.set(r);
  }
  copyBufferSubData(src: number, dst: number, srcOffset: number, dstOffset: number, size: number): void {
    this.#record("copyBufferSubData", [src, dst, srcOffset, dstOffset, size]);
    const from = this.#range(src, srcOffset, size);
    const to = this.#range(dst, dstOffset, size);
    if (from !== undefined && to !== undefined) to.set(from.slice());
  }

  createFramebuffer(): number {
    this.#record("createFramebuffer", []);
    return this.#name("framebuffer");
  }
  deleteFramebuffer(fb: number): void {
    this.#record("deleteFramebuffer", [fb]);
    this.#delete("framebuffer", fb);
  }
  checkFramebufferStatus(fb: number): number {
    this.#record("checkFramebufferStatus", [fb]);
    return GL.FRAMEBUFFER_COMPLETE;
  }

  compileShader(type: number, source: string): GlBuildResult {
    this.#record("compileShader", [type, source]);
    return { name: this.#name("shader"), log: "" };
  }
  deleteShader(shader: number): void {
    this.#record("deleteShader", [shader]);
    this.#delete("shader", shader);
  }
  linkProgram(shaders: readonly number[], feedbackVaryings: readonly string[] = []): GlBuildResult {
    this.#record("linkProgram", [shaders, feedbackVaryings]);
    return { name: this.#name("program"), log: "" };
  }
  deleteProgram(program: number): void {
    this.#record("deleteProgram", [program]);
    this.#delete("program", program);
  }

  createVertexArray(): number {
    this.#record("createVertexArray", []);
    return this.#name("vertex array");
  }
  deleteVertexArray(vao: number): void {
    this.#record("deleteVertexArray", [vao]);
    this.#delete("vertex array", vao);
  }
  createSampler(): number {
    this.#record("createSampler", []);
    return this.#name("sampler");
  }
  deleteSampler(sampler: number): void {
    this.#record("deleteSampler", [sampler]);
    this.#delete("sampler", sampler);
  }
  createTransformFeedback(): number {
    this.#record("createTransformFeedback", []);
    return this.#name("transform feedback");
  }
  deleteTransformFeedback(xfb: number): void {
    this.#record("deleteTransformFeedback", [xfb]);
    this.#delete("transform feedback", xfb);
  }

  queryResultToBuffer(query: number, buffer: number, offset: number, resultType: number, pname: number): void {
    this.#record("queryResultToBuffer", [query, buffer, offset, resultType, pname]);
  }
  createQuery(target: number): number {
    this.#record("createQuery", [target]);
    const name = this.#name("query");
    this.#queries.set(name, { target, available: false, value: 0n });
    return name;
  }
  deleteQuery(query: number): void {
    this.#record("deleteQuery", [query]);
    this.#delete("query", query);
    this.#queries.delete(query);
  }
  beginQuery(target: number, query: number, index = 0): void {
    this.#record("beginQuery", index === 0 ? [target, query] : [target, query, index]);
    const q = this.#queries.get(query);
    if (q !== undefined) q.available = false;
    this.#activeQueries.set(target + index * 0x10000, query);
  }
  endQuery(target: number, index = 0): void {
    this.#record("endQuery", index === 0 ? [target] : [target, index]);
    const q = this.#queries.get(this.#activeQueries.get(target + index * 0x10000) ?? 0);
    this.#activeQueries.delete(target + index * 0x10000);
    if (q !== undefined) q.available = this.#options.queryResultsAvailable ?? true;
  }
  queryCounter(query: number, target: number): void {
    this.#record("queryCounter", [query, target]);
    const q = this.#queries.get(query);
    if (q !== undefined) q.available = this.#options.queryResultsAvailable ?? true;
  }
  isQueryResultAvailable(query: number): boolean {
    this.#record("isQueryResultAvailable", [query]);
    return this.#queries.get(query)?.available ?? false;
  }
  getQueryResult(query: number): bigint {
    this.#record("getQueryResult", [query]);
    return this.#queries.get(query)?.value ?? 0n;
  }

  #need(feature: keyof HostGlFeatures, what: string): void {
    if (!this.features[feature]) throw new RutabagaError("Unsupported", `${what} (not in this host GL)`);
  }
  blendBarrier(): void {
    this.#need("blendBarrier", "blendBarrier");
    this.#record("blendBarrier", []);
  }
  textureBarrier(): void {
    this.#need("textureBarrier", "textureBarrier");
    this.#record("textureBarrier", []);
  }
  bindParameterBuffer(buffer: number): void {
    this.#need("indirectParameters", "GL_PARAMETER_BUFFER");
    this.#record("bindParameterBuffer", [buffer]);
  }
  multiDrawArraysIndirectCount(
    mode: number,
    offset: number,
    countOffset: number,
    maxDrawCount: number,
    stride: number,
  ): void {
    this.#need("indirectParameters", "multiDrawArraysIndirectCount");
    this.#record("multiDrawArraysIndirectCount", [mode, offset, countOffset, maxDrawCount, stride]);
  }
  multiDrawElementsIndirectCount(
    mode: number,
    type: number,
    offset: number,
    countOffset: number,
    maxDrawCount: number,
    stride: number,
  ): void {
    this.#need("indirectParameters", "multiDrawElementsIndirectCount");
    this.#record("multiDrawElementsIndirectCount", [mode, type, offset, countOffset, maxDrawCount, stride]);
  }

  // HostGlContexts: recorded only.
  finish(): void {
    this.#record("finish", []);
  }
  flush(): void {
    this.#record("flush", []);
  }

  // HostGlTextures: recorded only.
  textureStorage(texture: number, storage: GlTextureStorage): void {
    this.#record("textureStorage", [texture, storage]);
  }
  textureBufferRange(texture: number, internalFormat: number, buffer: number, offset: number, size: number): void {
    this.#record("textureBufferRange", [texture, internalFormat, buffer, offset, size]);
  }
  textureParameteri(texture: number, pname: number, value: number): void {
    this.#record("textureParameteri", [texture, pname, value]);
  }
  textureParameteriv(texture: number, pname: number, values: Int32Array): void {
    this.#record("textureParameteriv", [texture, pname, values]);
  }
  textureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    box: GlBox,
    format: number,
    type: number,
    data: Uint8Array,
  ): void {
    this.#record("textureSubImage", [texture, dims, level, box, format, type, data]);
  }
  compressedTextureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    box: GlBox,
    internalFormat: number,
    data: Uint8Array,
  ): void {
    this.#record("compressedTextureSubImage", [texture, dims, level, box, internalFormat, data]);
  }
  clearTexSubImage(texture: number, level: number, box: GlBox, format: number, type: number, data: Uint8Array): void {
    this.#record("clearTexSubImage", [texture, level, box, format, type, data]);
  }
  copyImageSubData(src: GlImageRef, dst: GlImageRef, w: number, h: number, d: number): void {
    this.#record("copyImageSubData", [src, dst, w, h, d]);
  }
  textureView(
    texture: number,
    target: number,
    original: number,
    internalFormat: number,
    view: GlTextureViewRange,
  ): void {
    this.#record("textureView", [texture, target, original, internalFormat, view]);
  }

  // HostGlFramebuffers: recorded only.
  framebufferTexture(fb: number, attachment: number, texture: number, level: number): void {
    this.#record("framebufferTexture", [fb, attachment, texture, level]);
  }
  framebufferTextureLayer(fb: number, attachment: number, texture: number, level: number, layer: number): void {
    this.#record("framebufferTextureLayer", [fb, attachment, texture, level, layer]);
  }
  framebufferParameteri(fb: number, pname: number, value: number): void {
    this.#record("framebufferParameteri", [fb, pname, value]);
  }
  framebufferDrawBuffers(fb: number, buffers: Uint32Array): void {
    this.#record("framebufferDrawBuffers", [fb, buffers]);
  }
  framebufferReadBuffer(fb: number, buffer: number): void {
    this.#record("framebufferReadBuffer", [fb, buffer]);
  }
  bindFramebuffer(target: number, fb: number): void {
    this.#record("bindFramebuffer", [target, fb]);
  }
  clearBufferfv(fb: number, buffer: number, drawBuffer: number, value: Float32Array): void {
    this.#record("clearBufferfv", [fb, buffer, drawBuffer, value]);
  }
  clearBufferiv(fb: number, buffer: number, drawBuffer: number, value: Int32Array): void {
    this.#record("clearBufferiv", [fb, buffer, drawBuffer, value]);
  }
  clearBufferuiv(fb: number, buffer: number, drawBuffer: number, value: Uint32Array): void {
    this.#record("clearBufferuiv", [fb, buffer, drawBuffer, value]);
  }
  clearBufferfi(fb: number, depth: number, stencil: number): void {
    this.#record("clearBufferfi", [fb, depth, stencil]);
  }
  blitFramebuffer(read: number, draw: number, src: GlRect, dst: GlRect, mask: number, filter: number): void {
    this.#record("blitFramebuffer", [read, draw, src, dst, mask, filter]);
  }
  enable(cap: number): void {
    this.#record("enable", [cap]);
  }
  disable(cap: number): void {
    this.#record("disable", [cap]);
  }
  scissor(x: number, y: number, w: number, h: number): void {
    this.#record("scissor", [x, y, w, h]);
  }

  // HostGlPrograms: recorded only.
  useProgram(program: number): void {
    this.#record("useProgram", [program]);
  }
  /** Every name is at location 7 of a live program, -1 elsewhere. */
  getUniformLocation(program: number, name: string): number {
    this.#record("getUniformLocation", [program, name]);
    return this.#live.get(program) === "program" ? 7 : -1;
  }
  programUniform4uiv(program: number, location: number, data: Uint32Array): void {
    this.#record("programUniform4uiv", [program, location, data]);
  }

  // HostGlVertexArrays: recorded only.
  bindVertexArray(vao: number): void {
    this.#record("bindVertexArray", [vao]);
  }
  enableVertexArrayAttrib(vao: number, index: number, enable: boolean): void {
    this.#record("enableVertexArrayAttrib", [vao, index, enable]);
  }
  vertexArrayAttribFormat(vao: number, index: number, format: GlVertexAttribFormat): void {
    this.#record("vertexArrayAttribFormat", [vao, index, format]);
  }
  vertexArrayAttribBinding(vao: number, index: number, binding: number): void {
    this.#record("vertexArrayAttribBinding", [vao, index, binding]);
  }
  vertexArrayVertexBuffer(vao: number, binding: number, buffer: number, offset: number, stride: number): void {
    this.#record("vertexArrayVertexBuffer", [vao, binding, buffer, offset, stride]);
  }
  vertexArrayBindingDivisor(vao: number, binding: number, divisor: number): void {
    this.#record("vertexArrayBindingDivisor", [vao, binding, divisor]);
  }
  vertexArrayElementBuffer(vao: number, buffer: number): void {
    this.#record("vertexArrayElementBuffer", [vao, buffer]);
  }

  // HostGlSamplers: recorded only.
  samplerParameteri(sampler: number, pname: number, value: number): void {
    this.#record("samplerParameteri", [sampler, pname, value]);
  }
  samplerParameterf(sampler: number, pname: number, value: number): void {
    this.#record("samplerParameterf", [sampler, pname, value]);
  }
  samplerParameterfv(sampler: number, pname: number, values: Float32Array): void {
    this.#record("samplerParameterfv", [sampler, pname, values]);
  }
  bindSampler(unit: number, sampler: number): void {
    this.#record("bindSampler", [unit, sampler]);
  }
  bindTextureUnit(unit: number, texture: number): void {
    this.#record("bindTextureUnit", [unit, texture]);
  }

  // HostGlPipelineState: recorded only.
  enablei(cap: number, index: number): void {
    this.#record("enablei", [cap, index]);
  }
  disablei(cap: number, index: number): void {
    this.#record("disablei", [cap, index]);
  }
  blendFuncSeparatei(buffer: number, srcRgb: number, dstRgb: number, srcAlpha: number, dstAlpha: number): void {
    this.#record("blendFuncSeparatei", [buffer, srcRgb, dstRgb, srcAlpha, dstAlpha]);
  }
  blendEquationSeparatei(buffer: number, rgb: number, alpha: number): void {
    this.#record("blendEquationSeparatei", [buffer, rgb, alpha]);
  }
  blendEquationi(buffer: number, mode: number): void {
    this.#record("blendEquationi", [buffer, mode]);
  }
  colorMaski(buffer: number, r: boolean, g: boolean, b: boolean, a: boolean): void {
    this.#record("colorMaski", [buffer, r, g, b, a]);
  }
  blendColor(r: number, g: number, b: number, a: number): void {
    this.#record("blendColor", [r, g, b, a]);
  }
  logicOp(op: number): void {
    this.#record("logicOp", [op]);
  }
  depthFunc(func: number): void {
    this.#record("depthFunc", [func]);
  }
  depthMask(write: boolean): void {
    this.#record("depthMask", [write]);
  }
  stencilFuncSeparate(face: number, func: number, ref: number, mask: number): void {
    this.#record("stencilFuncSeparate", [face, func, ref, mask]);
  }
  stencilOpSeparate(face: number, fail: number, zfail: number, zpass: number): void {
    this.#record("stencilOpSeparate", [face, fail, zfail, zpass]);
  }
  stencilMaskSeparate(face: number, mask: number): void {
    this.#record("stencilMaskSeparate", [face, mask]);
  }
  cullFace(face: number): void {
    this.#record("cullFace", [face]);
  }
  frontFace(mode: number): void {
    this.#record("frontFace", [mode]);
  }
  polygonMode(face: number, mode: number): void {
    this.#record("polygonMode", [face, mode]);
  }
  polygonOffset(factor: number, units: number): void {
    this.#record("polygonOffset", [factor, units]);
  }
  lineWidth(width: number): void {
    this.#record("lineWidth", [width]);
  }
  pointSize(size: number): void {
    this.#record("pointSize", [size]);
  }
  viewportIndexed(index: number, v: GlViewport): void {
    this.#record("viewportIndexed", [index, v]);
  }
  scissorIndexed(index: number, x: number, y: number, w: number, h: number): void {
    this.#record("scissorIndexed", [index, x, y, w, h]);
  }
  clipControl(origin: number, depth: number): void {
    this.#record("clipControl", [origin, depth]);
  }
  sampleMaski(index: number, mask: number): void {
    this.#record("sampleMaski", [index, mask]);
  }
  primitiveRestartIndex(index: number): void {
    this.#record("primitiveRestartIndex", [index]);
  }
  minSampleShading(value: number): void {
    this.#record("minSampleShading", [value]);
  }
  /** Every sample at the pixel's centre. */
  getSamplePosition(framebuffer: number, index: number): readonly [number, number] {
    this.#record("getSamplePosition", [framebuffer, index]);
    return [0.5, 0.5];
  }

  // HostGlQueries: recorded only.
  beginConditionalRender(query: number, mode: number): void {
    this.#record("beginConditionalRender", [query, mode]);
  }
  endConditionalRender(): void {
    this.#record("endConditionalRender", []);
  }

  // HostGlTransformFeedback: recorded only.
  bindTransformFeedback(xfb: number): void {
    this.#record("bindTransformFeedback", [xfb]);
  }
  transformFeedbackBufferRange(xfb: number, index: number, buffer: number, offset: number, size: number): void {
    this.#record("transformFeedbackBufferRange", [xfb, index, buffer, offset, size]);
  }
  beginTransformFeedback(mode: number): void {
    this.#record("beginTransformFeedback", [mode]);
  }
  endTransformFeedback(): void {
    this.#record("endTransformFeedback", []);
  }
  pauseTransformFeedback(): void {
    this.#record("pauseTransformFeedback", []);
  }
  resumeTransformFeedback(): void {
    this.#record("resumeTransformFeedback", []);
  }
  drawTransformFeedback(mode: number, xfb: number, instances: number): void {
    this.#record("drawTransformFeedback", [mode, xfb, instances]);
  }

  // HostGlMemory: recorded only.
  bindBufferRange(target: number, index: number, buffer: number, offset: number, size: number): void {
    this.#record("bindBufferRange", [target, index, buffer, offset, size]);
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
    this.#record("bindImageTexture", [unit, texture, level, layered, layer, access, format]);
  }
  memoryBarrier(barriers: number): void {
    this.#record("memoryBarrier", [barriers]);
  }

  // HostGlDraws: recorded only.
  drawArrays(d: GlDrawArrays): void {
    this.#record("drawArrays", [d]);
  }
  drawElements(d: GlDrawElements): void {
    this.#record("drawElements", [d]);
  }

  // HostGlIndirectDraws: recorded only.
  bindDrawIndirectBuffer(buffer: number): void {
    this.#record("bindDrawIndirectBuffer", [buffer]);
  }
  drawArraysIndirect(mode: number, offset: number): void {
    this.#record("drawArraysIndirect", [mode, offset]);
  }
  drawElementsIndirect(mode: number, type: number, offset: number): void {
    this.#record("drawElementsIndirect", [mode, type, offset]);
  }
  multiDrawArraysIndirect(mode: number, offset: number, drawCount: number, stride: number): void {
    this.#record("multiDrawArraysIndirect", [mode, offset, drawCount, stride]);
  }
  multiDrawElementsIndirect(mode: number, type: number, offset: number, drawCount: number, stride: number): void {
    this.#record("multiDrawElementsIndirect", [mode, type, offset, drawCount, stride]);
  }

  // HostGlCompute: recorded only.
  bindDispatchIndirectBuffer(buffer: number): void {
    this.#record("bindDispatchIndirectBuffer", [buffer]);
  }
  dispatchCompute(x: number, y: number, z: number): void {
    this.#record("dispatchCompute", [x, y, z]);
  }
  dispatchComputeIndirect(offset: number): void {
    this.#record("dispatchComputeIndirect", [offset]);
  }

  // HostGlTessellation: recorded only.
  patchParameteri(pname: number, value: number): void {
    this.#record("patchParameteri", [pname, value]);
  }
  patchParameterfv(pname: number, values: Float32Array): void {
    this.#record("patchParameterfv", [pname, values]);
  }
}
