import { SAMPLERS_PER_STAGE, STAGE_PREFIX, uboBlockRows } from "./glsl-bindings.ts";
import { GlslEmitError } from "./glsl-emit-error.ts";
import { inputNative, sysvalNative, tcsOutRead, tcsWrite } from "./glsl-emit-io.ts";
import { GLSL_REQUIREMENTS, type GlslRequirement } from "./glsl-requirements.ts";
import type { ShaderKey } from "./shader-key.ts";
import type {
  TgsiDeclaration,
  TgsiDst,
  TgsiFile,
  TgsiIndex,
  TgsiIoSlot,
  TgsiSamplerInfo,
  TgsiShader,
  TgsiSrc,
  TgsiStage,
} from "./tgsi-ir.ts";

/** The three GLSL views of an untyped TGSI register: float, int, uint. */
export type VType = "f" | "i" | "u";
/** The vec4 type of each view. */
export const VEC: Readonly<Record<VType, string>> = { f: "vec4", i: "ivec4", u: "uvec4" };
/** Component letters by index. */
export const COMP = "xyzw";
const DEFAULT_LOOP_LIMIT = 65536;

/** Built-in outputs / inputs that are not user varyings. */
export const BUILTIN_SEMANTICS: ReadonlySet<string> = new Set<string>([
  "POSITION",
  "PSIZE",
  "CLIPDIST",
  "CLIPVERTEX",
  "LAYER",
  "VIEWPORT_INDEX",
  "PRIM_ID",
  "EDGEFLAG",
  "FACE",
  "PCOORD",
  "STENCIL",
  "SAMPLEMASK",
  "TESSOUTER",
  "TESSINNER",
  "VIEWPORT_MASK",
]);

/** Where one register of a file lives in GLSL: a scalar variable or an element of an array. */
export interface RegisterHome {
  readonly name: string;
  /** First register of the array, or -1 for a plain variable. */
  readonly first: number;
  readonly length: number;
}

/** `.yzwx` for a swizzle, "" for the identity. */
export function swizzleText(sw: readonly number[]): string {
  if (sw[0] === 0 && sw[1] === 1 && sw[2] === 2 && sw[3] === 3) return "";
  return `.${sw.map((c) => COMP[c]).join("")}`;
}

/** Component letters of a write mask (`0b1011` → `xyw`). */
export function maskText(mask: number): string {
  let s = "";
  for (let i = 0; i < 4; i++) if (mask & (1 << i)) s += COMP[i];
  return s;
}

/** Reinterprets (bit-casts) a vec4 expression from one view to another. */
export function convert(expr: string, from: VType, to: VType): string {
  if (from === to) return expr;
  if (from === "f") return to === "i" ? `floatBitsToInt(${expr})` : `floatBitsToUint(${expr})`;
  if (to === "f") return from === "i" ? `intBitsToFloat(${expr})` : `uintBitsToFloat(${expr})`;
  return `${VEC[to]}(${expr})`;
}

