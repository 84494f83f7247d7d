import koffi from "koffi";
import type { GlRect } from "../../components/virgl/host-gl/framebuffers.ts";
import type { HostGl, HostGlContext } from "../../components/virgl/host-gl/host-gl.ts";
import type { GlBox, GlImageRef, GlTextureStorage } from "../../components/virgl/host-gl/textures.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { glObjectCensus } from "./gl-object-census.ts";

const EGL_PLATFORM_SURFACELESS_MESA = 0x31dd;
const EGL_OPENGL_API = 0x30a2;
const EGL_CONTEXT_MAJOR_VERSION = 0x3098;
const EGL_CONTEXT_MINOR_VERSION = 0x30fb;
const EGL_CONTEXT_OPENGL_PROFILE_MASK = 0x30fd;
const EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 1;
const EGL_NONE = 0x3038;
const GL_UNPACK_ALIGNMENT = 0x0cf5;
const GL_PACK_ALIGNMENT = 0x0d05;

/** Desktop GL versions tried in order; the first the driver creates wins. */
const CORE_VERSIONS: readonly (readonly [number, number])[] = [
  [4, 6],
  [4, 5],
  [4, 3],
  [4, 1],
  [3, 3],
];

/** The GL prototypes loaded once through eglGetProcAddress (koffi syntax; pointers are `void *`). */
const GL_PROTOTYPES = {
  glGetError: "uint32 glGetError()",
  glGetString: "const char *glGetString(uint32 name)",
  glGetStringi: "const char *glGetStringi(uint32 name, uint32 index)",
  glGetIntegerv: "void glGetIntegerv(uint32 pname, void *out)",
  glGetIntegeri_v: "void glGetIntegeri_v(uint32 pname, uint32 index, void *out)",
  glGetFloatv: "void glGetFloatv(uint32 pname, void *out)",
  glGetInternalformativ: "void glGetInternalformativ(uint32 target, uint32 ifmt, uint32 pname, int32 count, void *out)",
  glFinish: "void glFinish()",
  glPixelStorei: "void glPixelStorei(uint32 pname, int32 value)",
  glCreateTextures: "void glCreateTextures(uint32 target, int32 n, void *out)",
  glDeleteTextures: "void glDeleteTextures(int32 n, void *names)",
  glTextureStorage1D: "void glTextureStorage1D(uint32 t, int32 levels, uint32 ifmt, int32 w)",
  glTextureStorage2D: "void glTextureStorage2D(uint32 t, int32 levels, uint32 ifmt, int32 w, int32 h)",
  glTextureStorage3D: "void glTextureStorage3D(uint32 t, int32 levels, uint32 ifmt, int32 w, int32 h, int32 d)",
  glTextureStorage2DMultisample:
    "void glTextureStorage2DMultisample(uint32 t, int32 samples, uint32 ifmt, int32 w, int32 h, uint8 fixed)",
  glTextureStorage3DMultisample:
    "void glTextureStorage3DMultisample(uint32 t, int32 samples, uint32 ifmt, int32 w, int32 h, int32 d, uint8 fixed)",
  glTextureParameteri: "void glTextureParameteri(uint32 t, uint32 pname, int32 v)",
  glTextureParameteriv: "void glTextureParameteriv(uint32 t, uint32 pname, void *v)",
  glTextureSubImage1D: "void glTextureSubImage1D(uint32 t, int32 l, int32 x, int32 w, uint32 f, uint32 ty, void *p)",
  glTextureSubImage2D:
    "void glTextureSubImage2D(uint32 t, int32 l, int32 x, int32 y, int32 w, int32 h, uint32 f, uint32 ty, void *p)",
  glTextureSubImage3D:
    "void glTextureSubImage3D(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, uint32 ty, void *p)",
  glCompressedTextureSubImage1D:
    "void glCompressedTextureSubImage1D(uint32 t, int32 l, int32 x, int32 w, uint32 f, int32 size, void *p)",
  glCompressedTextureSubImage2D:
    "void glCompressedTextureSubImage2D(uint32 t, int32 l, int32 x, int32 y, int32 w, int32 h, uint32 f, int32 size, void *p)",
  glCompressedTextureSubImage3D:
    "void glCompressedTextureSubImage3D(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, int32 size, void *p)",
  glGetTextureSubImage:
    "void glGetTextureSubImage(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, uint32 ty, int32 size, void *p)",
  glGetCompressedTextureSubImage:
    "void glGetCompressedTextureSubImage(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, int32 size, void *p)",
  glClearTexSubImage:
    "void glClearTexSubImage(uint32 t, int32 l, int32 x, int32 y, int32 z, int32 w, int32 h, int32 d, uint32 f, uint32 ty, void *p)",
  glCopyImageSubData:
    "void glCopyImageSubData(uint32 s, uint32 st, int32 sl, int32 sx, int32 sy, int32 sz, uint32 d, uint32 dt, int32 dl, int32 dx, int32 dy, int32 dz, int32 w, int32 h, int32 dd)",
  glCreateBuffers: "void glCreateBuffers(int32 n, void *out)",
  glDeleteBuffers: "void glDeleteBuffers(int32 n, void *names)",
  glNamedBufferStorage: "void glNamedBufferStorage(uint32 b, intptr size, void *data, uint32 flags)",
  glNamedBufferSubData: "void glNamedBufferSubData(uint32 b, intptr offset, intptr size, void *data)",
  glGetNamedBufferSubData: "void glGetNamedBufferSubData(uint32 b, intptr offset, intptr size, void *data)",
  glCopyNamedBufferSubData: "void glCopyNamedBufferSubData(uint32 s, uint32 d, intptr so, intptr dOff, intptr size)",
  glCreateFramebuffers: "void glCreateFramebuffers(int32 n, void *out)",
  glDeleteFramebuffers: "void glDeleteFramebuffers(int32 n, void *names)",
  glNamedFramebufferTexture: "void glNamedFramebufferTexture(uint32 fb, uint32 att, uint32 tex, int32 level)",
  glNamedFramebufferTextureLayer:
    "void glNamedFramebufferTextureLayer(uint32 fb, uint32 att, uint32 tex, int32 level, int32 layer)",
  glNamedFramebufferDrawBuffers: "void glNamedFramebufferDrawBuffers(uint32 fb, int32 n, void *bufs)",
  glNamedFramebufferReadBuffer: "void glNamedFramebufferReadBuffer(uint32 fb, uint32 buf)",
  glCheckNamedFramebufferStatus: "uint32 glCheckNamedFramebufferStatus(uint32 fb, uint32 target)",
  glBindFramebuffer: "void glBindFramebuffer(uint32 target, uint32 fb)",
  glClearNamedFramebufferfv: "void glClearNamedFramebufferfv(uint32 fb, uint32 buf, int32 db, void *v)",
  glClearNamedFramebufferiv: "void glClearNamedFramebufferiv(uint32 fb, uint32 buf, int32 db, void *v)",
  glClearNamedFramebufferuiv: "void glClearNamedFramebufferuiv(uint32 fb, uint32 buf, int32 db, void *v)",
  glClearNamedFramebufferfi: "void glClearNamedFramebufferfi(uint32 fb, uint32 buf, int32 db, float d, int32 s)",
  glBlitNamedFramebuffer:
    "void glBlitNamedFramebuffer(uint32 r, uint32 d, int32 a, int32 b, int32 c, int32 e, int32 f, int32 g, int32 h, int32 i, uint32 mask, uint32 filter)",
  glEnable: "void glEnable(uint32 cap)",
  glDisable: "void glDisable(uint32 cap)",
  glScissor: "void glScissor(int32 x, int32 y, int32 w, int32 h)",
} as const;

