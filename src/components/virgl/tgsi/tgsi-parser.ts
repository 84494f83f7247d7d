import { stageOfHeader } from "./shader-stage.ts";
import type {
  TgsiDeclaration,
  TgsiDst,
  TgsiFile,
  TgsiImmediate,
  TgsiIndex,
  TgsiIndirect,
  TgsiInstruction,
  TgsiInterpLocation,
  TgsiInterpolation,
  TgsiMemoryAccess,
  TgsiReturnType,
  TgsiSemantic,
  TgsiShader,
  TgsiSrc,
  TgsiStage,
  TgsiTextureTarget,
} from "./tgsi-ir.ts";
import { TGSI_OPCODES } from "./tgsi-opcodes.ts";
import { TgsiParseError } from "./tgsi-parse-error.ts";
import { analyzeTgsi } from "./tgsi-shader-info.ts";

/** Hard limits on hostile input; nothing is allocated in proportion to a declared range. */
export const TGSI_LIMITS = {
  /** Text length in characters: the virgl component's 1 MiB per-shader limit. */
  maxTextChars: 1024 * 1024,
  maxInstructions: 16384,
  maxDeclarations: 2048,
  maxImmediates: 2048,
  maxProperties: 64,
  /** Nesting depth of IF/LOOP/SWITCH/SUB. */
  maxNesting: 64,
  /** Highest register index per file (inclusive). */
  maxIndex: {
    IN: 79,
    OUT: 79,
    TEMP: 4095,
    CONST: 4095,
    IMM: 2047,
    ADDR: 7,
    SAMP: 31,
    SVIEW: 31,
    SV: 31,
    BUFFER: 31,
    IMAGE: 31,
    MEMORY: 3,
    HWATOMIC: 31,
  } satisfies Record<TgsiFile, number>,
  /** Highest second-dimension index: UBO slot / vertex index. */
  maxDimension: 31,
  /** Largest |offset| in an indirect index `[ADDR[0].x+k]`. */
  maxIndirectOffset: 8191,
} as const;

const FILES = new Set<string>(Object.keys(TGSI_LIMITS.maxIndex));
const TEXTURE_TARGETS = new Set<string>([
  "BUFFER",
  "1D",
  "2D",
  "3D",
  "CUBE",
  "RECT",
  "SHADOW1D",
  "SHADOW2D",
  "SHADOWRECT",
  "1D_ARRAY",
  "2D_ARRAY",
  "SHADOW1D_ARRAY",
  "SHADOW2D_ARRAY",
  "SHADOWCUBE",
  "2D_MSAA",
  "2D_ARRAY_MSAA",
  "CUBE_ARRAY",
  "SHADOWCUBE_ARRAY",
]);
/** tgsi_dump spells the cube-array targets without the underscore; the IR keeps one spelling. */
const TARGET_ALIASES: Readonly<Record<string, TgsiTextureTarget>> = {
  CUBEARRAY: "CUBE_ARRAY",
  SHADOWCUBEARRAY: "SHADOWCUBE_ARRAY",
};

function textureTarget(c: LineCursor, w: string): TgsiTextureTarget {
  const alias = TARGET_ALIASES[w];
  if (alias !== undefined) return alias;
  if (!TEXTURE_TARGETS.has(w)) c.fail(`unknown texture target ${w}`);
  return w as TgsiTextureTarget;
}

