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

/** Byte sizes of the wire structs, checked by the golden-size tests. */
export const GpuWireSize = {
  CtrlHdr: 24,
  Rect: 16,
  DisplayOne: 24,
  RespDisplayInfo: 408,
  ResourceCreate2d: 40,
  ResourceUnref: 32,
  SetScanout: 48,
  ResourceFlush: 48,
  TransferToHost2d: 56,
  MemEntry: 16,
  ResourceAttachBacking: 32,
  ResourceDetachBacking: 32,
  GetCapsetInfo: 32,
  RespCapsetInfo: 40,
  GetCapset: 32,
  RespCapset: 24,
  GetEdid: 32,
  RespEdid: 1056,
  ResourceAssignUuid: 32,
  RespResourceUuid: 40,
  ResourceCreateBlob: 56,
  SetScanoutBlob: 96,
  CtxCreate: 96,
  CtxDestroy: 24,
  CtxResource: 32,
  ResourceCreate3d: 72,
  TransferHost3d: 72,
  CmdSubmit: 32,
  ResourceMapBlob: 40,
  RespMapInfo: 32,
  ResourceUnmapBlob: 32,
  CursorPos: 16,
  UpdateCursor: 56,
  Config: 16,
} as const;

/** Most scanouts the protocol describes (`VIRTIO_GPU_MAX_SCANOUTS`). */
export const MAX_SCANOUTS = 16;
/** Bytes of EDID a `RESP_EDID` carries. */
export const EDID_BLOB_SIZE = 1024;
/** The cursor image is always 64×64 pixels of 4 bytes. */
export const CURSOR_SIZE = 64;

/** Where `virtio_gpu_config`'s fields sit. */
export const GpuConfigOffset = {
  EventsRead: 0,
  EventsClear: 4,
  NumScanouts: 8,
  NumCapsets: 12,
} as const;
