import { GL } from "../host-gl/gl-constants.ts";
import { drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import { STENCIL_VIEW_OF, VIRGL_FORMATS, VIRGL_VERTEX_FORMATS } from "../resources/formats.ts";
import { MAX_SAMPLER_SLOTS } from "../state/bound-state.ts";
import { constantBufferSizes, DRAW_LIMIT_QUERIES, tessellationDrawn, uniformBlocksCap } from "./draw-limits.ts";
import { encodeMemoryCaps, MEMORY_LIMIT_QUERIES } from "./memory-caps.ts";
import { blendsAsStored, colorAttachmentComplete } from "./render-probe.ts";
import { querySampleLocations } from "./sample-positions.ts";
import { probeVertexOutputs } from "./vertex-output-probe.ts";

/** `sizeof(struct virgl_caps_v1)`: what capset VIRGL (1) carries. */
export const VIRGL_CAPS_V1_SIZE = 308;
/** `sizeof(struct virgl_caps_v2)` in virglrenderer 0.10.x, which Mesa 22.3 reads for capset VIRGL2 (2). */
export const VIRGL_CAPS_V2_SIZE = 1376;

/** Byte offsets in the caps blob (virgl_hw.h `struct virgl_caps_v1`/`v2`, little-endian, packed 4-byte fields). */
export const CapsOffset = {
  maxVersion: 0,
  sampler: 4,
  render: 68,
  depthStencil: 132,
  vertexBuffer: 196,
  bset: 260,
  glslLevel: 264,
  maxTextureArrayLayers: 268,
  maxStreamoutBuffers: 272,
  maxDualSourceRenderTargets: 276,
  maxRenderTargets: 280,
  maxSamples: 284,
  primMask: 288,
  maxTboSize: 292,
  maxUniformBlocks: 296,
  maxViewports: 300,
  maxTextureGatherComponents: 304,
  // v2
  pointAndLineRanges: 308,
  maxTextureLodBias: 340,
  maxGeomOutputVertices: 344,
  maxGeomTotalOutputComponents: 348,
  maxVertexOutputs: 352,
  maxVertexAttribs: 356,
  maxShaderPatchVaryings: 360,
  minTexelOffset: 364,
  maxTexelOffset: 368,
  minTextureGatherOffset: 372,
  maxTextureGatherOffset: 376,
  textureBufferOffsetAlignment: 380,
  uniformBufferOffsetAlignment: 384,
  shaderBufferOffsetAlignment: 388,
  capabilityBits: 392,
  sampleLocations: 396,
  maxVertexAttribStride: 428,
  maxShaderBufferFragCompute: 432,
  maxShaderBufferOtherStages: 436,
  maxShaderImageFragCompute: 440,
  maxShaderImageOtherStages: 444,
  maxImageSamples: 448,
  maxComputeWorkGroupInvocations: 452,
  maxComputeSharedMemorySize: 456,
  maxComputeGridSize: 460,
  maxComputeBlockSize: 472,
  maxTexture2dSize: 484,
  maxTexture3dSize: 488,
  maxTextureCubeSize: 492,
  maxCombinedShaderBuffers: 496,
  maxAtomicCounters: 500,
  maxAtomicCounterBuffers: 524,
  maxCombinedAtomicCounters: 548,
  maxCombinedAtomicCounterBuffers: 552,
  hostFeatureCheckVersion: 556,
  readback: 560,
  scanout: 624,
  capabilityBitsV2: 688,
  maxVideoMemory: 692,
  renderer: 696,
  maxAnisotropy: 760,
  maxTextureImageUnits: 764,
  multisample: 768,
  maxConstBufferSize: 832,
  numVideoCaps: 856,
  maxUniformBlockSize: 1372,
} as const;

/** `capability_bits` flags (virgl_hw.h VIRGL_CAP_*) this component may advertise. */
export const VirglCap = {
  TgsiInvariant: 1 << 0,
  TextureView: 1 << 1,
  SetMinSamples: 1 << 2,
  CopyImage: 1 << 3,
  TgsiPrecise: 1 << 4,
  Txqs: 1 << 5,
  MemoryBarrier: 1 << 6,
  ComputeShader: 1 << 7,
  FbNoAttach: 1 << 8,
  RobustBufferAccess: 1 << 9,
  TgsiFbfetch: 1 << 10,
  ShaderClock: 1 << 11,
  TextureBarrier: 1 << 12,
  GuestMayInitLog: 1 << 14,
  TgsiComponents: 1 << 13,
  SrgbWriteControl: 1 << 15,
  Qbo: 1 << 16,
  Transfer: 1 << 17,
  FboMixedColorFormats: 1 << 18,
  BindCommandArgs: 1 << 20,
  MultiDrawIndirect: 1 << 21,
  IndirectParams: 1 << 22,
  TransformFeedback3: 1 << 23,
  IndirectInputAddr: 1 << 25,
  CopyTransfer: 1 << 26,
  ClipHalfz: 1 << 27,
  AppTweakSupport: 1 << 28,
  ClearTexture: 1 << 30,
} as const;

/**
 * `host_feature_check_version`: the host behaviours Mesa may rely on. 15 is what virglrenderer 0.10.x (whose v2
 * layout this is) reports. Mesa reads, among others: ≥ 5 use `renderer` as GL_RENDERER; ≥ 6 compatibility-profile
 * GLSL = `glsl_level` (below: capped at 140, i.e. GL 3.1 compat); ≥ 10 TGSI TEXCOORD semantics; ≥ 13
 * `max_uniform_block_size`; ≥ 15 `bset.timer_query` is honoured.
 */
export const HOST_FEATURE_CHECK_VERSION = 15;

/** Gallium primitive bits (p_defines.h PIPE_PRIM_*): points..triangle fan, adjacency, patches. */
const PRIM_BASIC = 0x7f;
const PRIM_ADJACENCY = 0x3c00;
const PRIM_PATCHES = 1 << 14;

/** What the host GL offers, read once; the caps blobs are encoded from it. */
export interface HostGlLimits {
  readonly glVersion: number;
  readonly renderer: string;
  readonly extensions: ReadonlySet<string>;
  readonly sampler: ReadonlySet<number>;
  readonly render: ReadonlySet<number>;
  readonly depthStencil: ReadonlySet<number>;
  readonly readback: ReadonlySet<number>;
  readonly multisample: ReadonlySet<number>;
  readonly ints: ReadonlyMap<number, number>;
  readonly floats: ReadonlyMap<number, Float32Array>;
  readonly computeGrid: readonly number[];
  readonly computeBlock: readonly number[];
  /** vec4 varyings a vertex shader may write besides `gl_Position`, as the host links them ({@link probeVertexOutputs}). */
  readonly vertexOutputs: number;
  /**
   * Whether advanced blending runs here: the host has `GL_KHR_blend_equation_advanced` and its `glBlendBarrierKHR`,
   * which TEXTURE_BARRIER issues for a guest's `glBlendBarrier` (the guest gets no coherent variant).
   */
  readonly advancedBlend: boolean;
  /** `sample_locations` words ({@link querySampleLocations}); absent: none advertised. */
  readonly sampleLocations?: Uint32Array;
}

const INT_QUERIES = [
  GL.MAX_TEXTURE_SIZE,
  GL.MAX_3D_TEXTURE_SIZE,
  GL.MAX_CUBE_MAP_TEXTURE_SIZE,
  GL.MAX_ARRAY_TEXTURE_LAYERS,
  GL.MAX_SAMPLES,
  GL.MAX_DRAW_BUFFERS,
  GL.MAX_DUAL_SOURCE_DRAW_BUFFERS,
  GL.MAX_VERTEX_UNIFORM_BLOCKS,
  GL.MAX_TRANSFORM_FEEDBACK_BUFFERS,
  GL.MAX_TEXTURE_BUFFER_SIZE,
  GL.MAX_PROGRAM_TEXTURE_GATHER_COMPONENTS,
  GL.MAX_VIEWPORTS,
  GL.MAX_VERTEX_ATTRIBS,
  GL.MAX_VERTEX_OUTPUT_COMPONENTS,
  GL.MAX_FRAGMENT_INPUT_COMPONENTS,
  GL.MIN_PROGRAM_TEXEL_OFFSET,
  GL.MAX_PROGRAM_TEXEL_OFFSET,
  GL.UNIFORM_BUFFER_OFFSET_ALIGNMENT,
  GL.MAX_GEOMETRY_OUTPUT_VERTICES,
  GL.MAX_GEOMETRY_TOTAL_OUTPUT_COMPONENTS,
  GL.MAX_TESS_PATCH_COMPONENTS,
  GL.MIN_PROGRAM_TEXTURE_GATHER_OFFSET,
  GL.MAX_PROGRAM_TEXTURE_GATHER_OFFSET,
  GL.TEXTURE_BUFFER_OFFSET_ALIGNMENT,
  GL.SHADER_STORAGE_BUFFER_OFFSET_ALIGNMENT,
  GL.MAX_VERTEX_SHADER_STORAGE_BLOCKS,
  GL.MAX_FRAGMENT_SHADER_STORAGE_BLOCKS,
  GL.MAX_COMBINED_SHADER_STORAGE_BLOCKS,
  GL.MAX_VERTEX_IMAGE_UNIFORMS,
  GL.MAX_FRAGMENT_IMAGE_UNIFORMS,
  GL.MAX_IMAGE_SAMPLES,
  GL.MAX_VERTEX_ATTRIB_STRIDE,
  GL.MAX_COMPUTE_WORK_GROUP_INVOCATIONS,
  GL.MAX_COMPUTE_SHARED_MEMORY_SIZE,
  GL.MAX_VERTEX_ATOMIC_COUNTERS,
  GL.MAX_TESS_CONTROL_ATOMIC_COUNTERS,
  GL.MAX_TESS_EVALUATION_ATOMIC_COUNTERS,
  GL.MAX_GEOMETRY_ATOMIC_COUNTERS,
  GL.MAX_FRAGMENT_ATOMIC_COUNTERS,
  GL.MAX_COMBINED_ATOMIC_COUNTERS,
  GL.MAX_VERTEX_ATOMIC_COUNTER_BUFFERS,
  GL.MAX_TESS_CONTROL_ATOMIC_COUNTER_BUFFERS,
  GL.MAX_TESS_EVALUATION_ATOMIC_COUNTER_BUFFERS,
  GL.MAX_GEOMETRY_ATOMIC_COUNTER_BUFFERS,
  GL.MAX_FRAGMENT_ATOMIC_COUNTER_BUFFERS,
  GL.MAX_COMBINED_ATOMIC_COUNTER_BUFFERS,
  GL.MAX_COMPUTE_ATOMIC_COUNTERS,
  GL.MAX_COMPUTE_ATOMIC_COUNTER_BUFFERS,
  0x84ff /* MAX_TEXTURE_MAX_ANISOTROPY */,
  0x8872 /* MAX_TEXTURE_IMAGE_UNITS */,
  0x8a30 /* MAX_UNIFORM_BLOCK_SIZE */,
  ...DRAW_LIMIT_QUERIES,
] as const;

const FLOAT_QUERIES = [
  GL.ALIASED_POINT_SIZE_RANGE,
  GL.SMOOTH_POINT_SIZE_RANGE,
  GL.ALIASED_LINE_WIDTH_RANGE,
  GL.SMOOTH_LINE_WIDTH_RANGE,
  GL.MAX_TEXTURE_LOD_BIAS,
] as const;

/** Queries the current host context for everything the caps need (format support through glGetInternalformativ). */
export function queryHostGlLimits(gl: HostGl): HostGlLimits {
  drainGlErrors(gl);
  const extensions = new Set<string>();
  const n = gl.getInteger(GL.NUM_EXTENSIONS);
  for (let i = 0; i < n; i++) extensions.add(gl.getStringi(GL.EXTENSIONS, i));
  const ints = new Map<number, number>();
  for (const q of [...INT_QUERIES, ...Object.values(MEMORY_LIMIT_QUERIES)]) ints.set(q, gl.getInteger(q));
  const floats = new Map<number, Float32Array>();
  for (const q of FLOAT_QUERIES) floats.set(q, gl.getFloats(q, 2));
  const sampler = new Set<number>();
  const render = new Set<number>();
  const depthStencil = new Set<number>();
  const readback = new Set<number>();
  const multisample = new Set<number>();
  for (const f of VIRGL_FORMATS.values()) {
    const T = GL.TEXTURE_2D;
    if (gl.getInternalformat(T, f.internalFormat, GL.INTERNALFORMAT_SUPPORTED) !== GL.TRUE) continue;
    const sampled = gl.getInternalformat(T, f.internalFormat, GL.FRAGMENT_TEXTURE) !== GL.NONE;
    const isDs = f.kind === "depth" || f.kind === "depthstencil" || f.kind === "stencil";
    const renderable =
      gl.getInternalformat(T, f.internalFormat, GL.FRAMEBUFFER_RENDERABLE) === GL.FULL_SUPPORT &&
      (isDs || f.compressed || colorAttachmentComplete(gl, f.internalFormat));
    if (sampled && (f.kind !== "stencil" || stencilTexturing(gl, extensions).stencil8)) sampler.add(f.virgl);
    if (renderable && !f.compressed) {
      if (isDs) depthStencil.add(f.virgl);
      else if (sampled && blendsAsStored(f)) render.add(f.virgl);
    }
    // Transfers read textures back with glGetTextureSubImage, which serves every format the host can store.
    if (sampled || renderable) readback.add(f.virgl);
    if (renderable && !f.compressed) {
      if (gl.getInternalformat(GL.TEXTURE_2D_MULTISAMPLE, f.internalFormat, GL.SAMPLES) > 1) multisample.add(f.virgl);
    }
  }
  if (stencilTexturing(gl, extensions).views)
    for (const [view, ds] of STENCIL_VIEW_OF) if (sampler.has(ds)) sampler.add(view);
  const computeGrid = [0, 1, 2].map((i) => gl.getIntegerIndexed(GL.MAX_COMPUTE_WORK_GROUP_COUNT, i));
  const computeBlock = [0, 1, 2].map((i) => gl.getIntegerIndexed(GL.MAX_COMPUTE_WORK_GROUP_SIZE, i));
  // Queries the host lacks leave errors; their values read as 0.
  drainGlErrors(gl);
  const outputComponents = Math.min(
    ints.get(GL.MAX_VERTEX_OUTPUT_COMPONENTS) ?? 0,
    ints.get(GL.MAX_FRAGMENT_INPUT_COMPONENTS) || Number.MAX_SAFE_INTEGER,
  );
  const vertexOutputs = probeVertexOutputs(gl, outputComponents);
  const sampleLocations = querySampleLocations(gl, ints.get(GL.MAX_SAMPLES) ?? 0);
  drainGlErrors(gl);
  return {
    glVersion: gl.glVersion,
    renderer: gl.getString(GL.RENDERER),
    extensions,
    sampler,
    render,
    depthStencil,
    readback,
    multisample,
    ints,
    floats,
    computeGrid,
    computeBlock,
    vertexOutputs,
    advancedBlend: extensions.has("GL_KHR_blend_equation_advanced") && gl.features.blendBarrier,
    sampleLocations,
  };
}

/** Whether the host samples the stencil of depth-stencil textures (GL 4.3) and samples S8 textures (GL 4.4). */
function stencilTexturing(gl: HostGl, extensions: ReadonlySet<string>): { views: boolean; stencil8: boolean } {
  return {
    views: gl.glVersion >= 43 || extensions.has("GL_ARB_stencil_texturing"),
    stencil8: gl.glVersion >= 44 || extensions.has("GL_ARB_texture_stencil8"),
  };
}

function setMask(view: DataView, offset: number, formats: Iterable<number>): void {
  for (const f of formats) {
    const word = offset + (f >>> 5) * 4;
    view.setUint32(word, view.getUint32(word, true) | (1 << (f & 31)), true);
  }
}

/** GLSL level as virglrenderer derives it: 10 × GL version from 3.3 on (4.5 → 450). */
function glslLevel(glVersion: number): number {
  if (glVersion >= 33) return glVersion * 10;
  if (glVersion === 32) return 150;
  if (glVersion === 31) return 140;
  return 130;
}

/**
 * Encodes `struct virgl_caps_v1` (capset 1, `max_version` 1) or `virgl_caps_v2` (capset 2, `max_version` 2) from
 * the host limits. Bool-set bits and capability bits name only what a GL core host of this version (or its
 * extensions) provides; features the component itself implements are added by the caller through `extraCaps`.
 */
export function encodeVirglCaps(limits: HostGlLimits, capset: 1 | 2, capabilityBits: number): Uint8Array {
  const size = capset === 1 ? VIRGL_CAPS_V1_SIZE : VIRGL_CAPS_V2_SIZE;
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  const int = (q: number) => limits.ints.get(q) ?? 0;
  const ext = (name: string) => limits.extensions.has(name);
  const ver = limits.glVersion;
  const O = CapsOffset;
  v.setUint32(O.maxVersion, capset, true);
  setMask(v, O.sampler, limits.sampler);
  setMask(v, O.render, limits.render);
  setMask(v, O.depthStencil, limits.depthStencil);
  setMask(v, O.vertexBuffer, VIRGL_VERTEX_FORMATS);
  if (ext("GL_ARB_vertex_type_10f_11f_11f_rev") || ver >= 44) setMask(v, O.vertexBuffer, [124]);
  // struct virgl_caps_bool_set1, bit order as declared.
  const bset = [
    ver >= 30, // indep_blend_enable (GL 3.0 core; not GLES 3.0, where glVersion is 0)
    ver >= 40, // indep_blend_func
    ver >= 40, // cube_map_array
    ext("GL_ARB_shader_stencil_export"),
    true, // conditional_render (GL 3.0; SET_RENDER_CONDITION is executed)
    ver >= 42, // start_instance
    true, // primitive_restart (GL 3.1)
    false, // blend_eq_sep: virglrenderer leaves it clear (Mesa assumes it)
    true, // instanceid
    false, // vertex_element_instance_divisor: left clear as virglrenderer does (Mesa assumes it)
    true, // seamless_cube_map (GL 3.2)
    true, // occlusion_query
    true, // timer_query (GL 3.3)
    ver >= 40, // streamout_pause_resume: render/stream-output.ts keeps a paused capture's offsets
    true, // texture_multisample (GL 3.2)
    true, // fragment_coord_conventions (GL 3.2)
    true, // depth_clip_disable (GL 3.2 depth clamp)
    ext("GL_AMD_seamless_cube_map_per_texture"),
    false, // ubo: left clear as virglrenderer does; max_uniform_blocks carries UBO support
    false, // color_clamping: not in core profile
    false, // poly_stipple: not in core profile
    ext("GL_ARB_texture_mirror_clamp_to_edge") || ext("GL_EXT_texture_mirror_clamp") || ver >= 44,
    ver >= 40, // texture_query_lod
    ver >= 40, // has_fp64
    tessellationDrawn(limits), // has_tessellation_shaders
    ver >= 43, // has_indirect_draw: render/indirect-draws.ts (the host's multi-draw indirect calls)
    ver >= 40, // has_sample_shading
    ver >= 45 || ext("GL_ARB_cull_distance"),
    ver >= 45 || ext("GL_ARB_conditional_render_inverted"),
    ver >= 45 || ext("GL_ARB_derivative_control"),
    ver >= 46 || ext("GL_ARB_polygon_offset_clamp") || ext("GL_EXT_polygon_offset_clamp"),
    ver >= 46 || ext("GL_ARB_transform_feedback_overflow_query"), // render/queries.ts
  ];
  let bits = 0;
  for (let i = 0; i < bset.length; i++) if (bset[i]) bits |= 1 << i;
  v.setUint32(O.bset, bits >>> 0, true);
  const glsl = glslLevel(ver);
  v.setUint32(O.glslLevel, glsl, true);
  v.setUint32(O.maxTextureArrayLayers, int(GL.MAX_ARRAY_TEXTURE_LAYERS), true);
  v.setUint32(O.maxStreamoutBuffers, ver >= 40 ? int(GL.MAX_TRANSFORM_FEEDBACK_BUFFERS) : 4, true);
  v.setUint32(O.maxDualSourceRenderTargets, int(GL.MAX_DUAL_SOURCE_DRAW_BUFFERS), true);
  v.setUint32(O.maxRenderTargets, Math.min(int(GL.MAX_DRAW_BUFFERS), 8), true);
  v.setUint32(O.maxSamples, int(GL.MAX_SAMPLES), true);
  let prims = PRIM_BASIC;
  if (glsl >= 150) prims |= PRIM_ADJACENCY;
  if (tessellationDrawn(limits)) prims |= PRIM_PATCHES;
  v.setUint32(O.primMask, prims, true);
  v.setUint32(O.maxTboSize, int(GL.MAX_TEXTURE_BUFFER_SIZE), true);
  v.setUint32(O.maxUniformBlocks, uniformBlocksCap(limits), true);
  v.setUint32(O.maxViewports, Math.max(1, int(GL.MAX_VIEWPORTS)), true);
  v.setUint32(O.maxTextureGatherComponents, int(GL.MAX_PROGRAM_TEXTURE_GATHER_COMPONENTS), true);
  if (capset === 1) return bytes;

  const ranges = [
    GL.ALIASED_POINT_SIZE_RANGE,
    GL.SMOOTH_POINT_SIZE_RANGE,
    GL.ALIASED_LINE_WIDTH_RANGE,
    GL.SMOOTH_LINE_WIDTH_RANGE,
  ];
  ranges.forEach((q, i) => {
    const r = limits.floats.get(q) ?? new Float32Array(2);
    v.setFloat32(O.pointAndLineRanges + i * 8, r[0]!, true);
    v.setFloat32(O.pointAndLineRanges + i * 8 + 4, r[1]!, true);
  });
  v.setFloat32(O.maxTextureLodBias, limits.floats.get(GL.MAX_TEXTURE_LOD_BIAS)?.[0] ?? 0, true);
  v.setUint32(O.maxGeomOutputVertices, int(GL.MAX_GEOMETRY_OUTPUT_VERTICES), true);
  v.setUint32(O.maxGeomTotalOutputComponents, int(GL.MAX_GEOMETRY_TOTAL_OUTPUT_COMPONENTS), true);
  v.setUint32(O.maxVertexOutputs, limits.vertexOutputs, true);
  v.setUint32(O.maxVertexAttribs, int(GL.MAX_VERTEX_ATTRIBS), true);
  v.setUint32(O.maxShaderPatchVaryings, int(GL.MAX_TESS_PATCH_COMPONENTS) >>> 2, true);
  v.setInt32(O.minTexelOffset, int(GL.MIN_PROGRAM_TEXEL_OFFSET), true);
  v.setInt32(O.maxTexelOffset, int(GL.MAX_PROGRAM_TEXEL_OFFSET), true);
  v.setInt32(O.minTextureGatherOffset, int(GL.MIN_PROGRAM_TEXTURE_GATHER_OFFSET), true);
  v.setInt32(O.maxTextureGatherOffset, int(GL.MAX_PROGRAM_TEXTURE_GATHER_OFFSET), true);
  v.setUint32(O.textureBufferOffsetAlignment, int(GL.TEXTURE_BUFFER_OFFSET_ALIGNMENT), true);
  v.setUint32(O.uniformBufferOffsetAlignment, int(GL.UNIFORM_BUFFER_OFFSET_ALIGNMENT), true);
  v.setUint32(O.shaderBufferOffsetAlignment, int(GL.SHADER_STORAGE_BUFFER_OFFSET_ALIGNMENT), true);
  v.setUint32(O.capabilityBits, capabilityBits >>> 0, true);
  for (const [i, w] of (limits.sampleLocations ?? []).entries()) v.setUint32(O.sampleLocations + i * 4, w, true);
  v.setUint32(O.maxVertexAttribStride, ver >= 44 ? int(GL.MAX_VERTEX_ATTRIB_STRIDE) : 2048, true);
  encodeMemoryCaps(v, limits, capabilityBits);
  v.setUint32(O.maxTexture2dSize, int(GL.MAX_TEXTURE_SIZE), true);
  v.setUint32(O.maxTexture3dSize, int(GL.MAX_3D_TEXTURE_SIZE), true);
  v.setUint32(O.maxTextureCubeSize, int(GL.MAX_CUBE_MAP_TEXTURE_SIZE), true);

  v.setUint32(O.hostFeatureCheckVersion, HOST_FEATURE_CHECK_VERSION, true);
  setMask(v, O.readback, limits.readback);
  setMask(
    v,
    O.scanout,
    [...limits.render].filter((f) => [1, 2, 67, 68, 121, 134, 100, 101, 104].includes(f)),
  );
  // VirglCapV2 (caps-view.ts): bit 0 BLEND_EQUATION (advanced blend modes: render/pipeline-state.ts, barriers in
  // execute/memory.ts), bit 13 PIPELINE_STATISTICS_QUERY (render/queries.ts runs these queries).
  const blendEquation = limits.advancedBlend;
  const statistics = ver >= 46 || ext("GL_ARB_pipeline_statistics_query");
  v.setUint32(O.capabilityBitsV2, (blendEquation ? 1 : 0) | (statistics ? 1 << 13 : 0), true);
  const name = new TextEncoder().encode(limits.renderer.slice(0, 63));
  bytes.set(name.subarray(0, 63), O.renderer);
  v.setFloat32(O.maxAnisotropy, int(0x84ff), true);
  // Mesa sizes the guest's sampler views per stage from this; a sub-context keeps MAX_SAMPLER_SLOTS of them.
  v.setUint32(O.maxTextureImageUnits, Math.min(int(0x8872), MAX_SAMPLER_SLOTS), true);
  setMask(v, O.multisample, limits.multisample);
  // Format 0 (PIPE_FORMAT_NONE) is how Mesa asks for multisampled framebuffers without attachments.
  if (limits.multisample.size > 0 && capabilityBits & VirglCap.FbNoAttach) setMask(v, O.multisample, [0]);
  for (const [i, bytes] of constantBufferSizes(limits).entries())
    v.setUint32(O.maxConstBufferSize + i * 4, bytes, true);
  v.setUint32(O.maxUniformBlockSize, int(0x8a30), true);
  return bytes;
}
