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

/** Human-readable command names, for the not-yet-supported counters. */
export const VIRGL_CMD_NAMES: readonly string[] = Object.keys(VirglCmd);

/** virgl_protocol.h: a command header is `cmd | object << 8 | length << 16` (length = payload dwords). */
export const VirglHeader = {
  CmdMask: 0xff,
  ObjectShift: 8,
  ObjectMask: 0xff,
  LengthShift: 16,
  MaxLength: 0xffff,
} as const;

/** Gallium `enum pipe_shader_type`: the stage a shader, sampler or buffer binding belongs to. */
export const PipeShaderType = {
  Vertex: 0,
  Fragment: 1,
  Geometry: 2,
  TessCtrl: 3,
  TessEval: 4,
  Compute: 5,
} as const;
/** Number of shader stages. */
export const PIPE_SHADER_TYPES = 6;

/** Gallium `PIPE_CLEAR_*` bits of CLEAR's buffers word. */
export const PipeClear = { Depth: 1 << 0, Stencil: 1 << 1, Color0: 1 << 2 } as const;

/** Gallium `PIPE_MASK_*` bits of BLIT's mask. */
export const PipeMask = { Rgba: 0xf, Z: 1 << 4, S: 1 << 5 } as const;

/** virgl_protocol.h `VIRGL_TRANSFER_*`: TRANSFER3D's direction word. */
export const VirglTransferDirection = { ToHost: 1, FromHost: 2 } as const;

/** Gallium limits the protocol's lists are bounded by (p_state.h). */
export const PipeLimits = {
  MaxColorBufs: 8,
  MaxViewports: 16,
  MaxAttribs: 32,
  MaxSamplerViews: 128,
  MaxShaderBuffers: 32,
  MaxShaderImages: 32,
  MaxSoBuffers: 4,
  MaxSoOutputs: 64,
  MaxAtomicBuffers: 32,
} as const;

// Named dword offsets per command, from virgl_protocol.h: word 0 is the header, so payload word k is at offset k.

/** `VIRGL_OBJ_CREATE_*`, `VIRGL_OBJ_BIND_*`, `VIRGL_OBJ_DESTROY_*`. */
export const ObjectOffset = { Handle: 1 } as const;
/** `VIRGL_OBJ_BLEND_*`: S2 of colour buffer i is at `Rt0 + i`. */
export const BlendOffset = { S0: 2, S1: 3, Rt0: 4 } as const;
/** `VIRGL_OBJ_DSA_*`. */
export const DsaOffset = { S0: 2, FrontStencil: 3, BackStencil: 4, AlphaRef: 5 } as const;
/** `VIRGL_OBJ_RS_*`. */
export const RasterizerOffset = {
  S0: 2,
  PointSize: 3,
  SpriteCoordEnable: 4,
  S3: 5,
  LineWidth: 6,
  OffsetUnits: 7,
  OffsetScale: 8,
  OffsetClamp: 9,
} as const;
/** `VIRGL_OBJ_SHADER_*`: stream-output strides at `SoStride0 + i`, outputs at `SoOutputs` (after the strides). */
export const ShaderOffset = {
  Type: 2,
  Offset: 3,
  NumTokens: 4,
  SoNumOutputs: 5,
  SoStride0: 6,
  SoOutputs: 10,
} as const;
/** `VIRGL_OBJ_SHADER_OFFSET_CONT`: set in the offset word of a continuation chunk. */
export const SHADER_OFFSET_CONTINUATION = 0x80000000;
/** `VIRGL_OBJ_VERTEX_ELEMENTS_*`: element i's four words start at `First + 4 i`. */
export const VertexElementsOffset = {
  First: 2,
  SrcOffset: 0,
  InstanceDivisor: 1,
  VertexBufferIndex: 2,
  SrcFormat: 3,
} as const;
/** `VIRGL_OBJ_SAMPLER_VIEW_*` (the format word carries the view target in bits 24..31). */
export const SamplerViewOffset = {
  Resource: 2,
  Format: 3,
  FirstElementOrLayers: 4,
  LastElementOrLevels: 5,
  Swizzle: 6,
} as const;
/** `VIRGL_OBJ_SAMPLER_STATE_*`. */
export const SamplerStateOffset = { S0: 2, LodBias: 3, MinLod: 4, MaxLod: 5, BorderColor0: 6 } as const;
/** `VIRGL_OBJ_SURFACE_*` (MSAA surfaces add a sample count word). */
export const SurfaceOffset = {
  Resource: 2,
  Format: 3,
  LevelOrFirstElement: 4,
  LayersOrLastElement: 5,
  Samples: 6,
} as const;
/** `VIRGL_OBJ_QUERY_*`. */
export const QueryOffset = { TypeIndex: 2, Offset: 3, Resource: 4 } as const;
/** `VIRGL_OBJ_STREAMOUT_*`. */
export const StreamoutOffset = { Resource: 2, BufferOffset: 3, BufferSize: 4 } as const;

