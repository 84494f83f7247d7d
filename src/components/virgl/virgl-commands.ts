/** virgl_protocol.h `enum virgl_context_cmd`. */
export const VirglCmd = {
  Nop: 0,
  CreateObject: 1,
  BindObject: 2,
  DestroyObject: 3,
  SetViewportState: 4,
  SetFramebufferState: 5,
  SetVertexBuffers: 6,
  Clear: 7,
  DrawVbo: 8,
  ResourceInlineWrite: 9,
  SetSamplerViews: 10,
  SetIndexBuffer: 11,
  SetConstantBuffer: 12,
  SetStencilRef: 13,
  SetBlendColor: 14,
  SetScissorState: 15,
  Blit: 16,
  ResourceCopyRegion: 17,
  BindSamplerStates: 18,
  BeginQuery: 19,
  EndQuery: 20,
  GetQueryResult: 21,
  SetPolygonStipple: 22,
  SetClipState: 23,
  SetSampleMask: 24,
  SetStreamoutTargets: 25,
  SetRenderCondition: 26,
  SetUniformBuffer: 27,
  SetSubCtx: 28,
  CreateSubCtx: 29,
  DestroySubCtx: 30,
  BindShader: 31,
  SetTessState: 32,
  SetMinSamples: 33,
  SetShaderBuffers: 34,
  SetShaderImages: 35,
  MemoryBarrier: 36,
  LaunchGrid: 37,
  SetFramebufferStateNoAttach: 38,
  TextureBarrier: 39,
  SetAtomicBuffers: 40,
  SetDebugFlags: 41,
  GetQueryResultQbo: 42,
  Transfer3D: 43,
  EndTransfers: 44,
  CopyTransfer3D: 45,
  SetTweaks: 46,
  ClearTexture: 47,
  PipeResourceCreate: 48,
  PipeResourceSetType: 49,
  GetMemoryInfo: 50,
  SendStringMarker: 51,
  LinkShader: 52,
} as const;

/** Number of known command ids (ids ≥ this are rejected). */
export const VIRGL_CMD_COUNT = 53;

/** virgl_protocol.h `enum virgl_object_type`. */
export const VirglObject = {
  Null: 0,
  Blend: 1,
  Rasterizer: 2,
  Dsa: 3,
  Shader: 4,
  VertexElements: 5,
  SamplerView: 6,
  SamplerState: 7,
  Surface: 8,
  Query: 9,
  StreamoutTarget: 10,
  MsaaSurface: 11,
} as const;

/** Number of object types. */
export const VIRGL_OBJECT_COUNT = 12;

/** Human-readable command names, for the not-yet-supported counters. */
export const VIRGL_CMD_NAMES: readonly string[] = Object.keys(VirglCmd);

/**
 * Payload length rule per command, in dwords: `[min, max]`, with `max` -1 for "any up to the header's limit".
 * From virglrenderer vrend_decode.c's checks; commands carrying lists are bounded by their item counts later.
 */
export const CMD_LENGTH: readonly (readonly [number, number])[] = [
  [0, -1], // NOP (payload ignored)
  [1, -1], // CREATE_OBJECT (per object type below)
  [1, 1], // BIND_OBJECT
  [1, 1], // DESTROY_OBJECT
  [1, -1], // SET_VIEWPORT_STATE
  [2, 10], // SET_FRAMEBUFFER_STATE
  [0, -1], // SET_VERTEX_BUFFERS
  [8, 8], // CLEAR
  [12, -1], // DRAW_VBO
  [11, -1], // RESOURCE_INLINE_WRITE
  [2, -1], // SET_SAMPLER_VIEWS
  [1, 3], // SET_INDEX_BUFFER
  [2, -1], // SET_CONSTANT_BUFFER
  [1, 1], // SET_STENCIL_REF
  [4, 4], // SET_BLEND_COLOR
  [1, -1], // SET_SCISSOR_STATE
  [21, 21], // BLIT
  [13, 13], // RESOURCE_COPY_REGION
  [2, -1], // BIND_SAMPLER_STATES
  [1, 1], // BEGIN_QUERY
  [1, 1], // END_QUERY
  [2, 2], // GET_QUERY_RESULT
  [32, 32], // SET_POLYGON_STIPPLE
  [32, 32], // SET_CLIP_STATE
  [1, 1], // SET_SAMPLE_MASK
  [1, -1], // SET_STREAMOUT_TARGETS
  [3, 3], // SET_RENDER_CONDITION
  [5, 5], // SET_UNIFORM_BUFFER
  [1, 1], // SET_SUB_CTX
  [1, 1], // CREATE_SUB_CTX
  [1, 1], // DESTROY_SUB_CTX
  [2, 2], // BIND_SHADER
  [6, 6], // SET_TESS_STATE
  [1, 1], // SET_MIN_SAMPLES
  [2, -1], // SET_SHADER_BUFFERS
  [2, -1], // SET_SHADER_IMAGES
  [1, 1], // MEMORY_BARRIER
  [8, 8], // LAUNCH_GRID
  [2, 2], // SET_FRAMEBUFFER_STATE_NO_ATTACH
  [1, 1], // TEXTURE_BARRIER
  [1, -1], // SET_ATOMIC_BUFFERS
  [2, -1], // SET_DEBUG_FLAGS
  [6, 6], // GET_QUERY_RESULT_QBO
  [13, -1], // TRANSFER3D
  [0, -1], // END_TRANSFERS (Mesa pads its transfer buffer with it; payload ignored)
  [14, 14], // COPY_TRANSFER3D
  [2, -1], // SET_TWEAKS
  [12, 12], // CLEAR_TEXTURE
  [11, 11], // PIPE_RESOURCE_CREATE
  [8, -1], // PIPE_RESOURCE_SET_TYPE
  [1, 1], // GET_MEMORY_INFO
  [1, -1], // SEND_STRING_MARKER
  [1, -1], // LINK_SHADER
];
