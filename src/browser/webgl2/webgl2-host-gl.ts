import type { GlDrawArrays, GlDrawElements } from "../../components/virgl/host-gl/draws.ts";
import type { GlRect } from "../../components/virgl/host-gl/framebuffers.ts";
import { GL } from "../../components/virgl/host-gl/gl-constants.ts";
import type { HostGl, HostGlContext } from "../../components/virgl/host-gl/host-gl.ts";
import type { HostGlFeatures } from "../../components/virgl/host-gl/indirect-draws.ts";
import type { GlViewport } from "../../components/virgl/host-gl/pipeline-state.ts";
import type { GlBuildResult } from "../../components/virgl/host-gl/programs.ts";
import type { GlBox, GlImageRef, GlTextureStorage } from "../../components/virgl/host-gl/textures.ts";
import type { GlVertexAttribFormat } from "../../components/virgl/host-gl/vertex-arrays.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { ContextStateSlots } from "./context-state.ts";
import { pixelView, swapRedBlue } from "./typed-views.ts";

/** Throws the typed refusal for what WebGL2 cannot execute (the virgl component turns it into a refused command). */
function refuse(what: string): never {
  throw new RutabagaError("Unsupported", `${what} on WebGL2`);
}

const GL_UNIFORM_BUFFER = 0x8a11;
const GL_TRANSFORM_FEEDBACK_BUFFER = 0x8c8e;
const GL_ELEMENT_ARRAY_BUFFER = 0x8893;
const GL_DYNAMIC_DRAW = 0x88e8;
const GL_DITHER = 0x0bd0;
const GL_SAMPLE_COVERAGE = 0x80a0;
const GL_COPY = 0x1503;

/** Capabilities WebGL2 can switch. */
const WEBGL_CAPS = new Set<number>([
  GL.BLEND,
  GL.CULL_FACE,
  GL.DEPTH_TEST,
  GL_DITHER,
  GL.POLYGON_OFFSET_FILL,
  GL.SAMPLE_ALPHA_TO_COVERAGE,
  GL_SAMPLE_COVERAGE,
  GL.SCISSOR_TEST,
  GL.STENCIL_TEST,
  GL.RASTERIZER_DISCARD,
]);
/** Capabilities an ES 3.0 context has always on (disabling them is not expressible; enabling is a no-op). */
const ALWAYS_ON = new Set<number>([
  GL.PROGRAM_POINT_SIZE,
  GL.TEXTURE_CUBE_MAP_SEAMLESS,
  GL.MULTISAMPLE,
  GL.PRIMITIVE_RESTART,
  GL.FRAMEBUFFER_SRGB,
]);

/** One attribute's format and binding as GL 4.3's separate attribute format calls set them. */
interface AttribState {
  enabled: boolean;
  format: GlVertexAttribFormat | undefined;
  binding: number;
}
/** One vertex buffer binding. */
interface BindingState {
  buffer: number;
  offset: number;
  stride: number;
  divisor: number;
}
/** A vertex array: WebGL2 has only `vertexAttribPointer`, so formats and bindings are combined at draw time. */
interface VertexArray {
  readonly obj: WebGLVertexArrayObject;
  readonly attribs: Map<number, AttribState>;
  readonly bindings: Map<number, BindingState>;
  dirty: boolean;
}
interface Texture {
  readonly obj: WebGLTexture;
  readonly target: number;
  dims: number;
  /** A non-identity swizzle the guest's format asked for (X8 alpha = 1, A8, L8...): WebGL2 cannot sample it so. */
  swizzled: boolean;
}
interface Program {
  readonly obj: WebGLProgram;
  readonly locations: WebGLUniformLocation[];
}
interface ContextRecord extends HostGlContext {
  readonly slots: ContextStateSlots;
}

/** Stage prefixes of the emitter's GLSL ES 3.00 output and their virgl stage numbers (VS 0, FS 1). */
const ES_STAGES: Readonly<Record<string, number>> = { vs: 0, fs: 1 };
/** Texture units and uniform-buffer bindings per stage (the emitter's binding contract, tgsi/glsl-bindings.ts). */
const PER_STAGE = 16;

/**
 * {@link HostGl} on one `WebGL2RenderingContext` (a page's canvas or a worker's `OffscreenCanvas`), serving every
 * guest context: each context's bound state is kept and re-applied on a switch. GL 4.5 direct state access is
 * emulated by binding on scratch units; what WebGL2 lacks (geometry, tessellation and compute stages, buffer
 * textures, views, multisample textures, indirect draws, base vertex/instance, compressed read-back, swizzles) is
 * refused with `RutabagaError` code `Unsupported`. BGRA byte uploads and read-backs are converted to RGBA.
 */
export class WebGl2HostGl implements HostGl {
  readonly glVersion = 0;
  readonly glesVersion = 30;
  readonly features: HostGlFeatures = { indirectParameters: false, textureBarrier: false, blendBarrier: false };
  readonly #gl: WebGL2RenderingContext;
  readonly #textures = new Map<number, Texture>();
  readonly #buffers = new Map<number, WebGLBuffer>();
  readonly #framebuffers = new Map<number, WebGLFramebuffer>();
  readonly #shaders = new Map<number, WebGLShader>();
  readonly #programs = new Map<number, Program>();
  readonly #vaos = new Map<number, VertexArray>();
  readonly #samplers = new Map<number, WebGLSampler>();
  readonly #queries = new Map<number, { obj: WebGLQuery; target: number }>();
  readonly #xfbs = new Map<number, WebGLTransformFeedback>();
  readonly #host: ContextRecord = { id: 0, slots: new ContextStateSlots() };
  #current: ContextRecord = this.#host;
  #nextName = 1;
  #nextContext = 1;
  #program = 0;
  #vao = 0;
  #drawFb = 0;
  #readFb = 0;
  #xfb = 0;
  readonly #scratchRead: WebGLFramebuffer;
  readonly #scratchDraw: WebGLFramebuffer;
  /** The texture unit used to bind textures for uploads (the last one, which the binding contract never names). */
  readonly #scratchUnit: number;

