import { STAGE_INDEX, STAGE_PREFIX, type TgsiStage } from "./shader-stage.ts";
import type { TgsiIoSlot, TgsiSemantic, TgsiShaderInfo } from "./tgsi-ir.ts";

export { STAGE_INDEX, STAGE_PREFIX };

/** Sampler units per stage the emitter accepts (0..15). */
export const SAMPLERS_PER_STAGE = 16;
/**
 * Uniform-buffer binding points reserved per stage: slot 0 (CONST file), 1..14 (UBOs: GL 4.3's 14 per stage),
 * 15 = sysval block.
 */
export const UBO_BINDINGS_PER_STAGE = 16;
/** Highest guest UBO slot the emitter accepts (slot 0 is the default constant buffer). */
export const MAX_UBO_SLOT = UBO_BINDINGS_PER_STAGE - 2;

/**
 * First GL binding of a stage's per-stage resource range of `perStage` slots: graphics stages get consecutive
 * ranges (VS 0, FS 1·n, GS 2·n, TCS 3·n, TES 4·n); a compute shader is alone in its program and starts at 0.
 */
function stageBase(stage: TgsiStage, perStage: number): number {
  return stage === "COMP" ? 0 : STAGE_INDEX[stage] * perStage;
}

/** GL texture unit (`layout(binding)`) of sampler unit `unit` of `stage`: stage*16 + unit. */
export function samplerBinding(stage: TgsiStage, unit: number): number {
  return STAGE_INDEX[stage] * SAMPLERS_PER_STAGE + unit;
}

/** GL uniform-buffer binding of guest constant-buffer slot `slot` (0 = the CONST file) of `stage`: stage*16 + slot, CS slot. */
export function uboBinding(stage: TgsiStage, slot: number): number {
  return stageBase(stage, UBO_BINDINGS_PER_STAGE) + slot;
}

/** GL uniform-buffer binding of the stage's sysval block (clip planes, stipple): stage*16 + 15, CS 15. */
export function sysvalBinding(stage: TgsiStage): number {
  return stageBase(stage, UBO_BINDINGS_PER_STAGE) + UBO_BINDINGS_PER_STAGE - 1;
}

/** Uniform-buffer binding points the graphics stages use: VS, FS, GS, and TCS, TES when tessellation is drawn. */
export function uboBindingsNeeded(tessellation: boolean): number {
  return (tessellation ? 5 : 3) * UBO_BINDINGS_PER_STAGE;
}

/** Shader storage buffer slots per stage the emitter accepts (0..15). */
export const SHADER_BUFFERS_PER_STAGE = 16;
/** Image slots per stage the emitter accepts (0..15). */
export const IMAGES_PER_STAGE = 16;
/** Atomic counter buffer bindings the emitter accepts (0..15); they are global in GL and in virgl. */
export const ATOMIC_BUFFER_BINDINGS = 16;

/**
 * Position of each stage's shader-buffer and image range: graphics stages get consecutive ranges, the FS first (a
 * host with few image units, 8 on some GPUs, still gives the FS its images); a compute shader is alone in its
 * program and starts at 0 too. The one place these ranges are decided (the caps derive their limits from them).
 */
const MEMORY_RANGE_ORDER: Readonly<Record<TgsiStage, number>> = {
  FRAG: 0,
  VERT: 1,
  GEOM: 2,
  TESS_CTRL: 3,
  TESS_EVAL: 4,
  COMP: 0,
};

/** First GL binding of `stage`'s shader-buffer or image range of `perStage` slots (FS 0, VS n, GS 2n, TCS 3n, TES 4n, CS 0). */
export function memoryRangeStart(stage: TgsiStage, perStage: number): number {
  return MEMORY_RANGE_ORDER[stage] * perStage;
}

/** GL shader-storage binding of guest shader buffer `slot` (SET_SHADER_BUFFERS) of `stage`: its range start + slot. */
export function shaderBufferBinding(stage: TgsiStage, slot: number): number {
  return memoryRangeStart(stage, SHADER_BUFFERS_PER_STAGE) + slot;
}

/** GL image unit of guest image `slot` (SET_SHADER_IMAGES) of `stage`: its range start + slot. */
export function imageBinding(stage: TgsiStage, slot: number): number {
  return memoryRangeStart(stage, IMAGES_PER_STAGE) + slot;
}

/** GL atomic-counter-buffer binding of guest atomic buffer `slot` (SET_ATOMIC_BUFFERS, every stage): the slot. */
export function atomicBufferBinding(slot: number): number {
  return slot;
}

/** Byte offsets inside the sysval block (std140): `vec4 clip_plane[8]` then `uvec4 stipple[8]` (32 rows, packed). */
export const SYSVAL_LAYOUT = { clipPlanes: 0, stipple: 128, size: 256 } as const;

/** Identity of a user varying across stages: semantic name + index (`GENERIC3`, `COLOR0`, `BCOLOR1`, `PATCH2`). */
export function varyingId(semantic: TgsiSemantic): string {
  return `${semantic.name}${semantic.index}`;
}

const SUFFIX: Readonly<Record<string, string>> = {
  GENERIC: "g",
  TEXCOORD: "t",
  COLOR: "c",
  BCOLOR: "bc",
  FOG: "f",
  PATCH: "patch",
  NORMAL: "n",
  CLIPVERTEX: "cv",
};

/** GLSL name of the varying `semantic` written by `producer`: `<prefix>_<suffix><index>` (`vs_g3`, `gs_c0`). */
export function varyingName(producer: TgsiStage, semantic: TgsiSemantic): string {
  const suffix = SUFFIX[semantic.name] ?? semantic.name.toLowerCase();
  return `${STAGE_PREFIX[producer]}_${suffix}${semantic.index}`;
}

/** Output semantics that become GL built-ins (or nothing), never user varyings. */
const BUILTIN_OUTPUTS = new Set<string>([
  "POSITION",
  "PSIZE",
  "CLIPDIST",
  "CLIPVERTEX",
  "LAYER",
  "VIEWPORT_INDEX",
  "PRIM_ID",
  "EDGEFLAG",
  "TESSOUTER",
  "TESSINNER",
  "VIEWPORT_MASK",
]);

/**
 * The user varyings (as {@link varyingId}) a shader writes: what the next stage's key lists in `producerOutputs`.
 */
export function producedVaryings(outputs: readonly TgsiIoSlot[]): string[] {
  return outputs.filter((s) => !BUILTIN_OUTPUTS.has(s.semantic.name)).map((s) => varyingId(s.semantic));
}

/**
 * Rows (16 bytes each) of every block of the stage's UBO array `<p>_ubo[]`: the largest declared UBO range. The
 * draw code binds at least `16 * rows` bytes per slot (pad a copy when the guest's buffer is shorter).
 */
export function uboBlockRows(info: TgsiShaderInfo): number {
  return Math.max(1, ...info.uniformBuffers.values());
}
