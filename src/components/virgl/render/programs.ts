import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglShader } from "../state/shader.ts";
import { emitGlsl, type ShaderKey, type TgsiShader, type TgsiStage, transformFeedbackVaryings } from "../tgsi/index.ts";

/** Programs (and compiled stages) one context keeps before it starts over: a guest cannot grow the cache unbounded. */
export const MAX_CACHED_PROGRAMS = 512;

const GL_SHADER_TYPE: Readonly<Record<TgsiStage, number>> = {
  VERT: GL.VERTEX_SHADER,
  FRAG: GL.FRAGMENT_SHADER,
  GEOM: GL.GEOMETRY_SHADER,
  TESS_CTRL: GL.TESS_CONTROL_SHADER,
  TESS_EVAL: GL.TESS_EVALUATION_SHADER,
  COMP: GL.COMPUTE_SHADER,
};

/** One stage of a program to link: the stored shader, its parsed TGSI and the variant key. */
export interface ProgramStage {
  readonly shader: VirglShader;
  readonly tgsi: TgsiShader;
  readonly key: ShaderKey;
}

/**
 * GLSL variants and linked programs of one context, keyed by (shader object, shader key) and by stage set. A
 * variant that fails to translate, compile or link is remembered as failed (draws with it are skipped) and its
 * excerpt logged once.
 */
export class ProgramCache {
  readonly #gl: HostGl;
  readonly #warn: (message: string) => void;
  readonly #beforeLink: () => void;
  readonly #ids = new WeakMap<VirglShader, number>();
  #nextId = 1;
  /** Compiled stage by `id:key`; 0 = failed. */
  readonly #stages = new Map<string, number>();
  /** Linked program by the stages' cache keys; 0 = failed. */
  readonly #programs = new Map<string, number>();
  #generation = 0;

  /** `beforeLink` runs before each link (GL refuses feedback varyings while a paused capture is bound). */
  constructor(gl: HostGl, warn: (message: string) => void, beforeLink: () => void = () => {}) {
    this.#gl = gl;
    this.#warn = warn;
    this.#beforeLink = beforeLink;
  }

  #id(shader: VirglShader): number {
    let id = this.#ids.get(shader);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(shader, id);
    }
    return id;
  }

  #stage(s: ProgramStage): { key: string; name: number } {
    const key = `${this.#id(s.shader)}:${JSON.stringify(s.key)}`;
    let name = this.#stages.get(key);
    if (name === undefined) {
      name = 0;
      const glsl = emitGlsl(s.tgsi, s.key);
      if (!glsl.ok) this.#warn(`TGSI not translated: ${glsl.error.message}`);
      else {
        const built = this.#gl.compileShader(GL_SHADER_TYPE[s.tgsi.stage], glsl.glsl);
        if (built.name === 0)
          this.#warn(`GLSL of a ${s.tgsi.stage} shader does not compile: ${built.log.slice(0, 400)}`);
        name = built.name;
      }
      this.#stages.set(key, name);
    }
    return { key, name };
  }

  /** The linked program of `stages` (in pipeline order), or 0 when it cannot be built (the draw is skipped). */
  program(stages: readonly ProgramStage[]): number {
    if (this.#programs.size >= MAX_CACHED_PROGRAMS || this.#stages.size >= MAX_CACHED_PROGRAMS * 2) this.clear();
    const built = stages.map((s) => this.#stage(s));
    const key = built.map((b) => b.key).join("|");
    let program = this.#programs.get(key);
    if (program === undefined) {
      program = 0;
      if (built.every((b) => b.name !== 0)) {
        let last: ProgramStage | undefined;
        for (const s of stages) if (s.key.streamOutput !== undefined) last = s;
        const varyings =
          last === undefined ? [] : transformFeedbackVaryings(last.key.streamOutput!, last.shader.streamOutput.strides);
        this.#beforeLink();
        const linked = this.#gl.linkProgram(
          built.map((b) => b.name),
          varyings,
        );
        if (linked.name === 0) this.#warn(`program does not link: ${linked.log.slice(0, 400)}`);
        program = linked.name;
      }
      this.#programs.set(key, program);
    }
    return program;
  }

  /** Bumps each time {@link clear} deletes the programs: a program name remembered from before is gone. */
  get generation(): number {
    return this.#generation;
  }

  /** Deletes every program and stage (current context must be the owner's). */
  clear(): void {
    this.#generation++;
    for (const p of this.#programs.values()) if (p !== 0) this.#gl.deleteProgram(p);
    for (const s of this.#stages.values()) if (s !== 0) this.#gl.deleteShader(s);
    this.#programs.clear();
    this.#stages.clear();
  }
}