/** Files a memory opcode's resource operand may name. */
const MEMORY_FILES = new Set<TgsiFile>(["BUFFER", "IMAGE", "MEMORY", "HWATOMIC"]);
const RETURN_TYPES = new Set<string>(["FLOAT", "UINT", "SINT", "UNORM", "SNORM"]);
const INTERPOLATIONS = new Set<string>(["CONSTANT", "LINEAR", "PERSPECTIVE", "COLOR"]);
/** Semantic names of tgsi_strings.c (facts); anything else in a semantic position is refused. */
const SEMANTICS = new Set<string>(
  (
    "POSITION COLOR BCOLOR FOG PSIZE GENERIC NORMAL FACE EDGEFLAG PRIM_ID INSTANCEID VERTEXID STENCIL CLIPDIST " +
    "CLIPVERTEX GRID_SIZE BLOCK_ID BLOCK_SIZE THREAD_ID TEXCOORD PCOORD VIEWPORT_INDEX LAYER SAMPLEID SAMPLEPOS " +
    "SAMPLEMASK INVOCATIONID VERTEXID_NOBASE BASEVERTEX PATCH TESSCOORD TESSOUTER TESSINNER VERTICESIN " +
    "HELPER_INVOCATION BASEINSTANCE DRAWID WORK_DIM SUBGROUP_SIZE SUBGROUP_INVOCATION SUBGROUP_EQ_MASK " +
    "SUBGROUP_GE_MASK SUBGROUP_GT_MASK SUBGROUP_LE_MASK SUBGROUP_LT_MASK VIEWPORT_MASK CS_USER_DATA_AMD"
  ).split(" "),
);
const SWIZZLE_LETTERS = "xyzw";
const IMM_TYPES = new Set<string>(["FLT32", "UINT32", "INT32", "FLT64", "UINT64", "INT64"]);

/** The result of {@link parseTgsi}: a shader, or the first error with its position. */
export type TgsiParseResult =
  | { readonly ok: true; readonly shader: TgsiShader }
  | { readonly ok: false; readonly error: TgsiParseError };

/** Reads one line; every failure throws a TgsiParseError that {@link parseTgsi} turns into a value. */
class LineCursor {
  readonly text: string;
  readonly line: number;
  pos = 0;

  constructor(text: string, line: number) {
    this.text = text;
    this.line = line;
  }

  fail(reason: string): never {
    throw new TgsiParseError(reason, this.line, this.pos + 1, this.text);
  }

