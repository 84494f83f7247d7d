import type { TgsiStage } from "./shader-stage.ts";
import type { TgsiOpcodeInfo } from "./tgsi-opcodes.ts";

export type { TgsiStage } from "./shader-stage.ts";

/** Register files. `IMM` is filled by `IMM[n]` lines only. */
export type TgsiFile =
  | "IN"
  | "OUT"
  | "TEMP"
  | "CONST"
  | "IMM"
  | "ADDR"
  | "SAMP"
  | "SVIEW"
  | "SV"
  | "BUFFER"
  | "IMAGE"
  | "MEMORY"
  | "HWATOMIC";

/** FS input interpolation: CONSTANT = flat, LINEAR = noperspective, PERSPECTIVE = smooth, COLOR = rasterizer flat-shade state. */
export type TgsiInterpolation = "CONSTANT" | "LINEAR" | "PERSPECTIVE" | "COLOR";
export type TgsiInterpLocation = "CENTER" | "CENTROID" | "SAMPLE";

/** Texture targets (SVIEW declarations and texture instructions). */
export type TgsiTextureTarget =
  | "BUFFER"
  | "1D"
  | "2D"
  | "3D"
  | "CUBE"
  | "RECT"
  | "SHADOW1D"
  | "SHADOW2D"
  | "SHADOWRECT"
  | "1D_ARRAY"
  | "2D_ARRAY"
  | "SHADOW1D_ARRAY"
  | "SHADOW2D_ARRAY"
  | "SHADOWCUBE"
  | "2D_MSAA"
  | "2D_ARRAY_MSAA"
  | "CUBE_ARRAY"
  | "SHADOWCUBE_ARRAY";

export type TgsiReturnType = "FLOAT" | "UINT" | "SINT" | "UNORM" | "SNORM";

/** A semantic such as `GENERIC[3]`; index 0 when printed bare. */
export interface TgsiSemantic {
  readonly name: string;
  readonly index: number;
}

/** One `DCL` line. `first..last` is the register range (inclusive). */
export interface TgsiDeclaration {
  readonly file: TgsiFile;
  readonly first: number;
  readonly last: number;
  /** Second dimension: `CONST[1][0..3]` → 1 (UBO slot); `IN[][2]` → -1 (per-vertex input, index at use). */
  readonly dimension?: number;
  /** Bit i = component i read/written; 0xf when not printed. */
  readonly usageMask: number;
  readonly arrayId: number;
  readonly semantic?: TgsiSemantic;
  readonly interpolation?: TgsiInterpolation;
  readonly interpLocation: TgsiInterpLocation;
  readonly invariant: boolean;
  readonly local: boolean;
  /** SVIEW/IMAGE target. */
  readonly target?: TgsiTextureTarget;
  /** SVIEW return types per channel. */
  readonly returnTypes?: readonly TgsiReturnType[];
  /** IMAGE format name (`PIPE_FORMAT_...`), `WR`, `RAW`; BUFFER `ATOMIC`; MEMORY `SHARED`/`GLOBAL`/`PRIVATE`/`INPUT`. */
  readonly format?: string;
  readonly writable: boolean;
  readonly raw: boolean;
  readonly atomic: boolean;
  readonly memoryType?: string;
  /** GS output: vertex stream of each component (`STREAM(x, y, z, w)`). */
  readonly streams?: readonly number[];
  /** 1-based line in the source text. */
  readonly line: number;
}

/** `IMM[n] TYPE {..}`: the 32-bit words as the text gave them (FLT64 values are two words each, low first). */
export interface TgsiImmediate {
  readonly type: "FLT32" | "UINT32" | "INT32" | "FLT64" | "UINT64" | "INT64";
  readonly words: Uint32Array;
}

/** Indirect part of a register index: `[ADDR[0].x+3]` → file ADDR, index 0, component 0, plus the offset. */
export interface TgsiIndirect {
  readonly file: TgsiFile;
  readonly index: number;
  readonly component: number;
  readonly arrayId: number;
}

/** A register index, possibly indirect (`base + value of indirect`). */
export interface TgsiIndex {
  readonly index: number;
  readonly indirect?: TgsiIndirect;
}

/** A source operand. `swizzle[i]` is 0..3 for x..w. */
export interface TgsiSrc {
  readonly file: TgsiFile;
  readonly index: TgsiIndex;
  /** `CONST[1][..]`, `IN[2][..]`: the first bracket (UBO slot, vertex index). */
  readonly dimension?: TgsiIndex;
  readonly arrayId: number;
  readonly swizzle: readonly [number, number, number, number];
  readonly negate: boolean;
  readonly absolute: boolean;
}

/** A destination operand with its write mask (bit i = component i). */
export interface TgsiDst {
  readonly file: TgsiFile;
  readonly index: TgsiIndex;
  readonly dimension?: TgsiIndex;
  readonly arrayId: number;
  readonly writeMask: number;
}

