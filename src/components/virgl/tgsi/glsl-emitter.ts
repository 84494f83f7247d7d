import { ALU_EXPRESSIONS, ALU_HELPERS, type AluOperands } from "./alu-expressions.ts";
import {
  MAX_UBO_SLOT,
  SAMPLERS_PER_STAGE,
  STAGE_PREFIX,
  samplerBinding,
  sysvalBinding,
  uboBinding,
  uboBlockRows,
  varyingId,
  varyingName,
} from "./glsl-bindings.ts";
import { MAX_STREAM_OUTPUTS, type ShaderKey, type StreamOutputEntry } from "./shader-key.ts";
import type {
  TgsiDeclaration,
  TgsiDst,
  TgsiFile,
  TgsiIndex,
  TgsiInstruction,
  TgsiIoSlot,
  TgsiSamplerInfo,
  TgsiShader,
  TgsiSrc,
  TgsiStage,
  TgsiTextureTarget,
} from "./tgsi-ir.ts";
import { TgsiParseError } from "./tgsi-parse-error.ts";
import { calTarget } from "./tgsi-parser.ts";

/** Result of {@link emitGlsl}: the GLSL source, or why this shader/key cannot be translated. */
export type GlslResult =
  | { readonly ok: true; readonly glsl: string }
  | { readonly ok: false; readonly error: TgsiParseError };

type VType = "f" | "i" | "u";
const VEC: Record<VType, string> = { f: "vec4", i: "ivec4", u: "uvec4" };
const COMP = "xyzw";
const DEFAULT_LOOP_LIMIT = 65536;

