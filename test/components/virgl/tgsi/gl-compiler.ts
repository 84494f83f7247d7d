// Test-only: compiles and links GLSL on the host GL (libEGL surfaceless, desktop GL 4.5 core) through koffi.
import koffi from "koffi";

const EGL_PLATFORM_SURFACELESS_MESA = 0x31dd;
const EGL_OPENGL_API = 0x30a2;
const EGL_OPENGL_ES_API = 0x30a0;
const EGL_NONE = 0x3038;
const GL_COMPILE_STATUS = 0x8b81;
const GL_LINK_STATUS = 0x8b82;
const GL_INFO_LOG_LENGTH = 0x8b84;

/** virgl stage → GL shader type. */
export const GL_SHADER_TYPE: Readonly<Record<string, number>> = {
  VERT: 0x8b31,
  FRAG: 0x8b30,
  GEOM: 0x8dd9,
  TESS_CTRL: 0x8e88,
  TESS_EVAL: 0x8e87,
  COMP: 0x91b9,
};

const PROTOS = {
  glCreateShader: "uint32 tgsitest_glCreateShader(uint32 type)",
  glShaderSource: "void tgsitest_glShaderSource(uint32 s, int32 n, const char **src, const int32 *len)",
  glCompileShader: "void tgsitest_glCompileShader(uint32 s)",
  glGetShaderiv: "void tgsitest_glGetShaderiv(uint32 s, uint32 pname, _Out_ int32 *out)",
  glGetShaderInfoLog: "void tgsitest_glGetShaderInfoLog(uint32 s, int32 max, _Out_ int32 *len, _Out_ uint8_t *log)",
  glDeleteShader: "void tgsitest_glDeleteShader(uint32 s)",
  glCreateProgram: "uint32 tgsitest_glCreateProgram()",
  glAttachShader: "void tgsitest_glAttachShader(uint32 p, uint32 s)",
  glLinkProgram: "void tgsitest_glLinkProgram(uint32 p)",
  glGetProgramiv: "void tgsitest_glGetProgramiv(uint32 p, uint32 pname, _Out_ int32 *out)",
  glGetProgramInfoLog: "void tgsitest_glGetProgramInfoLog(uint32 p, int32 max, _Out_ int32 *len, _Out_ uint8_t *log)",
  glDeleteProgram: "void tgsitest_glDeleteProgram(uint32 p)",
  glTransformFeedbackVaryings:
    "void tgsitest_glTransformFeedbackVaryings(uint32 p, int32 n, const char **names, uint32 mode)",
  glUseProgram: "void tgsitest_glUseProgram(uint32 p)",
  glCreateVertexArrays: "void tgsitest_glCreateVertexArrays(int32 n, _Out_ uint32 *out)",
  glBindVertexArray: "void tgsitest_glBindVertexArray(uint32 v)",
  glDeleteVertexArrays: "void tgsitest_glDeleteVertexArrays(int32 n, const uint32 *v)",
  glCreateBuffers: "void tgsitest_glCreateBuffers(int32 n, _Out_ uint32 *out)",
  glNamedBufferData: "void tgsitest_glNamedBufferData(uint32 b, intptr size, const void *data, uint32 usage)",
  glBindBufferBase: "void tgsitest_glBindBufferBase(uint32 target, uint32 index, uint32 b)",
  glDeleteBuffers: "void tgsitest_glDeleteBuffers(int32 n, const uint32 *b)",
  glGetNamedBufferSubData:
    "void tgsitest_glGetNamedBufferSubData(uint32 b, intptr off, intptr size, _Out_ uint8_t *data)",
  glEnable: "void tgsitest_glEnable(uint32 cap)",
  glDisable: "void tgsitest_glDisable(uint32 cap)",
  glBeginTransformFeedback: "void tgsitest_glBeginTransformFeedback(uint32 mode)",
  glEndTransformFeedback: "void tgsitest_glEndTransformFeedback()",
  glDrawArrays: "void tgsitest_glDrawArrays(uint32 mode, int32 first, int32 count)",
  glFinish: "void tgsitest_glFinish()",
  glGetError: "uint32 tgsitest_glGetError()",
  glCreateFramebuffers: "void tgsitest_glCreateFramebuffers(int32 n, _Out_ uint32 *out)",
  glCreateRenderbuffers: "void tgsitest_glCreateRenderbuffers(int32 n, _Out_ uint32 *out)",
  glNamedRenderbufferStorage: "void tgsitest_glNamedRenderbufferStorage(uint32 rb, uint32 fmt, int32 w, int32 h)",
  glNamedFramebufferRenderbuffer:
    "void tgsitest_glNamedFramebufferRenderbuffer(uint32 fb, uint32 att, uint32 target, uint32 rb)",
  glBindFramebuffer: "void tgsitest_glBindFramebuffer(uint32 target, uint32 fb)",
  glGetIntegerv: "void tgsitest_glGetIntegerv(uint32 pname, _Out_ int32 *out)",
  glGetStringi: "const char *tgsitest_glGetStringi(uint32 name, uint32 index)",
  glDispatchCompute: "void tgsitest_glDispatchCompute(uint32 x, uint32 y, uint32 z)",
  glMemoryBarrier: "void tgsitest_glMemoryBarrier(uint32 bits)",
  glCreateTextures: "void tgsitest_glCreateTextures(uint32 target, int32 n, _Out_ uint32 *out)",
  glTextureStorage2D: "void tgsitest_glTextureStorage2D(uint32 t, int32 levels, uint32 fmt, int32 w, int32 h)",
  glBindImageTexture:
    "void tgsitest_glBindImageTexture(uint32 unit, uint32 t, int32 level, uint8 layered, int32 layer, uint32 access, uint32 fmt)",
  glGetTextureImage:
    "void tgsitest_glGetTextureImage(uint32 t, int32 level, uint32 fmt, uint32 type, int32 size, _Out_ uint8_t *out)",
  glTextureSubImage2D:
    "void tgsitest_glTextureSubImage2D(uint32 t, int32 level, int32 x, int32 y, int32 w, int32 h, uint32 fmt, uint32 type, const void *data)",
  glDeleteTextures: "void tgsitest_glDeleteTextures(int32 n, const uint32 *t)",
  glBindBufferRange: "void tgsitest_glBindBufferRange(uint32 target, uint32 index, uint32 b, intptr off, intptr size)",
} as const;

