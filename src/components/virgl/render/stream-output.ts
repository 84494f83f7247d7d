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
 * One set of stream-output targets and its GL transform feedback object. `paused`: begun and paused between draws (a
 * later SET_STREAMOUT_TARGETS of the same target objects resumes it, so later vertices follow the earlier ones); `ended`: its vertex count is what a draw from stream output reads.
 */
interface Session {
  readonly xfb: number;
  readonly targets: readonly (VirglStreamoutTarget | undefined)[];
  /** The target objects' handles, to notice their destruction. */
  readonly handles: readonly number[];
  state: "need-begin" | "paused" | "ended";
  program: number;
  mode: number;
  /** Dwords per vertex of each capture buffer, from the capturing shader. */
  strides: readonly number[];
}

/** One sub-context's sessions, most recently set last, and the one draws capture into (targets set). */
interface SubContextCapture {
  version: number;
  readonly sessions: Session[];
  current: Session | undefined;
}

/** Target sets (GL transform feedback objects) one sub-context keeps; the least recently set is ended past this. */
export const MAX_CAPTURE_SESSIONS = 8;

function lookupName(lookup: ResourceLookup, resourceId: number): number {
  const res = lookup(resourceId);
  return res instanceof VirglRefusal ? 0 : res.state.glName;
}

const sameTargets = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/**
 * Stream output (transform feedback) with pause and resume: a GL transform feedback object per set of targets a
 * sub-context sets, so capture into one set can pause while another captures and resume after it (Mesa sets no
 * targets to pause, and the same targets again to resume). Targets are bound with their buffer
 * range when set; capture begins at the first capturing draw with the primitive mode it captures, is paused after
 * each draw and resumed at the next one, so primitives-written queries count only captured draws.
 */