/** A GLSL float literal of `v` (non-finite values as bit patterns). */
export function floatLiteral(v: number): string {
  if (!Number.isFinite(v))
    return v > 0
      ? "uintBitsToFloat(0x7f800000u)"
      : v < 0
        ? "uintBitsToFloat(0xff800000u)"
        : "uintBitsToFloat(0x7fc00000u)";
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * The state of one translation (shader + key → GLSL) that every instruction family shares: where each register
 * lives, operand reading and writing in a chosen type, the body being written, helpers and extensions collected.
 */
export class GlslEmitContext {
  readonly shader: TgsiShader;
  readonly key: ShaderKey;
  readonly stage: TgsiStage;
  /** The stage's name prefix (`vs`, `fs`, ...). */
  readonly p: string;
  readonly es: boolean;
  readonly body: string[] = [];
  /** What the GLSL needs beyond core; the `#extension` lines come from {@link GLSL_REQUIREMENTS}. */
  readonly requirements = new Set<GlslRequirement>();
  readonly helpers = new Map<string, string>();
  indent = 1;
  readonly temps = new Map<number, RegisterHome>();
  readonly outs = new Map<number, RegisterHome>();
  readonly inArrays = new Map<number, RegisterHome>();
  readonly samplers = new Map<number, TgsiSamplerInfo>();
  samplerArray = 0;
  /** Register → its slots: one, or several disjoint component parts (`IN[1].xy, GENERIC[1]` + `IN[1].zw, ...`). */
  readonly inputs = new Map<number, TgsiIoSlot[]>();
  readonly outputs = new Map<number, TgsiIoSlot[]>();
  readonly sysvals = new Map<number, string>();
  usesSysval = false;
  usesLoops = false;
  readonly lastVertexStage: boolean;

  constructor(shader: TgsiShader, key: ShaderKey) {
    this.shader = shader;
    this.key = key;
    this.stage = shader.stage;
    this.p = STAGE_PREFIX[shader.stage];
    this.es = key.target === "glsl300es";
    for (const s of shader.info.inputs) this.inputs.set(s.register, [...(this.inputs.get(s.register) ?? []), s]);
    for (const s of shader.info.outputs) this.outputs.set(s.register, [...(this.outputs.get(s.register) ?? []), s]);
    for (const s of shader.info.systemValues) this.sysvals.set(s.register, s.name);
    for (const s of shader.info.samplers) this.samplers.set(s.unit, s);
    this.lastVertexStage = this.stage === "VERT" || this.stage === "GEOM" || this.stage === "TESS_EVAL";
  }

  /** Refuses the translation: a {@link GlslEmitError}, caught by emitGlsl and returned as a value. */
  fail(reason: string, line = 0): never {
    throw new GlslEmitError(reason, line);
  }

  /** Records that `what` needs `req`; refuses when the target has no extension for it. */
  need(req: GlslRequirement, what: string, line = 0): void {
    const ext = GLSL_REQUIREMENTS[req][this.key.target];
    if (ext === undefined) this.fail(`${what} on ${this.es ? "GLSL ES 3.00" : this.key.target}`, line);
    this.requirements.add(req);
  }

  // ---------------------------------------------------------------- register homes

  /** Decides which TEMP/OUT/IN registers become GLSL arrays (indirectly addressed) and the sampler array. */
  planRegisters(): void {
    const indirectTemp = new Set<number>();
    const indirectOut = new Set<number>();
    const indirectIn = new Set<number>();
    const visit = (r: { file: TgsiFile; index: TgsiIndex; dimension?: TgsiIndex; arrayId: number }): void => {
      if (r.index.indirect === undefined) return;
      const set =
        r.file === "TEMP" ? indirectTemp : r.file === "OUT" ? indirectOut : r.file === "IN" ? indirectIn : undefined;
      // Per-vertex registers indexed indirectly are selected by a switch (see glsl-emit-io.ts), not arrays.
      if (set === undefined || (r.file === "IN" && r.dimension !== undefined)) return;
      set.add(r.arrayId > 0 ? -r.arrayId : r.index.index);
    };
    for (const inst of this.shader.instructions) {
      for (const d of inst.dst) visit(d);
      for (const s of inst.src) visit(s);
    }
    const needsArray = (d: TgsiDeclaration, set: Set<number>): boolean => {
      if (d.arrayId > 0 && set.has(-d.arrayId)) return true;
      for (const i of set) if (i >= d.first && i <= d.last) return true;
      return false;
    };
    for (const d of this.shader.declarations) {
      const len = d.last - d.first + 1;
      if (d.file === "TEMP") {
        const asArray = d.arrayId > 0 || needsArray(d, indirectTemp);
        for (let r = d.first; r <= d.last; r++) {
          if (this.temps.has(r)) {
            if (asArray || this.temps.get(r)!.first >= 0) this.fail("overlapping TEMP array declarations", d.line);
            continue;
          }
          this.temps.set(
            r,
            asArray
              ? { name: `temp${d.first}`, first: d.first, length: len }
              : { name: `temp${r}`, first: -1, length: 1 },
          );
        }
      } else if (d.file === "OUT" && this.stage !== "TESS_CTRL") {
        const asArray = needsArray(d, indirectOut) || (d.arrayId > 0 && len > 1);
        for (let r = d.first; r <= d.last; r++)
          this.outs.set(
            r,
            asArray
              ? { name: `out${d.first}`, first: d.first, length: len }
              : { name: `out${r}`, first: -1, length: 1 },
          );
      } else if (d.file === "IN" && d.dimension === undefined && needsArray(d, indirectIn)) {
        for (let r = d.first; r <= d.last; r++)
          this.inArrays.set(r, { name: `in${d.first}`, first: d.first, length: len });
      }
    }
    this.widen(this.outs, (r) => this.outs.has(r), "out", indirectOut);
    this.widen(this.inArrays, (r) => this.inputs.get(r)?.every((x) => !x.perVertex) === true, "in", indirectIn);
    let indirectSampler = false;
    for (const inst of this.shader.instructions) {
      if (inst.opcode.kind === "tex" && inst.src[inst.src.length - 1]?.index.indirect !== undefined)
        indirectSampler = true;
    }
    for (const s of this.samplers.values())
      if (s.unit >= SAMPLERS_PER_STAGE) this.fail(`sampler unit ${s.unit} above 15`);
    if (indirectSampler) this.samplerArray = Math.max(0, ...[...this.samplers.keys()].map((u) => u + 1));
  }

  /**
   * An indirect access without an array id spans the run of consecutively declared registers around its base: Mesa
   * declares each element of an indexed GLSL varying array as a register of its own.
   */
  widen(map: Map<number, RegisterHome>, declared: (r: number) => boolean, prefix: string, bases: Set<number>): void {
    const inArray = (r: number): boolean => {
      const h = map.get(r);
      return h !== undefined && h.first >= 0 && h.length > 1;
    };
    for (const b of bases) {
      if (b < 0 || !declared(b) || inArray(b)) continue;
      let lo = b;
      while (lo > 0 && declared(lo - 1) && !inArray(lo - 1)) lo--;
      let hi = b;
      while (hi < 79 && declared(hi + 1) && !inArray(hi + 1)) hi++;
      for (let r = lo; r <= hi; r++) map.set(r, { name: `${prefix}${lo}`, first: lo, length: hi - lo + 1 });
    }
  }

  /** TCS: the output register is per-vertex (`tc_*[]`), not a patch output. */
  isPerVertexTcsOut(register: number): boolean {
    const s = this.outputs.get(register)?.[0];
    return s !== undefined && !["PATCH", "TESSOUTER", "TESSINNER"].includes(s.semantic.name);
  }

  // ---------------------------------------------------------------- operands

  /** Index of `idx` into an array starting at register `base`; indirect indices are clamped into `length`. */
  indexExpr(idx: TgsiIndex, base: number, length: number): string {
    if (idx.indirect === undefined) return String(idx.index - base);
    const ind = idx.indirect;
    let reg: string;
    if (ind.file === "ADDR") reg = `addr${ind.index}.${COMP[ind.component]}`;
    else reg = `floatBitsToInt(${this.tempRef(ind.index, undefined, 0)}).${COMP[ind.component]}`;
    const off = idx.index - base;
    const sum = off === 0 ? reg : off > 0 ? `${reg} + ${off}` : `${reg} - ${-off}`;
    return `clamp(${sum}, 0, ${length - 1})`;
  }

  /** `temp<n>` or `temp<first>[i]` of a TEMP register (index clamped when indirect). */
  tempRef(index: number, idx: TgsiIndex | undefined, line: number): string {
    const home = this.temps.get(index);
    if (home === undefined) this.fail(`TEMP[${index}] has no declaration`, line);
    if (home.first < 0) {
      if (idx?.indirect !== undefined) this.fail("indirect access to a scalar TEMP", line);
      return home.name;
    }
    return `${home.name}[${this.indexExpr(idx ?? { index }, home.first, home.length)}]`;
  }

  /** Home lookup for an indirect operand: the array is found from the base index or the array id. */
  homeFor(map: Map<number, RegisterHome>, file: TgsiFile, index: TgsiIndex, arrayId: number, line: number): number {
    if (index.indirect === undefined) return index.index;
    if (arrayId > 0) {
      const d = this.shader.declarations.find((x) => x.file === file && x.arrayId === arrayId);
      if (d !== undefined) return d.first;
    }
    for (const [r, h] of map) if (h.first >= 0 && index.index >= h.first && index.index < h.first + h.length) return r;
    this.fail(`indirect ${file} access outside any array`, line);
  }

  /** A row of the default constant buffer or of a UBO (slot and row clamped when indirect). */
  constRef(src: { index: TgsiIndex; dimension?: TgsiIndex }): string {
    const info = this.shader.info;
    const dim = src.dimension;
    if (dim === undefined || (dim.indirect === undefined && dim.index === 0)) {
      return `${this.p}_c[${this.indexExpr(src.index, 0, Math.max(1, info.constantRows))}]`;
    }
    const rows = this.uboRows();
    const slots = this.uboSlots();
    const slotExpr =
      dim.indirect === undefined ? String(dim.index - 1) : this.indexExpr({ ...dim, index: dim.index - 1 }, 0, slots);
    return `${this.p}_ubo[${slotExpr}].d[${this.indexExpr(src.index, 0, rows)}]`;
  }

  /** Highest UBO slot the shader declares (0 when none): the length of the `<p>_ubo` block array. */
  uboSlots(): number {
    return Math.max(0, ...this.shader.info.uniformBuffers.keys());
  }

  /** Rows of each block of the UBO array. */
  uboRows(): number {
    return uboBlockRows(this.shader.info);
  }

  /** Native vec4 expression of a source register, swizzle applied, no modifiers. */
  srcNative(src: TgsiSrc, line: number): { e: string; t: VType } {
    const sw = swizzleText(src.swizzle);
    switch (src.file) {
      case "TEMP": {
        const base = this.homeFor(this.temps, "TEMP", src.index, src.arrayId, line);
        const home = this.temps.get(base);
        if (home === undefined) this.fail(`TEMP[${base}] has no declaration`, line);
        return { e: this.tempRef(src.index.indirect ? home.first : src.index.index, src.index, line) + sw, t: "f" };
      }
      case "IMM":
        return {
          e: `imm[${this.indexExpr(src.index, 0, this.shader.immediates.length)}]${sw}`,
          t: "u",
        };
      case "CONST":
        return { e: this.constRef(src) + sw, t: "u" };
      case "ADDR":
        return { e: `addr${src.index.index}${sw}`, t: "i" };
      case "OUT": {
        if (this.stage === "TESS_CTRL") return { e: tcsOutRead(this, src, line) + sw, t: "f" };
        const base = this.homeFor(this.outs, "OUT", src.index, src.arrayId, line);
        const home = this.outs.get(base)!;
        return {
          e: (home.first < 0 ? home.name : `${home.name}[${this.indexExpr(src.index, home.first, home.length)}]`) + sw,
          t: "f",
        };
      }
      case "IN":
        return inputNative(this, src, line, sw);
      case "SV":
        return sysvalNative(this, src.index.index, line, sw);
      default:
        this.fail(`${src.file} cannot be read here`, line);
    }
  }

  /** Source in type `t` with negate/abs applied in that type. */
  src(src: TgsiSrc, t: VType, line: number): string {
    const n = this.srcNative(src, line);
    let e = convert(n.e, n.t, t);
    if (src.absolute && t !== "u") e = `abs(${e})`;
    if (src.negate) e = `(-${e})`;
    return e;
  }

  /** The GLSL lvalue of a destination register and its native type. */
  dstRef(dst: TgsiDst, line: number): { lv: string; t: VType } {
    switch (dst.file) {
      case "TEMP": {
        const base = this.homeFor(this.temps, "TEMP", dst.index, dst.arrayId, line);
        const home = this.temps.get(base);
        if (home === undefined) this.fail(`TEMP[${base}] has no declaration`, line);
        return { lv: this.tempRef(dst.index.indirect ? home.first : dst.index.index, dst.index, line), t: "f" };
      }
      case "ADDR":
        if (dst.index.indirect !== undefined) this.fail("indirect ADDR", line);
        return { lv: `addr${dst.index.index}`, t: "i" };
      case "OUT": {
        if (this.stage === "TESS_CTRL") this.fail("a TCS output is written through assign()", line);
        const base = this.homeFor(this.outs, "OUT", dst.index, dst.arrayId, line);
        const home = this.outs.get(base);
        if (home === undefined) this.fail(`OUT[${base}] has no declaration`, line);
        return {
          lv: home.first < 0 ? home.name : `${home.name}[${this.indexExpr(dst.index, home.first, home.length)}]`,
          t: "f",
        };
      }
      default:
        this.fail(`${dst.file} cannot be written`, line);
    }
  }

  /** Writes `expr` (of type `t`) to `dst` under its write mask, saturated if asked. */
  assign(dst: TgsiDst, expr: string, t: VType, saturate: boolean, line: number): void {
    let e = expr;
    if (saturate) e = `clamp(${convert(e, t, "f")}, 0.0, 1.0)`;
    if (this.stage === "TESS_CTRL" && dst.file === "OUT") {
      tcsWrite(this, dst, convert(e, saturate ? "f" : t, "f"), line);
      return;
    }
    const { lv, t: nt } = this.dstRef(dst, line);
    const value = convert(e, saturate ? "f" : t, nt);
    if (dst.writeMask === 0xf) this.line(`${lv} = ${value};`);
    else {
      const m = maskText(dst.writeMask);
      this.line(`${lv}.${m} = (${value}).${m};`);
    }
  }

  /** Appends a statement to the body at the current indent. */
  line(s: string): void {
    this.body.push("  ".repeat(this.indent) + s);
  }

  /** Defines a GLSL helper function once; returns its name. */
  helper(name: string, code: string): string {
    this.helpers.set(name, code);
    return name;
  }

  /** `mix` with a bvec selector for ivec4/uvec4: built in on desktop GLSL, a helper on GLSL ES 3.00. */
  imix(t: "i" | "u"): string {
    if (!this.es) return "mix";
    const v = VEC[t];
    const name = `tgsi_mix_${t}`;
    this.helper(
      name,
      `${v} ${name}(${v} f, ${v} t, bvec4 c) { return ${v}(c.x ? t.x : f.x, c.y ? t.y : f.y, c.z ? t.z : f.z, c.w ? t.w : f.w); }`,
    );
    return name;
  }

  /** A call of helper function `name` (defined once by `code`) with `args`. */
  call(name: string, code: string, args: string): string {
    this.helpers.set(name, code);
    return `${name}(${args})`;
  }

  /** Integer literal values of an immediate source's swizzled components (for offsets, stream ids, gather). */
  immInts(src: TgsiSrc, n: number, line: number): number[] {
    if (src.file !== "IMM" || src.index.indirect !== undefined)
      this.fail("a constant operand must be an immediate", line);
    const imm = this.shader.immediates[src.index.index]!;
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(imm.words[src.swizzle[i]!]! | 0);
    return out;
  }

  /** Loop iteration budget of one invocation (0 = unlimited). */
  loopLimit(): number {
    const l = this.key.loopLimit ?? DEFAULT_LOOP_LIMIT;
    return Number.isSafeInteger(l) && l > 0 ? Math.min(l, 0x7fffffff) : 0;
  }
}
