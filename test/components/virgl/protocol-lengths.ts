// The legal payload lengths (dwords after the header) of every virgl command and CREATE_OBJECT type, typed by hand
// from virgl_protocol.h's `VIRGL_*_SIZE` macros and Gallium's limits: independent of the decoder's table, so that
// loosening or tightening one of its rules fails a test.

/** Lengths up to 0xffff (the header's 16 bits) with no upper bound of their own. */
const ANY = 0xffff;

/**
 * `min..max` payload dwords; `list` when the length is `fixed + item × n` (other lengths in range are invalid
 * commands, not size errors). `object` is the object type the header carries when the command needs one.
 */
export interface LegalLengths {
  readonly min: number;
  readonly max: number;
  readonly list?: { readonly fixed: number; readonly item: number };
  readonly object?: number;
  /** Why this entry differs from today's virgl_protocol.h, where it does. */
  readonly note?: string;
}

const exactly = (n: number): LegalLengths => ({ min: n, max: n });
const atLeast = (n: number): LegalLengths => ({ min: n, max: ANY });
const list = (fixed: number, item: number, maxItems: number): LegalLengths => ({
  min: fixed,
  max: fixed + item * maxItems,
  list: { fixed, item },
});

/** Per `VirglCmd` name. */
export const LEGAL_COMMAND_LENGTHS: Readonly<Record<string, LegalLengths>> = {
  Nop: atLeast(0),
  CreateObject: atLeast(1), // per object type below
  BindObject: { min: 1, max: 1, object: 1 },
  DestroyObject: { min: 1, max: 1, object: 1 },
  SetViewportState: list(1, 6, 16), // VIRGL_SET_VIEWPORT_STATE_SIZE(n) = 6n + 1, PIPE_MAX_VIEWPORTS 16
  SetFramebufferState: list(2, 1, 8), // VIRGL_SET_FRAMEBUFFER_STATE_SIZE(nr) = nr + 2, 8 colour buffers
  SetVertexBuffers: list(0, 3, 32), // VIRGL_SET_VERTEX_BUFFERS_SIZE(n) = 3n, PIPE_MAX_ATTRIBS 32
  Clear: exactly(8), // VIRGL_OBJ_CLEAR_SIZE
  DrawVbo: { min: 12, max: 20, note: "VIRGL_DRAW_VBO_SIZE 12, _TESS 14, _INDIRECT 20; lengths between are read too" },
  ResourceInlineWrite: atLeast(11), // VIRGL_RESOURCE_IW_* header, then data
  SetSamplerViews: list(2, 1, 128), // VIRGL_SET_SAMPLER_VIEWS_SIZE(n) = n + 2, PIPE_MAX_SHADER_SAMPLER_VIEWS 128
  SetIndexBuffer: list(1, 2, 1), // VIRGL_SET_INDEX_BUFFER_SIZE(ib) = 1 or 3
  SetConstantBuffer: atLeast(2), // shader type, index, then data
  SetStencilRef: exactly(1), // VIRGL_SET_STENCIL_REF_SIZE
  SetBlendColor: exactly(4), // VIRGL_SET_BLEND_COLOR_SIZE
  SetScissorState: list(1, 2, 16), // VIRGL_SET_SCISSOR_STATE_SIZE(n) = 2n + 1
  Blit: exactly(21), // VIRGL_CMD_BLIT_SIZE
  ResourceCopyRegion: exactly(13), // VIRGL_CMD_RESOURCE_COPY_REGION_SIZE
  BindSamplerStates: list(2, 1, 128), // VIRGL_BIND_SAMPLER_STATES(n) = n + 2
  BeginQuery: exactly(1),
  EndQuery: exactly(1),
  GetQueryResult: exactly(2), // VIRGL_QUERY_RESULT_SIZE
  SetPolygonStipple: exactly(32), // VIRGL_POLYGON_STIPPLE_SIZE
  SetClipState: exactly(32), // VIRGL_SET_CLIP_STATE_SIZE
  SetSampleMask: exactly(1), // VIRGL_SET_SAMPLE_MASK_SIZE
  SetStreamoutTargets: list(1, 1, 4), // append bitmask + one handle per buffer, PIPE_MAX_SO_BUFFERS 4
  SetRenderCondition: exactly(3), // VIRGL_RENDER_CONDITION_SIZE
  SetUniformBuffer: exactly(5), // VIRGL_SET_UNIFORM_BUFFER_SIZE
  SetSubCtx: exactly(1),
  CreateSubCtx: exactly(1),
  DestroySubCtx: exactly(1),
  BindShader: exactly(2), // VIRGL_BIND_SHADER_SIZE
  SetTessState: exactly(6), // VIRGL_TESS_STATE_SIZE
  SetMinSamples: exactly(1), // VIRGL_SET_MIN_SAMPLES_SIZE
  SetShaderBuffers: list(2, 3, 32), // VIRGL_SET_SHADER_BUFFER_SIZE(n) = 3n + 2, PIPE_MAX_SHADER_BUFFERS 32
  SetShaderImages: list(2, 5, 32), // VIRGL_SET_SHADER_IMAGE_SIZE(n) = 5n + 2, PIPE_MAX_SHADER_IMAGES 32
  MemoryBarrier: exactly(1), // VIRGL_MEMORY_BARRIER_SIZE
  LaunchGrid: exactly(8), // VIRGL_LAUNCH_GRID_SIZE
  SetFramebufferStateNoAttach: exactly(2), // VIRGL_SET_FRAMEBUFFER_STATE_NO_ATTACH_SIZE
  TextureBarrier: exactly(1), // VIRGL_TEXTURE_BARRIER_SIZE
  SetAtomicBuffers: list(1, 3, 32), // VIRGL_SET_ATOMIC_BUFFER_SIZE(n) = 3n + 1
  SetDebugFlags: atLeast(2), // VIRGL_SET_DEBUG_FLAGS_MIN_SIZE
  GetQueryResultQbo: exactly(6), // VIRGL_QUERY_RESULT_QBO_SIZE
  Transfer3D: exactly(13), // VIRGL_TRANSFER3D_SIZE
  EndTransfers: atLeast(0),
  CopyTransfer3D: exactly(14), // VIRGL_COPY_TRANSFER3D_SIZE
  SetTweaks: atLeast(2), // VIRGL_SET_TWEAKS_SIZE, more words ignored
  ClearTexture: exactly(12), // VIRGL_CLEAR_TEXTURE_SIZE
  PipeResourceCreate: { ...exactly(11), note: "VIRGL_PIPE_RES_CREATE_SIZE is 12 since RES_HANDLE was added" },
  PipeResourceSetType: atLeast(8), // VIRGL_PIPE_RES_SET_TYPE_SIZE(nplanes) = 8 + 2 nplanes
  GetMemoryInfo: exactly(1),
  SendStringMarker: { ...atLeast(1), note: "VIRGL_SEND_STRING_MARKER_MIN_SIZE is 2" },
  LinkShader: { ...atLeast(1), note: "VIRGL_LINK_SHADER_SIZE is 6" },
};

