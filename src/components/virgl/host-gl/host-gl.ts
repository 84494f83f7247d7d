import { RutabagaError } from "../../../rutabaga/error.ts";
import type { HostGlBuffers } from "./buffers.ts";
import type { HostGlCompute } from "./compute.ts";
import type { HostGlDraws } from "./draws.ts";
import type { HostGlFramebuffers } from "./framebuffers.ts";
import { GL } from "./gl-constants.ts";
import type { HostGlFeatures, HostGlIndirectDraws } from "./indirect-draws.ts";
import type { HostGlMemory } from "./memory.ts";
import type { HostGlMultisample } from "./multisample.ts";
import type { HostGlPipelineState } from "./pipeline-state.ts";
import type { HostGlPrograms } from "./programs.ts";
import type { HostGlQueries } from "./queries.ts";
import type { HostGlSamplers } from "./samplers.ts";
import type { HostGlTessellation } from "./tessellation.ts";
import type { HostGlTextures } from "./textures.ts";
import type { HostGlTransformFeedback } from "./transform-feedback.ts";
import type { HostGlVertexArrays } from "./vertex-arrays.ts";

/** Contexts and queries of the host GL. */
export interface HostGlContexts {
  /** Desktop GL version × 10 (45 for 4.5), or 0 on GLES. */
  readonly glVersion: number;
  /** GLES version × 10, or 0 on desktop GL. */
  readonly glesVersion: number;
  /** What this host offers beyond a GL 4.3 core context. */
  readonly features: HostGlFeatures;

  /** A new context sharing objects with every other one; not made current. */
  createContext(): HostGlContext;
  /** Makes `ctx` current; `undefined` selects the host's own context (resource work outside any guest context). */
  makeCurrent(ctx: HostGlContext | undefined): void;
  /**
   * Makes some context of this host current without switching when one already is (objects are shared, and a
   * switch flushes the GL): for resource work (creation, transfers) between submits.
   */
  ensureCurrent(): void;
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
  /** Starts the GL on what it was given (`glFlush`), without waiting. */
  flush(): void;
}

/**
 * Every host GL call the virgl component makes goes through this interface, so a GLES 3 or WebGL2 host can provide
 * it. Object names are GL names (numbers); objects live in one share group, except framebuffers. Methods follow GL
 * 4.5 direct state access; an implementation without it binds internally. Calls act on the current context.
 */
export interface HostGl
  extends HostGlContexts,
    HostGlTextures,
    HostGlBuffers,
    HostGlFramebuffers,
    HostGlPrograms,
    HostGlVertexArrays,
    HostGlSamplers,
    HostGlPipelineState,
    HostGlQueries,
    HostGlTransformFeedback,
    HostGlMemory,
    HostGlDraws,
    HostGlIndirectDraws,
    HostGlCompute,
    HostGlTessellation,
    HostGlMultisample {}

/** An opaque context made by {@link HostGl.createContext}. */
export interface HostGlContext {
  readonly id: number;
}

/** Most GL errors a drain reads (GL keeps at most one flag per error kind). */
const MAX_PENDING_GL_ERRORS = 16;

/** Clears pending GL errors so a later check sees only its own operation's. */
export function drainGlErrors(gl: HostGl): void {
  for (let i = 0; i < MAX_PENDING_GL_ERRORS && gl.getError() !== GL.NO_ERROR; i++) {
    /* keep reading */
  }
}

/** Throws `ComponentError` naming `what` if the GL recorded an error since the last drain. */
export function checkGl(gl: HostGl, what: string): void {
  const err = gl.getError();
  if (err !== GL.NO_ERROR) throw new RutabagaError("ComponentError", `GL error 0x${err.toString(16)} in ${what}`);
}