type GlName = keyof typeof GL_PROTOTYPES;
// biome-ignore lint/suspicious/noExplicitAny: koffi functions are variadic by prototype
type GlFunctions = Record<GlName, (...args: any[]) => any>;

interface EglFunctions {
  getPlatformDisplay: (platform: number, native: null, attribs: null) => unknown;
  initialize: (dpy: unknown, major: null, minor: null) => number;
  bindAPI: (api: number) => number;
  createContext: (dpy: unknown, config: null, share: unknown, attribs: Int32Array) => unknown;
  destroyContext: (dpy: unknown, ctx: unknown) => number;
  makeCurrent: (dpy: unknown, draw: null, read: null, ctx: unknown) => number;
  terminate: (dpy: unknown) => number;
  releaseThread: () => number;
  getProcAddress: (name: string) => unknown;
  getError: () => number;
}

let eglLib: EglFunctions | undefined;
/** koffi prototypes are process-wide named types, so they are made once. */
const prototypes = new Map<GlName, unknown>();

function prototypeOf(name: GlName): unknown {
  let p = prototypes.get(name);
  if (p === undefined) {
    p = koffi.proto(GL_PROTOTYPES[name].replace(` ${name}(`, ` rutabaga_${name}(`));
    prototypes.set(name, p);
  }
  return p;
}