/** `VIRGL_SET_VIEWPORT_*`: viewport i's scale xyz then translate xyz start at `First + 6 i`. */
export const ViewportOffset = { StartSlot: 1, First: 2 } as const;
/** `VIRGL_SET_FRAMEBUFFER_STATE_*`. */
export const FramebufferOffset = { NrCbufs: 1, ZsurfHandle: 2, Cbuf0: 3 } as const;
/** `VIRGL_SET_FRAMEBUFFER_STATE_NO_ATTACH_*`. */
export const FramebufferNoAttachOffset = { WidthHeight: 1, LayersSamples: 2 } as const;
/** `VIRGL_SET_VERTEX_BUFFER_*`: buffer i's stride, offset, handle start at `First + 3 i`. */
export const VertexBuffersOffset = { First: 1 } as const;
/** `VIRGL_OBJ_CLEAR_*`: colour is 4 words, depth a double over two words. */
export const ClearOffset = { Buffers: 1, Color0: 2, Depth: 6, Stencil: 8 } as const;
/** `VIRGL_DRAW_VBO_*`. */
export const DrawVboOffset = {
  Start: 1,
  Count: 2,
  Mode: 3,
  Indexed: 4,
  InstanceCount: 5,
  IndexBias: 6,
  StartInstance: 7,
  PrimitiveRestart: 8,
  RestartIndex: 9,
  MinIndex: 10,
  MaxIndex: 11,
  CountFromSo: 12,
  VerticesPerPatch: 13,
  DrawId: 14,
  IndirectHandle: 15,
  IndirectOffset: 16,
  IndirectStride: 17,
  IndirectDrawCount: 18,
  IndirectDrawCountOffset: 19,
  IndirectDrawCountHandle: 20,
} as const;
/** `VIRGL_DRAW_VBO_SIZE*`: the three lengths DRAW_VBO comes in. */
export const DrawVboSize = { Plain: 12, Tess: 14, Indirect: 20 } as const;
/** `VIRGL_RESOURCE_IW_*`: the transfer box shared by INLINE_WRITE, TRANSFER3D and COPY_TRANSFER3D. */
export const TransferOffset = {
  Resource: 1,
  Level: 2,
  Usage: 3,
  Stride: 4,
  LayerStride: 5,
  X: 6,
  Y: 7,
  Z: 8,
  W: 9,
  H: 10,
  D: 11,
  InlineData: 12,
  DataOffset: 12,
  Direction: 13,
  CopySrcResource: 12,
  CopySrcOffset: 13,
  CopySynchronized: 14,
} as const;
/** `VIRGL_SET_SAMPLER_VIEWS_*` and `VIRGL_BIND_SAMPLER_STATES_*` (same shape). */
export const StageListOffset = { ShaderType: 1, StartSlot: 2, First: 3 } as const;
/** `VIRGL_SET_INDEX_BUFFER_*`. */
export const IndexBufferOffset = { Handle: 1, IndexSize: 2, Offset: 3 } as const;
/** `VIRGL_SET_CONSTANT_BUFFER_*`. */
export const ConstantBufferOffset = { ShaderType: 1, Index: 2, Data: 3 } as const;
/** `VIRGL_SET_UNIFORM_BUFFER_*`. */
export const UniformBufferOffset = { ShaderType: 1, Index: 2, Offset: 3, Length: 4, Resource: 5 } as const;
/** `VIRGL_SET_STENCIL_REF`: front in bits 0..7, back in 8..15. */
export const StencilRefOffset = { Ref: 1 } as const;
/** `VIRGL_SET_BLEND_COLOR(i)`. */
export const BlendColorOffset = { Rgba: 1 } as const;
/** `VIRGL_SET_SCISSOR_*`: scissor i's min and max words at `First + 2 i`. */
export const ScissorOffset = { StartSlot: 1, First: 2 } as const;
/** `VIRGL_CMD_RCR_*`. */
export const CopyRegionOffset = {
  DstResource: 1,
  DstLevel: 2,
  DstX: 3,
  DstY: 4,
  DstZ: 5,
  SrcResource: 6,
  SrcLevel: 7,
  SrcX: 8,
  SrcY: 9,
  SrcZ: 10,
  W: 11,
  H: 12,
  D: 13,
} as const;
/** `VIRGL_CMD_BLIT_*`: the destination box starts at `Dst`, the source at `Src` (resource, level, format, x..d). */
export const BlitOffset = { S0: 1, ScissorMin: 2, ScissorMax: 3, Dst: 4, Src: 13 } as const;
/** Word offsets inside a blit's destination or source run. */
export const BlitSideOffset = { Resource: 0, Level: 1, Format: 2, X: 3, Y: 4, Z: 5, W: 6, H: 7, D: 8 } as const;
/** `VIRGL_QUERY_*`, `VIRGL_QUERY_RESULT_*`. */
export const QueryCmdOffset = { Handle: 1, Wait: 2 } as const;
/** `VIRGL_QUERY_RESULT_QBO_*`. */
export const QueryQboOffset = { Handle: 1, Qbo: 2, Wait: 3, ResultType: 4, Offset: 5, Index: 6 } as const;
/** `VIRGL_RENDER_CONDITION_*`. */
export const RenderConditionOffset = { Handle: 1, Condition: 2, Mode: 3 } as const;
/** `VIRGL_SET_STREAMOUT_TARGETS_*`. */
export const StreamoutTargetsOffset = { AppendBitmask: 1, First: 2 } as const;
/** `VIRGL_BIND_SHADER_*`. */
export const BindShaderOffset = { Handle: 1, Type: 2 } as const;
/** `VIRGL_SET_SHADER_BUFFER_*` (3 words per buffer) and `VIRGL_SET_SHADER_IMAGE_*` (5 words per image). */
export const ShaderResourceListOffset = { ShaderType: 1, StartSlot: 2, First: 3 } as const;
/** `VIRGL_SET_ATOMIC_BUFFER_*`. */
export const AtomicBuffersOffset = { StartSlot: 1, First: 2 } as const;
/** `VIRGL_LAUNCH_*`. */
export const LaunchGridOffset = { Block: 1, Grid: 4, IndirectHandle: 7, IndirectOffset: 8 } as const;
/** `VIRGL_SET_TWEAKS_*`. */
export const TweaksOffset = { Id: 1, Value: 2 } as const;
/** CLEAR_TEXTURE: resource, level, box x y z w h d, then 4 words of texel. */
export const ClearTextureOffset = { Resource: 1, Level: 2, X: 3, Y: 4, Z: 5, W: 6, H: 7, D: 8, Data: 9 } as const;
/** Sub-context commands carry one id. */
export const SubCtxOffset = { Id: 1 } as const;
/** Commands with a single value word (sample mask, min samples, barriers, tess state first word). */
export const ValueOffset = { Value: 1 } as const;
