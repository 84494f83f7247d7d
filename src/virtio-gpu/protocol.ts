// Constants and wire sizes of virtio-gpu, virtio 1.3 §5.7 (all fields little-endian).

/** Control and cursor queue command types (§5.7.6.7). */
export const GpuCommandType = {
  GetDisplayInfo: 0x0100,
  ResourceCreate2d: 0x0101,
  ResourceUnref: 0x0102,
  SetScanout: 0x0103,
  ResourceFlush: 0x0104,
  TransferToHost2d: 0x0105,
  ResourceAttachBacking: 0x0106,
  ResourceDetachBacking: 0x0107,
  GetCapsetInfo: 0x0108,
  GetCapset: 0x0109,
  GetEdid: 0x010a,
  ResourceAssignUuid: 0x010b,
  ResourceCreateBlob: 0x010c,
  SetScanoutBlob: 0x010d,
  CtxCreate: 0x0200,
  CtxDestroy: 0x0201,
  CtxAttachResource: 0x0202,
  CtxDetachResource: 0x0203,
  ResourceCreate3d: 0x0204,
  TransferToHost3d: 0x0205,
  TransferFromHost3d: 0x0206,
  Submit3d: 0x0207,
  ResourceMapBlob: 0x0208,
  ResourceUnmapBlob: 0x0209,
  UpdateCursor: 0x0300,
  MoveCursor: 0x0301,
} as const;

/** A command type value. */
export type GpuCommandTypeValue = (typeof GpuCommandType)[keyof typeof GpuCommandType];

/** Response types (§5.7.6.7). */
export const GpuResponseType = {
  OkNodata: 0x1100,
  OkDisplayInfo: 0x1101,
  OkCapsetInfo: 0x1102,
  OkCapset: 0x1103,
  OkEdid: 0x1104,
  OkResourceUuid: 0x1105,
  OkMapInfo: 0x1106,
  ErrUnspec: 0x1200,
  ErrOutOfMemory: 0x1201,
  ErrInvalidScanoutId: 0x1202,
  ErrInvalidResourceId: 0x1203,
  ErrInvalidContextId: 0x1204,
  ErrInvalidParameter: 0x1205,
} as const;

/** A response type value. */
export type GpuResponseTypeValue = (typeof GpuResponseType)[keyof typeof GpuResponseType];

/** `virtio_gpu_ctrl_hdr.flags` bits. */
export const GpuFlags = {
  Fence: 1 << 0,
  InfoRingIdx: 1 << 1,
} as const;

/** Device feature bits (§5.7.3). */
export const GpuFeature = {
  Virgl: 0n,
  Edid: 1n,
  ResourceUuid: 2n,
  ResourceBlob: 3n,
  ContextInit: 4n,
} as const;

/** `virtio_gpu_config.events_read` bits. */
export const GpuEvent = {
  Display: 1 << 0,
} as const;

/**
 * The wire layout of every virtio-gpu struct (virtio 1.3 §5.7.6; Linux `include/uapi/linux/virtio_gpu.h`): each
 * field's byte offset from the start of the request or response, and the struct's `size`. Requests and responses
 * begin with the 24-byte `virtio_gpu_ctrl_hdr`; nested structs (`Rect`, `Box`, `CursorPos`, `MemEntry`,
 * `DisplayOne`) give offsets from their own start. The decoder, the request encoder and the response encoder all
 * read this one table.
 */