function loadEgl(): EglFunctions {
  if (eglLib !== undefined) return eglLib;
  // Mesa reads GALLIUM_DRIVER when the display initialises; virpipe would send our host GL to a vtest server,
  // which from inside `rutabaga-ts vtest` is this process waiting on itself.
  if (process.env.GALLIUM_DRIVER === "virpipe") delete process.env.GALLIUM_DRIVER;
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load("libEGL.so.1");
  } catch (e) {
    throw new RutabagaError("ComponentError", `libEGL.so.1 not loadable: ${String(e)}`);
  }
  eglLib = {
    getPlatformDisplay: lib.func("void *eglGetPlatformDisplay(uint32 platform, void *native, void *attribs)"),
    initialize: lib.func("uint32 eglInitialize(void *dpy, void *major, void *minor)"),
    bindAPI: lib.func("uint32 eglBindAPI(uint32 api)"),
    createContext: lib.func("void *eglCreateContext(void *dpy, void *config, void *share, const int32 *attribs)"),
    destroyContext: lib.func("uint32 eglDestroyContext(void *dpy, void *ctx)"),
    makeCurrent: lib.func("uint32 eglMakeCurrent(void *dpy, void *draw, void *read, void *ctx)"),
    terminate: lib.func("uint32 eglTerminate(void *dpy)"),
    releaseThread: lib.func("uint32 eglReleaseThread()"),
    getProcAddress: lib.func("void *eglGetProcAddress(const char *name)"),
    getError: lib.func("int32 eglGetError()"),
  };
  return eglLib;
}

interface NodeGlContext extends HostGlContext {
  handle: unknown;
}

/** The EGL context current on this thread, whichever instance made it current (EGL keeps one per thread). */
let threadCurrent: unknown;
/** Instances using the surfaceless display: eglTerminate would destroy every instance's contexts, so the last goes. */
let displayUsers = 0;

/**
 * {@link HostGl} on libEGL's surfaceless platform (Mesa) with desktop GL core contexts made without a config
 * (`EGL_KHR_no_config_context`), all in one share group with a root context. GL entry points are resolved once.
 */
export class EglHostGl implements HostGl {
  readonly glVersion: number;
  readonly glesVersion = 0;
  readonly #egl: EglFunctions;
  readonly #dpy: unknown;
  readonly #root: NodeGlContext;
  readonly #attribs: Int32Array;
  readonly #gl: GlFunctions;
  readonly #contexts = new Set<NodeGlContext>();
  #current: NodeGlContext | undefined;
  #nextId = 1;
  #destroyed = false;
  readonly #u32 = new Uint32Array(1);
  readonly #i32 = new Int32Array(4);
  readonly #f32 = new Float32Array(16);