  constructor(gl: WebGL2RenderingContext) {
    this.#gl = gl;
    this.#scratchRead = gl.createFramebuffer();
    this.#scratchDraw = gl.createFramebuffer();
    this.#scratchUnit = (gl.getParameter(gl.MAX_COMBINED_TEXTURE_IMAGE_UNITS) as number) - 1;
    gl.activeTexture(gl.TEXTURE0 + this.#scratchUnit);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
  }

  #name(): number {
    return this.#nextName++;
  }
  #texture(name: number): Texture {
    return this.#textures.get(name) ?? refuse(`texture ${name} (unknown name)`);
  }
  #buffer(name: number): WebGLBuffer | null {
    if (name === 0) return null;
    return this.#buffers.get(name) ?? refuse(`buffer ${name} (unknown name)`);
  }
  #fb(name: number): WebGLFramebuffer | null {
    if (name === 0) return null;
    return this.#framebuffers.get(name) ?? refuse(`framebuffer ${name} (unknown name)`);
  }
  #vertexArray(name: number): VertexArray {
    return this.#vaos.get(name) ?? refuse(`vertex array ${name} (unknown name)`);
  }
  /** Binds `texture` on the scratch unit for an upload or parameter call. */
  #bindScratch(t: Texture): void {
    this.#gl.bindTexture(t.target, t.obj);
  }
  /** Runs `body` with `fb` bound for drawing, then puts the context's draw binding back. */
  #withDrawFb<T>(fb: WebGLFramebuffer | null, body: () => T): T {
    const gl = this.#gl;
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, fb);
    try {
      return body();
    } finally {
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#fb(this.#drawFb));
    }
  }
  #withProgram<T>(p: WebGLProgram, body: () => T): T {
    const gl = this.#gl;
    gl.useProgram(p);
    try {
      return body();
    } finally {
      gl.useProgram(this.#programs.get(this.#program)?.obj ?? null);
    }
  }
  /** Attaches `level`/`layer` of a texture to the bound `target` framebuffer at `attachment`. */
  #attach(target: number, attachment: number, t: Texture | undefined, level: number, layer: number): void {
    const gl = this.#gl;
    if (t === undefined) gl.framebufferTexture2D(target, attachment, gl.TEXTURE_2D, null, 0);
    else if (t.target === GL.TEXTURE_2D) gl.framebufferTexture2D(target, attachment, gl.TEXTURE_2D, t.obj, level);
    else if (t.target === GL.TEXTURE_CUBE_MAP)
      gl.framebufferTexture2D(target, attachment, GL.TEXTURE_CUBE_MAP_POSITIVE_X + layer, t.obj, level);
    else gl.framebufferTextureLayer(target, attachment, t.obj, level, layer);
  }

  // HostGlContexts
  createContext(): HostGlContext {
    const ctx: ContextRecord = { id: this.#nextContext++, slots: new ContextStateSlots() };
    return ctx;
  }
  makeCurrent(ctx: HostGlContext | undefined): void {
    const next = (ctx as ContextRecord | undefined) ?? this.#host;
    if (next === this.#current) return;
    if (!(next.slots instanceof ContextStateSlots)) refuse("a context this host did not make");
    next.slots.switchFrom(this.#current.slots);
    this.#current = next;
  }
  ensureCurrent(): void {
    /* one WebGL2 context: some context is always current */
  }
  destroyContext(ctx: HostGlContext): void {
    if (ctx === this.#current) {
      this.#host.slots.switchFrom(this.#current.slots);
      this.#current = this.#host;
    }
  }
  destroy(): void {
    const gl = this.#gl;
    for (const t of this.#textures.values()) gl.deleteTexture(t.obj);
    for (const b of this.#buffers.values()) gl.deleteBuffer(b);
    for (const f of this.#framebuffers.values()) gl.deleteFramebuffer(f);
    for (const p of this.#programs.values()) gl.deleteProgram(p.obj);
    for (const s of this.#shaders.values()) gl.deleteShader(s);
    for (const v of this.#vaos.values()) gl.deleteVertexArray(v.obj);
    for (const s of this.#samplers.values()) gl.deleteSampler(s);
    for (const q of this.#queries.values()) gl.deleteQuery(q.obj);
    for (const x of this.#xfbs.values()) gl.deleteTransformFeedback(x);
    gl.deleteFramebuffer(this.#scratchRead);
    gl.deleteFramebuffer(this.#scratchDraw);
    for (const m of [this.#textures, this.#buffers, this.#framebuffers, this.#programs, this.#shaders]) m.clear();
    for (const m of [this.#vaos, this.#samplers, this.#queries, this.#xfbs]) m.clear();
  }
  getError(): number {
    return this.#gl.getError();
  }
  getString(name: number): string {
    if (name === GL.EXTENSIONS) return (this.#gl.getSupportedExtensions() ?? []).join(" ");
    const v = this.#gl.getParameter(name) as unknown;
    if (typeof v === "string") return v;
    this.#gl.getError();
    return "";
  }
  /** WebGL extension names (`EXT_color_buffer_float`...), not GL ones: WebGL has no `glGetStringi`. */
  getStringi(name: number, index: number): string {
    if (name !== GL.EXTENSIONS) refuse(`getStringi(0x${name.toString(16)})`);
    return this.#gl.getSupportedExtensions()?.[index] ?? "";
  }
  /**
   * A WebGL2 integer parameter; a name WebGL2 does not know (a desktop-only limit) reads 0, so nothing is advertised.
   * `GL_MAX_SAMPLES` reads 0: virgl keeps multisample images in multisample textures, which WebGL2 lacks.
   */
  getInteger(pname: number): number {
    if (pname === GL.MAX_SAMPLES) return 0;
    if (pname === GL.MAJOR_VERSION) return 3;
    if (pname === GL.MINOR_VERSION) return 0;
    if (pname === GL.NUM_EXTENSIONS) return this.#gl.getSupportedExtensions()?.length ?? 0;
    const v = this.#gl.getParameter(pname) as unknown;
    if (v === null || v === undefined) {
      this.#gl.getError();
      return 0;
    }
    if (typeof v === "number") return v;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (ArrayBuffer.isView(v)) return Number((v as Int32Array)[0] ?? 0);
    return 0;
  }
  getIntegerIndexed(pname: number, index: number): number {
    const v = this.#gl.getIndexedParameter(pname, index) as unknown;
    if (typeof v === "number") return v;
    this.#gl.getError();
    return 0;
  }
  getFloats(pname: number, count: number): Float32Array {
    const out = new Float32Array(count);
    const v = this.#gl.getParameter(pname) as unknown;
    if (typeof v === "number") out[0] = v;
    else if (v instanceof Float32Array) out.set(v.subarray(0, count));
    else this.#gl.getError();
    return out;
  }
  /**
   * `glGetInternalformativ` answered by probing this context (WebGL2 answers only renderbuffer sample counts), once
   * per format: supported and texturable when 1×1 immutable storage of it can be made, renderable when a framebuffer
   * with it attached (colour, depth or depth-stencil) is complete. Multisample texture samples are 0 (none exist).
   */
  getInternalformat(target: number, internalFormat: number, pname: number): number {
    if (pname === GL.SAMPLES) return 0;
    const probe = this.#formatProbe(internalFormat);
    if (pname === GL.INTERNALFORMAT_SUPPORTED) return probe.storage ? GL.TRUE : 0;
    if (pname === GL.FRAGMENT_TEXTURE) return probe.storage && target !== GL.TEXTURE_BUFFER ? GL.FULL_SUPPORT : GL.NONE;
    if (pname === GL.FRAMEBUFFER_RENDERABLE || pname === GL.READ_PIXELS)
      return probe.renderable ? GL.FULL_SUPPORT : GL.NONE;
    return 0;
  }
  readonly #formats = new Map<number, { storage: boolean; renderable: boolean }>();
  #formatProbe(internalFormat: number): { storage: boolean; renderable: boolean } {
    const known = this.#formats.get(internalFormat);
    if (known !== undefined) return known;
    const gl = this.#gl;
    const tex = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, tex);
    while (gl.getError() !== gl.NO_ERROR) {
      /* earlier errors are not this probe's */
    }
    gl.texStorage2D(gl.TEXTURE_2D, 1, internalFormat, 1, 1);
    const storage = gl.getError() === gl.NO_ERROR;
    let renderable = false;
    if (storage) {
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#scratchDraw);
      for (const a of [gl.COLOR_ATTACHMENT0, gl.DEPTH_ATTACHMENT, gl.DEPTH_STENCIL_ATTACHMENT]) {
        gl.framebufferTexture2D(gl.DRAW_FRAMEBUFFER, a, gl.TEXTURE_2D, tex, 0);
        renderable ||=
          gl.getError() === gl.NO_ERROR && gl.checkFramebufferStatus(gl.DRAW_FRAMEBUFFER) === gl.FRAMEBUFFER_COMPLETE;
        gl.framebufferTexture2D(gl.DRAW_FRAMEBUFFER, a, gl.TEXTURE_2D, null, 0);
      }
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#fb(this.#drawFb));
    }
    gl.deleteTexture(tex);
    while (gl.getError() !== gl.NO_ERROR) {
      /* a refused format leaves INVALID_ENUM/INVALID_OPERATION behind */
    }
    const probe = { storage, renderable };
    this.#formats.set(internalFormat, probe);
    return probe;
  }
  finish(): void {
    this.#gl.finish();
  }
  flush(): void {
    this.#gl.flush();
  }

  // HostGlTextures
  createTexture(target: number): number {
    if (
      target !== GL.TEXTURE_2D &&
      target !== GL.TEXTURE_3D &&
      target !== GL.TEXTURE_2D_ARRAY &&
      target !== GL.TEXTURE_CUBE_MAP
    )
      refuse(`texture target 0x${target.toString(16)}`);
    const name = this.#name();
    this.#textures.set(name, { obj: this.#gl.createTexture(), target, dims: 0, swizzled: false });
    return name;
  }
  deleteTexture(texture: number): void {
    const t = this.#textures.get(texture);
    if (t === undefined) return;
    this.#gl.deleteTexture(t.obj);
    this.#textures.delete(texture);
  }
  textureStorage(texture: number, s: GlTextureStorage): void {
    const gl = this.#gl;
    const t = this.#texture(texture);
    if (s.samples > 1) refuse("multisample textures");
    this.#bindScratch(t);
    if (t.target === GL.TEXTURE_2D || t.target === GL.TEXTURE_CUBE_MAP)
      gl.texStorage2D(t.target, s.levels, s.internalFormat, s.width, s.height);
    else gl.texStorage3D(t.target, s.levels, s.internalFormat, s.width, s.height, s.depth);
    t.dims = s.dims;
  }
  textureBufferRange(): void {
    refuse("buffer textures");
  }
  textureParameteri(texture: number, pname: number, value: number): void {
    if (pname === GL.TEXTURE_LOD_BIAS && value === 0) return;
    if (pname === GL.TEXTURE_LOD_BIAS) refuse("texture LOD bias");
    const t = this.#texture(texture);
    this.#bindScratch(t);
    this.#gl.texParameteri(t.target, pname, value);
  }
  /**
   * WebGL2 has no texture swizzle: a non-identity one is kept on the texture, which can still be rendered to, copied
   * and read back (the swizzle applies only to sampling), and binding it for sampling is refused.
   */
  textureParameteriv(texture: number, pname: number, values: Int32Array): void {
    const t = this.#texture(texture);
    if (pname !== GL.TEXTURE_SWIZZLE_RGBA) refuse(`textureParameteriv(0x${pname.toString(16)})`);
    const identity = [GL.RED, GL.GREEN, GL.BLUE, GL.ALPHA];
    t.swizzled = !identity.every((c, i) => values[i] === c);
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
    const gl = this.#gl;
    const t = this.#texture(texture);
    if (dims === 1) refuse("1D textures");
    let fmt = format;
    let bytes = data;
    if (format === GL.BGRA) {
      if (type !== GL.UNSIGNED_BYTE) refuse("BGRA uploads of packed types");
      bytes = new Uint8Array(data.length);
      swapRedBlue(data, bytes);
      fmt = GL.RGBA;
    }
    const { view } = pixelView(type, bytes);
    this.#bindScratch(t);
    if (t.target === GL.TEXTURE_2D) {
      gl.texSubImage2D(t.target, level, box.x, box.y, box.w, box.h, fmt, type, view);
    } else if (t.target === GL.TEXTURE_CUBE_MAP) {
      const faceBytes = bytes.length / Math.max(1, box.d);
      for (let f = 0; f < box.d; f++) {
        const face = pixelView(type, bytes.subarray(f * faceBytes, (f + 1) * faceBytes)).view;
        gl.texSubImage2D(
          GL.TEXTURE_CUBE_MAP_POSITIVE_X + box.z + f,
          level,
          box.x,
          box.y,
          box.w,
          box.h,
          fmt,
          type,
          face,
        );
      }
    } else {
      gl.texSubImage3D(t.target, level, box.x, box.y, box.z, box.w, box.h, box.d, fmt, type, view);
    }
  }
  compressedTextureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    box: GlBox,
    internalFormat: number,
    data: Uint8Array,
  ): void {
    const gl = this.#gl;
    const t = this.#texture(texture);
    if (dims === 1) refuse("1D textures");
    this.#bindScratch(t);
    if (t.target === GL.TEXTURE_2D)
      gl.compressedTexSubImage2D(t.target, level, box.x, box.y, box.w, box.h, internalFormat, data);
    else if (t.target === GL.TEXTURE_CUBE_MAP) refuse("compressed cube map uploads");
    else gl.compressedTexSubImage3D(t.target, level, box.x, box.y, box.z, box.w, box.h, box.d, internalFormat, data);
  }
  /** Read back through a framebuffer, one layer at a time (WebGL2 has no `glGetTexImage`): colour-renderable only. */
  getTextureSubImage(texture: number, level: number, box: GlBox, format: number, type: number, out: Uint8Array): void {
    const gl = this.#gl;
    const t = this.#texture(texture);
    const bgra = format === GL.BGRA;
    if (bgra && type !== GL.UNSIGNED_BYTE) refuse("BGRA read-back of packed types");
    const layerBytes = out.length / Math.max(1, box.d);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#scratchRead);
    try {
      for (let l = 0; l < box.d; l++) {
        this.#attach(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, t, level, box.z + l);
        if (gl.checkFramebufferStatus(gl.READ_FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE)
          refuse("read-back of a texture that is not colour-renderable");
        const dst = out.subarray(l * layerBytes, (l + 1) * layerBytes);
        const { view, copy } = pixelView(type, dst);
        gl.readPixels(box.x, box.y, box.w, box.h, bgra ? gl.RGBA : format, type, view);
        if (copy) dst.set(new Uint8Array(view.buffer, 0, dst.length));
        if (bgra) swapRedBlue(dst, dst);
      }
    } finally {
      gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#fb(this.#readFb));
    }
  }
  getCompressedTextureSubImage(): void {
    refuse("compressed texture read-back");
  }
  /**
   * Emulated with a scissored framebuffer clear of each layer, for the zero texel only (what resource creation
   * asks; zero bytes are zero in every channel of every format) of renderable formats; other values are refused.
   */
  clearTexSubImage(texture: number, level: number, box: GlBox, format: number, _type: number, data: Uint8Array): void {
    const gl = this.#gl;
    const t = this.#texture(texture);
    if (data.some((b) => b !== 0)) refuse("clearTexSubImage with a non-zero value");
    const depth = format === GL.DEPTH_COMPONENT;
    const depthStencil = format === GL.DEPTH_STENCIL;
    if (format === GL.STENCIL_INDEX) refuse("stencil-only textures");
    const integer = [GL.RED_INTEGER, GL.RG_INTEGER, GL.RGB_INTEGER, GL.RGBA_INTEGER, GL.BGRA_INTEGER].includes(
      format as 0x8d94,
    );
    const attachment = depth ? gl.DEPTH_ATTACHMENT : depthStencil ? gl.DEPTH_STENCIL_ATTACHMENT : gl.COLOR_ATTACHMENT0;
    const saved = {
      color: gl.getParameter(gl.COLOR_WRITEMASK) as boolean[],
      depth: gl.getParameter(gl.DEPTH_WRITEMASK) as boolean,
      stencil: gl.getParameter(gl.STENCIL_WRITEMASK) as number,
      scissorOn: gl.isEnabled(gl.SCISSOR_TEST),
      scissor: gl.getParameter(gl.SCISSOR_BOX) as Int32Array,
    };
    gl.colorMask(true, true, true, true);
    gl.depthMask(true);
    gl.stencilMaskSeparate(gl.FRONT, 0xff);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(box.x, box.y, box.w, box.h);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#scratchDraw);
    try {
      for (let l = 0; l < box.d; l++) {
        this.#attach(gl.DRAW_FRAMEBUFFER, attachment, t, level, box.z + l);
        if (gl.checkFramebufferStatus(gl.DRAW_FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE)
          refuse("clearing a texture that is not renderable");
        if (depthStencil) gl.clearBufferfi(gl.DEPTH_STENCIL, 0, 0, 0);
        else if (depth) gl.clearBufferfv(gl.DEPTH, 0, [0]);
        else if (integer) gl.clearBufferuiv(gl.COLOR, 0, [0, 0, 0, 0]);
        else gl.clearBufferfv(gl.COLOR, 0, [0, 0, 0, 0]);
      }
    } finally {
      this.#attach(gl.DRAW_FRAMEBUFFER, attachment, undefined, 0, 0);
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#fb(this.#drawFb));
      const [r, g, b, a] = saved.color;
      gl.colorMask(r!, g!, b!, a!);
      gl.depthMask(saved.depth);
      gl.stencilMaskSeparate(gl.FRONT, saved.stencil);
      if (!saved.scissorOn) gl.disable(gl.SCISSOR_TEST);
      gl.scissor(saved.scissor[0]!, saved.scissor[1]!, saved.scissor[2]!, saved.scissor[3]!);
    }
  }
  /** Emulated with a blit between scratch framebuffers (colour-renderable formats). */
  copyImageSubData(src: GlImageRef, dst: GlImageRef, w: number, h: number, d: number): void {
    const gl = this.#gl;
    const s = this.#texture(src.name);
    const t = this.#texture(dst.name);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#scratchRead);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#scratchDraw);
    const scissor = gl.isEnabled(gl.SCISSOR_TEST);
    gl.disable(gl.SCISSOR_TEST);
    try {
      for (let l = 0; l < d; l++) {
        this.#attach(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, s, src.level, src.z + l);
        this.#attach(gl.DRAW_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, t, dst.level, dst.z + l);
        gl.blitFramebuffer(
          src.x,
          src.y,
          src.x + w,
          src.y + h,
          dst.x,
          dst.y,
          dst.x + w,
          dst.y + h,
          gl.COLOR_BUFFER_BIT,
          gl.NEAREST,
        );
      }
    } finally {
      gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
      gl.framebufferTexture2D(gl.DRAW_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
      if (scissor) gl.enable(gl.SCISSOR_TEST);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#fb(this.#readFb));
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, this.#fb(this.#drawFb));
    }
  }
  textureView(): void {
    refuse("texture views");
  }
  createTextureName(): number {
    refuse("texture views");
  }

  // HostGlBuffers
  createBuffer(size: number): number {
    const gl = this.#gl;
    const b = gl.createBuffer();
    gl.bindBuffer(gl.COPY_WRITE_BUFFER, b);
    gl.bufferData(gl.COPY_WRITE_BUFFER, size, GL_DYNAMIC_DRAW);
    const name = this.#name();
    this.#buffers.set(name, b);
    return name;
  }
  deleteBuffer(buffer: number): void {
    const b = this.#buffers.get(buffer);
    if (b === undefined) return;
    this.#gl.deleteBuffer(b);
    this.#buffers.delete(buffer);
  }
  zeroBufferSubData(buffer: number, offset: number, size: number): void {
    this.bufferSubData(buffer, offset, new Uint8Array(size));
  }
  bufferSubData(buffer: number, offset: number, data: Uint8Array): void {
    const gl = this.#gl;
    gl.bindBuffer(gl.COPY_WRITE_BUFFER, this.#buffer(buffer));
    gl.bufferSubData(gl.COPY_WRITE_BUFFER, offset, data);
  }
  /** WebGL2's synchronous `getBufferSubData` (it waits for the GL). */
  getBufferSubData(buffer: number, offset: number, out: Uint8Array): void {
    const gl = this.#gl;
    gl.bindBuffer(gl.COPY_READ_BUFFER, this.#buffer(buffer));
    gl.getBufferSubData(gl.COPY_READ_BUFFER, offset, out);
  }
  copyBufferSubData(src: number, dst: number, srcOffset: number, dstOffset: number, size: number): void {
    const gl = this.#gl;
    gl.bindBuffer(gl.COPY_READ_BUFFER, this.#buffer(src));
    gl.bindBuffer(gl.COPY_WRITE_BUFFER, this.#buffer(dst));
    gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_WRITE_BUFFER, srcOffset, dstOffset, size);
  }

  // HostGlFramebuffers
  createFramebuffer(): number {
    const name = this.#name();
    this.#framebuffers.set(name, this.#gl.createFramebuffer());
    return name;
  }
  deleteFramebuffer(fb: number): void {
    const f = this.#framebuffers.get(fb);
    if (f === undefined) return;
    this.#gl.deleteFramebuffer(f);
    this.#framebuffers.delete(fb);
  }
  framebufferTexture(fb: number, attachment: number, texture: number, level: number): void {
    const t = texture === 0 ? undefined : this.#texture(texture);
    if (t !== undefined && t.target !== GL.TEXTURE_2D) refuse("layered framebuffer attachments");
    this.#withDrawFb(this.#fb(fb), () => this.#attach(this.#gl.DRAW_FRAMEBUFFER, attachment, t, level, 0));
  }
  framebufferTextureLayer(fb: number, attachment: number, texture: number, level: number, layer: number): void {
    const t = texture === 0 ? undefined : this.#texture(texture);
    this.#withDrawFb(this.#fb(fb), () => this.#attach(this.#gl.DRAW_FRAMEBUFFER, attachment, t, level, layer));
  }
  framebufferParameteri(): void {
    refuse("framebuffers without attachments");
  }
  /** WebGL2's rule: draw buffer i is `COLOR_ATTACHMENTi` or `NONE`; another order is refused. */
  framebufferDrawBuffers(fb: number, buffers: Uint32Array): void {
    buffers.forEach((b, i) => {
      if (b !== GL.NONE && b !== GL.COLOR_ATTACHMENT0 + i) refuse("draw buffers out of attachment order");
    });
    this.#withDrawFb(this.#fb(fb), () => this.#gl.drawBuffers(Array.from(buffers)));
  }
  framebufferReadBuffer(fb: number, buffer: number): void {
    const gl = this.#gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#fb(fb));
    gl.readBuffer(buffer);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#fb(this.#readFb));
  }
  checkFramebufferStatus(fb: number): number {
    return this.#withDrawFb(this.#fb(fb), () => this.#gl.checkFramebufferStatus(this.#gl.DRAW_FRAMEBUFFER));
  }
  bindFramebuffer(target: number, fb: number): void {
    const gl = this.#gl;
    const f = this.#fb(fb);
    const read = target === GL.READ_FRAMEBUFFER || target === GL.FRAMEBUFFER;
    const draw = target === GL.DRAW_FRAMEBUFFER || target === GL.FRAMEBUFFER;
    if (read)
      this.#current.slots.set(
        "fb:read",
        () => {
          this.#readFb = fb;
          gl.bindFramebuffer(gl.READ_FRAMEBUFFER, f);
        },
        () => {
          this.#readFb = 0;
          gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
        },
      );
    if (draw)
      this.#current.slots.set(
        "fb:draw",
        () => {
          this.#drawFb = fb;
          gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, f);
        },
        () => {
          this.#drawFb = 0;
          gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
        },
      );
  }
  clearBufferfv(fb: number, buffer: number, drawBuffer: number, value: Float32Array): void {
    this.#withDrawFb(this.#fb(fb), () => this.#gl.clearBufferfv(buffer, drawBuffer, value));
  }
  clearBufferiv(fb: number, buffer: number, drawBuffer: number, value: Int32Array): void {
    this.#withDrawFb(this.#fb(fb), () => this.#gl.clearBufferiv(buffer, drawBuffer, value));
  }
  clearBufferuiv(fb: number, buffer: number, drawBuffer: number, value: Uint32Array): void {
    this.#withDrawFb(this.#fb(fb), () => this.#gl.clearBufferuiv(buffer, drawBuffer, value));
  }
  clearBufferfi(fb: number, depth: number, stencil: number): void {
    this.#withDrawFb(this.#fb(fb), () => this.#gl.clearBufferfi(this.#gl.DEPTH_STENCIL, 0, depth, stencil));
  }
  blitFramebuffer(read: number, draw: number, src: GlRect, dst: GlRect, mask: number, filter: number): void {
    const gl = this.#gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#fb(read));
    try {
      this.#withDrawFb(this.#fb(draw), () =>
        gl.blitFramebuffer(src.x0, src.y0, src.x1, src.y1, dst.x0, dst.y0, dst.x1, dst.y1, mask, filter),
      );
    } finally {
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.#fb(this.#readFb));
    }
  }
  enable(cap: number): void {
    if (ALWAYS_ON.has(cap)) return;
    // Only the all-ones mask is accepted (sampleMaski), so enabling the sample mask changes nothing.
    if (cap === GL.SAMPLE_MASK) return;
    if (!WEBGL_CAPS.has(cap)) refuse(`glEnable(0x${cap.toString(16)})`);
    const gl = this.#gl;
    this.#current.slots.set(
      `cap:${cap}`,
      () => gl.enable(cap),
      () => (cap === GL_DITHER ? gl.enable(cap) : gl.disable(cap)),
    );
  }
  /** Disabling a capability WebGL2 lacks is its default; disabling one an ES context keeps on is not expressible. */
  disable(cap: number): void {
    if (ALWAYS_ON.has(cap)) return;
    if (!WEBGL_CAPS.has(cap)) return;
    const gl = this.#gl;
    this.#current.slots.set(
      `cap:${cap}`,
      () => gl.disable(cap),
      () => (cap === GL_DITHER ? gl.enable(cap) : gl.disable(cap)),
    );
  }
  scissor(x: number, y: number, w: number, h: number): void {
    this.scissorIndexed(0, x, y, w, h);
  }

  // HostGlPrograms
  compileShader(type: number, source: string): GlBuildResult {
    const gl = this.#gl;
    if (type !== GL.VERTEX_SHADER && type !== GL.FRAGMENT_SHADER) refuse(`shader stage 0x${type.toString(16)}`);
    const s = gl.createShader(type);
    if (s === null) return { name: 0, log: "createShader failed (context lost?)" };
    gl.shaderSource(s, source);
    gl.compileShader(s);
    const log = gl.getShaderInfoLog(s) ?? "";
    if (gl.getShaderParameter(s, gl.COMPILE_STATUS) !== true) {
      gl.deleteShader(s);
      return { name: 0, log };
    }
    const name = this.#name();
    this.#shaders.set(name, s);
    return { name, log };
  }
  deleteShader(shader: number): void {
    const s = this.#shaders.get(shader);
    if (s === undefined) return;
    this.#gl.deleteShader(s);
    this.#shaders.delete(shader);
  }
  /**
   * Links, then binds by name what GLSL ES 3.00 cannot bind in the source (tgsi/README "GLSL ES 3.00"): sampler
   * `<p>_samp<u>` to unit s*16+u, blocks `<p>_consts`, `<p>_ubo_block[j]`, `<p>_sysval` to s*16, s*16+1+j, s*16+15.
   */
  linkProgram(shaders: readonly number[], feedbackVaryings?: readonly string[]): GlBuildResult {
    const gl = this.#gl;
    const p = gl.createProgram();
    for (const s of shaders) gl.attachShader(p, this.#shaders.get(s) ?? refuse(`shader ${s} (unknown name)`));
    if (feedbackVaryings !== undefined && feedbackVaryings.length > 0)
      gl.transformFeedbackVaryings(p, [...feedbackVaryings], gl.INTERLEAVED_ATTRIBS);
    gl.linkProgram(p);
    const log = gl.getProgramInfoLog(p) ?? "";
    if (gl.getProgramParameter(p, gl.LINK_STATUS) !== true) {
      gl.deleteProgram(p);
      return { name: 0, log };
    }
    for (const s of shaders) gl.detachShader(p, this.#shaders.get(s)!);
    const blocks = gl.getProgramParameter(p, gl.ACTIVE_UNIFORM_BLOCKS) as number;
    for (let i = 0; i < blocks; i++) {
      const m = /^(vs|fs)_(consts|sysval|ubo_block\[(\d+)\])$/.exec(gl.getActiveUniformBlockName(p, i) ?? "");
      if (m === null) continue;
      const base = ES_STAGES[m[1]!]! * PER_STAGE;
      const slot = m[2] === "consts" ? 0 : m[2] === "sysval" ? PER_STAGE - 1 : 1 + Number(m[3]);
      gl.uniformBlockBinding(p, i, base + slot);
    }
    const uniforms = gl.getProgramParameter(p, gl.ACTIVE_UNIFORMS) as number;
    this.#withProgram(p, () => {
      for (let i = 0; i < uniforms; i++) {
        const info = gl.getActiveUniform(p, i);
        const m = info === null ? null : /^(vs|fs)_samp(\d+|\[0\])$/.exec(info.name);
        if (info === null || m === null) continue;
        const base = ES_STAGES[m[1]!]! * PER_STAGE;
        const loc = gl.getUniformLocation(p, info.name);
        if (m[2] === "[0]")
          gl.uniform1iv(
            loc,
            Int32Array.from({ length: info.size }, (_, k) => base + k),
          );
        else gl.uniform1i(loc, base + Number(m[2]));
      }
    });
    const name = this.#name();
    this.#programs.set(name, { obj: p, locations: [] });
    return { name, log };
  }
  deleteProgram(program: number): void {
    const p = this.#programs.get(program);
    if (p === undefined) return;
    this.#gl.deleteProgram(p.obj);
    this.#programs.delete(program);
  }
  useProgram(program: number): void {
    const gl = this.#gl;
    const p = program === 0 ? null : (this.#programs.get(program) ?? refuse(`program ${program} (unknown name)`)).obj;
    this.#current.slots.set(
      "program",
      () => {
        this.#program = program;
        gl.useProgram(p);
      },
      () => {
        this.#program = 0;
        gl.useProgram(null);
      },
    );
  }
  /** WebGL2 locations are objects: the number returned indexes the program's own table of them. */
  getUniformLocation(program: number, name: string): number {
    const p = this.#programs.get(program) ?? refuse(`program ${program} (unknown name)`);
    const loc = this.#gl.getUniformLocation(p.obj, name);
    if (loc === null) return -1;
    p.locations.push(loc);
    return p.locations.length - 1;
  }
  programUniform4uiv(program: number, location: number, data: Uint32Array): void {
    const p = this.#programs.get(program) ?? refuse(`program ${program} (unknown name)`);
    const loc = p.locations[location];
    if (loc === undefined) return;
    this.#withProgram(p.obj, () => this.#gl.uniform4uiv(loc, data));
  }

  // HostGlVertexArrays
  createVertexArray(): number {
    const name = this.#name();
    this.#vaos.set(name, { obj: this.#gl.createVertexArray(), attribs: new Map(), bindings: new Map(), dirty: true });
    return name;
  }
  deleteVertexArray(vao: number): void {
    const v = this.#vaos.get(vao);
    if (v === undefined) return;
    this.#gl.deleteVertexArray(v.obj);
    this.#vaos.delete(vao);
  }
  bindVertexArray(vao: number): void {
    const gl = this.#gl;
    const v = vao === 0 ? null : this.#vertexArray(vao).obj;
    this.#current.slots.set(
      "vao",
      () => {
        this.#vao = vao;
        gl.bindVertexArray(v);
      },
      () => {
        this.#vao = 0;
        gl.bindVertexArray(null);
      },
    );
  }
  #attrib(v: VertexArray, index: number): AttribState {
    let a = v.attribs.get(index);
    if (a === undefined) {
      a = { enabled: false, format: undefined, binding: index };
      v.attribs.set(index, a);
    }
    v.dirty = true;
    return a;
  }
  #binding(v: VertexArray, index: number): BindingState {
    let b = v.bindings.get(index);
    if (b === undefined) {
      b = { buffer: 0, offset: 0, stride: 16, divisor: 0 };
      v.bindings.set(index, b);
    }
    v.dirty = true;
    return b;
  }
  enableVertexArrayAttrib(vao: number, index: number, enable: boolean): void {
    this.#attrib(this.#vertexArray(vao), index).enabled = enable;
  }
  vertexArrayAttribFormat(vao: number, index: number, format: GlVertexAttribFormat): void {
    if (format.kind === "double") refuse("double vertex attributes");
    if (format.size === GL.BGRA) refuse("BGRA vertex attributes");
    this.#attrib(this.#vertexArray(vao), index).format = format;
  }
  vertexArrayAttribBinding(vao: number, index: number, binding: number): void {
    this.#attrib(this.#vertexArray(vao), index).binding = binding;
  }
  vertexArrayVertexBuffer(vao: number, binding: number, buffer: number, offset: number, stride: number): void {
    this.#buffer(buffer);
    const b = this.#binding(this.#vertexArray(vao), binding);
    b.buffer = buffer;
    b.offset = offset;
    b.stride = stride;
  }
  vertexArrayBindingDivisor(vao: number, binding: number, divisor: number): void {
    this.#binding(this.#vertexArray(vao), binding).divisor = divisor;
  }
  vertexArrayElementBuffer(vao: number, buffer: number): void {
    const gl = this.#gl;
    const b = this.#buffer(buffer);
    gl.bindVertexArray(this.#vertexArray(vao).obj);
    gl.bindBuffer(GL_ELEMENT_ARRAY_BUFFER, b);
    gl.bindVertexArray(this.#vaos.get(this.#vao)?.obj ?? null);
  }
  /** Turns the bound vertex array's formats and bindings into `vertexAttribPointer` calls (WebGL2 has no split). */
  #prepareVertexArray(): void {
    const v = this.#vaos.get(this.#vao);
    if (v === undefined || !v.dirty) return;
    const gl = this.#gl;
    for (const [index, a] of v.attribs) {
      const b = v.bindings.get(a.binding);
      if (!a.enabled || a.format === undefined || b === undefined || b.buffer === 0) {
        gl.disableVertexAttribArray(index);
        continue;
      }
      const f = a.format;
      gl.bindBuffer(gl.ARRAY_BUFFER, this.#buffer(b.buffer));
      if (f.kind === "int") gl.vertexAttribIPointer(index, f.size, f.type, b.stride, b.offset + f.relativeOffset);
      else gl.vertexAttribPointer(index, f.size, f.type, f.normalized, b.stride, b.offset + f.relativeOffset);
      gl.vertexAttribDivisor(index, b.divisor);
      gl.enableVertexAttribArray(index);
    }
    v.dirty = false;
  }

  // HostGlSamplers
  createSampler(): number {
    const name = this.#name();
    this.#samplers.set(name, this.#gl.createSampler());
    return name;
  }
  deleteSampler(sampler: number): void {
    const s = this.#samplers.get(sampler);
    if (s === undefined) return;
    this.#gl.deleteSampler(s);
    this.#samplers.delete(sampler);
  }
  #sampler(name: number): WebGLSampler {
    return this.#samplers.get(name) ?? refuse(`sampler ${name} (unknown name)`);
  }
  samplerParameteri(sampler: number, pname: number, value: number): void {
    const s = this.#sampler(sampler);
    const wrap = pname === GL.TEXTURE_WRAP_S || pname === GL.TEXTURE_WRAP_T || pname === GL.TEXTURE_WRAP_R;
    if (wrap && (value === GL.CLAMP_TO_BORDER || value === GL.MIRROR_CLAMP_TO_EDGE))
      refuse(`wrap mode 0x${value.toString(16)}`);
    this.#gl.samplerParameteri(s, pname, value);
  }
  samplerParameterf(sampler: number, pname: number, value: number): void {
    const s = this.#sampler(sampler);
    if (pname === GL.TEXTURE_LOD_BIAS) {
      if (value !== 0) refuse("sampler LOD bias");
      return;
    }
    this.#gl.samplerParameterf(s, pname, value);
  }
  /** The border colour is kept nowhere: WebGL2 has no `CLAMP_TO_BORDER` (refused), so it is never sampled. */
  samplerParameterfv(sampler: number, pname: number, _values: Float32Array): void {
    this.#sampler(sampler);
    if (pname !== GL.TEXTURE_BORDER_COLOR) refuse(`samplerParameterfv(0x${pname.toString(16)})`);
  }
  bindSampler(unit: number, sampler: number): void {
    const gl = this.#gl;
    const s = sampler === 0 ? null : this.#sampler(sampler);
    this.#current.slots.set(
      `sampler:${unit}`,
      () => gl.bindSampler(unit, s),
      () => gl.bindSampler(unit, null),
    );
  }
  bindTextureUnit(unit: number, texture: number): void {
    const gl = this.#gl;
    if (unit === this.#scratchUnit) refuse(`texture unit ${unit} (kept for uploads)`);
    const t = texture === 0 ? undefined : this.#texture(texture);
    if (t?.swizzled === true) refuse("sampling a texture with a swizzle");
    const targets = [gl.TEXTURE_2D, gl.TEXTURE_3D, gl.TEXTURE_2D_ARRAY, gl.TEXTURE_CUBE_MAP];
    const unbind = (): void => {
      gl.activeTexture(gl.TEXTURE0 + unit);
      for (const target of targets) gl.bindTexture(target, null);
      gl.activeTexture(gl.TEXTURE0 + this.#scratchUnit);
    };
    this.#current.slots.set(
      `texunit:${unit}`,
      () => {
        unbind();
        if (t === undefined) return;
        gl.activeTexture(gl.TEXTURE0 + unit);
        gl.bindTexture(t.target, t.obj);
        gl.activeTexture(gl.TEXTURE0 + this.#scratchUnit);
      },
      unbind,
    );
  }

  // HostGlPipelineState
  /** Indexed state beyond buffer 0 needs `OES_draw_buffers_indexed`; without it only buffer 0 is accepted. */
  #indexed(index: number, what: string): void {
    if (index !== 0) refuse(`${what} for draw buffer ${index}`);
  }
  enablei(cap: number, index: number): void {
    this.#indexed(index, "glEnablei");
    this.enable(cap);
  }
  disablei(cap: number, index: number): void {
    if (index !== 0) return;
    this.disable(cap);
  }
  blendFuncSeparatei(buffer: number, srcRgb: number, dstRgb: number, srcAlpha: number, dstAlpha: number): void {
    this.#indexed(buffer, "glBlendFuncSeparatei");
    const gl = this.#gl;
    this.#current.slots.set(
      "blendFunc",
      () => gl.blendFuncSeparate(srcRgb, dstRgb, srcAlpha, dstAlpha),
      () => gl.blendFuncSeparate(gl.ONE, gl.ZERO, gl.ONE, gl.ZERO),
    );
  }
  blendEquationSeparatei(buffer: number, rgb: number, alpha: number): void {
    this.#indexed(buffer, "glBlendEquationSeparatei");
    const gl = this.#gl;
    this.#current.slots.set(
      "blendEquation",
      () => gl.blendEquationSeparate(rgb, alpha),
      () => gl.blendEquationSeparate(gl.FUNC_ADD, gl.FUNC_ADD),
    );
  }
  blendEquationi(buffer: number, mode: number): void {
    const plain = [GL.FUNC_ADD, GL.FUNC_SUBTRACT, GL.FUNC_REVERSE_SUBTRACT, GL.MIN, GL.MAX] as number[];
    if (!plain.includes(mode)) refuse("advanced blend equations");
    this.blendEquationSeparatei(buffer, mode, mode);
  }
  /** Colour masks of buffers other than 0 are accepted only when equal to buffer 0's (no per-buffer masks). */
  colorMaski(buffer: number, r: boolean, g: boolean, b: boolean, a: boolean): void {
    const gl = this.#gl;
    if (buffer !== 0) {
      const m = gl.getParameter(gl.COLOR_WRITEMASK) as boolean[];
      if (m[0] !== r || m[1] !== g || m[2] !== b || m[3] !== a) refuse(`a colour mask for draw buffer ${buffer}`);
      return;
    }
    this.#current.slots.set(
      "colorMask",
      () => gl.colorMask(r, g, b, a),
      () => gl.colorMask(true, true, true, true),
    );
  }
  blendColor(r: number, g: number, b: number, a: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "blendColor",
      () => gl.blendColor(r, g, b, a),
      () => gl.blendColor(0, 0, 0, 0),
    );
  }
  /** Only `GL_COPY` (what a disabled logic op does) is accepted. */
  logicOp(op: number): void {
    if (op !== GL_COPY) refuse("logic ops");
  }
  depthFunc(func: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "depthFunc",
      () => gl.depthFunc(func),
      () => gl.depthFunc(gl.LESS),
    );
  }
  depthMask(write: boolean): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "depthMask",
      () => gl.depthMask(write),
      () => gl.depthMask(true),
    );
  }
  stencilFuncSeparate(face: number, func: number, ref: number, mask: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      `stencilFunc:${face}`,
      () => gl.stencilFuncSeparate(face, func, ref, mask),
      () => gl.stencilFuncSeparate(face, gl.ALWAYS, 0, 0xffffffff),
    );
  }
  stencilOpSeparate(face: number, fail: number, zfail: number, zpass: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      `stencilOp:${face}`,
      () => gl.stencilOpSeparate(face, fail, zfail, zpass),
      () => gl.stencilOpSeparate(face, gl.KEEP, gl.KEEP, gl.KEEP),
    );
  }
  stencilMaskSeparate(face: number, mask: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      `stencilMask:${face}`,
      () => gl.stencilMaskSeparate(face, mask),
      () => gl.stencilMaskSeparate(face, 0xffffffff),
    );
  }
  cullFace(face: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "cullFace",
      () => gl.cullFace(face),
      () => gl.cullFace(gl.BACK),
    );
  }
  frontFace(mode: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "frontFace",
      () => gl.frontFace(mode),
      () => gl.frontFace(gl.CCW),
    );
  }
  polygonMode(_face: number, mode: number): void {
    if (mode !== GL.FILL) refuse("polygon modes other than fill");
  }
  polygonOffset(factor: number, units: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "polygonOffset",
      () => gl.polygonOffset(factor, units),
      () => gl.polygonOffset(0, 0),
    );
  }
  lineWidth(width: number): void {
    const gl = this.#gl;
    this.#current.slots.set(
      "lineWidth",
      () => gl.lineWidth(width),
      () => gl.lineWidth(1),
    );
  }
  /** ES has no fixed point size: points take `gl_PointSize`, so only the default size 1 is accepted. */
  pointSize(size: number): void {
    if (size !== 1) refuse("a fixed point size");
  }
  viewportIndexed(index: number, v: GlViewport): void {
    this.#indexed(index, "viewport");
    const gl = this.#gl;
    this.#current.slots.set(
      "viewport",
      () => {
        gl.viewport(v.x, v.y, v.w, v.h);
        gl.depthRange(v.near, v.far);
      },
      () => {
        gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
        gl.depthRange(0, 1);
      },
    );
  }
  scissorIndexed(index: number, x: number, y: number, w: number, h: number): void {
    this.#indexed(index, "scissor");
    const gl = this.#gl;
    this.#current.slots.set(
      "scissor",
      () => gl.scissor(x, y, w, h),
      () => gl.scissor(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight),
    );
  }
  /** Only GL's default (lower-left origin, -1..1 depth) exists in WebGL2 without `EXT_clip_control`. */
  clipControl(origin: number, depth: number): void {
    if (origin !== GL.LOWER_LEFT || depth !== GL.NEGATIVE_ONE_TO_ONE) refuse("clip control");
  }
  sampleMaski(_index: number, mask: number): void {
    if ((mask | 0) !== -1) refuse("sample masks");
  }
  /** ES 3.0 restarts at the largest index of the index type, always (`GL_PRIMITIVE_RESTART_FIXED_INDEX`). */
  primitiveRestartIndex(index: number): void {
    if (index !== 0xffffffff && index !== 0xffff && index !== 0xff) refuse("primitive restart at another index");
  }
  minSampleShading(): void {
    refuse("sample shading");
  }

  // HostGlQueries
  createQuery(target: number): number {
    if (target !== GL.ANY_SAMPLES_PASSED && target !== GL.ANY_SAMPLES_PASSED_CONSERVATIVE) {
      if (target !== GL.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN) refuse(`query target 0x${target.toString(16)}`);
    }
    const name = this.#name();
    this.#queries.set(name, { obj: this.#gl.createQuery(), target });
    return name;
  }
  deleteQuery(query: number): void {
    const q = this.#queries.get(query);
    if (q === undefined) return;
    this.#gl.deleteQuery(q.obj);
    this.#queries.delete(query);
  }
  beginQuery(target: number, query: number, index = 0): void {
    if (index > 0) refuse("indexed queries");
    const q = this.#queries.get(query) ?? refuse(`query ${query} (unknown name)`);
    this.#gl.beginQuery(target, q.obj);
  }
  endQuery(target: number, index = 0): void {
    if (index > 0) refuse("indexed queries");
    this.#gl.endQuery(target);
  }
  queryCounter(): void {
    refuse("timestamp queries");
  }
  beginConditionalRender(): void {
    refuse("conditional rendering");
  }
  endConditionalRender(): void {
    refuse("conditional rendering");
  }
  /** WebGL2 makes results available only after control returns to the event loop. */
  isQueryResultAvailable(query: number): boolean {
    const q = this.#queries.get(query) ?? refuse(`query ${query} (unknown name)`);
    return this.#gl.getQueryParameter(q.obj, this.#gl.QUERY_RESULT_AVAILABLE) === true;
  }
  getQueryResult(query: number): bigint {
    const q = this.#queries.get(query) ?? refuse(`query ${query} (unknown name)`);
    const v = this.#gl.getQueryParameter(q.obj, this.#gl.QUERY_RESULT) as unknown;
    return typeof v === "number" ? BigInt(v) : typeof v === "boolean" ? BigInt(v ? 1 : 0) : 0n;
  }
  queryResultToBuffer(): void {
    refuse("query buffer objects");
  }

  // HostGlTransformFeedback
  createTransformFeedback(): number {
    const name = this.#name();
    this.#xfbs.set(name, this.#gl.createTransformFeedback());
    return name;
  }
  deleteTransformFeedback(xfb: number): void {
    const x = this.#xfbs.get(xfb);
    if (x === undefined) return;
    this.#gl.deleteTransformFeedback(x);
    this.#xfbs.delete(xfb);
  }
  #xfbObject(name: number): WebGLTransformFeedback | null {
    if (name === 0) return null;
    return this.#xfbs.get(name) ?? refuse(`transform feedback ${name} (unknown name)`);
  }
  bindTransformFeedback(xfb: number): void {
    const gl = this.#gl;
    const x = this.#xfbObject(xfb);
    this.#current.slots.set(
      "xfb",
      () => {
        this.#xfb = xfb;
        gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, x);
      },
      () => {
        this.#xfb = 0;
        gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, null);
      },
    );
  }
  transformFeedbackBufferRange(xfb: number, index: number, buffer: number, offset: number, size: number): void {
    const gl = this.#gl;
    gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, this.#xfbObject(xfb));
    gl.bindBufferRange(GL_TRANSFORM_FEEDBACK_BUFFER, index, this.#buffer(buffer), offset, size);
    gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, this.#xfbObject(this.#xfb));
  }
  beginTransformFeedback(mode: number): void {
    this.#gl.beginTransformFeedback(mode);
  }
  endTransformFeedback(): void {
    this.#gl.endTransformFeedback();
  }
  pauseTransformFeedback(): void {
    this.#gl.pauseTransformFeedback();
  }
  resumeTransformFeedback(): void {
    this.#gl.resumeTransformFeedback();
  }
  drawTransformFeedback(): void {
    refuse("draws of captured vertices");
  }

  // HostGlMemory
  bindBufferRange(target: number, index: number, buffer: number, offset: number, size: number): void {
    if (target !== GL_UNIFORM_BUFFER) refuse(`indexed buffer target 0x${target.toString(16)}`);
    const gl = this.#gl;
    const b = this.#buffer(buffer);
    this.#current.slots.set(
      `ubo:${index}`,
      () => (b === null ? gl.bindBufferBase(target, index, null) : gl.bindBufferRange(target, index, b, offset, size)),
      () => gl.bindBufferBase(target, index, null),
    );
  }
  bindImageTexture(): void {
    refuse("image units");
  }
  /** Nothing in WebGL2 writes memory incoherently (no images, no storage buffers): every barrier is already met. */
  memoryBarrier(): void {}
  textureBarrier(): void {
    refuse("texture barriers");
  }
  blendBarrier(): void {
    refuse("advanced blending");
  }

  // HostGlDraws
  drawArrays(d: GlDrawArrays): void {
    if (d.baseInstance !== 0) refuse("a base instance");
    this.#prepareVertexArray();
    this.#gl.drawArraysInstanced(d.mode, d.first, d.count, d.instances);
  }
  drawElements(d: GlDrawElements): void {
    if (d.baseInstance !== 0) refuse("a base instance");
    if (d.baseVertex !== 0) refuse("a base vertex");
    this.#prepareVertexArray();
    this.#gl.drawElementsInstanced(d.mode, d.count, d.type, d.offset, d.instances);
  }

  // HostGlIndirectDraws, HostGlCompute, HostGlTessellation, HostGlMultisample: none in WebGL2.
  bindDrawIndirectBuffer(): void {
    refuse("indirect draws");
  }
  bindParameterBuffer(): void {
    refuse("indirect draws");
  }
  drawArraysIndirect(): void {
    refuse("indirect draws");
  }
  drawElementsIndirect(): void {
    refuse("indirect draws");
  }
  multiDrawArraysIndirect(): void {
    refuse("indirect draws");
  }
  multiDrawElementsIndirect(): void {
    refuse("indirect draws");
  }
  multiDrawArraysIndirectCount(): void {
    refuse("indirect draws");
  }
  multiDrawElementsIndirectCount(): void {
    refuse("indirect draws");
  }
  bindDispatchIndirectBuffer(): void {
    refuse("compute shaders");
  }
  dispatchCompute(): void {
    refuse("compute shaders");
  }
  dispatchComputeIndirect(): void {
    refuse("compute shaders");
  }
  patchParameteri(): void {
    refuse("tessellation");
  }
  patchParameterfv(): void {
    refuse("tessellation");
  }
  getSamplePosition(): readonly [number, number] {
    refuse("sample positions");
  }
}
