import type { TgsiStage } from "./tgsi-ir.ts";

/**
 * One stream-output (transform feedback) entry of CREATE_OBJECT(SHADER): `register(8) | start_comp(2) << 8 |
 * num_comps(3) << 10 | buffer(3) << 13 | dst_offset(16) << 16`, then `stream(2)` (offsets in dwords).
 */
export interface StreamOutputEntry {
  readonly register: number;
  readonly startComponent: number;
  readonly numComponents: number;
  readonly outputBuffer: number;
  readonly dstOffset: number;
  readonly stream: number;
}

/** Largest compute shared memory the emitter declares (GL's minimum GL_MAX_COMPUTE_SHARED_MEMORY_SIZE). */
export const MAX_SHARED_MEMORY_BYTES = 32768;

/** GLSL dialect the emitter writes. `glsl300es` covers VS/FS only (no GS/tess/CS, no doubles, no 1D/RECT/buffer). */
export type GlslTarget = "glsl450" | "glsl300es";

/** A component selector of a sampler view swizzle: 0..3 = r,g,b,a, 4 = zero, 5 = one (PIPE_SWIZZLE_*). */
export type ViewSwizzle = readonly [number, number, number, number];

/**
 * Draw-time state that selects a GLSL variant of one parsed shader (what core GL cannot do from state alone).
 * Everything is optional except `target`; {@link DEFAULT_SHADER_KEY} is the neutral value. Two keys that compare
 * equal field by field give identical GLSL, so `JSON.stringify(key)` is a usable cache key.
 */
export interface ShaderKey {
  readonly target: GlslTarget;
  /** FS/GS/TCS/TES: the stage whose outputs this stage reads (names its input varyings). Default VERT. */
  readonly producer?: TgsiStage;
  /**
   * FS/GS/TCS/TES: the user varyings the producer writes, as {@link varyingId} strings (`"GENERIC3"`). When given,
   * inputs the producer does not write read `vec4(0)` instead of a varying (else the link would fail).
   */
  readonly producerOutputs?: readonly string[];
  /**
   * Last vertex stage: qualifiers to put on output varyings, by {@link varyingId} — the FS's `inputQualifiers`.
   * Required for GLSL ES (interpolation must match across stages); harmless on desktop GLSL.
   */
  readonly outputQualifiers?: Readonly<Record<string, string>>;
  /** VS: bit n = attribute n is a pure signed / unsigned integer format (declared ivec4 / uvec4). */
  readonly vsIntInputs?: number;
  readonly vsUintInputs?: number;
  /** FS: bit k = colour buffer k is a pure signed / unsigned integer format (ivec4 / uvec4 output). */
  readonly fsIntOutputs?: number;
  readonly fsUintOutputs?: number;
  /** FS: bit k = colour buffer k is alpha-only (A8/A16/A32F stored as GL R*): writes `(a, 0, 0, a)`. */
  readonly fsAlphaOutputs?: number;
  /** FS: bit k = colour buffer k is luminance-alpha (L8A8… stored as GL RG*): writes `(l, a, 0, a)`. */
  readonly fsLuminanceAlphaOutputs?: number;
  /** FS: bound colour buffers; with `FS_COLOR0_WRITES_ALL_CBUFS` COLOR[0] goes to locations 0..nrCbufs-1. Default 1. */
  readonly nrCbufs?: number;
  /** FS: COLOR[1] is the second source of dual-source blending (`location=0, index=1`). */
  readonly dualSourceBlend?: boolean;
  /** FS: alpha test, PIPE_FUNC_* (0 NEVER … 7 ALWAYS); absent or 7 = off. */
  readonly alphaFunc?: number;
  /** FS: alpha reference value (float). */
  readonly alphaRef?: number;
  /** FS: light_twoside: COLOR[k] inputs read BCOLOR[k] on back faces. */
  readonly twoSidedColor?: boolean;
  /** FS: rasterizer flatshade: COLOR-interpolated inputs are `flat`. */
  readonly flatShade?: boolean;
  /** FS: rasterizer sprite_coord_enable: bit k replaces input TEXCOORD[k] by `vec4(gl_PointCoord, 0, 1)`. */
  readonly spriteCoordEnable?: number;
  /**
   * FS: gl_PointCoord's y is read as 1 − y. Gallium's upper-left sprite origin is on its y-down window space, which
   * is the host's window space with y up: the host's lower-left origin, where GL's default is upper-left.
   */
  readonly pointCoordFlipY?: boolean;
  /** FS: polygon stipple on: discard by the 32x32 pattern in the stage's sysval block. */
  readonly polygonStipple?: boolean;
  /** FS: the render target is not Y_0_TOP (always true under vtest). Default true. */
  readonly lowerLeftOrigin?: boolean;
  /** Last vertex stage: bit i = user clip plane i enabled (planes in the sysval block; ignored if CLIPDIST is written). */
  readonly clipPlaneEnable?: number;
  /**
   * The default constant buffer (CONST[0]) as a plain uniform array `<prefix>_c` in the default uniform block instead
   * of a uniform block: hosts whose blocks per stage leave no room for it beside the 14 UBOs GL 4.3 gives a guest.
   */
  readonly constantsAsUniforms?: boolean;
  /** Last vertex stage: negate gl_Position.y (window-system framebuffer with a negative viewport scale). */
  readonly flipY?: boolean;
  /** FS/VS...: per sampler unit, the view swizzle to apply to shadow-compare results (GL's own swizzle is identity). */
  readonly shadowSwizzle?: Readonly<Record<number, ViewSwizzle>>;
  /**
   * Loop iterations one shader invocation may run in total (all loops share the budget, so nesting does not
   * multiply it); keeps a hostile endless loop from hanging the host GL. 0 = unlimited. Default 65536.
   */
  readonly loopLimit?: number;
  /**
   * CS: shared memory the shader asked for in bytes (dword 5 of its CREATE_OBJECT(SHADER)), declared as that many
   * bytes rounded up to dwords, at most {@link MAX_SHARED_MEMORY_BYTES}. Default: the maximum.
   */
  readonly sharedMemoryBytes?: number;
  /**
   * Last vertex stage: the shader's stream-output entries. Each becomes `out float|vecN tfout<i>` copied from OUT
   * before every emit; capture them with {@link transformFeedbackVaryings}'s names in GL_INTERLEAVED_ATTRIBS mode.
   */
  readonly streamOutput?: readonly StreamOutputEntry[];
}

