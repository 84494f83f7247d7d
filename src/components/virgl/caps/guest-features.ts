import type { VirglCmd } from "../protocol/commands.ts";
import { VirglCap } from "./caps.ts";
import { VirglCapsView, VirglCapV2 } from "./caps-view.ts";

/** A `VirglCmd` name. */
export type VirglCmdName = keyof typeof VirglCmd;

/**
 * One feature a guest's Mesa (22.3, virgl driver) derives from the caps: the GL and GLES versions that need it
 * (Mesa's `compute_version` / `compute_version_es2`), the caps it is gated on (`virgl_screen.c` and the state
 * tracker's extension table, in our reading), and the commands the guest sends once it has it.
 */
export interface GuestFeature {
  /** The extension or limit, as Mesa names it. */
  readonly name: string;
  /** First desktop GL version (×10) that needs it; undefined: no core version does up to 4.3. */
  readonly gl?: number;
  /** First GLES version (×10) that needs it. */
  readonly es?: number;
  /** Whether the guest gets it from these caps. */
  readonly gate: (caps: VirglCapsView) => boolean;
  /** Commands the guest sends for it, each of which must have an executor when the feature is advertised. */
  readonly commands: readonly VirglCmdName[];
}

const glsl = (level: number) => (c: VirglCapsView) => c.u32("glslLevel") >= level;
const images = (c: VirglCapsView) => c.u32("maxShaderImageFragCompute") > 0 || c.u32("maxShaderImageOtherStages") > 0;
const atomics = (c: VirglCapsView) => c.u32("maxCombinedAtomicCounterBuffers") > 0;
const ssbo = (c: VirglCapsView) =>
  c.u32("shaderBufferOffsetAlignment") !== 0 &&
  (c.u32("maxShaderBufferFragCompute") > 0 || c.u32("maxShaderBufferOtherStages") > 0);
const compute = (c: VirglCapsView) => c.cap(VirglCap.ComputeShader) && images(c) && atomics(c);
const stencilTexturing = (c: VirglCapsView) => c.hasFormat("sampler", 136) || c.hasFormat("sampler", 137);
/** R32G32B32 float/uint/sint (virgl formats 30, 195, 199) sampled from buffers. */
const rgb32Buffers = (c: VirglCapsView) => [30, 195, 199].every((f) => c.hasFormat("sampler", f));
const fbNoAttachments = (c: VirglCapsView) =>
  c.cap(VirglCap.FbNoAttach) && c.u32("maxSamples") >= 4 && c.u32("maxTextureArrayLayers") >= 2048;

/** GL 3.3 and GLES 3.0 are where the guest starts: the draw path this table adds to. */
export const GUEST_BASE_VERSIONS = { gl: 33, es: 30 } as const;

