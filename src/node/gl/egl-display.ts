import koffi from "koffi";
import type { HostGlContext } from "../../components/virgl/host-gl/host-gl.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { type EglDeviceChoice, type EglDeviceInfo, findEglDevice, listEglDevices } from "./egl-devices.ts";
import { glObjectCensus } from "./gl-object-census.ts";

const EGL_PLATFORM_SURFACELESS_MESA = 0x31dd;
const EGL_PLATFORM_DEVICE_EXT = 0x313f;
const EGL_OPENGL_API = 0x30a2;
const EGL_CONTEXT_MAJOR_VERSION = 0x3098;
const EGL_CONTEXT_MINOR_VERSION = 0x30fb;
const EGL_CONTEXT_OPENGL_PROFILE_MASK = 0x30fd;
const EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 1;
const EGL_NONE = 0x3038;

/** Desktop GL versions tried in order; the first the driver creates wins. */
const CORE_VERSIONS: readonly (readonly [number, number])[] = [
  [4, 6],
  [4, 5],
  [4, 3],
  [4, 1],
  [3, 3],
];

/** How the EGL display is opened. */
export interface EglDisplayOptions {
  /**
   * The Gallium driver Mesa loads for the host GL, which Mesa reads from `GALLIUM_DRIVER` when the display
   * initialises: a name sets that variable, `""` removes it (Mesa's own choice), undefined leaves it as it is.
   */
  readonly galliumDriver?: string;
  /**
   * The EGL device to render on (`EGL_EXT_platform_device`); undefined: Mesa's surfaceless platform, which picks
   * its own. A device that is not there is `RutabagaError("InvalidRutabagaBuild")` listing those that are.
   */
  readonly device?: EglDeviceChoice;
}

interface EglFunctions {
  getPlatformDisplay: (platform: number, native: unknown, attribs: null) => unknown;
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

function loadEgl(): EglFunctions {
  if (eglLib !== undefined) return eglLib;
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

interface EglContext extends HostGlContext {
  handle: unknown;
}

/** The EGL context current on this thread, whichever instance made it current (EGL keeps one per thread). */
let threadCurrent: unknown;
/**
 * Instances using each display (by address; EGL returns the same display for the same platform and device):
 * eglTerminate would destroy every instance's contexts, so the last user terminates it.
 */
const displayUsers = new Map<bigint, number>();

/**
 * libEGL's surfaceless platform (Mesa) with desktop GL core contexts made without a config
 * (`EGL_KHR_no_config_context`), all in one share group with a root context, and which of them is current.
 */
export class EglDisplay {
  /** Desktop GL version × 10 of the contexts. */
  readonly glVersion: number;
  readonly #egl: EglFunctions;
  readonly #dpy: unknown;
  readonly #root: EglContext;
  readonly #attribs: Int32Array;
  readonly #contexts = new Set<EglContext>();
  #current: EglContext | undefined;
  #nextId = 1;
  #destroyed = false;

  /** Opens the display and makes its root context current. */
  constructor(options: EglDisplayOptions = {}) {
    const egl = loadEgl();
    this.#egl = egl;
    if (options.galliumDriver === "") delete process.env.GALLIUM_DRIVER;
    else if (options.galliumDriver !== undefined) process.env.GALLIUM_DRIVER = options.galliumDriver;
    const device =
      options.device === undefined ? undefined : findEglDevice(listEglDevices(egl.getProcAddress), options.device);
    const dpy =
      device === undefined
        ? egl.getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, null, null)
        : egl.getPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, device.handle, null);
    if (!dpy)
      throw new RutabagaError("ComponentError", `no EGL ${device === undefined ? "surfaceless" : "device"} display`);
    if (!egl.initialize(dpy, null, null)) {
      throw new RutabagaError("ComponentError", `eglInitialize failed (0x${egl.getError().toString(16)})`);
    }
    const key = koffi.address(dpy);
    displayUsers.set(key, (displayUsers.get(key) ?? 0) + 1);
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
  }

  /** `eglGetProcAddress`: the entry point's address, or a null pointer. */
  getProcAddress(name: string): unknown {
    return this.#egl.getProcAddress(name);
  }

  /** A new context sharing objects with the root; not made current. */
  createContext(): HostGlContext {
    const handle = this.#egl.createContext(this.#dpy, null, this.#root.handle, this.#attribs);
    if (!handle)
      throw new RutabagaError("ComponentError", `eglCreateContext failed (0x${this.#egl.getError().toString(16)})`);
    const ctx: EglContext = { id: this.#nextId++, handle };
    this.#contexts.add(ctx);
    glObjectCensus.created("context");
    return ctx;
  }

  /** The context this display last made current; `undefined` for the root. */
  get current(): HostGlContext | undefined {
    return this.#current === this.#root ? undefined : this.#current;
  }

  /** Makes `ctx` current; `undefined` selects the root context. */
  makeCurrent(ctx: HostGlContext | undefined): void {
    const target = ctx === undefined ? this.#root : (ctx as EglContext);
    if (this.#current === target && threadCurrent === target.handle) return;
    if (!this.#egl.makeCurrent(this.#dpy, null, null, target.handle)) {
      throw new RutabagaError("ComponentError", `eglMakeCurrent failed (0x${this.#egl.getError().toString(16)})`);
    }
    this.#current = target;
    threadCurrent = target.handle;
  }

  /** Makes some context of this display current, keeping the current one when it is. */
  ensureCurrent(): void {
    if (this.#current !== undefined && threadCurrent === this.#current.handle) return;
    this.makeCurrent(undefined);
  }

  destroyContext(ctx: HostGlContext): void {
    const c = ctx as EglContext;
    if (!this.#contexts.delete(c)) return;
    if (this.#current === c) this.makeCurrent(undefined);
    this.#egl.destroyContext(this.#dpy, c.handle);
    glObjectCensus.deleted("context");
  }

  /** Releases every context and this instance's use of the display. */
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
}

/** Drops one user of the display, terminating it when none is left. */
function releaseDisplay(egl: { terminate: (dpy: unknown) => number }, dpy: unknown): void {
  const key = koffi.address(dpy);
  const users = (displayUsers.get(key) ?? 1) - 1;
  glObjectCensus.deleted("display");
  if (users > 0) displayUsers.set(key, users);
  else {
    displayUsers.delete(key);
    egl.terminate(dpy);
  }
}

/** The host's EGL devices, through this process's libEGL (empty without `EGL_EXT_device_enumeration`). */
export function eglDevices(): EglDeviceInfo[] {
  return listEglDevices(loadEgl().getProcAddress);
}