  constructor() {
    const egl = loadEgl();
    this.#egl = egl;
    const dpy = egl.getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, null, null);
    if (!dpy) throw new RutabagaError("ComponentError", "no EGL surfaceless display");
    if (!egl.initialize(dpy, null, null)) {
      throw new RutabagaError("ComponentError", `eglInitialize failed (0x${egl.getError().toString(16)})`);
    }
    displayUsers++;
    glObjectCensus.created("display");
    this.#dpy = dpy;
    if (!egl.bindAPI(EGL_OPENGL_API)) {
      releaseDisplay(egl, dpy);
      throw new RutabagaError("ComponentError", "eglBindAPI(EGL_OPENGL_API) failed");
    }
    let handle: unknown;
    let attribs = new Int32Array(0);
    let version = 0;
    for (const [major, minor] of CORE_VERSIONS) {
      attribs = new Int32Array([
        EGL_CONTEXT_MAJOR_VERSION,
        major,
        EGL_CONTEXT_MINOR_VERSION,
        minor,
        EGL_CONTEXT_OPENGL_PROFILE_MASK,
        EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
        EGL_NONE,
      ]);
      handle = egl.createContext(dpy, null, null, attribs);
      if (handle) {
        version = major * 10 + minor;
        break;
      }
    }
    if (!handle) {
      releaseDisplay(egl, dpy);
      throw new RutabagaError("ComponentError", "no desktop GL 3.3+ core context on the surfaceless display");
    }
    glObjectCensus.created("context");
    this.#attribs = attribs;
    this.glVersion = version;
    this.#root = { id: 0, handle };
    this.makeCurrent(undefined);
    const gl: Partial<GlFunctions> = {};
    for (const name of Object.keys(GL_PROTOTYPES) as GlName[]) {
      const ptr = egl.getProcAddress(name);
      if (!ptr) {
        this.destroy();
        throw new RutabagaError("ComponentError", `GL entry point ${name} missing`);
      }
      gl[name] = (koffi.decode as (p: unknown, t: unknown) => GlFunctions[GlName])(ptr, prototypeOf(name));
    }
    this.#gl = gl as GlFunctions;
    this.#gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    this.#gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
  }

  createContext(): HostGlContext {
    const handle = this.#egl.createContext(this.#dpy, null, this.#root.handle, this.#attribs);
    if (!handle)
      throw new RutabagaError("ComponentError", `eglCreateContext failed (0x${this.#egl.getError().toString(16)})`);
    const ctx: NodeGlContext = { id: this.#nextId++, handle };
    this.#contexts.add(ctx);
    glObjectCensus.created("context");
    const previous = this.#current;
    this.makeCurrent(ctx);
    this.#gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    this.#gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
    this.makeCurrent(previous);
    return ctx;
  }

  makeCurrent(ctx: HostGlContext | undefined): void {
    const target = ctx === undefined ? this.#root : (ctx as NodeGlContext);
    if (this.#current === target && threadCurrent === target.handle) return;
    if (!this.#egl.makeCurrent(this.#dpy, null, null, target.handle)) {
      throw new RutabagaError("ComponentError", `eglMakeCurrent failed (0x${this.#egl.getError().toString(16)})`);
    }
    this.#current = target;
    threadCurrent = target.handle;
  }

  destroyContext(ctx: HostGlContext): void {
    const c = ctx as NodeGlContext;
    if (!this.#contexts.delete(c)) return;
    if (this.#current === c) this.makeCurrent(undefined);
    this.#egl.destroyContext(this.#dpy, c.handle);
    glObjectCensus.deleted("context");
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#egl.makeCurrent(this.#dpy, null, null, null);
    this.#current = undefined;
    threadCurrent = undefined;
    for (const c of this.#contexts) this.#egl.destroyContext(this.#dpy, c.handle);
    glObjectCensus.deleted("context", this.#contexts.size + 1);
    this.#contexts.clear();
    this.#egl.destroyContext(this.#dpy, this.#root.handle);
    releaseDisplay(this.#egl, this.#dpy);
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
}

/** Drops one user of the display, terminating it when none is left. */
function releaseDisplay(egl: { terminate: (dpy: unknown) => number }, dpy: unknown): void {
  displayUsers--;
  glObjectCensus.deleted("display");
  if (displayUsers <= 0) {
    displayUsers = 0;
    egl.terminate(dpy);
  }
}