/** CREATE_OBJECT payload lengths (handle included) per `VirglObject` type. */
export const LEGAL_OBJECT_LENGTHS: ReadonlyMap<number, LegalLengths> = new Map([
  [1, { min: 3, max: 11 }], // blend: VIRGL_OBJ_BLEND_SIZE 11 (8 colour buffers; fewer are accepted)
  [2, exactly(9)], // rasterizer: VIRGL_OBJ_RS_SIZE
  [3, exactly(5)], // DSA: VIRGL_OBJ_DSA_SIZE
  [4, atLeast(3)], // shader: a continuation is handle, type, offset, then text
  [5, list(1, 4, 32)], // vertex elements: VIRGL_OBJ_VERTEX_ELEMENTS_SIZE(n) = 4n + 1
  [6, exactly(6)], // sampler view: VIRGL_OBJ_SAMPLER_VIEW_SIZE
  [7, exactly(9)], // sampler state: VIRGL_OBJ_SAMPLER_STATE_SIZE
  [8, exactly(5)], // surface: VIRGL_OBJ_SURFACE_SIZE
  [9, exactly(4)], // query: VIRGL_OBJ_QUERY_SIZE
  [10, exactly(4)], // streamout target: VIRGL_OBJ_STREAMOUT_SIZE
  [11, exactly(6)], // MSAA surface: VIRGL_OBJ_MSAA_SURFACE_SIZE
]);