/** Most stream-output entries a shader carries (PIPE_MAX_SO_OUTPUTS). */
export const MAX_STREAM_OUTPUTS = 64;

/**
 * The names to pass to glTransformFeedbackVaryings (GL_INTERLEAVED_ATTRIBS) for `entries`: `tfout<i>` in order,
 * `gl_SkipComponents1..4` for gaps before an entry's `dstOffset`, `gl_NextBuffer` when the buffer advances. With
 * `strides` (dwords per vertex of each buffer), each buffer is padded with skips up to its stride.
 */
export function transformFeedbackVaryings(
  entries: readonly StreamOutputEntry[],
  strides: readonly number[] = [],
): string[] {
  const names: string[] = [];
  let buffer = 0;
  let offset = 0;
  const skip = (dwords: number): void => {
    for (let gap = dwords; gap > 0; gap -= 4) names.push(`gl_SkipComponents${Math.min(4, gap)}`);
  };
  entries.forEach((e, i) => {
    while (buffer < e.outputBuffer) {
      skip((strides[buffer] ?? 0) - offset);
      names.push("gl_NextBuffer");
      buffer++;
      offset = 0;
    }
    skip(e.dstOffset - offset);
    names.push(`tfout${i}`);
    offset = Math.max(offset, e.dstOffset) + e.numComponents;
  });
  if (entries.length > 0) skip((strides[buffer] ?? 0) - offset);
  return names;
}

/** Key with every state at its GL default: GLSL 4.50, producer VS, no emulation. */
export const DEFAULT_SHADER_KEY: ShaderKey = { target: "glsl450" };
