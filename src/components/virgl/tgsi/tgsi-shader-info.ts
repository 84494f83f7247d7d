import type {
  TgsiDeclaration,
  TgsiInstruction,
  TgsiIoSlot,
  TgsiReturnType,
  TgsiSamplerInfo,
  TgsiShaderInfo,
  TgsiStage,
  TgsiTextureTarget,
} from "./tgsi-ir.ts";
import { TgsiParseError } from "./tgsi-parse-error.ts";

/** PROPERTY names this code knows (tgsi_strings.c); others are kept in `unknownProperties` and ignored. */
const KNOWN_PROPERTIES = new Set<string>(
  (
    "GS_INPUT_PRIMITIVE GS_OUTPUT_PRIMITIVE GS_MAX_OUTPUT_VERTICES FS_COORD_ORIGIN FS_COORD_PIXEL_CENTER " +
    "FS_COLOR0_WRITES_ALL_CBUFS FS_DEPTH_LAYOUT VS_PROHIBIT_UCPS GS_INVOCATIONS VS_WINDOW_SPACE_POSITION " +
    "TCS_VERTICES_OUT TES_PRIM_MODE TES_SPACING TES_VERTEX_ORDER_CW TES_POINT_MODE NUM_CLIPDIST_ENABLED " +
    "NUM_CULLDIST_ENABLED FS_EARLY_DEPTH_STENCIL FS_POST_DEPTH_COVERAGE NEXT_SHADER CS_FIXED_BLOCK_WIDTH " +
    "CS_FIXED_BLOCK_HEIGHT CS_FIXED_BLOCK_DEPTH MUL_ZERO_WINS VS_BLIT_SGPRS_AMD CS_USER_DATA_COMPONENTS_AMD " +
    "LAYER_VIEWPORT_RELATIVE FS_BLEND_EQUATION_ADVANCED SEPARABLE_PROGRAM LEGACY_MATH_RULES"
  ).split(" "),
);

/** Semantics of user varyings, the only IN/OUT registers that may be declared in component parts. */
const COMPONENT_PART_SEMANTICS = new Set<string>(["GENERIC", "TEXCOORD", "PATCH"]);

function popcount4(mask: number): number {
  return (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1) + ((mask >> 3) & 1);
}

function num(v: number | string | undefined, fallback: number): number {
  return typeof v === "number" ? v : fallback;
}