export const GpuLayout = {
  CtrlHdr: { type: 0, flags: 4, fenceId: 8, ctxId: 16, ringIdx: 20, size: 24 },
  Rect: { x: 0, y: 4, width: 8, height: 12, size: 16 },
  Box: { x: 0, y: 4, z: 8, w: 12, h: 16, d: 20, size: 24 },
  MemEntry: { addr: 0, length: 8, size: 16 },
  CursorPos: { scanoutId: 0, x: 4, y: 8, size: 16 },
  DisplayOne: { rect: 0, enabled: 16, flags: 20, size: 24 },
  RespDisplayInfo: { pmodes: 24, size: 408 },
  ResourceCreate2d: { resourceId: 24, format: 28, width: 32, height: 36, size: 40 },
  ResourceUnref: { resourceId: 24, size: 32 },
  SetScanout: { rect: 24, scanoutId: 40, resourceId: 44, size: 48 },
  ResourceFlush: { rect: 24, resourceId: 40, size: 48 },
  TransferToHost2d: { rect: 24, offset: 40, resourceId: 48, size: 56 },
  ResourceAttachBacking: { resourceId: 24, nrEntries: 28, size: 32 },
  ResourceDetachBacking: { resourceId: 24, size: 32 },
  GetCapsetInfo: { capsetIndex: 24, size: 32 },
  RespCapsetInfo: { capsetId: 24, capsetMaxVersion: 28, capsetMaxSize: 32, size: 40 },
  GetCapset: { capsetId: 24, capsetVersion: 28, size: 32 },
  RespCapset: { capsetData: 24, size: 24 },
  GetEdid: { scanout: 24, size: 32 },
  RespEdid: { edidSize: 24, edid: 32, size: 1056 },
  ResourceAssignUuid: { resourceId: 24, size: 32 },
  RespResourceUuid: { uuid: 24, size: 40 },
  ResourceCreateBlob: { resourceId: 24, blobMem: 28, blobFlags: 32, nrEntries: 36, blobId: 40, blobSize: 48, size: 56 },
  SetScanoutBlob: {
    rect: 24,
    scanoutId: 40,
    resourceId: 44,
    width: 48,
    height: 52,
    format: 56,
    strides: 64,
    offsets: 80,
    size: 96,
  },
  CtxCreate: { nlen: 24, contextInit: 28, debugName: 32, size: 96 },
  CtxDestroy: { size: 24 },
  CtxResource: { resourceId: 24, size: 32 },
  ResourceCreate3d: {
    resourceId: 24,
    target: 28,
    format: 32,
    bind: 36,
    width: 40,
    height: 44,
    depth: 48,
    arraySize: 52,
    lastLevel: 56,
    nrSamples: 60,
    flags: 64,
    size: 72,
  },
  TransferHost3d: { box: 24, offset: 48, resourceId: 56, level: 60, stride: 64, layerStride: 68, size: 72 },
  CmdSubmit: { commandsSize: 24, numInFences: 28, size: 32 },
  ResourceMapBlob: { resourceId: 24, offset: 32, size: 40 },
  RespMapInfo: { mapInfo: 24, size: 32 },
  ResourceUnmapBlob: { resourceId: 24, size: 32 },
  UpdateCursor: { pos: 24, resourceId: 40, hotX: 44, hotY: 48, size: 56 },
  Config: { eventsRead: 0, eventsClear: 4, numScanouts: 8, numCapsets: 12, size: 16 },
} as const;

/** Byte size of each wire struct (the `size` of its {@link GpuLayout} entry), checked by the golden-size tests. */
export const GpuWireSize = Object.fromEntries(Object.entries(GpuLayout).map(([name, l]) => [name, l.size])) as {
  readonly [K in keyof typeof GpuLayout]: (typeof GpuLayout)[K]["size"];
};

/** Longest `debug_name` a `CTX_CREATE` carries. */
export const CTX_DEBUG_NAME_BYTES = 64;
/** Planes a `SET_SCANOUT_BLOB` describes (`strides[4]`, `offsets[4]`). */
export const SCANOUT_BLOB_PLANES = 4;
/** Bytes of a resource UUID. */
export const RESOURCE_UUID_BYTES = 16;

/** Most scanouts the protocol describes (`VIRTIO_GPU_MAX_SCANOUTS`). */
export const MAX_SCANOUTS = 16;
/** Bytes of EDID a `RESP_EDID` carries. */
export const EDID_BLOB_SIZE = 1024;
/** The cursor image is always 64×64 pixels of 4 bytes. */
export const CURSOR_SIZE = 64;