/** Coordinate components of TEX-family lookups, shadow reference included (TGSI layout). */
const COORDS: Record<TgsiTextureTarget, number> = {
  BUFFER: 1,
  "1D": 1,
  "2D": 2,
  "3D": 3,
  CUBE: 3,
  RECT: 2,
  SHADOW1D: 3,
  SHADOW2D: 3,
  SHADOWRECT: 3,
  "1D_ARRAY": 2,
  "2D_ARRAY": 3,
  SHADOW1D_ARRAY: 3,
  SHADOW2D_ARRAY: 4,
  SHADOWCUBE: 4,
  "2D_MSAA": 2,
  "2D_ARRAY_MSAA": 3,
  CUBE_ARRAY: 4,
  SHADOWCUBE_ARRAY: 4,
};
/** Integer coordinate components of texelFetch (array layer included). */
const FETCH_COORDS: Record<TgsiTextureTarget, number> = {
  ...COORDS,
  SHADOW1D: 1,
  SHADOW2D: 2,
  SHADOWRECT: 2,
  SHADOW1D_ARRAY: 2,
  SHADOW2D_ARRAY: 3,
  SHADOWCUBE: 3,
  CUBE_ARRAY: 4,
  SHADOWCUBE_ARRAY: 4,
};
/** Dimensions of derivatives / texel offsets / LOD-query coordinates (no layer, no reference). */
const DIMS: Record<TgsiTextureTarget, number> = {
  BUFFER: 1,
  "1D": 1,
  "2D": 2,
  "3D": 3,
  CUBE: 3,
  RECT: 2,
  SHADOW1D: 1,
  SHADOW2D: 2,
  SHADOWRECT: 2,
  "1D_ARRAY": 1,
  "2D_ARRAY": 2,
  SHADOW1D_ARRAY: 1,
  SHADOW2D_ARRAY: 2,
  SHADOWCUBE: 3,
  "2D_MSAA": 2,
  "2D_ARRAY_MSAA": 2,
  CUBE_ARRAY: 3,
  SHADOWCUBE_ARRAY: 3,
};
/** Components of textureSize's result. */
const SIZE_DIMS: Record<TgsiTextureTarget, number> = {
  ...DIMS,
  CUBE: 2,
  SHADOWCUBE: 2,
  "1D_ARRAY": 2,
  SHADOW1D_ARRAY: 2,
  "2D_ARRAY": 3,
  SHADOW2D_ARRAY: 3,
  "2D_ARRAY_MSAA": 3,
};
const NO_LOD = new Set<TgsiTextureTarget>(["RECT", "SHADOWRECT", "BUFFER", "2D_MSAA", "2D_ARRAY_MSAA"]);
const SAMPLER_BASE: Record<TgsiTextureTarget, string> = {
  BUFFER: "Buffer",
  "1D": "1D",
  "2D": "2D",
  "3D": "3D",
  CUBE: "Cube",
  RECT: "2DRect",
  SHADOW1D: "1DShadow",
  SHADOW2D: "2DShadow",
  SHADOWRECT: "2DRectShadow",
  "1D_ARRAY": "1DArray",
  "2D_ARRAY": "2DArray",
  SHADOW1D_ARRAY: "1DArrayShadow",
  SHADOW2D_ARRAY: "2DArrayShadow",
  SHADOWCUBE: "CubeShadow",
  "2D_MSAA": "2DMS",
  "2D_ARRAY_MSAA": "2DMSArray",
  CUBE_ARRAY: "CubeArray",
  SHADOWCUBE_ARRAY: "CubeArrayShadow",
};
const GS_IN_PRIM: Record<string, string> = {
  POINTS: "points",
  LINES: "lines",
  LINES_ADJACENCY: "lines_adjacency",
  TRIANGLES: "triangles",
  TRIANGLES_ADJACENCY: "triangles_adjacency",
};
const GS_OUT_PRIM: Record<string, string> = {
  POINTS: "points",
  LINE_STRIP: "line_strip",
  TRIANGLE_STRIP: "triangle_strip",
};
const TES_PRIM: Record<string, string> = { TRIANGLES: "triangles", QUADS: "quads", LINES: "isolines" };
const TES_SPACING: Record<string, string> = {
  EQUAL: "equal_spacing",
  FRACTIONAL_ODD: "fractional_odd_spacing",
  FRACTIONAL_EVEN: "fractional_even_spacing",
};
/** PIPE_FUNC_* → GLSL comparison operator (alpha test passes when `alpha op ref`). */
const ALPHA_OPS = ["false", "<", "==", "<=", ">", "!=", ">=", "true"] as const;
/** Built-in outputs / inputs that are not user varyings. */
const BUILTIN_SEMANTICS = new Set<string>([
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
const MAX_GS_VERTICES = 1024;
/** Opcodes whose GLSL functions GLSL ES 3.00 lacks (bitfield ops and ldexp are ES 3.10, interpolateAt ES 3.20). */
const ES_MISSING_OPS = new Set<string>([
  "IBFE",
  "UBFE",
  "BFI",
  "BREV",
  "POPC",
  "LSB",
  "UMSB",
  "IMSB",
  "LDEXP",
  "INTERP_CENTROID",
  "INTERP_SAMPLE",
  "INTERP_OFFSET",
]);
/** Semantics (inputs, outputs, system values) without a GLSL ES 3.00 built-in. */
const ES_MISSING_SEMANTICS = new Set<string>([
  "CLIPDIST",
  "LAYER",
  "VIEWPORT_INDEX",
  "PRIM_ID",
  "PRIMID",
  "SAMPLEID",
  "SAMPLEPOS",
  "SAMPLEMASK",
  "HELPER_INVOCATION",
  "STENCIL",
  "TESSCOORD",
  "TESSOUTER",
  "TESSINNER",
  "VERTICESIN",
  "INVOCATIONID",
]);

class Unsupported extends Error {
  readonly line: number;
  constructor(reason: string, line: number) {
    super(reason);
    this.line = line;
  }
}

/** Where one register of a file lives in GLSL: a scalar variable or an element of an array. */
interface RegisterHome {
  readonly name: string;
  /** First register of the array, or -1 for a plain variable. */
  readonly first: number;
  readonly length: number;
}

function swizzleText(sw: readonly number[]): string {
  if (sw[0] === 0 && sw[1] === 1 && sw[2] === 2 && sw[3] === 3) return "";
  return `.${sw.map((c) => COMP[c]).join("")}`;
}

function maskText(mask: number): string {
  let s = "";
  for (let i = 0; i < 4; i++) if (mask & (1 << i)) s += COMP[i];
  return s;
}

function convert(expr: string, from: VType, to: VType): string {
  if (from === to) return expr;
  if (from === "f") return to === "i" ? `floatBitsToInt(${expr})` : `floatBitsToUint(${expr})`;
  if (to === "f") return from === "i" ? `intBitsToFloat(${expr})` : `uintBitsToFloat(${expr})`;
  return `${VEC[to]}(${expr})`;
}

function floatLiteral(v: number): string {
  if (!Number.isFinite(v))
    return v > 0
      ? "uintBitsToFloat(0x7f800000u)"
      : v < 0
        ? "uintBitsToFloat(0xff800000u)"
        : "uintBitsToFloat(0x7fc00000u)";
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

class GlslEmitter {
  readonly shader: TgsiShader;
  readonly key: ShaderKey;
  readonly stage: TgsiStage;
  readonly p: string;
  readonly es: boolean;
  readonly body: string[] = [];
  readonly subs: string[] = [];
  readonly extensions = new Set<string>();
  readonly helpers = new Map<string, string>();
  indent = 1;
  readonly temps = new Map<number, RegisterHome>();
  readonly outs = new Map<number, RegisterHome>();
  readonly inArrays = new Map<number, RegisterHome>();
  readonly samplers = new Map<number, TgsiSamplerInfo>();
  samplerArray = 0;
  readonly inputs = new Map<number, TgsiIoSlot>();
  readonly outputs = new Map<number, TgsiIoSlot>();
  readonly sysvals = new Map<number, string>();
  usesSysval = false;
  usesLoops = false;
  lastVertexStage: boolean;

  constructor(shader: TgsiShader, key: ShaderKey) {
    this.shader = shader;
    this.key = key;
    this.stage = shader.stage;
    this.p = STAGE_PREFIX[shader.stage];
    this.es = key.target === "glsl300es";
    for (const s of shader.info.inputs) this.inputs.set(s.register, s);
    for (const s of shader.info.outputs) this.outputs.set(s.register, s);
    for (const s of shader.info.systemValues) this.sysvals.set(s.register, s.name);
    for (const s of shader.info.samplers) this.samplers.set(s.unit, s);
    this.lastVertexStage = this.stage === "VERT" || this.stage === "GEOM" || this.stage === "TESS_EVAL";
  }

  fail(reason: string, line = 0): never {
    throw new Unsupported(reason, line);
  }

  // ---------------------------------------------------------------- register homes

  planRegisters(): void {
    const indirectTemp = new Set<number>();
    const indirectOut = new Set<number>();
    const indirectIn = new Set<number>();
    const visit = (r: { file: TgsiFile; index: TgsiIndex; dimension?: TgsiIndex; arrayId: number }): void => {
      if (r.index.indirect === undefined) return;
      const set =
        r.file === "TEMP" ? indirectTemp : r.file === "OUT" ? indirectOut : r.file === "IN" ? indirectIn : undefined;
      if (set === undefined) return;
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
      } else if (d.file === "OUT" && !(this.stage === "TESS_CTRL" && this.isPerVertexTcsOut(d.first))) {
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
    let indirectSampler = false;
    for (const inst of this.shader.instructions) {
      if (inst.opcode.kind === "tex" && inst.src[inst.src.length - 1]?.index.indirect !== undefined)
        indirectSampler = true;
    }
    for (const s of this.samplers.values())
      if (s.unit >= SAMPLERS_PER_STAGE) this.fail(`sampler unit ${s.unit} above 15`);
    if (indirectSampler) this.samplerArray = Math.max(0, ...[...this.samplers.keys()].map((u) => u + 1));
  }

  isPerVertexTcsOut(register: number): boolean {
    const s = this.outputs.get(register);
    return s !== undefined && !["PATCH", "TESSOUTER", "TESSINNER"].includes(s.semantic.name);
  }

  // ---------------------------------------------------------------- operands

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

  uboSlots(): number {
    return Math.max(0, ...this.shader.info.uniformBuffers.keys());
  }
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
        if (this.stage === "TESS_CTRL" && this.isPerVertexTcsOut(src.index.index)) {
          return { e: this.tcsOutRef(src, line) + sw, t: "f" };
        }
        const base = this.homeFor(this.outs, "OUT", src.index, src.arrayId, line);
        const home = this.outs.get(base)!;
        return {
          e: (home.first < 0 ? home.name : `${home.name}[${this.indexExpr(src.index, home.first, home.length)}]`) + sw,
          t: "f",
        };
      }
      case "IN":
        return this.inputNative(src, line, sw);
      case "SV":
        return this.sysvalNative(src.index.index, line, sw);
      default:
        this.fail(`${src.file} cannot be read here`, line);
    }
  }

  tcsOutRef(r: { index: TgsiIndex; dimension?: TgsiIndex }, line: number): string {
    const slot = this.outputs.get(r.index.index);
    if (slot === undefined || r.index.indirect !== undefined) this.fail("indirect TCS output", line);
    const v = r.dimension === undefined ? "gl_InvocationID" : this.vertexIndex(r.dimension);
    if (slot.semantic.name === "POSITION") return `gl_out[${v}].gl_Position`;
    if (BUILTIN_SEMANTICS.has(slot.semantic.name)) this.fail(`TCS output ${slot.semantic.name}`, line);
    return `${varyingName("TESS_CTRL", slot.semantic)}[${v}]`;
  }

  vertexIndex(dim: TgsiIndex): string {
    return dim.indirect === undefined ? String(dim.index) : this.indexExpr(dim, 0, 32);
  }

  inputNative(src: TgsiSrc, line: number, sw: string): { e: string; t: VType } {
    if (src.index.indirect !== undefined) {
      if (src.dimension !== undefined) this.fail("indirect per-vertex input register", line);
      const base = this.homeFor(this.inArrays, "IN", src.index, src.arrayId, line);
      const home = this.inArrays.get(base)!;
      return { e: `${home.name}[${this.indexExpr(src.index, home.first, home.length)}]${sw}`, t: "f" };
    }
    const v = src.dimension === undefined ? undefined : this.vertexIndex(src.dimension);
    return { e: this.inputExpr(src.index.index, v, line) + sw, t: "f" };
  }

  /** Float-typed vec4 value of input register `reg` (vertex `v` for per-vertex inputs). */
  inputExpr(reg: number, v: string | undefined, line: number): string {
    const slot = this.inputs.get(reg);
    if (slot === undefined) this.fail(`IN[${reg}] has no declaration`, line);
    const sem = slot.semantic;
    if (this.stage === "VERT") {
      const k = this.key;
      if (((k.vsIntInputs ?? 0) >> reg) & 1) return `intBitsToFloat(in_${reg})`;
      if (((k.vsUintInputs ?? 0) >> reg) & 1) return `uintBitsToFloat(in_${reg})`;
      return `in_${reg}`;
    }
    const perVertex = this.stage === "GEOM" || this.stage === "TESS_CTRL" || this.stage === "TESS_EVAL";
    if (perVertex && v === undefined && !["PATCH", "TESSOUTER", "TESSINNER", "PRIM_ID"].includes(sem.name))
      this.fail("per-vertex input read without a vertex index", line);
    const at = v === undefined ? "" : `[${v}]`;
    switch (sem.name) {
      case "POSITION":
        return this.stage === "FRAG" ? "gl_FragCoord" : `gl_in${at}.gl_Position`;
      case "PSIZE":
        return `vec4(gl_in${at}.gl_PointSize, 0.0, 0.0, 1.0)`;
      case "CLIPDIST": {
        if (this.stage === "FRAG") this.fail("FS CLIPDIST input", line);
        const b = sem.index * 4;
        return `vec4(gl_in${at}.gl_ClipDistance[${b}], gl_in${at}.gl_ClipDistance[${b + 1}], gl_in${at}.gl_ClipDistance[${b + 2}], gl_in${at}.gl_ClipDistance[${b + 3}])`;
      }
      case "FACE":
        return "vec4(gl_FrontFacing ? 1.0 : -1.0, 0.0, 0.0, 1.0)";
      case "PRIM_ID":
        return `intBitsToFloat(ivec4(${this.stage === "GEOM" ? "gl_PrimitiveIDIn" : "gl_PrimitiveID"}))`;
      case "PCOORD":
        return "vec4(gl_PointCoord, 0.0, 1.0)";
      case "LAYER":
        return "intBitsToFloat(ivec4(gl_Layer))";
      case "VIEWPORT_INDEX":
        return "intBitsToFloat(ivec4(gl_ViewportIndex))";
      case "TESSOUTER":
        return "vec4(gl_TessLevelOuter[0], gl_TessLevelOuter[1], gl_TessLevelOuter[2], gl_TessLevelOuter[3])";
      case "TESSINNER":
        return "vec4(gl_TessLevelInner[0], gl_TessLevelInner[1], 0.0, 0.0)";
      default:
        break;
    }
    if (this.stage === "FRAG" && sem.name === "TEXCOORD" && ((this.key.spriteCoordEnable ?? 0) >> sem.index) & 1)
      return "vec4(gl_PointCoord, 0.0, 1.0)";
    if (!this.producerWrites(sem)) return "vec4(0.0)";
    const name = varyingName(this.producer(), sem) + at;
    if (this.stage === "FRAG" && sem.name === "COLOR" && this.key.twoSidedColor) {
      const back = { name: "BCOLOR", index: sem.index };
      if (this.producerWrites(back)) return `(gl_FrontFacing ? ${name} : ${varyingName(this.producer(), back)})`;
    }
    return name;
  }

  producer(): TgsiStage {
    if (this.stage === "GEOM" || this.stage === "TESS_CTRL") return this.key.producer ?? "VERT";
    if (this.stage === "TESS_EVAL") return "TESS_CTRL";
    return this.key.producer ?? "VERT";
  }

  producerWrites(sem: { name: string; index: number }): boolean {
    const list = this.key.producerOutputs;
    return list === undefined
      ? sem.name !== "BCOLOR" || this.key.twoSidedColor === true
      : list.includes(varyingId(sem));
  }

  sysvalNative(reg: number, line: number, sw: string): { e: string; t: VType } {
    const name = this.sysvals.get(reg);
    if (name === undefined) this.fail(`SV[${reg}] has no declaration`, line);
    const drawParams = (): void => {
      if (this.es) this.fail(`${name} needs ARB_shader_draw_parameters`, line);
      this.extensions.add("GL_ARB_shader_draw_parameters");
    };
    let e: string;
    let t: VType = "i";
    switch (name) {
      case "INSTANCEID":
        e = "ivec4(gl_InstanceID)";
        break;
      case "VERTEXID":
        e = "ivec4(gl_VertexID)";
        break;
      case "VERTEXID_NOBASE":
        drawParams();
        e = "ivec4(gl_VertexID - gl_BaseVertexARB)";
        break;
      case "BASEVERTEX":
        drawParams();
        e = "ivec4(gl_BaseVertexARB)";
        break;
      case "BASEINSTANCE":
        drawParams();
        e = "ivec4(gl_BaseInstanceARB)";
        break;
      case "DRAWID":
        drawParams();
        e = "ivec4(gl_DrawIDARB)";
        break;
      case "PRIMID":
      case "PRIM_ID":
        e = `ivec4(${this.stage === "GEOM" ? "gl_PrimitiveIDIn" : "gl_PrimitiveID"})`;
        break;
      case "INVOCATIONID":
        e = "ivec4(gl_InvocationID)";
        break;
      case "FACE":
        e = "vec4(gl_FrontFacing ? 1.0 : -1.0, 0.0, 0.0, 1.0)";
        t = "f";
        break;
      case "SAMPLEID":
        e = "ivec4(gl_SampleID)";
        break;
      case "SAMPLEPOS":
        e = "vec4(gl_SamplePosition, 0.0, 0.0)";
        t = "f";
        break;
      case "SAMPLEMASK":
        e = "ivec4(gl_SampleMaskIn[0])";
        break;
      case "POSITION":
        e = "gl_FragCoord";
        t = "f";
        break;
      case "HELPER_INVOCATION":
        e = "uvec4(gl_HelperInvocation ? 0xffffffffu : 0u)";
        t = "u";
        break;
      case "TESSCOORD":
        e = "vec4(gl_TessCoord, 0.0)";
        t = "f";
        break;
      case "TESSOUTER":
        e = "vec4(gl_TessLevelOuter[0], gl_TessLevelOuter[1], gl_TessLevelOuter[2], gl_TessLevelOuter[3])";
        t = "f";
        break;
      case "TESSINNER":
        e = "vec4(gl_TessLevelInner[0], gl_TessLevelInner[1], 0.0, 0.0)";
        t = "f";
        break;
      case "VERTICESIN":
        e = "ivec4(gl_PatchVerticesIn)";
        break;
      case "BLOCK_ID":
        e = "uvec4(gl_WorkGroupID, 0u)";
        t = "u";
        break;
      case "THREAD_ID":
        e = "uvec4(gl_LocalInvocationID, 0u)";
        t = "u";
        break;
      case "GRID_SIZE":
        e = "uvec4(gl_NumWorkGroups, 0u)";
        t = "u";
        break;
      case "BLOCK_SIZE":
        e = "uvec4(gl_WorkGroupSize, 0u)";
        t = "u";
        break;
      default:
        this.fail(`system value ${name}`, line);
    }
    return { e: sw === "" ? e : `${e}${sw}`, t };
  }

  /** Source in type `t` with negate/abs applied in that type. */
  src(src: TgsiSrc, t: VType, line: number): string {
    const n = this.srcNative(src, line);
    let e = convert(n.e, n.t, t);
    if (src.absolute && t !== "u") e = `abs(${e})`;
    if (src.negate) e = `(-${e})`;
    return e;
  }

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
        if (this.stage === "TESS_CTRL" && this.isPerVertexTcsOut(dst.index.index))
          return { lv: this.tcsOutRef(dst, line), t: "f" };
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

  assign(dst: TgsiDst, expr: string, t: VType, saturate: boolean, line: number): void {
    const { lv, t: nt } = this.dstRef(dst, line);
    let e = expr;
    if (saturate) e = `clamp(${convert(e, t, "f")}, 0.0, 1.0)`;
    const value = convert(e, saturate ? "f" : t, nt);
    if (dst.writeMask === 0xf) this.line(`${lv} = ${value};`);
    else {
      const m = maskText(dst.writeMask);
      this.line(`${lv}.${m} = (${value}).${m};`);
    }
  }

  line(s: string): void {
    this.body.push("  ".repeat(this.indent) + s);
  }

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

  // ---------------------------------------------------------------- immediates as constants

  /** Integer literal values of an immediate source's swizzled components (for offsets, stream ids, gather). */
  immInts(src: TgsiSrc, n: number, line: number): number[] {
    if (src.file !== "IMM" || src.index.indirect !== undefined)
      this.fail("a constant operand must be an immediate", line);
    const imm = this.shader.immediates[src.index.index]!;
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(imm.words[src.swizzle[i]!]! | 0);
    return out;
  }

  // ---------------------------------------------------------------- instructions

  emitInstruction(inst: TgsiInstruction, index: number, inMain: boolean): void {
    const op = inst.opcode;
    const L = inst.line;
    switch (op.kind) {
      case "alu":
        if (op.srcType === "d" || op.dstType === "d") this.emitDouble(inst);
        else this.emitAlu(inst);
        return;
      case "tex":
        this.emitTex(inst);
        return;
      case "kill":
        if (this.stage !== "FRAG") this.fail(`${op.name} outside a fragment shader`, L);
        if (op.name === "KILL") this.line("discard;");
        else this.line(`if (any(lessThan(${this.src(inst.src[0]!, "f", L)}, vec4(0.0)))) discard;`);
        return;
      case "gs": {
        if (this.stage !== "GEOM") this.fail(`${op.name} outside a geometry shader`, L);
        const stream = this.immInts(inst.src[0]!, 1, L)[0]!;
        if (stream < 0 || stream > 3) this.fail("stream above 3", L);
        if (op.name === "EMIT") {
          this.line("store_outputs();");
          this.line(stream === 0 ? "EmitVertex();" : `EmitStreamVertex(${stream});`);
        } else this.line(stream === 0 ? "EndPrimitive();" : `EndStreamPrimitive(${stream});`);
        return;
      }
      case "other":
        if (op.name === "BARRIER") {
          if (this.stage !== "COMP" && this.stage !== "TESS_CTRL") this.fail("BARRIER outside CS/TCS", L);
          this.line("barrier();");
        } else if (op.name === "MEMBAR") this.line("memoryBarrier();");
        return;
      case "flow":
        this.emitFlow(inst, index, inMain);
        return;
    }
  }

  emitFlow(inst: TgsiInstruction, index: number, inMain: boolean): void {
    const L = inst.line;
    switch (inst.opcode.name) {
      case "IF":
        this.line(`if (${this.src(inst.src[0]!, "f", L)}.x != 0.0) {`);
        this.indent++;
        return;
      case "UIF":
        this.line(`if (${this.src(inst.src[0]!, "u", L)}.x != 0u) {`);
        this.indent++;
        return;
      case "ELSE":
        this.indent--;
        this.line("} else {");
        this.indent++;
        return;
      case "ENDIF":
      case "ENDLOOP":
        this.indent--;
        this.line("}");
        return;
      case "BGNLOOP": {
        // One budget for all loops of an invocation: nesting cannot multiply it.
        this.line(this.loopLimit() > 0 ? "while (--loop_budget >= 0) {" : "while (true) {");
        this.indent++;
        this.usesLoops = true;
        return;
      }
      case "BRK":
        this.line("break;");
        return;
      case "CONT":
        this.line("continue;");
        return;
      case "SWITCH":
        this.line(`switch (${this.src(inst.src[0]!, "u", L)}.x) {`);
        this.indent++;
        return;
      case "CASE": {
        const v = this.immInts(inst.src[0]!, 1, L)[0]! >>> 0;
        this.line(`case ${v}u:`);
        return;
      }
      case "DEFAULT":
        this.line("default:");
        return;
      case "ENDSWITCH":
        this.line("break;");
        this.indent--;
        this.line("}");
        return;
      case "CAL":
        this.line(`sub${calTarget(this.shader.instructions, inst.label!)}();`);
        return;
      case "RET":
        if (inMain) this.line("{ store_outputs(); return; }");
        else this.line("return;");
        return;
      case "BGNSUB":
        this.line(`void sub${index}() {`);
        this.indent++;
        return;
      case "ENDSUB":
        this.indent--;
        this.line("}");
        return;
      case "END":
        this.line("store_outputs();");
        this.indent--;
        this.line("}");
        return;
    }
  }

  emitAlu(inst: TgsiInstruction): void {
    const op = inst.opcode;
    const L = inst.line;
    let st: VType;
    let dt: VType;
    if (op.name === "MOV") {
      const s0 = inst.src[0]!;
      st = inst.saturate || s0.negate || s0.absolute ? "f" : this.srcNative(s0, L).t;
      dt = st;
    } else {
      st = op.srcType as VType;
      dt = op.dstType as VType;
    }
    const a = inst.src.map((s, i) => {
      // Shift counts and LDEXP exponents are integers whatever the opcode's main type.
      if ((op.name === "ISHR" && i === 1) || (op.name === "LDEXP" && i === 1)) return this.src(s, "i", L);
      if ((op.name === "IBFE" || op.name === "UBFE") && i > 0) return this.src(s, "i", L);
      if (op.name === "BFI" && i > 1) return this.src(s, "i", L);
      if (op.name.startsWith("INTERP_")) return i === 0 ? "" : this.src(s, op.name === "INTERP_SAMPLE" ? "i" : "f", L);
      return this.src(s, st, L);
    });
    if (this.es && ES_MISSING_OPS.has(op.name)) this.fail(`${op.name} on GLSL ES 3.00`, L);
    const [x, y, z, w] = [a[0]!, a[1] ?? "", a[2] ?? "", a[3] ?? ""];
    const operands: AluOperands = [x, y, z, w];
    const plain = ALU_EXPRESSIONS.get(op.name);
    const helper = ALU_HELPERS.get(op.name);
    let e: string;
    switch (op.name) {
      case "MOV":
        e = x;
        break;
      case "UCMP":
        e = `${this.imix("u")}(${z}, ${y}, notEqual(${x}, uvec4(0u)))`;
        break;
      case "IMUL_HI":
      case "UMUL_HI": {
        // Exact 32x32→64 high word from 16-bit halves (llvmpipe's [iu]mulExtended gave the low word in testing).
        const umulHi = this.call(
          "tgsi_umul_hi",
          "uvec4 tgsi_umul_hi(uvec4 a, uvec4 b) { uvec4 al = a & 0xffffu, ah = a >> 16u, bl = b & 0xffffu, bh = b >> 16u; uvec4 lh = al * bh, hl = ah * bl; uvec4 mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu); return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u); }",
          "a, b",
        );
        e =
          op.name === "UMUL_HI"
            ? `tgsi_umul_hi(${x}, ${y})`
            : this.call(
                "tgsi_imul_hi",
                `ivec4 tgsi_imul_hi(ivec4 a, ivec4 b) { uvec4 h = ${umulHi.replace("a, b", "uvec4(a), uvec4(b)")}; h -= ${this.imix("u")}(uvec4(0u), uvec4(b), lessThan(a, ivec4(0))); h -= ${this.imix("u")}(uvec4(0u), uvec4(a), lessThan(b, ivec4(0))); return ivec4(h); }`,
                `${x}, ${y}`,
              );
        break;
      }
      case "INTERP_CENTROID":
      case "INTERP_SAMPLE":
      case "INTERP_OFFSET": {
        if (this.stage !== "FRAG") this.fail(`${op.name} outside a fragment shader`, L);
        const s0 = inst.src[0]!;
        if (s0.file !== "IN" || s0.index.indirect !== undefined) this.fail(`${op.name} needs a direct input`, L);
        const v = this.inputExpr(s0.index.index, undefined, L);
        if (!/^[a-z_0-9]+$/.test(v)) this.fail(`${op.name} of a built-in input`, L);
        const f =
          op.name === "INTERP_CENTROID"
            ? `interpolateAtCentroid(${v})`
            : op.name === "INTERP_SAMPLE"
              ? `interpolateAtSample(${v}, (${y}).x)`
              : `interpolateAtOffset(${v}, (${y}).xy)`;
        let r = `${f}${swizzleText(s0.swizzle)}`;
        if (s0.absolute) r = `abs(${r})`;
        if (s0.negate) r = `(-${r})`;
        e = r;
        break;
      }
      default:
        if (plain !== undefined) e = plain(operands, this.es);
        else if (helper !== undefined) {
          e = this.call(
            helper.name,
            helper.code((t) => this.imix(t)),
            operands.slice(0, helper.arity).join(", "),
          );
        } else this.fail(`opcode ${op.name}`, L);
    }
    if ((op.name === "ISHR" || op.name === "IMSB") && dt !== "i") dt = "i";
    for (const d of inst.dst) this.assign(d, e, dt, inst.saturate, L);
  }

  /** fp64: each double lives in a channel pair (xy, zw) of a register. */
  emitDouble(inst: TgsiInstruction): void {
    const op = inst.opcode;
    const L = inst.line;
    if (this.es) this.fail("doubles on GLSL ES", L);
    const dst = inst.dst[0]!;
    const { lv, t: nt } = this.dstRef(dst, L);
    if (nt !== "f") this.fail("double result into ADDR", L);
    const dsrc = (s: TgsiSrc, pair: number): string => {
      const n = this.srcNative(s, L);
      const bits = convert(`(${n.e})`, n.t, "u");
      let e = `packDouble2x32(${bits}.${COMP[s.swizzle[pair * 2]!]}${COMP[s.swizzle[pair * 2 + 1]!]})`;
      if (s.absolute) e = `abs(${e})`;
      if (s.negate) e = `(-${e})`;
      return e;
    };
    const ssrc = (s: TgsiSrc, comp: number, t: VType): string => {
      const n = this.srcNative(s, L);
      let e = `${convert(`(${n.e})`, n.t, t)}.${COMP[s.swizzle[comp]!]}`;
      if (s.absolute && t !== "u") e = `abs(${e})`;
      if (s.negate) e = `(-${e})`;
      return e;
    };
    const dexpr = (args: string[]): string => {
      const [a, b, c] = args as [string, string, string];
      switch (op.name) {
        case "DABS":
          return `abs(${a})`;
        case "DNEG":
          return `(-${a})`;
        case "DADD":
          return `(${a} + ${b})`;
        case "DMUL":
          return `(${a} * ${b})`;
        case "DDIV":
          return `(${a} / ${b})`;
        case "DMAX":
          return `max(${a}, ${b})`;
        case "DMIN":
          return `min(${a}, ${b})`;
        case "DRCP":
          return `(1.0LF / ${a})`;
        case "DSQRT":
          return `sqrt(${a})`;
        case "DRSQ":
          return `inversesqrt(${a})`;
        case "DMAD":
          return `(${a} * ${b} + ${c})`;
        case "DFMA":
          return `fma(${a}, ${b}, ${c})`;
        case "DFRAC":
          return `fract(${a})`;
        case "DTRUNC":
          return `trunc(${a})`;
        case "DCEIL":
          return `ceil(${a})`;
        case "DFLR":
          return `floor(${a})`;
        case "DROUND":
          return `roundEven(${a})`;
        case "DSSG":
          return `sign(${a})`;
        case "DSLT":
          return `(${a} < ${b} ? 0xffffffffu : 0u)`;
        case "DSGE":
          return `(${a} >= ${b} ? 0xffffffffu : 0u)`;
        case "DSEQ":
          return `(${a} == ${b} ? 0xffffffffu : 0u)`;
        case "DSNE":
          return `(${a} != ${b} ? 0xffffffffu : 0u)`;
        case "D2F":
          return `float(${a})`;
        case "D2I":
          return `int(${a})`;
        case "D2U":
          return `uint(${a})`;
        case "F2D":
        case "I2D":
        case "U2D":
          return `double(${a})`;
        default:
          this.fail(`opcode ${op.name}`, L);
      }
    };
    if (op.dstType === "d") {
      for (let pair = 0; pair < 2; pair++) {
        const m = (dst.writeMask >> (pair * 2)) & 3;
        if (m === 0) continue;
        const args = inst.src.map((s) => (op.srcType === "d" ? dsrc(s, pair) : ssrc(s, pair, op.srcType as VType)));
        const comps = pair === 0 ? "xy" : "zw";
        this.line(`${lv}.${comps} = uintBitsToFloat(unpackDouble2x32(${dexpr(args)}));`);
      }
    } else {
      const t = op.dstType as VType;
      for (let comp = 0; comp < 2; comp++) {
        if (!((dst.writeMask >> comp) & 1)) continue;
        const args = inst.src.map((s) => dsrc(s, comp));
        this.line(`${lv}.${COMP[comp]} = ${convert(`${VEC[t]}(${dexpr(args)})`, t, "f")}.x;`);
      }
    }
  }

  // ---------------------------------------------------------------- textures

  samplerRef(s: TgsiSrc, L: number): { name: string; info: TgsiSamplerInfo } {
    const unit = s.index.index;
    if (s.index.indirect !== undefined) {
      const info = this.samplers.get(unit) ?? this.samplers.values().next().value;
      if (info === undefined) this.fail("indirect sampler without declarations", L);
      return { name: `${this.p}_samp[${this.indexExpr(s.index, 0, this.samplerArray)}]`, info };
    }
    const info = this.samplers.get(unit);
    if (info === undefined) this.fail(`sampler ${unit} not declared`, L);
    return { name: this.samplerArray > 0 ? `${this.p}_samp[${unit}]` : `${this.p}_samp${unit}`, info };
  }

  emitTex(inst: TgsiInstruction): void {
    const L = inst.line;
    const name = inst.opcode.name;
    const target = inst.texTarget!;
    const sampSrc = inst.src[inst.src.length - 1]!;
    const { name: s, info } = this.samplerRef(sampSrc, L);
    const vt: VType = info.returnType === "SINT" ? "i" : info.returnType === "UINT" ? "u" : "f";
    const declShadow = SAMPLER_BASE[info.target].endsWith("Shadow");
    const a = (t: VType = "f"): string => this.src(inst.src[0]!, t, L);
    const part = (e: string, n: number, t: VType): string => {
      if (n === 4) return e;
      const base =
        t === "f"
          ? n === 1
            ? "float"
            : `vec${n}`
          : t === "i"
            ? n === 1
              ? "int"
              : `ivec${n}`
            : n === 1
              ? "uint"
              : `uvec${n}`;
      return `${base}((${e}).${"xyzw".slice(0, n)})`;
    };
    const offsets = (): string => {
      if (inst.texOffsets.length === 0) return "";
      const n = DIMS[target];
      const vals = this.immInts(inst.texOffsets[0]!, n, L);
      if (vals.some((v) => v < -64 || v > 63)) this.fail("texel offset out of range", L);
      return n === 1 ? `, ${vals[0]}` : `, ivec${n}(${vals.join(", ")})`;
    };
    const off = offsets();
    const O = off === "" ? "" : "Offset";
    if (this.es && (name === "TG4" || name === "LODQ" || name === "TXQS")) this.fail(`${name} on GLSL ES 3.00`, L);
    if (this.es && name === "TXQ" && inst.dst.some((d) => d.writeMask & 8)) this.fail("TXQ levels on GLSL ES 3.00", L);
    let e: string;
    let rt: VType = vt;
    let shadowResult = false;
    switch (name) {
      case "TEX":
      case "TXB":
      case "TXL":
      case "TEX_LZ":
      case "TEX2":
      case "TXB2":
      case "TXL2": {
        const n = COORDS[target];
        const coord = part(a(), n, "f");
        const b = (): string => `(${this.src(inst.src[1]!, "f", L)}).x`;
        const extra =
          name === "TXB" || name === "TXL"
            ? `(${a()}).w`
            : name === "TEX_LZ"
              ? "0.0"
              : name === "TXB2" || name === "TXL2"
                ? b()
                : "";
        const isLod = name === "TXL" || name === "TXL2" || name === "TEX_LZ";
        if (name === "TEX2") {
          e = `texture(${s}, ${coord}, ${b()})`;
        } else if (isLod) {
          e = `textureLod${O}(${s}, ${coord}, ${extra}${off})`;
        } else if (extra !== "") {
          e = O === "" ? `texture(${s}, ${coord}, ${extra})` : `textureOffset(${s}, ${coord}${off}, ${extra})`;
        } else {
          e = `texture${O}(${s}, ${coord}${off})`;
        }
        shadowResult = declShadow;
        break;
      }
      case "TXP": {
        const projectable = ["1D", "2D", "3D", "RECT", "SHADOW1D", "SHADOW2D", "SHADOWRECT"].includes(target);
        if (projectable) e = `textureProj${O}(${s}, ${a()}${off})`;
        else {
          const n = COORDS[target];
          e = `texture${O}(${s}, ${part(`${a()} / (${a()}).w`, n, "f")}${off})`;
        }
        shadowResult = declShadow;
        break;
      }
      case "TXD": {
        const n = COORDS[target];
        const g = DIMS[target];
        const dx = part(this.src(inst.src[1]!, "f", L), g, "f");
        const dy = part(this.src(inst.src[2]!, "f", L), g, "f");
        e = `textureGrad${O}(${s}, ${part(a(), n, "f")}, ${dx}, ${dy}${off})`;
        shadowResult = declShadow;
        break;
      }
      case "TXF":
      case "TXF_LZ": {
        const n = FETCH_COORDS[target];
        const c = part(a("i"), n, "i");
        const lod = name === "TXF_LZ" ? "0" : `(${a("i")}).w`;
        if (target === "BUFFER" || target === "RECT" || target === "SHADOWRECT") e = `texelFetch(${s}, ${c})`;
        else if (target === "2D_MSAA" || target === "2D_ARRAY_MSAA") e = `texelFetch(${s}, ${c}, (${a("i")}).w)`;
        else e = `texelFetch${O}(${s}, ${c}, ${lod}${off})`;
        break;
      }
      case "TXQ": {
        const n = SIZE_DIMS[target];
        const noLod = NO_LOD.has(target);
        const size = noLod ? `textureSize(${s})` : `textureSize(${s}, (${a("i")}).x)`;
        const levels = noLod || this.es ? "1" : `textureQueryLevels(${s})`;
        const pad = n === 1 ? ", 0, 0" : n === 2 ? ", 0" : "";
        e = `ivec4(${size}${pad}, ${levels})`;
        rt = "i";
        break;
      }
      case "TXQS":
        e = `ivec4(textureSamples(${s}))`;
        rt = "i";
        break;
      case "LODQ":
        if (this.stage !== "FRAG") this.fail("LODQ outside a fragment shader", L);
        e = `vec4(textureQueryLod(${s}, ${part(a(), DIMS[target], "f")}), 0.0, 0.0)`;
        rt = "f";
        break;
      case "TG4": {
        const n = COORDS[target];
        if (declShadow) {
          const coordN = n - 1;
          const ref = `(${a()}).${COMP[coordN]}`;
          e = `textureGather${O}(${s}, ${part(a(), coordN, "f")}, ${ref}${off})`;
          rt = "f";
        } else {
          const comp = this.immInts(inst.src[1]!, 1, L)[0]!;
          if (comp < 0 || comp > 3) this.fail("gather component out of range", L);
          e = `textureGather${O}(${s}, ${part(a(), n, "f")}${off}, ${comp})`;
        }
        break;
      }
      default:
        this.fail(`opcode ${name}`, L);
    }
    if (shadowResult) {
      const swz = this.key.shadowSwizzle?.[info.unit];
      const r = "r";
      const ch = (c: number): string => (c === 4 ? "0.0" : c === 5 ? "1.0" : r);
      const body = swz === undefined ? "vec4(r)" : `vec4(${swz.map(ch).join(", ")})`;
      const fname = `tgsi_shadow${info.unit}`;
      this.helper(fname, `vec4 ${fname}(float r) { return ${body}; }`);
      e = `${fname}(${e})`;
      rt = "f";
    }
    for (const d of inst.dst) this.assign(d, e, rt, inst.saturate, L);
  }

  // ---------------------------------------------------------------- declarations

  samplerType(info: TgsiSamplerInfo): string {
    const prefix = info.returnType === "SINT" ? "i" : info.returnType === "UINT" ? "u" : "";
    const base = SAMPLER_BASE[info.target];
    if (
      this.es &&
      [
        "1D",
        "2DRect",
        "Buffer",
        "1DShadow",
        "2DRectShadow",
        "1DArray",
        "1DArrayShadow",
        "2DMS",
        "2DMSArray",
        "CubeArray",
        "CubeArrayShadow",
      ].includes(base)
    )
      this.fail(`sampler${base} on GLSL ES 3.00`);
    return `${base.endsWith("Shadow") ? "" : prefix}sampler${base}`;
  }

  declarations(): string[] {
    const out: string[] = [];
    const info = this.shader.info;
    const st = this.stage;
    const k = this.key;
    if (this.es) {
      for (const x of [...info.inputs, ...info.outputs])
        if (ES_MISSING_SEMANTICS.has(x.semantic.name)) this.fail(`${x.semantic.name} on GLSL ES 3.00`);
      for (const x of info.systemValues) if (ES_MISSING_SEMANTICS.has(x.name)) this.fail(`${x.name} on GLSL ES 3.00`);
      if ((k.clipPlaneEnable ?? 0) !== 0 && this.lastVertexStage) this.fail("user clip planes on GLSL ES 3.00");
    }
    // Stage layouts.
    if (st === "GEOM") {
      const inPrim = GS_IN_PRIM[info.gsInputPrimitive ?? ""];
      const outPrim = GS_OUT_PRIM[info.gsOutputPrimitive ?? ""];
      if (inPrim === undefined || outPrim === undefined) this.fail("GS without input/output primitive");
      if (info.gsMaxOutputVertices > MAX_GS_VERTICES) this.fail("GS_MAX_OUTPUT_VERTICES too large");
      out.push(`layout(${inPrim}) in;`);
      if (info.gsInvocations > 1) {
        if (info.gsInvocations > 32) this.fail("GS_INVOCATIONS too large");
        out.push(`layout(invocations = ${info.gsInvocations}) in;`);
      }
      out.push(`layout(${outPrim}, max_vertices = ${info.gsMaxOutputVertices}) out;`);
    } else if (st === "TESS_CTRL") {
      if (info.tcsVerticesOut < 1 || info.tcsVerticesOut > 32) this.fail("TCS_VERTICES_OUT out of range");
      out.push(`layout(vertices = ${info.tcsVerticesOut}) out;`);
    } else if (st === "TESS_EVAL") {
      const prim = TES_PRIM[info.tesPrimMode ?? ""];
      if (prim === undefined) this.fail("TES without TES_PRIM_MODE");
      const parts = [
        prim,
        TES_SPACING[info.tesSpacing ?? "EQUAL"] ?? "equal_spacing",
        info.tesVertexOrderCw ? "cw" : "ccw",
      ];
      if (info.tesPointMode) parts.push("point_mode");
      out.push(`layout(${parts.join(", ")}) in;`);
    } else if (st === "COMP") {
      const [x, y, z] = info.csBlockSize;
      if (x < 1 || y < 1 || z < 1 || x * y * z > 1024) this.fail("CS block size out of range");
      out.push(`layout(local_size_x = ${x}, local_size_y = ${y}, local_size_z = ${z}) in;`);
    } else if (st === "FRAG") {
      if (info.fsEarlyDepthStencil && !this.es) out.push("layout(early_fragment_tests) in;");
      const usesFragCoord =
        info.inputs.some((s) => s.semantic.name === "POSITION") ||
        info.systemValues.some((s) => s.name === "POSITION") ||
        k.polygonStipple === true;
      if (usesFragCoord && !this.es) {
        const upper = (info.fsCoordOrigin === "LOWER_LEFT") === (k.lowerLeftOrigin ?? true);
        const q = [
          upper ? "origin_upper_left" : "",
          info.fsCoordPixelCenter === "INTEGER" ? "pixel_center_integer" : "",
        ].filter((x) => x !== "");
        if (q.length > 0) out.push(`layout(${q.join(", ")}) in vec4 gl_FragCoord;`);
      }
    }
    // Inputs.
    const declared = new Set<string>();
    const declareIn = (q: string, type: string, name: string, arr: string): void => {
      if (declared.has(name)) return;
      declared.add(name);
      out.push(`${q}in ${type} ${name}${arr};`);
    };
    for (const slot of info.inputs) {
      if (st === "VERT") {
        const r = slot.register;
        const type = ((k.vsIntInputs ?? 0) >> r) & 1 ? "ivec4" : ((k.vsUintInputs ?? 0) >> r) & 1 ? "uvec4" : "vec4";
        if (r >= 32) this.fail("vertex attribute above 31");
        out.push(`layout(location = ${r}) in ${type} in_${r};`);
        continue;
      }
      if (st === "COMP") this.fail("compute shader inputs");
      const sem = slot.semantic;
      if (BUILTIN_SEMANTICS.has(sem.name)) continue;
      if (st === "FRAG" && sem.name === "TEXCOORD" && ((k.spriteCoordEnable ?? 0) >> sem.index) & 1) continue;
      if (!this.producerWrites(sem)) continue;
      const perVertex = st === "GEOM" || st === "TESS_CTRL" || (st === "TESS_EVAL" && sem.name !== "PATCH");
      const arr = perVertex ? "[]" : "";
      let q = "";
      if (st === "FRAG") {
        q = fsInputQualifier(slot, k);
        if (this.es && /noperspective|sample/.test(q)) this.fail(`${q.trim()} on GLSL ES 3.00`);
        if (q !== "") q += " ";
      }
      if (st === "TESS_EVAL" && sem.name === "PATCH") q = "patch ";
      declareIn(q, "vec4", varyingName(this.producer(), sem), arr);
      if (st === "FRAG" && sem.name === "COLOR" && k.twoSidedColor) {
        const back = { name: "BCOLOR", index: sem.index };
        if (this.producerWrites(back)) declareIn(q, "vec4", varyingName(this.producer(), back), "");
      }
    }
    // Outputs.
    for (const slot of info.outputs) {
      const sem = slot.semantic;
      if (st === "FRAG") {
        if (sem.name === "COLOR") {
          const copies = sem.index === 0 && info.color0WritesAllCbufs ? Math.max(1, Math.min(8, k.nrCbufs ?? 1)) : 1;
          for (let c = 0; c < copies; c++) {
            const loc = sem.index + c;
            const type =
              ((k.fsIntOutputs ?? 0) >> loc) & 1 ? "ivec4" : ((k.fsUintOutputs ?? 0) >> loc) & 1 ? "uvec4" : "vec4";
            const layout = k.dualSourceBlend && sem.index === 1 ? "location = 0, index = 1" : `location = ${loc}`;
            if (k.dualSourceBlend && sem.index === 1 && this.es) this.fail("dual-source blending on GLSL ES");
            out.push(`layout(${layout}) out ${type} fs_color${loc};`);
          }
        } else if (sem.name === "STENCIL") {
          if (this.es) this.fail("stencil export on GLSL ES");
          this.extensions.add("GL_ARB_shader_stencil_export");
        } else if (!["POSITION", "SAMPLEMASK"].includes(sem.name)) this.fail(`FS output ${sem.name}`);
        continue;
      }
      if (st === "COMP") this.fail("compute shader outputs");
      if (BUILTIN_SEMANTICS.has(sem.name) || sem.name === "CLIPVERTEX") continue;
      const inv = slot.invariant ? "invariant " : "";
      const stream = st === "GEOM" && slot.stream > 0 ? `layout(stream = ${slot.stream}) ` : "";
      if (st === "TESS_CTRL" && sem.name !== "PATCH") out.push(`out vec4 ${varyingName(st, sem)}[];`);
      else {
        const q = this.lastVertexStage ? (k.outputQualifiers?.[varyingId(sem)] ?? "") : "";
        if (!/^(flat|smooth|noperspective|centroid|sample| )*$/.test(q)) this.fail(`output qualifier "${q}"`);
        if (this.es && /noperspective|sample/.test(q)) this.fail(`${q} on GLSL ES 3.00`);
        const tq = st === "TESS_CTRL" ? "patch " : q === "" ? "" : `${q} `;
        out.push(`${stream}${inv}${tq}out vec4 ${varyingName(st, sem)};`);
      }
    }
    for (const [i, so] of this.streamOutputs().entries()) {
      const type = so.numComponents === 1 ? "float" : `vec${so.numComponents}`;
      const layout = so.stream > 0 ? `layout(stream = ${so.stream}) ` : "";
      out.push(`${layout}out ${type} tfout${i};`);
    }
    if (this.lastVertexStage && !this.es) {
      const clip = this.clipCount();
      if (clip > 0) out.push(`out float gl_ClipDistance[${clip}];`);
      if (info.numCullDistances > 0) out.push(`out float gl_CullDistance[${info.numCullDistances}];`);
    }
    if (info.outputs.some((s) => s.semantic.name === "POSITION" && s.invariant) && st !== "FRAG")
      out.push("invariant gl_Position;");
    // Uniforms. GLSL ES 3.00 has no binding qualifier: there the draw code binds by name.
    const bind = (b: number): string => (this.es ? "" : `, binding = ${b}`);
    const sbind = (b: number): string => (this.es ? "" : `layout(binding = ${b}) `);
    const highp = this.es ? "highp " : "";
    const p = this.p;
    if (info.constantRows > 0)
      out.push(`layout(std140${bind(uboBinding(st, 0))}) uniform ${p}_consts { uvec4 ${p}_c[${info.constantRows}]; };`);
    const slots = this.uboSlots();
    if (slots > 0) {
      if (slots > MAX_UBO_SLOT) this.fail(`UBO slot ${slots} above ${MAX_UBO_SLOT}`);
      const rows = this.uboRows();
      out.push(
        `layout(std140${bind(uboBinding(st, 1))}) uniform ${p}_ubo_block { uvec4 d[${rows}]; } ${p}_ubo[${slots}];`,
      );
    }
    if (this.samplerArray > 0) {
      const first = [...this.samplers.values()][0]!;
      for (const s of this.samplers.values())
        if (this.samplerType(s) !== this.samplerType(first))
          this.fail("indirectly indexed samplers of different types");
      const type = this.samplerType(first);
      out.push(`${sbind(samplerBinding(st, 0))}uniform ${highp}${type} ${p}_samp[${this.samplerArray}];`);
    } else {
      for (const s of this.samplers.values())
        out.push(`${sbind(samplerBinding(st, s.unit))}uniform ${highp}${this.samplerType(s)} ${p}_samp${s.unit};`);
    }
    if (this.usesSysval)
      out.push(
        `layout(std140${bind(sysvalBinding(st))}) uniform ${p}_sysval { vec4 ${p}_clip_plane[8]; uvec4 ${p}_stipple[8]; };`,
      );
    if (info.images.length > 0 || info.shaderBuffers.length > 0 || info.usesMemory)
      this.fail("images, shader buffers and shared memory are not translated yet");
    // Registers.
    const imms = this.shader.immediates;
    if (imms.length > 0) {
      const vals = imms.map((m) => `uvec4(${[...m.words].map((w) => `${w}u`).join(", ")})`);
      out.push(`const uvec4 imm[${imms.length}] = uvec4[${imms.length}](${vals.join(", ")});`);
    }
    const seen = new Set<string>();
    for (const h of this.temps.values()) {
      if (seen.has(h.name)) continue;
      seen.add(h.name);
      out.push(h.first < 0 ? `vec4 ${h.name};` : `vec4 ${h.name}[${h.length}];`);
    }
    for (const d of this.shader.declarations)
      if (d.file === "ADDR") for (let r = d.first; r <= d.last; r++) out.push(`ivec4 addr${r};`);
    if (this.usesLoops && this.loopLimit() > 0) out.push(`int loop_budget = ${this.loopLimit()};`);
    for (const h of this.outs.values()) {
      if (seen.has(h.name)) continue;
      seen.add(h.name);
      out.push(h.first < 0 ? `vec4 ${h.name} = vec4(0.0);` : `vec4 ${h.name}[${h.length}];`);
    }
    for (const h of this.inArrays.values()) {
      if (seen.has(h.name)) continue;
      seen.add(h.name);
      out.push(`vec4 ${h.name}[${h.length}];`);
    }
    return out;
  }

  /** The key's stream-output entries, checked against this shader (only the last vertex stage has them). */
  streamOutputs(): readonly StreamOutputEntry[] {
    const list = this.key.streamOutput ?? [];
    if (list.length === 0) return list;
    if (!this.lastVertexStage) this.fail("stream output outside the last vertex stage");
    if (this.es) this.fail("stream output on GLSL ES");
    if (list.length > MAX_STREAM_OUTPUTS) this.fail("too many stream outputs");
    for (const so of list) {
      if (!this.outs.has(so.register)) this.fail(`stream output of undeclared OUT[${so.register}]`);
      if (so.numComponents < 1 || so.startComponent < 0 || so.startComponent + so.numComponents > 4)
        this.fail("stream output components out of range");
      if (so.stream < 0 || so.stream > 3 || (so.stream > 0 && this.stage !== "GEOM")) this.fail("stream out of range");
      if (so.outputBuffer < 0 || so.outputBuffer > 3 || so.dstOffset < 0 || so.dstOffset > 0xffff)
        this.fail("stream output buffer or offset out of range");
    }
    return list;
  }

  loopLimit(): number {
    const l = this.key.loopLimit ?? DEFAULT_LOOP_LIMIT;
    return Number.isSafeInteger(l) && l > 0 ? Math.min(l, 0x7fffffff) : 0;
  }

  clipCount(): number {
    const info = this.shader.info;
    const writesClipDist = info.outputs.some((s) => s.semantic.name === "CLIPDIST");
    const planes = this.key.clipPlaneEnable ?? 0;
    if (!writesClipDist && planes !== 0) return 32 - Math.clz32(planes & 0xff);
    return info.numClipDistances;
  }

  /** The epilogue: shadow outputs → GL outputs, plus clip planes, y flip, alpha test. */
  storeOutputs(): string[] {
    const out: string[] = [];
    const info = this.shader.info;
    const k = this.key;
    const reg = (r: number): string => {
      const h = this.outs.get(r)!;
      return h.first < 0 ? h.name : `${h.name}[${r - h.first}]`;
    };
    let position: string | undefined;
    let clipVertex: string | undefined;
    const numClip = info.numClipDistances;
    const total = numClip + info.numCullDistances;
    for (const slot of info.outputs) {
      const sem = slot.semantic;
      if (this.stage === "TESS_CTRL" && this.isPerVertexTcsOut(slot.register)) continue;
      const v = reg(slot.register);
      if (this.stage === "FRAG") {
        switch (sem.name) {
          case "COLOR": {
            if (sem.index === 0 && k.alphaFunc !== undefined && k.alphaFunc !== 7) {
              const opText = ALPHA_OPS[k.alphaFunc & 7]!;
              const cond =
                opText === "false" ? "false" : `${v}.w ${opText} ${floatLiteral(Math.fround(k.alphaRef ?? 0))}`;
              out.push(`if (!(${cond})) discard;`);
            }
            const copies = sem.index === 0 && info.color0WritesAllCbufs ? Math.max(1, Math.min(8, k.nrCbufs ?? 1)) : 1;
            for (let c = 0; c < copies; c++) {
              const loc = sem.index + c;
              const t: VType =
                ((k.fsIntOutputs ?? 0) >> loc) & 1 ? "i" : ((k.fsUintOutputs ?? 0) >> loc) & 1 ? "u" : "f";
              // Alpha-only / luminance-alpha targets live in GL as R / RG textures: move alpha into .x / .y.
              let value = v;
              if (((k.fsAlphaOutputs ?? 0) >> loc) & 1) value = `vec4(${v}.w, 0.0, 0.0, ${v}.w)`;
              else if (((k.fsLuminanceAlphaOutputs ?? 0) >> loc) & 1) value = `vec4(${v}.x, ${v}.w, 0.0, ${v}.w)`;
              out.push(`fs_color${loc} = ${convert(value, "f", t)};`);
            }
            break;
          }
          case "POSITION":
            out.push(`gl_FragDepth = ${v}.z;`);
            break;
          case "STENCIL":
            out.push(`gl_FragStencilRefARB = floatBitsToInt(${v}.y);`);
            break;
          case "SAMPLEMASK":
            out.push(`gl_SampleMask[0] = floatBitsToInt(${v}.x);`);
            break;
        }
        continue;
      }
      switch (sem.name) {
        case "POSITION":
          position = v;
          out.push(`gl_Position = ${v};`);
          break;
        case "PSIZE":
          out.push(`gl_PointSize = ${v}.x;`);
          break;
        case "CLIPDIST":
          for (let c = 0; c < 4; c++) {
            const i = sem.index * 4 + c;
            if (i < numClip) out.push(`gl_ClipDistance[${i}] = ${v}.${COMP[c]};`);
            else if (i < total) out.push(`gl_CullDistance[${i - numClip}] = ${v}.${COMP[c]};`);
          }
          break;
        case "CLIPVERTEX":
          clipVertex = v;
          break;
        case "LAYER":
          out.push(`gl_Layer = floatBitsToInt(${v}.x);`);
          break;
        case "VIEWPORT_INDEX":
          out.push(`gl_ViewportIndex = floatBitsToInt(${v}.x);`);
          break;
        case "PRIM_ID":
          if (this.stage === "GEOM") out.push(`gl_PrimitiveID = floatBitsToInt(${v}.x);`);
          break;
        case "TESSOUTER":
          for (let c = 0; c < 4; c++) out.push(`gl_TessLevelOuter[${c}] = ${v}.${COMP[c]};`);
          break;
        case "TESSINNER":
          for (let c = 0; c < 2; c++) out.push(`gl_TessLevelInner[${c}] = ${v}.${COMP[c]};`);
          break;
        case "EDGEFLAG":
        case "VIEWPORT_MASK":
          break;
        default:
          out.push(`${varyingName(this.stage, sem)} = ${v};`);
      }
    }
    if (this.lastVertexStage) {
      const planes = k.clipPlaneEnable ?? 0;
      const writesClipDist = info.outputs.some((s) => s.semantic.name === "CLIPDIST");
      if (planes !== 0 && !writesClipDist) {
        const src = clipVertex ?? position;
        this.usesSysval = true;
        for (let i = 0; i < 8; i++) {
          if (!((planes >> i) & 1)) {
            if (i < this.clipCount()) out.push(`gl_ClipDistance[${i}] = 0.0;`);
            continue;
          }
          out.push(`gl_ClipDistance[${i}] = ${src === undefined ? "0.0" : `dot(${src}, ${this.p}_clip_plane[${i}])`};`);
        }
      }
      for (const [i, so] of this.streamOutputs().entries()) {
        const h = this.outs.get(so.register)!;
        const v = h.first < 0 ? h.name : `${h.name}[${so.register - h.first}]`;
        out.push(`tfout${i} = ${v}.${COMP.slice(so.startComponent, so.startComponent + so.numComponents)};`);
      }
      if (k.flipY && position !== undefined) out.push("gl_Position.y = -gl_Position.y;");
    }
    return out;
  }

  prologue(): string[] {
    const out: string[] = [];
    const k = this.key;
    if (this.stage === "FRAG" && k.polygonStipple) {
      this.usesSysval = true;
      out.push(
        `{ uvec2 sp = uvec2(gl_FragCoord.xy) & 31u; if ((${this.p}_stipple[sp.y >> 2u][sp.y & 3u] & (0x80000000u >> sp.x)) == 0u) discard; }`,
      );
    }
    for (const d of this.shader.declarations) {
      if (d.file !== "ADDR") continue;
      for (let r = d.first; r <= d.last; r++) out.push(`addr${r} = ivec4(0);`);
    }
    for (const [r, h] of this.inArrays) {
      out.push(`${h.name}[${r - h.first}] = ${this.inputExpr(r, undefined, 0)};`);
    }
    return out;
  }

  emit(): string {
    this.planRegisters();
    const insts = this.shader.instructions;
    const endIndex = insts.findIndex((i) => i.opcode.name === "END");
    const main: string[] = [];
    const subs: string[] = [];
    const protos: string[] = [];
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      const inMain = i <= endIndex;
      if (!inMain && inst.opcode.name === "BGNSUB") {
        this.indent = 0;
        protos.push(`void sub${i}();`);
      }
      const before = this.body.length;
      this.emitInstruction(inst, i, inMain);
      const emitted = this.body.splice(before);
      (inMain ? main : subs).push(...emitted);
    }
    const store = this.storeOutputs();
    const prologue = this.prologue();
    const decls = this.declarations();
    const header: string[] = [];
    if (this.es) {
      if (this.stage !== "VERT" && this.stage !== "FRAG") this.fail(`${this.stage} on GLSL ES 3.00`);
      header.push("#version 300 es");
    } else header.push("#version 450 core");
    for (const e of this.extensions) header.push(`#extension ${e} : require`);
    if (this.es) header.push("precision highp float;", "precision highp int;", "precision highp sampler2D;");
    return [
      ...header,
      ...decls,
      ...this.helpers.values(),
      ...protos,
      "void store_outputs() {",
      ...store.map((s) => `  ${s}`),
      "}",
      "void main() {",
      ...prologue.map((s) => `  ${s}`),
      ...main,
      ...subs,
      "",
    ].join("\n");
  }
}

