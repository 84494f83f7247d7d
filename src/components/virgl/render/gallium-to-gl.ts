import { GL } from "../host-gl/gl-constants.ts";

// Gallium enums (p_defines.h) as GL enums, indexed by the Gallium value.

/** `PIPE_BLENDFACTOR_*` (0x01..0x1a) → GL blend factor; unused values map to GL_ZERO. */
export const BLEND_FACTOR: readonly number[] = (() => {
  const t = new Array<number>(0x1b).fill(GL.ZERO);
  const pairs: [number, number][] = [
    [0x01, GL.ONE],
    [0x02, 0x0300], // SRC_COLOR
    [0x03, 0x0302], // SRC_ALPHA
    [0x04, 0x0304], // DST_ALPHA
    [0x05, 0x0306], // DST_COLOR
    [0x06, 0x0308], // SRC_ALPHA_SATURATE
    [0x07, 0x8001], // CONSTANT_COLOR
    [0x08, 0x8003], // CONSTANT_ALPHA
    [0x09, 0x88f9], // SRC1_COLOR
    [0x0a, 0x8589], // SRC1_ALPHA
    [0x11, GL.ZERO],
    [0x12, 0x0301], // ONE_MINUS_SRC_COLOR
    [0x13, 0x0303], // ONE_MINUS_SRC_ALPHA
    [0x14, 0x0305], // ONE_MINUS_DST_ALPHA
    [0x15, 0x0307], // ONE_MINUS_DST_COLOR
    [0x17, 0x8002], // ONE_MINUS_CONSTANT_COLOR
    [0x18, 0x8004], // ONE_MINUS_CONSTANT_ALPHA
    [0x19, 0x88fa], // ONE_MINUS_SRC1_COLOR
    [0x1a, 0x88fb], // ONE_MINUS_SRC1_ALPHA
  ];
  for (const [p, g] of pairs) t[p] = g;
  return t;
})();

/** Whether a `PIPE_BLENDFACTOR_*` reads the second fragment output (dual-source blending). */
export function isSrc1Factor(f: number): boolean {
  return f === 0x09 || f === 0x0a || f === 0x19 || f === 0x1a;
}

/** `PIPE_BLEND_*` (ADD, SUBTRACT, REVERSE_SUBTRACT, MIN, MAX). */
export const BLEND_FUNC: readonly number[] = [
  GL.FUNC_ADD,
  GL.FUNC_SUBTRACT,
  GL.FUNC_REVERSE_SUBTRACT,
  GL.MIN,
  GL.MAX,
  GL.FUNC_ADD,
  GL.FUNC_ADD,
  GL.FUNC_ADD,
];

/** `PIPE_FUNC_*` (NEVER..ALWAYS) → `GL_NEVER + n`. */
export function compareFunc(f: number): number {
  return GL.NEVER + (f & 7);
}

/** `PIPE_STENCIL_OP_*` (KEEP, ZERO, REPLACE, INCR, DECR, INCR_WRAP, DECR_WRAP, INVERT). */
export const STENCIL_OP: readonly number[] = [
  GL.KEEP,
  GL.ZERO,
  GL.REPLACE,
  GL.INCR,
  GL.DECR,
  GL.INCR_WRAP,
  GL.DECR_WRAP,
  GL.INVERT,
];

/** `PIPE_LOGICOP_*` (CLEAR, NOR, AND_INVERTED, COPY_INVERTED, AND_REVERSE, INVERT, XOR, NAND, AND, EQUIV, NOOP, OR_INVERTED, COPY, OR_REVERSE, OR, SET). */
export const LOGIC_OP: readonly number[] = [
  0x1500, 0x1508, 0x1504, 0x150c, 0x1502, 0x150a, 0x1506, 0x150e, 0x1501, 0x1509, 0x1505, 0x150d, 0x1503, 0x150b,
  0x1507, 0x150f,
];

/** `PIPE_POLYGON_MODE_*` (FILL, LINE, POINT). */
export const POLYGON_MODE: readonly number[] = [GL.FILL, GL.LINE, GL.POINT, GL.FILL];

/** `PIPE_FACE_*` (NONE, FRONT, BACK, FRONT_AND_BACK) → the face to cull (NONE: culling off). */
export const CULL_FACE: readonly number[] = [0, GL.FRONT, GL.BACK, GL.FRONT_AND_BACK];

/** `PIPE_TEX_WRAP_*` (REPEAT, CLAMP, CLAMP_TO_EDGE, CLAMP_TO_BORDER, MIRROR_REPEAT, MIRROR_CLAMP, MIRROR_CLAMP_TO_EDGE, MIRROR_CLAMP_TO_BORDER). */
export const TEX_WRAP: readonly number[] = [
  GL.REPEAT,
  GL.CLAMP_TO_EDGE,
  GL.CLAMP_TO_EDGE,
  GL.CLAMP_TO_BORDER,
  GL.MIRRORED_REPEAT,
  GL.MIRROR_CLAMP_TO_EDGE,
  GL.MIRROR_CLAMP_TO_EDGE,
  GL.MIRROR_CLAMP_TO_EDGE,
];