/** The features between GL 3.3 / GLES 3.0 and GL 4.3 / GLES 3.2, plus the GL 4.4+ ones the commands serve. */
export const GUEST_FEATURES: readonly GuestFeature[] = [
  { name: "GLSL 4.00", gl: 40, gate: glsl(400), commands: [] },
  { name: "ARB_draw_buffers_blend", gl: 40, es: 32, gate: (c) => c.bset("indepBlendFunc"), commands: [] },
  { name: "ARB_draw_indirect", gl: 40, es: 31, gate: (c) => c.bset("hasIndirectDraw"), commands: ["DrawVbo"] },
  { name: "ARB_gpu_shader5", gl: 40, es: 32, gate: glsl(400), commands: [] },
  { name: "ARB_gpu_shader_fp64", gl: 40, gate: (c) => c.bset("hasFp64"), commands: [] },
  { name: "ARB_sample_shading", gl: 40, es: 32, gate: (c) => c.bset("hasSampleShading"), commands: ["SetMinSamples"] },
  {
    name: "ARB_tessellation_shader",
    gl: 40,
    es: 32,
    gate: (c) => c.bset("hasTessellationShaders"),
    commands: ["SetTessState"],
  },
  { name: "ARB_texture_buffer_object_rgb32", gl: 40, es: 32, gate: rgb32Buffers, commands: [] },
  { name: "ARB_texture_cube_map_array", gl: 40, es: 32, gate: (c) => c.bset("cubeMapArray"), commands: [] },
  { name: "ARB_texture_gather", gl: 40, es: 31, gate: (c) => c.u32("maxTextureGatherComponents") >= 4, commands: [] },
  { name: "ARB_texture_query_lod", gl: 40, gate: (c) => c.bset("textureQueryLod"), commands: [] },
  {
    name: "ARB_transform_feedback2/3, instanced",
    gl: 40,
    gate: (c) => c.bset("streamoutPauseResume"),
    commands: ["SetStreamoutTargets"],
  },
  { name: "GLSL 4.10", gl: 41, gate: glsl(410), commands: [] },
  { name: "16384 texels per side", gl: 41, gate: (c) => c.u32("maxTexture2dSize") >= 16384, commands: [] },
  { name: "ARB_viewport_array", gl: 41, gate: (c) => c.u32("maxViewports") >= 16, commands: [] },
  { name: "GLSL 4.20", gl: 42, gate: glsl(420), commands: [] },
  { name: "ARB_base_instance", gl: 42, gate: (c) => c.bset("startInstance"), commands: [] },
  { name: "ARB_shader_atomic_counters", gl: 42, es: 31, gate: atomics, commands: ["SetAtomicBuffers"] },
  {
    name: "ARB_shader_image_load_store, ARB_shader_image_size",
    gl: 42,
    es: 31,
    gate: images,
    commands: ["SetShaderImages", "MemoryBarrier"],
  },
  {
    name: "ARB_texture_compression_bptc",
    gl: 42,
    gate: (c) => [255, 256, 257, 258].every((f) => c.hasFormat("sampler", f)),
    commands: [],
  },
  { name: "GLSL 4.30", gl: 43, gate: glsl(430), commands: [] },
  { name: "14 uniform blocks per stage", gl: 43, gate: (c) => c.u32("maxUniformBlocks") >= 15, commands: [] },
  {
    name: "ARB_compute_shader",
    gl: 43,
    es: 31,
    gate: (c) => compute(c) && c.u32("maxComputeWorkGroupInvocations") >= 128,
    commands: ["LaunchGrid"],
  },
  {
    name: "ARB_multi_draw_indirect",
    gl: 43,
    gate: (c) => c.cap(VirglCap.MultiDrawIndirect),
    commands: ["DrawVbo"],
  },
  { name: "ARB_copy_image", gl: 43, es: 32, gate: (c) => c.cap(VirglCap.CopyImage), commands: ["ResourceCopyRegion"] },
  { name: "ARB_fragment_layer_viewport", gl: 43, gate: (c) => c.u32("maxViewports") >= 16, commands: [] },
  {
    name: "ARB_framebuffer_no_attachments",
    gl: 43,
    es: 31,
    gate: fbNoAttachments,
    commands: ["SetFramebufferStateNoAttach"],
  },
  {
    name: "ARB_robust_buffer_access_behavior",
    gl: 43,
    es: 32,
    gate: (c) => c.cap(VirglCap.RobustBufferAccess),
    commands: [],
  },
  {
    name: "ARB_shader_storage_buffer_object",
    gl: 43,
    es: 31,
    gate: ssbo,
    commands: ["SetShaderBuffers", "MemoryBarrier"],
  },
  { name: "ARB_stencil_texturing, OES_texture_stencil8", gl: 43, es: 31, gate: stencilTexturing, commands: [] },
  {
    name: "ARB_texture_buffer_range",
    gl: 43,
    gate: (c) => c.u32("textureBufferOffsetAlignment") !== 0,
    commands: [],
  },
  { name: "ARB_texture_view", gl: 43, gate: (c) => c.cap(VirglCap.TextureView), commands: [] },
  {
    name: "vertex attribute stride 2048",
    es: 31,
    gate: (c) => !c.isV2 || c.u32("maxVertexAttribStride") >= 2048,
    commands: [],
  },
  { name: "ARB_texture_multisample", es: 31, gate: (c) => c.bset("textureMultisample"), commands: [] },
  {
    name: "KHR_blend_equation_advanced",
    es: 32,
    gate: (c) => c.capV2(VirglCapV2.BlendEquation) || c.cap(VirglCap.TgsiFbfetch),
    commands: [],
  },
  { name: "OES_geometry_shader", es: 32, gate: glsl(400), commands: [] },
  {
    name: "OES_texture_buffer",
    es: 32,
    gate: (c) => c.u32("textureBufferOffsetAlignment") !== 0 && rgb32Buffers(c) && images(c),
    commands: [],
  },
  { name: "ARB_indirect_parameters", gate: (c) => c.cap(VirglCap.IndirectParams), commands: ["DrawVbo"] },
  { name: "ARB_texture_barrier", gate: (c) => c.cap(VirglCap.TextureBarrier), commands: ["TextureBarrier"] },
  { name: "ARB_query_buffer_object", gate: (c) => c.cap(VirglCap.Qbo), commands: ["GetQueryResultQbo"] },
  { name: "ARB_clear_texture", gate: (c) => c.cap(VirglCap.ClearTexture), commands: ["ClearTexture"] },
];

/** The versions a guest derives from a caps blob, and the features that hold each next version back. */
export interface GuestVersions {
  /** Desktop GL core version ×10 (33..43). */
  readonly gl: number;
  /** GLES version ×10 (30..32). */
  readonly es: number;
  /** Features the caps do not give, for the next GL version and the next GLES version. */
  readonly missingForNextGl: readonly string[];
  readonly missingForNextEs: readonly string[];
}

const GL_STEPS = [40, 41, 42, 43] as const;
const ES_STEPS = [31, 32] as const;

/** The GL / GLES versions a guest's Mesa reports for `caps` (only the features of {@link GUEST_FEATURES}). */
export function guestVersions(capsBytes: Uint8Array): GuestVersions {
  const caps = new VirglCapsView(capsBytes);
  const missing = (key: "gl" | "es", upTo: number) =>
    GUEST_FEATURES.filter((f) => f[key] !== undefined && f[key] <= upTo && !f.gate(caps)).map((f) => f.name);
  let gl: number = GUEST_BASE_VERSIONS.gl;
  for (const v of GL_STEPS) if (missing("gl", v).length === 0) gl = v;
  let es: number = GUEST_BASE_VERSIONS.es;
  for (const v of ES_STEPS) if (missing("es", v).length === 0) es = v;
  const nextGl = GL_STEPS.find((v) => v > gl);
  const nextEs = ES_STEPS.find((v) => v > es);
  return {
    gl,
    es,
    missingForNextGl: nextGl === undefined ? [] : missing("gl", nextGl),
    missingForNextEs: nextEs === undefined ? [] : missing("es", nextEs),
  };
}

/** The features `caps` gives the guest. */
export function advertisedFeatures(capsBytes: Uint8Array): GuestFeature[] {
  const caps = new VirglCapsView(capsBytes);
  return GUEST_FEATURES.filter((f) => f.gate(caps));
}