/** The tail of a memory instruction: `, COHERENT, VOLATILE, 2D, PIPE_FORMAT_R32_UINT` (target in `texTarget`). */
export interface TgsiMemoryAccess {
  readonly coherent: boolean;
  readonly restrict: boolean;
  readonly volatile: boolean;
  /** `PIPE_FORMAT_...` of an image access, when printed. */
  readonly format?: string;
}

/** One numbered instruction. `label` is the `:N` flow target (redundant with structure; kept for CAL). */
export interface TgsiInstruction {
  readonly opcode: TgsiOpcodeInfo;
  readonly saturate: boolean;
  readonly precise: boolean;
  readonly dst: readonly TgsiDst[];
  readonly src: readonly TgsiSrc[];
  readonly texTarget?: TgsiTextureTarget;
  readonly texOffsets: readonly TgsiSrc[];
  /** Memory opcodes (LOAD, STORE, ATOM*, RESQ): access qualifiers, and for images the format the instruction names. */
  readonly memory?: TgsiMemoryAccess;
  readonly label?: number;
  /** 1-based line in the source text. */
  readonly line: number;
}

/** A parsed shader: everything the text says, in order. */
export interface TgsiShader {
  readonly stage: TgsiStage;
  /** PROPERTY lines: name → value (numbers as numbers, enum words as strings). Unknown names are kept too. */
  readonly properties: ReadonlyMap<string, number | string>;
  readonly declarations: readonly TgsiDeclaration[];
  readonly immediates: readonly TgsiImmediate[];
  readonly instructions: readonly TgsiInstruction[];
  /** What the draw path needs, derived once from the above. */
  readonly info: TgsiShaderInfo;
}

/** An input or output register with its semantic. */
export interface TgsiIoSlot {
  readonly register: number;
  readonly semantic: TgsiSemantic;
  readonly usageMask: number;
  readonly interpolation?: TgsiInterpolation;
  readonly interpLocation: TgsiInterpLocation;
  readonly invariant: boolean;
  /** GS/TCS/TES per-vertex input (`IN[][n]`), or TCS per-vertex output. */
  readonly perVertex: boolean;
  /** GS output: the vertex stream it belongs to (0 when not declared). */
  readonly stream: number;
}

/** A combined sampler unit: the SAMP/SVIEW index, its target and return type (from SVIEW, else the instructions). */
export interface TgsiSamplerInfo {
  readonly unit: number;
  readonly target: TgsiTextureTarget;
  readonly returnType: TgsiReturnType;
  /** A texture instruction with a shadow target samples it. */
  readonly shadow: boolean;
}

/** Derived facts for the draw path (see README "TGSI to GLSL"). */
export interface TgsiShaderInfo {
  readonly inputs: readonly TgsiIoSlot[];
  readonly outputs: readonly TgsiIoSlot[];
  /** `DCL SV[n], NAME`. */
  readonly systemValues: readonly { readonly register: number; readonly name: string }[];
  readonly samplers: readonly TgsiSamplerInfo[];
  /** Number of vec4 rows of the default constant buffer (slot 0), 0 when none is declared. */
  readonly constantRows: number;
  /** UBO slot (≥1) → number of vec4 rows declared. */
  readonly uniformBuffers: ReadonlyMap<number, number>;
  readonly usesIndirectUboSlot: boolean;
  readonly shaderBuffers: readonly number[];
  readonly images: readonly number[];
  readonly usesMemory: boolean;
  readonly numClipDistances: number;
  readonly numCullDistances: number;
  readonly writesDepth: boolean;
  readonly writesStencil: boolean;
  readonly writesSampleMask: boolean;
  /** FS: bit k = COLOR[k] is an output. */
  readonly colorsWritten: number;
  readonly color0WritesAllCbufs: boolean;
  readonly fsCoordOrigin: "UPPER_LEFT" | "LOWER_LEFT";
  readonly fsCoordPixelCenter: "HALF_INTEGER" | "INTEGER";
  readonly fsEarlyDepthStencil: boolean;
  /** FS_BLEND_EQUATION_ADVANCED: nonzero when the shader declares advanced blend support. */
  readonly fsBlendEquationAdvanced: number;
  readonly gsInputPrimitive?: string;
  readonly gsOutputPrimitive?: string;
  readonly gsMaxOutputVertices: number;
  readonly gsInvocations: number;
  readonly tcsVerticesOut: number;
  readonly tesPrimMode?: string;
  readonly tesSpacing?: string;
  readonly tesVertexOrderCw: boolean;
  readonly tesPointMode: boolean;
  readonly csBlockSize: readonly [number, number, number];
  /** PROPERTY names this code does not know (kept, ignored). */
  readonly unknownProperties: readonly string[];
}