/** GL minification filter of `PIPE_TEX_FILTER_*` `img` with `PIPE_TEX_MIPFILTER_*` `mip` (NEAREST, LINEAR, NONE). */
export function minFilter(img: number, mip: number): number {
  if (mip === 2 || mip === 3) return img === 1 ? GL.LINEAR : GL.NEAREST;
  if (mip === 0) return img === 1 ? GL.LINEAR_MIPMAP_NEAREST : GL.NEAREST_MIPMAP_NEAREST;
  return img === 1 ? GL.LINEAR_MIPMAP_LINEAR : GL.NEAREST_MIPMAP_LINEAR;
}

/** `PIPE_SWIZZLE_*` (X, Y, Z, W, 0, 1) → GL texture swizzle source. */
export const SWIZZLE: readonly number[] = [GL.RED, GL.GREEN, GL.BLUE, GL.ALPHA, GL.ZERO, GL.ONE, GL.ZERO, GL.ZERO];

/** `PIPE_PRIM_*` 0..14 have the GL primitive values (POINTS..PATCHES); quads (7), quad strips (8), polygons (9) are not core GL. */
export function isCorePrimitive(mode: number): boolean {
  return mode <= 14 && mode !== 7 && mode !== 8 && mode !== 9;
}

/**
 * Query types as the virgl protocol numbers them (`VIRGL_QUERY_*`, which Mesa's virgl driver maps `PIPE_QUERY_*`
 * to): not Gallium's order (timestamps follow the occlusion predicate; the conservative predicate is 11).
 */
export const PipeQuery = {
  OcclusionCounter: 0,
  OcclusionPredicate: 1,
  Timestamp: 2,
  TimestampDisjoint: 3,
  TimeElapsed: 4,
  PrimitivesGenerated: 5,
  PrimitivesEmitted: 6,
  SoStatistics: 7,
  SoOverflowPredicate: 8,
  GpuFinished: 9,
  PipelineStatistics: 10,
  OcclusionPredicateConservative: 11,
  SoOverflowAnyPredicate: 12,
} as const;

/**
 * GL targets of the pipeline statistics a `VIRGL_QUERY_PIPELINE_STATISTICS` query's index selects
 * (`VIRGL_STAT_QUERY_*`: IA vertices, IA primitives, VS, GS invocations, GS primitives, clipper in/out, FS, TCS, TES,
 * CS), from ARB_pipeline_statistics_query.
 */
const STATISTIC_TARGETS: readonly number[] = [
  0x82ee, 0x82ef, 0x82f0, 0x887f, 0x82f3, 0x82f6, 0x82f7, 0x82f4, 0x82f1, 0x82f2, 0x82f5,
];

/** GL_TRANSFORM_FEEDBACK_OVERFLOW_ARB and its per-stream form (ARB_transform_feedback_overflow_query). */
const XFB_OVERFLOW = 0x82ec;
const XFB_STREAM_OVERFLOW = 0x82ed;

/**
 * The GL query target of a Gallium query type this component executes, or undefined; `index` picks the statistic
 * of a pipeline statistics query.
 */
export function queryTarget(type: number, index = 0): number | undefined {
  switch (type) {
    case PipeQuery.PipelineStatistics:
      return STATISTIC_TARGETS[index];
    case PipeQuery.SoOverflowPredicate:
      return XFB_STREAM_OVERFLOW;
    case PipeQuery.SoOverflowAnyPredicate:
      return XFB_OVERFLOW;
    case PipeQuery.OcclusionCounter:
      return GL.SAMPLES_PASSED;
    case PipeQuery.OcclusionPredicate:
      return GL.ANY_SAMPLES_PASSED;
    case PipeQuery.OcclusionPredicateConservative:
      return GL.ANY_SAMPLES_PASSED_CONSERVATIVE;
    case PipeQuery.Timestamp:
      return GL.TIMESTAMP;
    case PipeQuery.TimeElapsed:
      return GL.TIME_ELAPSED;
    case PipeQuery.PrimitivesGenerated:
      return GL.PRIMITIVES_GENERATED;
    case PipeQuery.PrimitivesEmitted:
      return GL.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN;
    // Its first value (num_primitives_written); render/queries.ts counts the second on GL_PRIMITIVES_GENERATED.
    case PipeQuery.SoStatistics:
      return GL.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN;
    default:
      return undefined;
  }
}

/**
 * `PIPE_ADVANCED_BLEND_*` (1 = MULTIPLY .. 15 = HSL_LUMINOSITY) to `GL_*_KHR`; index 0 (NONE) has no equation.
 * The two enums list the modes in the same order.
 */
export const ADVANCED_BLEND: readonly number[] = [
  0, 0x9294, 0x9295, 0x9296, 0x9297, 0x9298, 0x9299, 0x929a, 0x929b, 0x929c, 0x929e, 0x92a0, 0x92ad, 0x92ae, 0x92af,
  0x92b0,
];
