// TGSI text → typed IR → GLSL: pure functions for the virgl draw path (contract: README.md in this folder).
export {
  ATOMIC_BUFFER_BINDINGS,
  atomicBufferBinding,
  IMAGES_PER_STAGE,
  imageBinding,
  MAX_UBO_SLOT,
  memoryRangeStart,
  producedVaryings,
  SAMPLERS_PER_STAGE,
  SHADER_BUFFERS_PER_STAGE,
  STAGE_INDEX,
  STAGE_PREFIX,
  SYSVAL_LAYOUT,
  samplerBinding,
  shaderBufferBinding,
  sysvalBinding,
  UBO_BINDINGS_PER_STAGE,
  uboBinding,
  uboBindingsNeeded,
  uboBlockRows,
  varyingId,
  varyingName,
} from "./glsl-bindings.ts";
export { GlslEmitError } from "./glsl-emit-error.ts";
export { emitGlsl, type GlslResult, inputQualifiers } from "./glsl-emitter.ts";
export { GLSL_REQUIREMENTS, type GlslRequirement } from "./glsl-requirements.ts";
export {
  DEFAULT_SHADER_KEY,
  type GlslTarget,
  MAX_SHARED_MEMORY_BYTES,
  MAX_STREAM_OUTPUTS,
  type ShaderKey,
  type StreamOutputEntry,
  transformFeedbackVaryings,
  type ViewSwizzle,
} from "./shader-key.ts";
export { SHADER_STAGES, stageOfHeader } from "./shader-stage.ts";
export type * from "./tgsi-ir.ts";
export {
  OPCODE_TABLE,
  TGSI_OPCODES,
  type TgsiOpcodeInfo,
  type TgsiOpcodeKind,
  type TgsiOpcodeName,
  type TgsiValueType,
} from "./tgsi-opcodes.ts";
export { TgsiParseError } from "./tgsi-parse-error.ts";
export { parseTgsi, TGSI_LIMITS, type TgsiParseResult } from "./tgsi-parser.ts";
