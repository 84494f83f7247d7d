/** Bytes of one guest page (virtio-gpu backing entries, blob and image sizes are counted in them). */
export const GUEST_PAGE_SIZE = 4096;

/** Which backend a resource or context belongs to; values are rutabaga_gfx's (also bit positions of component masks). */
export const RutabagaComponentType = {
  NoneSelected: 0,
  Rutabaga2D: 1,
  VirglRenderer: 2,
  Gfxstream: 3,
  CrossDomain: 4,
  Magma: 5,
} as const;
/** One of the {@link RutabagaComponentType} values. */
export type RutabagaComponentType = (typeof RutabagaComponentType)[keyof typeof RutabagaComponentType];

/** Capability set ids (virtio-gpu `VIRTIO_GPU_CAPSET_*`). */
export const RutabagaCapset = {
  Virgl: 1,
  Virgl2: 2,
  GfxstreamVulkan: 3,
  Venus: 4,
  CrossDomain: 5,
  Drm: 6,
  Magma: 7,
  GfxstreamGles: 8,
  GfxstreamComposer: 9,
} as const;

/** `RutabagaFence.flags` bits. */
export const RutabagaFenceFlags = {
  Fence: 1 << 0,
  InfoRingIdx: 1 << 1,
  HostShareable: 1 << 2,
} as const;

/** `ResourceCreateBlob.blobMem` values (virtio-gpu `VIRTIO_GPU_BLOB_MEM_*`). */
export const RutabagaBlobMem = {
  Guest: 0x1,
  Host3D: 0x2,
  Host3DGuest: 0x3,
} as const;

/** `ResourceCreateBlob.blobFlags` bits (virtio-gpu `VIRTIO_GPU_BLOB_FLAG_*`). */
export const RutabagaBlobFlags = {
  UseMappable: 0x1,
  UseShareable: 0x2,
  UseCrossDevice: 0x4,
} as const;

/** Map info: the low nibble is the virtio cache type, the high nibble is rutabaga's access extension. */
export const RutabagaMapInfo = {
  CacheMask: 0x0f,
  CacheCached: 0x01,
  CacheUncached: 0x02,
  CacheWc: 0x03,
  AccessMask: 0xf0,
  AccessRead: 0x10,
  AccessWrite: 0x20,
  AccessRw: 0x30,
} as const;

/** `context_init & 0xff` selects the capset (and so the component) of a new context. */
export const RUTABAGA_CONTEXT_INIT_CAPSET_ID_MASK = 0xff;

/** Gallium targets (`enum pipe_texture_target`). */
export const PipeTextureTarget = {
  Buffer: 0,
  Texture1D: 1,
  Texture2D: 2,
  Texture3D: 3,
  TextureCube: 4,
  TextureRect: 5,
  Texture1DArray: 6,
  Texture2DArray: 7,
  TextureCubeArray: 8,
} as const;

/** Resource bind flags (`VIRGL_BIND_*` of virglrenderer's virgl_hw.h) that the library and components look at. */
export const VirglBind = {
  DepthStencil: 1 << 0,
  RenderTarget: 1 << 1,
  SamplerView: 1 << 3,
  Staging: 1 << 19,
} as const;

/** virtio-gpu 2D pixel formats (`VIRTIO_GPU_FORMAT_*`), all 4 bytes per pixel. */
export const VirtioGpuFormat = {
  B8G8R8A8Unorm: 1,
  B8G8R8X8Unorm: 2,
  A8R8G8B8Unorm: 3,
  X8R8G8B8Unorm: 4,
  R8G8B8A8Unorm: 67,
  X8B8G8R8Unorm: 68,
  A8B8G8R8Unorm: 121,
  R8G8B8X8Unorm: 134,
} as const;

/** Handle types; memory and sync handles share one namespace. */
export const RutabagaHandleType = {
  MemOpaqueFd: 0x1,
  MemDmabuf: 0x2,
  MemOpaqueWin32: 0x3,
  MemShm: 0x4,
  MemZircon: 0x5,
  SignalOpaqueFd: 0x10,
  SignalSyncFd: 0x20,
  SignalOpaqueWin32: 0x30,
  SignalZircon: 0x40,
  SignalEventFd: 0x50,
} as const;

/** Channel types for cross-domain paths. */
export const RutabagaChannelType = {
  Wayland: 0x1,
  Gpu: 0x2,
  Pipewire: 0x10,
  X11: 0x11,
  DbusSession: 0x12,
  DbusSystem: 0x13,
} as const;