// biome-ignore lint/suspicious/noExplicitAny: koffi functions are variadic by prototype
type Fn = (...args: any[]) => any;

/** A compile/link outcome: `ok`, and the driver's info log. */
export interface GlCompileResult {
  readonly ok: boolean;
  readonly log: string;
}

/** koffi prototypes are process-wide named types: made once. */
const protoCache = new Map<string, unknown>();

/**
 * One surfaceless context with shader compile/link entry points: desktop GL 4.5 core, or with `es` an OpenGL ES 3
 * context (compile/link only; {@link GlCompiler.evaluate} needs desktop GL).
 */
export class GlCompiler {
  readonly #gl: Record<keyof typeof PROTOS, Fn>;
  readonly #egl: Record<string, Fn>;
  readonly #dpy: unknown;
  readonly #ctx: unknown;

  readonly es: boolean;

  constructor(es = false) {
    this.es = es;
    const lib = koffi.load("libEGL.so.1");
    const egl: Record<string, Fn> = {
      getPlatformDisplay: lib.func("void *eglGetPlatformDisplay(uint32 platform, void *native, void *attribs)"),
      initialize: lib.func("uint32 eglInitialize(void *dpy, void *major, void *minor)"),
      bindAPI: lib.func("uint32 eglBindAPI(uint32 api)"),
      createContext: lib.func("void *eglCreateContext(void *dpy, void *config, void *share, const int32 *attribs)"),
      destroyContext: lib.func("uint32 eglDestroyContext(void *dpy, void *ctx)"),
      makeCurrent: lib.func("uint32 eglMakeCurrent(void *dpy, void *draw, void *read, void *ctx)"),
      getProcAddress: lib.func("void *eglGetProcAddress(const char *name)"),
    };
    this.#egl = egl;
    const dpy = egl.getPlatformDisplay!(EGL_PLATFORM_SURFACELESS_MESA, null, null);
    if (!dpy || !egl.initialize!(dpy, null, null)) throw new Error("no EGL surfaceless display");
    if (!egl.bindAPI!(es ? EGL_OPENGL_ES_API : EGL_OPENGL_API)) throw new Error("eglBindAPI failed");
    // EGL_CONTEXT_MAJOR_VERSION 4, MINOR 5, core profile; or ES 3.0.
    const attribs = new Int32Array(es ? [0x3098, 3, 0x30fb, 0, EGL_NONE] : [0x3098, 4, 0x30fb, 5, 0x30fd, 1, EGL_NONE]);
    const ctx = egl.createContext!(dpy, null, null, attribs);
    if (!ctx) throw new Error(es ? "no OpenGL ES 3.0 context" : "no GL 4.5 core context");
    if (!egl.makeCurrent!(dpy, null, null, ctx)) throw new Error("eglMakeCurrent failed");
    this.#dpy = dpy;
    this.#ctx = ctx;
    const gl: Partial<Record<keyof typeof PROTOS, Fn>> = {};
    for (const [name, proto] of Object.entries(PROTOS) as [keyof typeof PROTOS, string][]) {
      const ptr = egl.getProcAddress!(name);
      if (!ptr) {
        if (es) continue;
        throw new Error(`missing ${name}`);
      }
      let type = protoCache.get(proto);
      if (type === undefined) {
        type = koffi.proto(proto);
        protoCache.set(proto, type);
      }
      gl[name] = (koffi.decode as (p: unknown, t: unknown) => Fn)(ptr, type);
    }
    this.#gl = gl as Record<keyof typeof PROTOS, Fn>;
    if (es) return;
    // A surfaceless context has no default framebuffer; draws need a complete one even with rasterizer discard.
    const fb = [0];
    const rb = [0];
    this.#gl.glCreateFramebuffers(1, fb);
    this.#gl.glCreateRenderbuffers(1, rb);
    this.#gl.glNamedRenderbufferStorage(rb[0], 0x8058 /* GL_RGBA8 */, 4, 4);
    this.#gl.glNamedFramebufferRenderbuffer(fb[0], 0x8ce0 /* COLOR_ATTACHMENT0 */, 0x8d41 /* RENDERBUFFER */, rb[0]);
    this.#gl.glBindFramebuffer(0x8d40 /* GL_FRAMEBUFFER */, fb[0]);
  }

