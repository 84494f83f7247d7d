import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { VirglObject } from "../protocol/commands.ts";
import type { VirglStreamoutTarget } from "../protocol/objects/streamout-target.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import type { ResourceLookup } from "./lookup.ts";

/** GS output primitive (TGSI property) → the transform feedback primitive mode it captures. */
const GS_CAPTURE_MODE: Readonly<Record<string, number>> = {
  POINTS: GL.POINTS,
  LINE_STRIP: GL.LINES,
  TRIANGLE_STRIP: GL.TRIANGLES,
};

/** The transform feedback primitive mode a draw of Gallium primitive `mode` captures in (no GS). */
export function captureMode(mode: number): number {
  if (mode === 0) return GL.POINTS;
  // LINES, LINE_LOOP, LINE_STRIP, LINES_ADJACENCY, LINE_STRIP_ADJACENCY.
  if (mode === 1 || mode === 2 || mode === 3 || mode === 10 || mode === 11) return GL.LINES;
  return GL.TRIANGLES;
}

/** TES_PRIM_MODE (by name or `PIPE_PRIM_*` number) → the primitives the tessellator emits. */
const TES_CAPTURE_MODE: Readonly<Record<string, number>> = {
  TRIANGLES: GL.TRIANGLES,
  QUADS: GL.TRIANGLES,
  LINES: GL.LINES,
  "4": GL.TRIANGLES,
  "7": GL.TRIANGLES,
  "1": GL.LINES,
};

/**
 * The capture mode of a draw: the GS's output primitive when a GS is bound, else the primitives the TES emits (points
 * in point mode), else the draw's primitive.
 */
export function drawCaptureMode(
  mode: number,
  gs: { readonly gsOutputPrimitive?: string } | undefined,
  tes: { readonly tesPrimMode?: string; readonly tesPointMode: boolean } | undefined,
): number {
  if (gs !== undefined) return GS_CAPTURE_MODE[gs.gsOutputPrimitive ?? ""] ?? GL.POINTS;
  if (tes !== undefined)
    return tes.tesPointMode ? GL.POINTS : (TES_CAPTURE_MODE[tes.tesPrimMode ?? ""] ?? GL.TRIANGLES);
  return captureMode(mode);
}

/**
 * One sub-context's capture session on its GL transform feedback object. `paused`: begun and paused between
 * draws (a later SET_STREAMOUT_TARGETS of the same targets with their append bits resumes it, so appended
 * vertices follow the earlier ones); `ended`: its vertex count is what a draw from stream output reads.
 */
interface Session {
  readonly xfb: number;
  version: number;
  targets: readonly (VirglStreamoutTarget | undefined)[];
  state: "none" | "need-begin" | "paused" | "ended";
  /** Whether draws capture (targets are set). */
  active: boolean;
  program: number;
  mode: number;
  /** Dwords per vertex of each capture buffer, from the capturing shader. */
  strides: readonly number[];
}

/**
 * Stream output (transform feedback) as virglrenderer executes it: a GL transform feedback object per
 * sub-context; targets bound with their buffer range when set; begun at the first capturing draw with the
 * primitive mode it captures, paused after each draw and resumed at the next one.
 */