export class StreamOutput {
  readonly #gl: HostGl;
  readonly #subs = new Map<VirglSubContext, SubContextCapture>();
  #boundXfb = 0;

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  #bind(xfb: number): void {
    if (this.#boundXfb !== xfb) {
      this.#gl.bindTransformFeedback(xfb);
      this.#boundXfb = xfb;
    }
  }

  /**
   * Binds the default transform feedback object: GL refuses `glTransformFeedbackVaryings` while the bound object is
   * active, even paused, so links happen without one.
   */
  unbind(): void {
    this.#bind(0);
  }

  #end(s: Session): void {
    if (s.state !== "paused") return;
    this.#bind(s.xfb);
    this.#gl.endTransformFeedback();
    s.state = "ended";
  }

  #delete(s: Session): void {
    this.#end(s);
    if (this.#boundXfb === s.xfb) this.#bind(0);
    this.#gl.deleteTransformFeedback(s.xfb);
  }

  /** Applies SET_STREAMOUT_TARGETS when it changed; refuses a target whose range its buffer cannot hold. */
  #update(sub: VirglSubContext, c: SubContextCapture, lookup: ResourceLookup): VirglRefusal | undefined {
    const b = sub.bound;
    if (c.version === b.streamoutVersion) return undefined;
    c.version = b.streamoutVersion;
    c.current = undefined;
    const targets = b.streamoutTargets.map((h) => {
      const o = h === 0 ? undefined : sub.objects.get(h);
      return o?.type === VirglObject.StreamoutTarget ? (o.state as VirglStreamoutTarget) : undefined;
    });
    if (targets.every((t) => t === undefined)) return undefined;
    const ranges: { index: number; buffer: number; offset: number; size: number }[] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      if (t === undefined) continue;
      const res = lookup(t.resourceId);
      if (res instanceof VirglRefusal) return res;
      if (res.state.target !== PipeTextureTarget.Buffer || res.state.glName === 0)
        return invalid(`streamout target on resource ${t.resourceId}, not a GL buffer`);
      if (t.bufferOffset % 4 !== 0 || t.bufferSize % 4 !== 0 || t.bufferSize === 0)
        return invalid(`streamout range ${t.bufferOffset}+${t.bufferSize} not in whole dwords`);
      if (t.bufferOffset + t.bufferSize > res.state.width)
        return invalid(`streamout range ${t.bufferOffset}+${t.bufferSize} past the ${res.state.width}-byte buffer`);
      ranges.push({ index: i, buffer: res.state.glName, offset: t.bufferOffset, size: t.bufferSize });
    }
    // Sessions whose target objects the guest destroyed can neither resume nor be drawn from (Mesa destroys them at the
    // next glBeginTransformFeedback): ended and deleted, so no paused capture outlives them.
    for (let k = c.sessions.length - 1; k >= 0; k--) {
      const old = c.sessions[k]!;
      if (old.handles.some((h, i) => h !== 0 && sub.objects.get(h)?.state !== old.targets[i])) {
        this.#delete(old);
        c.sessions.splice(k, 1);
      }
    }
    const at = c.sessions.findIndex((s) => sameTargets(s.targets, targets));
    let s = at < 0 ? undefined : c.sessions[at];
    if (s !== undefined) c.sessions.splice(at, 1);
    // Mesa sends no append bits (virgl_context.c passes 0); a paused session's own targets set again resume it, as
    // virglrenderer does, and Mesa makes new targets at each glBeginTransformFeedback.
    if (s === undefined || s.state !== "paused") {
      if (s === undefined) {
        s = {
          xfb: this.#gl.createTransformFeedback(),
          targets,
          handles: [...b.streamoutTargets],
          state: "need-begin",
          program: 0,
          mode: 0,
          strides: [],
        };
        this.#bind(s.xfb);
        for (const r of ranges) this.#gl.transformFeedbackBufferRange(s.xfb, r.index, r.buffer, r.offset, r.size);
      } else {
        this.#end(s);
        s.state = "need-begin";
      }
      // Another set capturing into the same buffers stops: its offsets would no longer be where the data ends.
      const resources = new Set(ranges.map((r) => r.buffer));
      for (const other of c.sessions) {
        if (other.targets.some((t) => t !== undefined && resources.has(lookupName(lookup, t.resourceId)))) {
          this.#end(other);
        }
      }
    }
    c.sessions.push(s);
    while (c.sessions.length > MAX_CAPTURE_SESSIONS) this.#delete(c.sessions.shift()!);
    c.current = s;
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
    let c = this.#subs.get(sub);
    if (c === undefined) {
      if (sub.bound.streamoutVersion === 0) return undefined;
      c = { version: -1, sessions: [], current: undefined };
      this.#subs.set(sub, c);
    }
    const failed = this.#update(sub, c, lookup);
    if (failed !== undefined) return failed;
    const s = c.current;
    if (s === undefined || strides === undefined) return undefined;
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
    const s = this.#subs.get(sub)?.current;
    if (s === undefined || strides === undefined) return;
    this.#gl.pauseTransformFeedback();
  }

  /**
   * For a draw counted from stream output: Mesa sends the target's buffer size, not its handle, so the source is the
   * most recently set session with a target of `bufferSize` bytes (its first target when none matches). Returns its
   * transform feedback object (ended now) and the most vertices it can hold (for the vertex range check), or undefined
   * when no session captured (the draw is skipped).
   */
  countSource(sub: VirglSubContext, bufferSize: number): { xfb: number; maxVertices: number } | undefined {
    const sessions = this.#subs.get(sub)?.sessions ?? [];
    let s: Session | undefined;
    let i = -1;
    for (let k = sessions.length - 1; k >= 0 && i < 0; k--) {
      const at = sessions[k]!.targets.findIndex((t) => t?.bufferSize === bufferSize);
      if (at >= 0 && sessions[k]!.state !== "need-begin") {
        s = sessions[k];
        i = at;
      }
    }
    if (s === undefined) {
      s = sessions.at(-1);
      i = 0;
    }
    if (s === undefined || s.state === "need-begin") return undefined;
    this.#end(s);
    const stride = s.strides[i] ?? 0;
    const t = s.targets[i];
    if (stride === 0 || t === undefined) return undefined;
    return { xfb: s.xfb, maxVertices: Math.floor(t.bufferSize / (stride * 4)) };
  }

  /**
   * Sub-contexts whose capture is in progress (begun and paused between draws): the GL keeps how far each target has
   * been written inside its transform feedback object, which cannot be read back, so a snapshot then is refused.
   */
  capturing(): number {
    let n = 0;
    for (const c of this.#subs.values()) if (c.sessions.some((s) => s.state === "paused")) n++;
    return n;
  }

  /** Deletes a destroyed sub-context's transform feedback objects. */
  forget(sub: VirglSubContext): void {
    const c = this.#subs.get(sub);
    if (c === undefined) return;
    for (const s of c.sessions) this.#delete(s);
    this.#subs.delete(sub);
  }

  /** Deletes the transform feedback objects (current context must be the owner's). */
  destroy(): void {
    for (const c of this.#subs.values()) for (const s of c.sessions) this.#delete(s);
    if (this.#boundXfb !== 0) this.#gl.bindTransformFeedback(0);
    this.#subs.clear();
    this.#boundXfb = 0;
  }
}