function word(v: number | string | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

/**
 * Derives {@link TgsiShaderInfo} from a parsed shader. Refuses (TgsiParseError) inconsistent declarations the
 * emitter could not name: an IN/OUT register declared twice (other than in disjoint component parts of user
 * varyings), or an IN/OUT of a stage that needs a semantic without one.
 */
export function analyzeTgsi(
  stage: TgsiStage,
  properties: ReadonlyMap<string, number | string>,
  decls: readonly TgsiDeclaration[],
  instructions: readonly TgsiInstruction[],
  lines: readonly string[],
): TgsiShaderInfo {
  const fail = (d: TgsiDeclaration, reason: string): never => {
    throw new TgsiParseError(reason, d.line, 1, lines[d.line - 1] ?? "");
  };
  const inputs: TgsiIoSlot[] = [];
  const outputs: TgsiIoSlot[] = [];
  const systemValues: { register: number; name: string }[] = [];
  // Register → components declared so far, and whether a part of it is not a user varying.
  const seenIn = new Map<number, { mask: number; exclusive: boolean }>();
  const seenOut = new Map<number, { mask: number; exclusive: boolean }>();
  const uniformBuffers = new Map<number, number>();
  let constantRows = 0;
  const shaderBuffers: number[] = [];
  const images: number[] = [];
  let usesMemory = false;
  let clipMaskCount = 0;
  let writesDepth = false;
  let writesStencil = false;
  let writesSampleMask = false;
  let colorsWritten = 0;
  for (const d of decls) {
    const count = d.last - d.first + 1;
    if (d.file === "IN" || d.file === "OUT") {
      const isIn = d.file === "IN";
      const seen = isIn ? seenIn : seenOut;
      const needsSemantic = !(isIn && stage === "VERT") && !(!isIn && stage === "COMP");
      if (needsSemantic && d.semantic === undefined) fail(d, `${d.file} needs a semantic in this stage`);
      if (count > 80) fail(d, "IN/OUT range too long");
      // A register may be declared in component parts (ARB_enhanced_layouts `component` qualifiers), each part a
      // user varying of its own with disjoint usage masks; anything else is one declaration per register.
      const exclusive =
        d.semantic === undefined ||
        !COMPONENT_PART_SEMANTICS.has(d.semantic.name) ||
        (isIn ? stage === "VERT" : stage === "FRAG");
      for (let r = d.first; r <= d.last; r++) {
        const prev = seen.get(r);
        if (prev !== undefined && (prev.exclusive || exclusive || (prev.mask & d.usageMask) !== 0))
          fail(d, `${d.file}[${r}] declared twice`);
        seen.set(r, { mask: (prev?.mask ?? 0) | d.usageMask, exclusive });
        const semantic = d.semantic === undefined ? { name: "ATTRIB", index: r } : d.semantic;
        // A range with a semantic (`OUT[1..2], GENERIC[1]`) covers consecutive semantic indices.
        const slot: TgsiIoSlot = {
          register: r,
          semantic: { name: semantic.name, index: d.semantic === undefined ? r : semantic.index + (r - d.first) },
          usageMask: d.usageMask,
          interpLocation: d.interpLocation,
          invariant: d.invariant,
          perVertex: d.dimension === -1,
          stream: d.streams?.[0] ?? 0,
          ...(d.interpolation !== undefined ? { interpolation: d.interpolation } : {}),
        };
        (isIn ? inputs : outputs).push(slot);
        if (!isIn) {
          const name = slot.semantic.name;
          if (name === "CLIPDIST") clipMaskCount += popcount4(d.usageMask);
          if (name === "POSITION" && stage === "FRAG") writesDepth = true;
          if (name === "STENCIL" && stage === "FRAG") writesStencil = true;
          if (name === "SAMPLEMASK" && stage === "FRAG") writesSampleMask = true;
          if (name === "COLOR" && stage === "FRAG") {
            if (slot.semantic.index > 7) fail(d, "COLOR index above 7");
            colorsWritten |= 1 << slot.semantic.index;
          }
        }
      }
    } else if (d.file === "SV") {
      for (let r = d.first; r <= d.last; r++) systemValues.push({ register: r, name: d.semantic!.name });
    } else if (d.file === "CONST") {
      const slot = d.dimension ?? 0;
      if (slot < 0) fail(d, "CONST needs a slot");
      if (slot === 0) constantRows = Math.max(constantRows, d.last + 1);
      else uniformBuffers.set(slot, Math.max(uniformBuffers.get(slot) ?? 0, d.last + 1));
    } else if (d.file === "BUFFER") {
      for (let r = d.first; r <= d.last; r++) shaderBuffers.push(r);
    } else if (d.file === "IMAGE") {
      for (let r = d.first; r <= d.last; r++) images.push(r);
    } else if (d.file === "MEMORY") usesMemory = true;
  }
  // Samplers: SVIEW gives target/return type; texture instructions give the target when SVIEW is absent and tell
  // whether a compare (shadow) lookup happens.
  const samplerDecl = new Set<number>();
  const views = new Map<number, TgsiDeclaration>();
  for (const d of decls) {
    for (let r = d.first; r <= d.last; r++) {
      if (d.file === "SAMP") samplerDecl.add(r);
      if (d.file === "SVIEW") views.set(r, d);
    }
  }
  const instTarget = new Map<number, TgsiTextureTarget>();
  let usesIndirectUboSlot = false;
  for (const inst of instructions) {
    for (const s of inst.src) if (s.file === "CONST" && s.dimension?.indirect !== undefined) usesIndirectUboSlot = true;
    if (inst.opcode.kind !== "tex" || inst.texTarget === undefined) continue;
    const samp = inst.src[inst.src.length - 1]!;
    const first = samp.index.index;
    const units: number[] = [];
    if (samp.index.indirect === undefined) units.push(first);
    else for (const u of samplerDecl) units.push(u);
    for (const u of units) {
      const prev = instTarget.get(u);
      // TXQ/TXF do not decide shadow-ness; a compare lookup does.
      if (prev === undefined || (inst.texTarget.startsWith("SHADOW") && !prev.startsWith("SHADOW")))
        instTarget.set(u, inst.texTarget);
    }
  }
  const samplers: TgsiSamplerInfo[] = [];
  const units = new Set<number>([...samplerDecl, ...views.keys()]);
  for (const unit of [...units].sort((a, b) => a - b)) {
    const view = views.get(unit);
    const fromInst = instTarget.get(unit);
    let target: TgsiTextureTarget = view?.target ?? fromInst ?? "2D";
    const shadow = target.startsWith("SHADOW") || (fromInst?.startsWith("SHADOW") ?? false);
    if (shadow && fromInst?.startsWith("SHADOW") && !target.startsWith("SHADOW")) target = fromInst;
    const returnType: TgsiReturnType = view?.returnTypes?.[0] ?? "FLOAT";
    samplers.push({ unit, target, returnType, shadow });
  }
  const unknownProperties = [...properties.keys()].filter((k) => !KNOWN_PROPERTIES.has(k));
  const clipProp = properties.get("NUM_CLIPDIST_ENABLED");
  const cullProp = properties.get("NUM_CULLDIST_ENABLED");
  const numClipDistances = Math.min(8, typeof clipProp === "number" ? clipProp : clipMaskCount);
  const numCullDistances = Math.min(8 - numClipDistances, typeof cullProp === "number" ? cullProp : 0);
  return {
    inputs,
    outputs,
    systemValues,
    samplers,
    constantRows,
    uniformBuffers,
    usesIndirectUboSlot,
    shaderBuffers,
    images,
    usesMemory,
    numClipDistances,
    numCullDistances,
    writesDepth,
    writesStencil,
    writesSampleMask,
    colorsWritten,
    color0WritesAllCbufs: num(properties.get("FS_COLOR0_WRITES_ALL_CBUFS"), 0) !== 0,
    fsCoordOrigin: properties.get("FS_COORD_ORIGIN") === "LOWER_LEFT" ? "LOWER_LEFT" : "UPPER_LEFT",
    fsCoordPixelCenter: properties.get("FS_COORD_PIXEL_CENTER") === "INTEGER" ? "INTEGER" : "HALF_INTEGER",
    fsEarlyDepthStencil: num(properties.get("FS_EARLY_DEPTH_STENCIL"), 0) !== 0,
    fsBlendEquationAdvanced: num(properties.get("FS_BLEND_EQUATION_ADVANCED"), 0),
    gsMaxOutputVertices: num(properties.get("GS_MAX_OUTPUT_VERTICES"), 0),
    gsInvocations: num(properties.get("GS_INVOCATIONS"), 1),
    tcsVerticesOut: num(properties.get("TCS_VERTICES_OUT"), 0),
    tesVertexOrderCw: num(properties.get("TES_VERTEX_ORDER_CW"), 0) !== 0,
    tesPointMode: num(properties.get("TES_POINT_MODE"), 0) !== 0,
    csBlockSize: [
      num(properties.get("CS_FIXED_BLOCK_WIDTH"), 1),
      num(properties.get("CS_FIXED_BLOCK_HEIGHT"), 1),
      num(properties.get("CS_FIXED_BLOCK_DEPTH"), 1),
    ],
    unknownProperties,
    ...(properties.has("GS_INPUT_PRIMITIVE") ? { gsInputPrimitive: word(properties.get("GS_INPUT_PRIMITIVE"))! } : {}),
    ...(properties.has("GS_OUTPUT_PRIMITIVE")
      ? { gsOutputPrimitive: word(properties.get("GS_OUTPUT_PRIMITIVE"))! }
      : {}),
    ...(properties.has("TES_PRIM_MODE") ? { tesPrimMode: word(properties.get("TES_PRIM_MODE"))! } : {}),
    ...(properties.has("TES_SPACING") ? { tesSpacing: word(properties.get("TES_SPACING"))! } : {}),
  };
}
