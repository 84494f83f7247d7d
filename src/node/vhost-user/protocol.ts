// vhost-user (QEMU docs/interop/vhost-user.rst) and its GPU display protocol (vhost-user-gpu.rst). Little-endian.

/** Front-end → back-end request ids. */
export const VhostUserRequest = {
  GetFeatures: 1,
  SetFeatures: 2,
  SetOwner: 3,
  ResetOwner: 4,
  SetMemTable: 5,
  SetLogBase: 6,
  SetLogFd: 7,
  SetVringNum: 8,
  SetVringAddr: 9,
  SetVringBase: 10,
  GetVringBase: 11,
  SetVringKick: 12,
  SetVringCall: 13,
  SetVringErr: 14,
  GetProtocolFeatures: 15,
  SetProtocolFeatures: 16,
  GetQueueNum: 17,
  SetVringEnable: 18,
  SetBackendReqFd: 21,
  GetConfig: 24,
  SetConfig: 25,
  GpuSetSocket: 33,
  ResetDevice: 34,
  GetMaxMemSlots: 36,
  AddMemReg: 37,
  RemMemReg: 38,
} as const;

/** Header flag bits: version 1 in bits 0–1, then REPLY and NEED_REPLY. */
export const VhostUserFlags = {
  Version: 0x1,
  VersionMask: 0x3,
  Reply: 0x4,
  NeedReply: 0x8,
} as const;

/** Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
export const VhostUserProtocolFeature = {
  Mq: 0n,
  LogShmfd: 1n,
  ReplyAck: 3n,
  BackendReq: 5n,
  Config: 9n,
  ResetDevice: 13n,
  ConfigureMemSlots: 15n,
} as const;

/** Virtio and vhost-user feature bits the transport offers. */
export const TransportFeature = {
  NotifyOnEmpty: 24n,
  IndirectDesc: 28n,
  EventIdx: 29n,
  ProtocolFeatures: 30n,
  Version1: 32n,
} as const;

/** Bytes of the message header `{u32 request, u32 flags, u32 size}`. */
export const VHOST_USER_HEADER_SIZE = 12;
/** Largest payload accepted from the front-end (the biggest real one, SET_MEM_TABLE with 8 regions, is 264). */
export const MAX_VHOST_USER_PAYLOAD = 4096;
/** Memory regions the backend maps at most (also the answer to GET_MAX_MEM_SLOTS). */
export const MAX_MEM_SLOTS = 32;
/** Queues of virtio-gpu: control and cursor. */
export const GPU_QUEUE_COUNT = 2;
/** `{u64 guest_phys_addr, u64 memory_size, u64 userspace_addr, u64 mmap_offset}`. */
export const MEMORY_REGION_SIZE = 32;
/** Payload layouts' sizes. */
export const VhostUserPayloadSize = {
  U64: 8,
  VringState: 8,
  VringAddr: 40,
  MemTableHeader: 8,
  SingleMemRegion: 40,
  ConfigHeader: 12,
} as const;
/** `SET_VRING_KICK/CALL/ERR` payload: queue index in bits 0–7; bit 8 says no descriptor was sent. */
export const VRING_INDEX_MASK = 0xffn;
export const VRING_NOFD_MASK = 0x100n;

/** Back-end → QEMU display messages on the GPU_SET_SOCKET socket (vhost-user-gpu.rst). */
export const GpuDisplayRequest = {
  GetProtocolFeatures: 1,
  SetProtocolFeatures: 2,
  GetDisplayInfo: 3,
  CursorPos: 4,
  CursorPosHide: 5,
  CursorUpdate: 6,
  Scanout: 7,
  Update: 8,
  DmabufScanout: 9,
  DmabufUpdate: 10,
  GetEdid: 11,
  DmabufScanout2: 12,
} as const;

/** Display reply flag (QEMU sends 0x4 alone). */
export const GPU_DISPLAY_REPLY_FLAG = 0x4;
/** Bytes of `{u32 scanout_id, u32 x, u32 y, u32 w, u32 h}` before an UPDATE's pixels. */
export const GPU_UPDATE_HEADER_SIZE = 20;
/** Bytes of `{pos (12), u32 hot_x, u32 hot_y}` before CURSOR_UPDATE's 64×64 pixels. */
export const GPU_CURSOR_UPDATE_HEADER_SIZE = 20;