/** The interpolation/location qualifiers (`flat`, `noperspective centroid`, ...) the FS declares on an input. */
function fsInputQualifier(slot: TgsiIoSlot, key: ShaderKey): string {
  const interp = slot.interpolation;
  if (interp === "CONSTANT" || (interp === "COLOR" && key.flatShade)) return "flat";
  const q: string[] = [];
  if (interp === "LINEAR") q.push("noperspective");
  if (slot.interpLocation === "CENTROID") q.push("centroid");
  else if (slot.interpLocation === "SAMPLE") q.push("sample");
  return q.join(" ");
}

/**
 * The qualifiers a fragment shader emitted with `key` puts on its varyings, by {@link varyingId} (only non-empty
 * ones). GLSL ES requires the producer to repeat them: pass the result as the producer's `key.outputQualifiers`.
 */
export function inputQualifiers(shader: TgsiShader, key: ShaderKey): Record<string, string> {
  const out: Record<string, string> = {};
  if (shader.stage !== "FRAG") return out;
  for (const slot of shader.info.inputs) {
    const q = fsInputQualifier(slot, key);
    if (q === "") continue;
    out[varyingId(slot.semantic)] = q;
    if (slot.semantic.name === "COLOR" && key.twoSidedColor)
      out[varyingId({ name: "BCOLOR", index: slot.semantic.index })] = q;
  }
  return out;
}

/**
 * Translates a parsed shader into GLSL for the variant selected by `key` (see README "TGSI to GLSL" for the
 * naming and binding contract the draw code follows). Pure: no GL calls. Shaders using what is not translated
 * yet (images, shader buffers, shared memory) or keys the target cannot express return a TgsiParseError with
 * code `Unsupported`.
 */
export function emitGlsl(shader: TgsiShader, key: ShaderKey): GlslResult {
  try {
    return { ok: true, glsl: new GlslEmitter(shader, key).emit() };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, error: new TgsiParseError(e.message, e.line, 1, "", true) };
    throw e;
  }
}