  skipSpaces(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
      this.pos++;
    }
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.text.length;
  }

  peek(): string {
    this.skipSpaces();
    return this.text[this.pos] ?? "";
  }

  eat(s: string): boolean {
    this.skipSpaces();
    if (this.text.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected "${s}"`);
  }

  /** A word of [A-Za-z0-9_] (texture targets start with a digit). */
  word(): string {
    this.skipSpaces();
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail("expected a word");
    return this.text.slice(start, this.pos);
  }

  peekWord(): string {
    const save = this.pos;
    this.skipSpaces();
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_]/.test(this.text[this.pos]!)) this.pos++;
    const w = this.text.slice(start, this.pos);
    this.pos = save;
    return w;
  }

  /** An unsigned decimal integer no larger than `max`. */
  uint(max: number): number {
    this.skipSpaces();
    const start = this.pos;
    while (
      this.pos < this.text.length &&
      this.text.charCodeAt(this.pos) >= 0x30 &&
      this.text.charCodeAt(this.pos) <= 0x39
    )
      this.pos++;
    if (this.pos === start) this.fail("expected a number");
    if (this.pos - start > 10) this.fail("number too large");
    const v = Number(this.text.slice(start, this.pos));
    if (v > max) {
      this.pos = start;
      this.fail(`number ${v} above the limit ${max}`);
    }
    return v;
  }

  /** A numeric literal token (sign, digits, dot, exponent, hex, inf/nan) as text. */
  literal(): string {
    this.skipSpaces();
    const start = this.pos;
    while (this.pos < this.text.length && /[-+0-9A-Za-z._]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail("expected a value");
    return this.text.slice(start, this.pos);
  }
}

function fileOf(c: LineCursor): TgsiFile {
  const w = c.word();
  if (!FILES.has(w)) c.fail(`unknown register file ${w}`);
  return w as TgsiFile;
}

function parseComponent(c: LineCursor): number {
  c.expect(".");
  const ch = c.text[c.pos] ?? "";
  const comp = SWIZZLE_LETTERS.indexOf(ch);
  if (comp < 0 || ch === "") c.fail("expected a component x, y, z or w");
  c.pos++;
  return comp;
}

/** `N`, `ADDR[0].x`, `ADDR[0].x+N`, `ADDR[0].x-N` inside brackets (the opening bracket already read). */
function parseIndex(c: LineCursor, file: TgsiFile, isDimension: boolean): TgsiIndex {
  const max = isDimension ? TGSI_LIMITS.maxDimension : TGSI_LIMITS.maxIndex[file];
  const ch = c.peek();
  if (ch >= "0" && ch <= "9") {
    const index = c.uint(max);
    c.expect("]");
    return { index };
  }
  const ifile = fileOf(c);
  if (ifile !== "ADDR" && ifile !== "TEMP") c.fail(`indirect through ${ifile}`);
  c.expect("[");
  const iindex = c.uint(TGSI_LIMITS.maxIndex[ifile]);
  c.expect("]");
  let arrayId = 0;
  if (c.eat("(")) {
    arrayId = c.uint(0xffff);
    c.expect(")");
  }
  const component = parseComponent(c);
  let index = 0;
  if (c.eat("+")) index = c.uint(TGSI_LIMITS.maxIndirectOffset);
  else if (c.eat("-")) index = -c.uint(TGSI_LIMITS.maxIndirectOffset);
  c.expect("]");
  const indirect: TgsiIndirect = { file: ifile, index: iindex, component, arrayId };
  return { index, indirect };
}

interface Register {
  file: TgsiFile;
  index: TgsiIndex;
  dimension?: TgsiIndex;
  arrayId: number;
}

function parseRegister(c: LineCursor): Register {
  const file = fileOf(c);
  c.expect("[");
  let index = parseIndex(c, file, false);
  let dimension: TgsiIndex | undefined;
  if (c.peek() === "[") {
    c.pos++;
    dimension = index;
    if (dimension.indirect === undefined && dimension.index > TGSI_LIMITS.maxDimension)
      c.fail(`dimension ${dimension.index} above the limit ${TGSI_LIMITS.maxDimension}`);
    index = parseIndex(c, file, false);
  }
  let arrayId = 0;
  if (c.peek() === "(") {
    c.pos++;
    arrayId = c.uint(0xffff);
    c.expect(")");
  }
  return dimension === undefined ? { file, index, arrayId } : { file, index, dimension, arrayId };
}

/** A source operand; texel offsets (`texOffset`) are printed with a 3-letter swizzle (`IMM[0].xyz`). */
function parseSrc(c: LineCursor, texOffset = false): TgsiSrc {
  const negate = c.eat("-");
  const absolute = c.eat("|");
  const reg = parseRegister(c);
  let swizzle: [number, number, number, number] = [0, 1, 2, 3];
  if (c.text[c.pos] === ".") {
    c.pos++;
    const start = c.pos;
    while (c.pos < c.text.length && SWIZZLE_LETTERS.includes(c.text[c.pos]!) && c.pos - start < 4) c.pos++;
    const letters = c.text.slice(start, c.pos);
    const comps = [...letters].map((l) => SWIZZLE_LETTERS.indexOf(l));
    if (letters.length === 4) swizzle = comps as typeof swizzle;
    else if (letters.length === 1) swizzle = [comps[0]!, comps[0]!, comps[0]!, comps[0]!];
    else if (letters.length === 3 && texOffset) swizzle = [comps[0]!, comps[1]!, comps[2]!, 3];
    else c.fail(texOffset ? "a texel offset swizzle has 3 components" : "a source swizzle has 1 or 4 components");
  }
  if (absolute) c.expect("|");
  return { ...reg, swizzle, negate, absolute };
}

function parseWriteMask(c: LineCursor): number {
  if (c.text[c.pos] !== ".") return 0xf;
  c.pos++;
  let mask = 0;
  let last = -1;
  while (c.pos < c.text.length && SWIZZLE_LETTERS.includes(c.text[c.pos]!)) {
    const comp = SWIZZLE_LETTERS.indexOf(c.text[c.pos]!);
    if (comp <= last) c.fail("write mask components out of order");
    last = comp;
    mask |= 1 << comp;
    c.pos++;
  }
  if (mask === 0) c.fail("empty write mask");
  return mask;
}

function parseDst(c: LineCursor): TgsiDst {
  const reg = parseRegister(c);
  if (reg.file === "IMM" || reg.file === "CONST" || reg.file === "SV" || reg.file === "SAMP" || reg.file === "SVIEW")
    c.fail(`${reg.file} is not writable`);
  return { ...reg, writeMask: parseWriteMask(c) };
}

function parseDeclaration(c: LineCursor): TgsiDeclaration {
  const file = fileOf(c);
  if (file === "IMM") c.fail("immediates are declared with IMM[n] lines");
  const max = TGSI_LIMITS.maxIndex[file];
  c.expect("[");
  let dimension: number | undefined;
  let first: number;
  let last: number;
  const readRange = (): void => {
    first = c.uint(max);
    last = first;
    if (c.eat("..")) last = c.uint(max);
    if (last < first) c.fail("range ends before it starts");
    c.expect("]");
  };
  if (c.eat("]")) {
    dimension = -1;
    c.expect("[");
    readRange();
  } else {
    readRange();
    if (c.peek() === "[") {
      c.pos++;
      if (first! !== last!) c.fail("a dimension is a single index");
      dimension = first!;
      if (dimension > TGSI_LIMITS.maxDimension) c.fail(`dimension above the limit ${TGSI_LIMITS.maxDimension}`);
      readRange();
    }
  }
  const usageMask = parseWriteMask(c);
  let arrayId = 0;
  let local = false;
  let semantic: TgsiSemantic | undefined;
  let interpolation: TgsiInterpolation | undefined;
  let interpLocation: TgsiInterpLocation = "CENTER";
  let invariant = false;
  let target: TgsiTextureTarget | undefined;
  let returnTypes: TgsiReturnType[] | undefined;
  let format: string | undefined;
  let writable = false;
  let raw = false;
  let atomic = false;
  let memoryType: string | undefined;
  let streams: number[] | undefined;
  let items = 0;
  while (c.eat(",")) {
    if (++items > 16) c.fail("too many declaration attributes");
    const w = c.word();
    if (w === "ARRAY") {
      c.expect("(");
      arrayId = c.uint(0xffff);
      c.expect(")");
    } else if (w === "LOCAL") local = true;
    else if (w === "STREAM" && semantic !== undefined && streams === undefined) {
      c.expect("(");
      streams = [];
      for (let i = 0; i < 4; i++) {
        if (i > 0) c.expect(",");
        streams.push(c.uint(3));
      }
      c.expect(")");
    } else if (w.startsWith("CYLWRAP_") && /^CYLWRAP_X?Y?Z?W?$/.test(w)) {
      // Cylindrical wrap (old point-sprite texcoords): no GLSL equivalent, ignored as vrend does.
    } else if (w === "INVARIANT") invariant = true;
    else if (w === "CENTROID" || w === "SAMPLE") interpLocation = w;
    else if (file === "SVIEW" || file === "IMAGE") {
      if (target === undefined) {
        target = textureTarget(c, w);
      } else if (file === "SVIEW") {
        if (!RETURN_TYPES.has(w)) c.fail(`unknown return type ${w}`);
        returnTypes ??= [];
        if (returnTypes.length >= 4) c.fail("more than 4 return types");
        returnTypes.push(w as TgsiReturnType);
      } else if (w === "WR") writable = true;
      else if (w === "RAW") raw = true;
      else if (format === undefined && w.startsWith("PIPE_FORMAT_")) format = w;
      else c.fail(`unexpected ${w}`);
    } else if (file === "BUFFER" && w === "ATOMIC") atomic = true;
    else if (file === "MEMORY" && memoryType === undefined) memoryType = w;
    else if ((file === "IN" || file === "OUT" || file === "SV") && semantic === undefined && SEMANTICS.has(w)) {
      let index = 0;
      if (c.peek() === "[") {
        c.pos++;
        index = c.uint(255);
        c.expect("]");
      }
      semantic = { name: w, index };
    } else if (file === "IN" && INTERPOLATIONS.has(w) && interpolation === undefined) {
      interpolation = w as TgsiInterpolation;
    } else c.fail(`unexpected declaration attribute ${w}`);
  }
  if (!c.atEnd()) c.fail("unexpected text after the declaration");
  if (file === "SV" && semantic === undefined) c.fail("a system value needs a name");
  if (file === "HWATOMIC" && (dimension === undefined || dimension < 0)) c.fail("HWATOMIC needs a buffer binding");
  if (file === "SVIEW" && target === undefined) c.fail("a sampler view needs a target");
  if (returnTypes !== undefined && returnTypes.length !== 1 && returnTypes.length !== 4)
    c.fail("a sampler view has 1 or 4 return types");
  if (dimension !== undefined && file !== "CONST" && file !== "IN" && file !== "OUT" && file !== "HWATOMIC")
    c.fail(`${file} has no second dimension`);
  const decl: TgsiDeclaration = {
    file,
    first: first!,
    last: last!,
    usageMask,
    arrayId,
    interpLocation,
    invariant,
    local,
    writable,
    raw,
    atomic,
    line: c.line,
    ...(dimension !== undefined ? { dimension } : {}),
    ...(semantic !== undefined ? { semantic } : {}),
    ...(interpolation !== undefined ? { interpolation } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(returnTypes !== undefined
      ? {
          returnTypes:
            returnTypes.length === 1
              ? [returnTypes[0]!, returnTypes[0]!, returnTypes[0]!, returnTypes[0]!]
              : returnTypes,
        }
      : {}),
    ...(format !== undefined ? { format } : {}),
    ...(memoryType !== undefined ? { memoryType } : {}),
    ...(streams !== undefined ? { streams } : {}),
  };
  return decl;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u32x2 = new Uint32Array(f64.buffer);

function parseNumber(c: LineCursor, text: string): number {
  if (/^[-+]?inf(inity)?$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  const v = Number(text);
  if (text === "" || (Number.isNaN(v) && !/^[-+]?nan$/i.test(text))) c.fail(`bad number ${text}`);
  return v;
}

function parseImmediate(c: LineCursor, expectedIndex: number): TgsiImmediate {
  c.expect("[");
  const index = c.uint(TGSI_LIMITS.maxIndex.IMM);
  if (index !== expectedIndex) c.fail(`immediate ${index} out of order (expected ${expectedIndex})`);
  c.expect("]");
  const type = c.word();
  if (!IMM_TYPES.has(type)) c.fail(`unknown immediate type ${type}`);
  c.expect("{");
  const wide = type === "FLT64" || type === "UINT64" || type === "INT64";
  const words = new Uint32Array(4);
  let n = 0;
  const maxValues = wide ? 2 : 4;
  while (true) {
    if (n >= maxValues) c.fail(`more than ${maxValues} values`);
    const t = c.literal();
    if (/^0x[0-9a-f]+$/i.test(t)) {
      if (wide) {
        if (t.length > 18) c.fail("hex value too long");
        const big = BigInt(t);
        words[n * 2] = Number(big & 0xffffffffn);
        words[n * 2 + 1] = Number(big >> 32n);
      } else {
        if (t.length > 10) c.fail("hex value too long");
        words[n] = Number(t) >>> 0;
      }
    } else if (type === "FLT32") {
      f32[0] = parseNumber(c, t);
      words[n] = u32[0]!;
    } else if (type === "FLT64") {
      f64[0] = parseNumber(c, t);
      words[n * 2] = u32x2[0]!;
      words[n * 2 + 1] = u32x2[1]!;
    } else if (wide) {
      if (!/^[-+]?[0-9]{1,20}$/.test(t)) c.fail(`bad integer ${t}`);
      const big = BigInt.asUintN(64, BigInt(t));
      words[n * 2] = Number(big & 0xffffffffn);
      words[n * 2 + 1] = Number(big >> 32n);
    } else {
      if (!/^[-+]?[0-9]{1,10}$/.test(t)) c.fail(`bad integer ${t}`);
      const v = Number(t);
      if (v > 0xffffffff || v < -0x80000000) c.fail(`integer ${t} out of 32-bit range`);
      words[n] = v >>> 0;
    }
    n++;
    if (c.eat("}")) break;
    c.expect(",");
  }
  if (!c.atEnd()) c.fail("unexpected text after the immediate");
  return { type: type as TgsiImmediate["type"], words };
}

function parseInstruction(c: LineCursor): TgsiInstruction {
  // Optional "N:" instruction number.
  const save = c.pos;
  const ch = c.peek();
  if (ch >= "0" && ch <= "9") {
    c.uint(0xffffffff);
    if (!c.eat(":")) {
      c.pos = save;
      c.fail("expected an instruction");
    }
  }
  c.skipSpaces();
  const opcodeStart = c.pos;
  let name = c.word();
  let saturate = false;
  let precise = false;
  let op = TGSI_OPCODES.get(name);
  for (let i = 0; op === undefined && i < 2; i++) {
    if (name.endsWith("_PRECISE")) {
      precise = true;
      name = name.slice(0, -8);
    } else if (name.endsWith("_SAT")) {
      saturate = true;
      name = name.slice(0, -4);
    } else break;
    op = TGSI_OPCODES.get(name);
  }
  if (op === undefined) {
    c.pos = opcodeStart;
    c.fail(`unknown opcode ${name}`);
  }
  const dst: TgsiDst[] = [];
  const src: TgsiSrc[] = [];
  const texOffsets: TgsiSrc[] = [];
  let texTarget: TgsiTextureTarget | undefined;
  let label: number | undefined;
  for (let i = 0; i < op.numDst + op.numSrc; i++) {
    if (i > 0) c.expect(",");
    if (i < op.numDst) dst.push(parseDst(c));
    else src.push(parseSrc(c));
  }
  if (op.kind === "tex") {
    c.expect(",");
    texTarget = textureTarget(c, c.word());
    while (c.eat(",")) {
      if (texOffsets.length >= 4) c.fail("more than 4 texture offsets");
      texOffsets.push(parseSrc(c, true));
    }
  }
  let memory: TgsiMemoryAccess | undefined;
  if (op.kind === "memory") {
    let coherent = false;
    let restrict = false;
    let volatile = false;
    let format: string | undefined;
    while (c.eat(",")) {
      const w = c.word();
      if (w === "COHERENT" && !coherent) coherent = true;
      else if (w === "RESTRICT" && !restrict) restrict = true;
      else if (w === "VOLATILE" && !volatile) volatile = true;
      else if (w.startsWith("PIPE_FORMAT_") && format === undefined) format = w;
      else if (texTarget === undefined && format === undefined) texTarget = textureTarget(c, w);
      else c.fail(`unexpected ${w}`);
    }
    memory = { coherent, restrict, volatile, ...(format !== undefined ? { format } : {}) };
  }
  if (c.eat(":")) label = c.uint(0xffffffff);
  if (!c.atEnd()) c.fail("unexpected text after the instruction");
  if (saturate && op.dstType !== "f" && op.dstType !== "raw") c.fail(`${op.name} has no float result to saturate`);
  return {
    opcode: op,
    saturate,
    precise,
    dst,
    src,
    texOffsets,
    line: c.line,
    ...(texTarget !== undefined ? { texTarget } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(memory !== undefined ? { memory } : {}),
  };
}

/** `PROPERTY NAME value[, value...]`; only the first value is kept (every property this code uses has one). */
function parseProperty(c: LineCursor): [string, number | string] {
  const name = c.word();
  const value = (): number | string => {
    const ch = c.peek();
    return ch >= "0" && ch <= "9" ? c.uint(0xffffffff) : c.word();
  };
  const first = value();
  for (let i = 0; c.eat(","); i++) {
    if (i >= 4) c.fail("too many property values");
    value();
  }
  if (!c.atEnd()) c.fail("unexpected text after the property");
  return [name, first];
}

/** Checks nesting of flow control and that every operand names a declared register. */
function validate(
  stage: TgsiStage,
  decls: readonly TgsiDeclaration[],
  immediates: number,
  instructions: readonly TgsiInstruction[],
  lines: readonly string[],
): void {
  const fail = (inst: TgsiInstruction, reason: string): never => {
    throw new TgsiParseError(reason, inst.line, 1, lines[inst.line - 1] ?? "");
  };
  const declared = (file: TgsiFile, index: number, dim: number | undefined): boolean => {
    if (file === "IMM") return index >= 0 && index < immediates;
    // MEMORY[n] names the shared memory whatever n (the DCL's index is the memory type, SHARED = 1).
    if (file === "MEMORY") return decls.some((d) => d.file === "MEMORY");
    for (const d of decls) {
      if (d.file !== file || index < d.first || index > d.last) continue;
      if ((file === "CONST" || file === "HWATOMIC") && (d.dimension ?? 0) !== (dim ?? 0)) continue;
      return true;
    }
    return false;
  };
  const checkReg = (inst: TgsiInstruction, r: { file: TgsiFile; index: TgsiIndex; dimension?: TgsiIndex }): void => {
    if (r.index.indirect !== undefined) {
      const ind = r.index.indirect;
      if (!declared(ind.file, ind.index, undefined))
        fail(inst, `indirect register ${ind.file}[${ind.index}] not declared`);
      if (!decls.some((d) => d.file === r.file) && r.file !== "IMM") fail(inst, `no ${r.file} declared`);
      if (r.file === "IMM" && immediates === 0) fail(inst, "no immediates");
    } else {
      const constSlot =
        r.file === "CONST" || r.file === "HWATOMIC"
          ? r.dimension?.indirect === undefined
            ? r.dimension?.index
            : undefined
          : undefined;
      if (r.file === "CONST" && r.dimension?.indirect !== undefined) {
        if (!decls.some((d) => d.file === "CONST" && (d.dimension ?? 0) > 0 && r.index.index <= d.last))
          fail(inst, `CONST[..][${r.index.index}] not declared`);
      } else if (!declared(r.file, r.index.index, constSlot)) {
        fail(inst, `${r.file}[${r.index.index}] not declared`);
      }
    }
    if (
      r.dimension?.indirect !== undefined &&
      !declared(r.dimension.indirect.file, r.dimension.indirect.index, undefined)
    )
      fail(inst, "indirect dimension register not declared");
    if (
      r.file === "IN" &&
      r.dimension !== undefined &&
      stage !== "GEOM" &&
      stage !== "TESS_CTRL" &&
      stage !== "TESS_EVAL"
    )
      fail(inst, "2-D input outside GS/TCS/TES");
  };
  const stack: string[] = [];
  let inSub = false;
  let ended = false;
  for (const inst of instructions) {
    for (const d of inst.dst) checkReg(inst, d);
    for (const s of inst.src) checkReg(inst, s);
    for (const s of inst.texOffsets) checkReg(inst, s);
    const name = inst.opcode.name;
    const top = stack[stack.length - 1];
    switch (name) {
      case "IF":
      case "UIF":
        stack.push("IF");
        break;
      case "ELSE":
        if (top !== "IF") fail(inst, "ELSE without IF");
        stack[stack.length - 1] = "ELSE";
        break;
      case "ENDIF":
        if (top !== "IF" && top !== "ELSE") fail(inst, "ENDIF without IF");
        stack.pop();
        break;
      case "BGNLOOP":
        stack.push("LOOP");
        break;
      case "ENDLOOP":
        if (top !== "LOOP") fail(inst, "ENDLOOP without BGNLOOP");
        stack.pop();
        break;
      case "SWITCH":
        stack.push("SWITCH");
        break;
      case "CASE":
      case "DEFAULT":
        if (top !== "SWITCH") fail(inst, `${name} outside SWITCH`);
        break;
      case "ENDSWITCH":
        if (top !== "SWITCH") fail(inst, "ENDSWITCH without SWITCH");
        stack.pop();
        break;
      case "BRK":
        if (!stack.includes("LOOP") && !stack.includes("SWITCH")) fail(inst, "BRK outside a loop or switch");
        break;
      case "CONT":
        if (!stack.includes("LOOP")) fail(inst, "CONT outside a loop");
        break;
      case "BGNSUB":
        if (stack.length > 0 || inSub || !ended) fail(inst, "BGNSUB must follow END at top level");
        inSub = true;
        break;
      case "ENDSUB":
        if (!inSub || stack.length > 0) fail(inst, "ENDSUB without BGNSUB");
        inSub = false;
        break;
      case "END":
        if (stack.length > 0 || inSub) fail(inst, "END inside a block");
        if (ended) fail(inst, "second END");
        ended = true;
        break;
      case "CAL":
        if (inst.label === undefined) fail(inst, "CAL without a label");
        break;
      default:
        if (ended && !inSub) fail(inst, "instruction after END outside a subroutine");
    }
    if (stack.length > TGSI_LIMITS.maxNesting) fail(inst, "nesting too deep");
    if (inst.opcode.kind === "memory") {
      const res = name === "STORE" ? inst.dst[0]! : inst.src[0]!;
      if (!MEMORY_FILES.has(res.file)) fail(inst, `${name} of ${res.file}`);
      if (res.file === "HWATOMIC" && res.dimension?.indirect !== undefined)
        fail(inst, "indirect atomic buffer binding");
    }
    if (inst.opcode.kind === "tex" && inst.src.length > 0) {
      const samp = inst.src[inst.src.length - 1]!;
      if (samp.file !== "SAMP" && samp.file !== "SVIEW") fail(inst, "texture operand must be SAMP or SVIEW");
    }
  }
  if (!ended) throw new TgsiParseError("missing END", lines.length, 1, "");
  if (inSub) throw new TgsiParseError("missing ENDSUB", lines.length, 1, "");
  for (const inst of instructions) {
    if (inst.opcode.name === "CAL" && calTarget(instructions, inst.label!) < 0)
      fail(inst, `CAL target ${inst.label} is not a BGNSUB`);
  }
}

/**
 * Index of the BGNSUB a `CAL :label` enters: the label names the BGNSUB itself or the instruction right after it
 * (both numberings occur); -1 when neither.
 */
export function calTarget(instructions: readonly TgsiInstruction[], label: number): number {
  if (instructions[label]?.opcode.name === "BGNSUB") return label;
  if (label > 0 && instructions[label - 1]?.opcode.name === "BGNSUB") return label - 1;
  return -1;
}

function parseOrThrow(text: string): TgsiShader {
  if (text.length > TGSI_LIMITS.maxTextChars)
    throw new TgsiParseError(`text longer than ${TGSI_LIMITS.maxTextChars} characters`, 0, 0, "");
  const nul = text.indexOf("\0");
  const body = nul >= 0 ? text.slice(0, nul) : text;
  const lines = body.split("\n");
  let stage: TgsiStage | undefined;
  const properties = new Map<string, number | string>();
  const declarations: TgsiDeclaration[] = [];
  const immediates: TgsiImmediate[] = [];
  const instructions: TgsiInstruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const c = new LineCursor(lines[i]!, i + 1);
    if (c.atEnd()) continue;
    if (stage === undefined) {
      const w = c.word();
      const s = stageOfHeader(w);
      if (s === undefined || !c.atEnd()) c.fail("expected a header VERT, FRAG, GEOM, TESS_CTRL, TESS_EVAL or COMP");
      stage = s;
      continue;
    }
    const save = c.pos;
    const w = c.peekWord();
    if (w === "DCL") {
      c.word();
      if (declarations.length >= TGSI_LIMITS.maxDeclarations) c.fail("too many declarations");
      declarations.push(parseDeclaration(c));
    } else if (w === "IMM") {
      c.word();
      if (immediates.length >= TGSI_LIMITS.maxImmediates) c.fail("too many immediates");
      immediates.push(parseImmediate(c, immediates.length));
    } else if (w === "PROPERTY") {
      c.word();
      if (properties.size >= TGSI_LIMITS.maxProperties) c.fail("too many properties");
      const [name, value] = parseProperty(c);
      properties.set(name, value);
    } else {
      c.pos = save;
      if (instructions.length >= TGSI_LIMITS.maxInstructions) c.fail("too many instructions");
      instructions.push(parseInstruction(c));
    }
  }
  if (stage === undefined) throw new TgsiParseError("empty shader", 0, 0, "");
  validate(stage, declarations, immediates.length, instructions, lines);
  const info = analyzeTgsi(stage, properties, declarations, instructions, lines);
  return { stage, properties, declarations, immediates, instructions, info };
}

/**
 * Parses TGSI text as Mesa's `tgsi_dump` prints it (and virgl sends it; a trailing NUL and anything after it are
 * ignored). Work and memory are bounded by {@link TGSI_LIMITS}; every failure comes back as a
 * {@link TgsiParseError} value with the line, column and an excerpt, never thrown.
 */
export function parseTgsi(text: string): TgsiParseResult {
  try {
    return { ok: true, shader: parseOrThrow(text) };
  } catch (e) {
    if (e instanceof TgsiParseError) return { ok: false, error: e };
    throw e;
  }
}