  #log(getLen: Fn, getLog: Fn, obj: number): string {
    const len = [0];
    getLen(obj, GL_INFO_LOG_LENGTH, len);
    if (len[0]! <= 0) return "";
    const buf = Buffer.alloc(len[0]!);
    getLog(obj, len[0], [0], buf);
    return buf.toString("utf8").replace(/\0.*$/s, "");
  }

  /** Whether the host GL offers extension `name` (e.g. `GL_ARB_shader_stencil_export`, which NVIDIA lacks). */
  hasExtension(name: string): boolean {
    const n = [0];
    this.#gl.glGetIntegerv(0x821d /* GL_NUM_EXTENSIONS */, n);
    for (let i = 0; i < n[0]!; i++) if (this.#gl.glGetStringi(0x1f03 /* GL_EXTENSIONS */, i) === name) return true;
    return false;
  }

  /** Compiles one shader; returns its GL name (to link, then {@link release}) with the outcome. */
  compile(stage: string, source: string): GlCompileResult & { readonly shader: number } {
    const gl = this.#gl;
    const s = gl.glCreateShader(GL_SHADER_TYPE[stage]!) as number;
    gl.glShaderSource(s, 1, [source], null);
    gl.glCompileShader(s);
    const status = [0];
    gl.glGetShaderiv(s, GL_COMPILE_STATUS, status);
    return { ok: status[0] === 1, log: this.#log(gl.glGetShaderiv, gl.glGetShaderInfoLog, s), shader: s };
  }

  /**
   * How many vec4 varyings a VS links beside `gl_Position` here (32 on llvmpipe; NVIDIA counts the position in the
   * same 128 components): the most the caps advertise, so a guest never sends a program over it.
   */
  linkableVertexVaryings(): number {
    const head = this.es ? "#version 300 es\nprecision highp float;\n" : "#version 450 core\n";
    for (let n = 32; n > 0; n--) {
      const names = Array.from({ length: n }, (_, i) => `v${i}`);
      const vs = `${head}${names.map((v) => `out vec4 ${v};`).join("\n")}
void main() { gl_Position = vec4(0.0); ${names.map((v) => `${v} = vec4(0.0);`).join(" ")} }`;
      const fs = `${head}${names.map((v) => `in vec4 ${v};`).join("\n")}
out vec4 color;
void main() { color = ${names.join(" + ")}; }`;
      if (this.link([this.compile("VERT", vs).shader, this.compile("FRAG", fs).shader]).ok) return n;
    }
    return 0;
  }

  /** Links compiled shaders into a program (deleted again); the shaders are released. */
  link(shaders: readonly number[]): GlCompileResult {
    const gl = this.#gl;
    const p = gl.glCreateProgram() as number;
    for (const s of shaders) gl.glAttachShader(p, s);
    gl.glLinkProgram(p);
    const status = [0];
    gl.glGetProgramiv(p, GL_LINK_STATUS, status);
    const log = this.#log(gl.glGetProgramiv, gl.glGetProgramInfoLog, p);
    gl.glDeleteProgram(p);
    for (const s of shaders) gl.glDeleteShader(s);
    return { ok: status[0] === 1, log };
  }

  /**
   * Runs a VS (or VS + GS: `shaders` compiled, linked here and released) once on one point with rasterizer
   * discard and returns the 32-bit words of the varyings `names` captured by transform feedback (4 words per vec4
   * varying), so emitted arithmetic can be checked numerically.
   */
  evaluate(
    shaders: number | readonly number[],
    names: readonly string[],
    words = names.length * 4,
    uniformBuffers: readonly { binding: number; data: Uint32Array }[] = [],
  ): Uint32Array {
    const gl = this.#gl;
    const p = gl.glCreateProgram() as number;
    const list = typeof shaders === "number" ? [shaders] : shaders;
    for (const sh of list) gl.glAttachShader(p, sh);
    gl.glTransformFeedbackVaryings(p, names.length, names, 0x8c8c /* GL_INTERLEAVED_ATTRIBS */);
    gl.glLinkProgram(p);
    const status = [0];
    gl.glGetProgramiv(p, GL_LINK_STATUS, status);
    if (status[0] !== 1) throw new Error(`link: ${this.#log(gl.glGetProgramiv, gl.glGetProgramInfoLog, p)}`);
    const vao = [0];
    gl.glCreateVertexArrays(1, vao);
    const buf = [0];
    gl.glCreateBuffers(1, buf);
    const bytes = words * 4;
    gl.glNamedBufferData(buf[0], bytes, null, 0x88e1 /* GL_STREAM_READ */);
    const ubos: number[] = [];
    for (const u of uniformBuffers) {
      const b = [0];
      gl.glCreateBuffers(1, b);
      gl.glNamedBufferData(b[0], u.data.byteLength, u.data, 0x88e4 /* GL_STATIC_DRAW */);
      gl.glBindBufferBase(0x8a11 /* GL_UNIFORM_BUFFER */, u.binding, b[0]);
      ubos.push(b[0]!);
    }
    gl.glUseProgram(p);
    gl.glBindVertexArray(vao[0]);
    gl.glBindBufferBase(0x8c8e /* GL_TRANSFORM_FEEDBACK_BUFFER */, 0, buf[0]);
    gl.glEnable(0x8c89 /* GL_RASTERIZER_DISCARD */);
    gl.glBeginTransformFeedback(0 /* GL_POINTS */);
    gl.glDrawArrays(0, 0, 1);
    gl.glEndTransformFeedback();
    gl.glDisable(0x8c89);
    gl.glFinish();
    const out = Buffer.alloc(bytes);
    gl.glGetNamedBufferSubData(buf[0], 0, bytes, out);
    const err = gl.glGetError() as number;
    gl.glUseProgram(0);
    gl.glBindVertexArray(0);
    gl.glDeleteBuffers(1, buf);
    for (const b of ubos) gl.glDeleteBuffers(1, [b]);
    gl.glDeleteVertexArrays(1, vao);
    gl.glDeleteProgram(p);
    for (const sh of list) gl.glDeleteShader(sh);
    if (err !== 0) throw new Error(`GL error 0x${err.toString(16)}`);
    return new Uint32Array(out.buffer, out.byteOffset, bytes / 4).slice();
  }

  /** glGetIntegerv of one value (a host limit). */
  getInteger(pname: number): number {
    const out = [0];
    this.#gl.glGetIntegerv(pname, out);
    return out[0]!;
  }

  /**
   * Links a compiled compute shader (released here), binds `buffers` (initial contents) at their GL binding points
   * of `target` (GL_SHADER_STORAGE_BUFFER by default, or GL_ATOMIC_COUNTER_BUFFER), dispatches `groups` work groups
   * and returns every buffer's contents afterwards.
   */
  runCompute(
    computeShader: number,
    buffers: readonly { binding: number; data: Uint32Array; target?: number }[],
    groups: readonly [number, number, number] = [1, 1, 1],
  ): Uint32Array[] {
    const gl = this.#gl;
    const p = gl.glCreateProgram() as number;
    gl.glAttachShader(p, computeShader);
    gl.glLinkProgram(p);
    gl.glDeleteShader(computeShader);
    const status = [0];
    gl.glGetProgramiv(p, GL_LINK_STATUS, status);
    if (status[0] !== 1) throw new Error(`link: ${this.#log(gl.glGetProgramiv, gl.glGetProgramInfoLog, p)}`);
    const names: number[] = [];
    for (const b of buffers) {
      const n = [0];
      gl.glCreateBuffers(1, n);
      gl.glNamedBufferData(n[0], b.data.byteLength, b.data, 0x88e8 /* GL_DYNAMIC_READ */);
      gl.glBindBufferBase(b.target ?? 0x90d2 /* GL_SHADER_STORAGE_BUFFER */, b.binding, n[0]);
      names.push(n[0]!);
    }
    gl.glUseProgram(p);
    gl.glDispatchCompute(groups[0], groups[1], groups[2]);
    gl.glMemoryBarrier(0xffffffff);
    gl.glFinish();
    const out = buffers.map((b, i) => {
      const bytes = Buffer.alloc(b.data.byteLength);
      gl.glGetNamedBufferSubData(names[i], 0, b.data.byteLength, bytes);
      return new Uint32Array(bytes.buffer, bytes.byteOffset, b.data.length).slice();
    });
    const err = gl.glGetError() as number;
    gl.glUseProgram(0);
    for (const n of names) gl.glDeleteBuffers(1, [n]);
    gl.glDeleteProgram(p);
    if (err !== 0) throw new Error(`GL error 0x${err.toString(16)}`);
    return out;
  }

  /**
   * Creates `count` zeroed `size`x`size` GL_R32UI 2D textures bound to image units `firstUnit`.., runs
   * {@link runCompute} and returns each texture's texels (row-major) after the buffers' contents.
   */
  runComputeWithImages(
    computeShader: number,
    firstUnit: number,
    count: number,
    size: number,
    buffers: readonly { binding: number; data: Uint32Array; target?: number }[] = [],
  ): Uint32Array[] {
    const gl = this.#gl;
    const textures: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = [0];
      gl.glCreateTextures(0x0de1 /* GL_TEXTURE_2D */, 1, t);
      gl.glTextureStorage2D(t[0], 1, 0x8236 /* GL_R32UI */, size, size);
      gl.glBindImageTexture(firstUnit + i, t[0], 0, 0, 0, 0x88ba /* GL_READ_WRITE */, 0x8236);
      textures.push(t[0]!);
    }
    // Texture storage starts undefined: upload zeros.
    const zero = Buffer.alloc(size * size * 4);
    for (const t of textures) this.#upload(t, size, zero);
    const out = this.runCompute(computeShader, buffers);
    for (const t of textures) {
      const bytes = Buffer.alloc(size * size * 4);
      gl.glGetTextureImage(t, 0, 0x8d94 /* GL_RED_INTEGER */, 0x1405 /* GL_UNSIGNED_INT */, bytes.length, bytes);
      out.push(new Uint32Array(bytes.buffer, bytes.byteOffset, size * size).slice());
      gl.glDeleteTextures(1, [t]);
    }
    return out;
  }

  #upload(texture: number, size: number, data: Buffer): void {
    this.#gl.glTextureSubImage2D(texture, 0, 0, 0, size, size, 0x8d94 /* GL_RED_INTEGER */, 0x1405, data);
  }

  release(shader: number): void {
    this.#gl.glDeleteShader(shader);
  }

  destroy(): void {
    this.#egl.makeCurrent!(this.#dpy, null, null, null);
    this.#egl.destroyContext!(this.#dpy, this.#ctx);
  }
}