export class StreamOutput {
  readonly #gl: HostGl;
  readonly #sessions = new Map<VirglSubContext, Session>();
  #boundXfb = 0;

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  #session(sub: VirglSubContext): Session {
    let s = this.#sessions.get(sub);
    if (s === undefined) {
      s = {
        xfb: this.#gl.createTransformFeedback(),
        version: -1,
        targets: [],
        state: "none",
        active: false,
        program: 0,
        mode: 0,
        strides: [],
      };
      this.#sessions.set(sub, s);
    }
    return s;
  }

  #bind(xfb: number): void {
    if (this.#boundXfb !== xfb) {
      this.#gl.bindTransformFeedback(xfb);
      this.#boundXfb = xfb;
    }
  }

  #end(s: Session): void {
    if (s.state !== "paused") return;
    this.#bind(s.xfb);
    this.#gl.endTransformFeedback();
    s.state = "ended";
  }

  /** Applies SET_STREAMOUT_TARGETS when it changed; refuses a target whose range its buffer cannot hold. */
  #update(sub: VirglSubContext, s: Session, lookup: ResourceLookup): VirglRefusal | undefined {
    const b = sub.bound;
    if (s.version === b.streamoutVersion) return undefined;
    s.version = b.streamoutVersion;
    const targets = b.streamoutTargets.map((h) => {
      const o = h === 0 ? undefined : sub.objects.get(h);
      return o?.type === VirglObject.StreamoutTarget ? (o.state as VirglStreamoutTarget) : undefined;
    });
    if (targets.every((t) => t === undefined)) {
      s.active = false;
      return undefined;
    }
    const resumes =
      s.state === "paused" &&
      targets.length === s.targets.length &&
      targets.every((t, i) => t === s.targets[i] && (t === undefined || (b.streamoutAppend & (1 << i)) !== 0));
    if (resumes) {
      s.active = true;
      return undefined;
    }
    this.#end(s);
    s.active = false;
    s.state = "none";
    this.#bind(s.xfb);
    for (let i = 0; i < Math.max(targets.length, s.targets.length); i++) {
      const t = targets[i];
      if (t === undefined) {
        this.#gl.transformFeedbackBufferRange(s.xfb, i, 0, 0, 0);
        continue;
      }
      const res = lookup(t.resourceId);
      if (res instanceof VirglRefusal) return res;
      if (res.state.target !== PipeTextureTarget.Buffer || res.state.glName === 0)
        return invalid(`streamout target on resource ${t.resourceId}, not a GL buffer`);
      if (t.bufferOffset % 4 !== 0 || t.bufferSize % 4 !== 0 || t.bufferSize === 0)
        return invalid(`streamout range ${t.bufferOffset}+${t.bufferSize} not in whole dwords`);
      if (t.bufferOffset + t.bufferSize > res.state.width)
        return invalid(`streamout range ${t.bufferOffset}+${t.bufferSize} past the ${res.state.width}-byte buffer`);
      this.#gl.transformFeedbackBufferRange(s.xfb, i, res.state.glName, t.bufferOffset, t.bufferSize);
    }
    s.targets = targets;
    s.state = "need-begin";
    s.active = true;
    return undefined;
  }

  /**
   * Before a draw with `program` in use: begins or resumes capture when targets are set and the program captures
   * (`strides` of its last vertex stage, empty when it captures nothing) in primitive mode `mode`.
   */
  beforeDraw(
    sub: VirglSubContext,
    program: number,
    strides: readonly number[] | undefined,
    mode: number,
    lookup: ResourceLookup,
  ): VirglRefusal | undefined {
    if (sub.bound.streamoutVersion === 0 && !this.#sessions.has(sub)) return undefined;
    const s = this.#session(sub);
    const failed = this.#update(sub, s, lookup);
    if (failed !== undefined) return failed;
    if (!s.active || strides === undefined) return undefined;
    this.#bind(s.xfb);
    if (s.state === "paused" && s.program === program && s.mode === mode) {
      this.#gl.resumeTransformFeedback();
    } else {
      // A new session, or another program or primitive mode (GL resumes only the same): capture starts again at
      // the targets' beginning.
      if (s.state === "paused") this.#gl.endTransformFeedback();
      this.#gl.beginTransformFeedback(mode);
      s.program = program;
      s.mode = mode;
      s.strides = strides;
    }
    s.state = "paused";
    return undefined;
  }

  /** After a draw: pauses capture (begun or resumed by {@link beforeDraw}) so other commands may run. */
  afterDraw(sub: VirglSubContext, strides: readonly number[] | undefined): void {
    const s = this.#sessions.get(sub);
    if (s === undefined || !s.active || strides === undefined) return;
    this.#gl.pauseTransformFeedback();
  }

  /**
   * For a draw counted from target `handle`: the transform feedback object holding its vertex count and the most
   * vertices it can hold (for the vertex range check), or undefined when no ended session of this sub-context
   * captured into it (the draw is skipped).
   */
  countSource(sub: VirglSubContext, handle: number): { xfb: number; maxVertices: number } | undefined {
    const s = this.#sessions.get(sub);
    const o = sub.objects.get(handle);
    if (s === undefined || o?.type !== VirglObject.StreamoutTarget) return undefined;
    const i = s.targets.indexOf(o.state as VirglStreamoutTarget);
    if (i < 0 || (s.state !== "paused" && s.state !== "ended")) return undefined;
    this.#end(s);
    const stride = s.strides[i] ?? 0;
    if (stride === 0) return undefined;
    return { xfb: s.xfb, maxVertices: Math.floor(s.targets[i]!.bufferSize / (stride * 4)) };
  }

  /** Deletes a destroyed sub-context's transform feedback object. */
  forget(sub: VirglSubContext): void {
    const s = this.#sessions.get(sub);
    if (s === undefined) return;
    this.#end(s);
    if (this.#boundXfb === s.xfb) this.#bind(0);
    this.#gl.deleteTransformFeedback(s.xfb);
    this.#sessions.delete(sub);
  }

  /** Deletes the transform feedback objects (current context must be the owner's). */
  destroy(): void {
    if (this.#boundXfb !== 0) this.#gl.bindTransformFeedback(0);
    for (const s of this.#sessions.values()) {
      if (s.state === "paused") {
        this.#gl.bindTransformFeedback(s.xfb);
        this.#gl.endTransformFeedback();
      }
      this.#gl.deleteTransformFeedback(s.xfb);
    }
    this.#sessions.clear();
    this.#boundXfb = 0;
  }
}
