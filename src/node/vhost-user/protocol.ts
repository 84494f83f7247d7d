// vhost-user (QEMU docs/interop/vhost-user.rst) and its GPU display protocol (vhost-user-gpu.rst). Little-endian.
import { GpuWireSize } from "../../virtio-gpu/protocol.ts";

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
  SetDeviceStateFd: 42,
  CheckDeviceState: 43,
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
  DeviceState: 19n,
} as const;

/** Virtio and vhost-user feature bits the transport offers. */
export const TransportFeature = {
  NotifyOnEmpty: 24n,
  IndirectDesc: 28n,
  EventIdx: 29n,
  ProtocolFeatures: 30n,
  Version1: 32n,
} as const;

/**
 * SET_DEVICE_STATE_FD's payload `{u32 direction, u32 phase}` (direction 0 save: the back-end writes its state; 1 load:
 * it reads one; phase 0: the device and its rings are stopped), and its u64 reply: bits 0–7 an error, bit 8 set when
 * the back-end returns no descriptor of its own.
 */
export const DeviceStateTransfer = {
  direction: 0,
  phase: 4,
  SIZE: 8,
  SAVE: 0,
  LOAD: 1,
  PHASE_STOPPED: 0,
  REPLY_NO_FD: 0x100n,
  REPLY_ERROR: 0x1n,
} as const;

/** `VhostUserMsg` header: `{u32 request, u32 flags, u32 size}`, then `size` bytes of payload. */
export const VhostUserHeader = { request: 0, flags: 4, size: 8, SIZE: 12 } as const;
/** `u64` payloads: features, protocol features, queue count, slot count, REPLY_ACK status. */
export const U64Payload = { value: 0, SIZE: 8 } as const;
/** `struct vhost_vring_state`: SET_VRING_NUM/BASE/ENABLE, GET_VRING_BASE and its reply. */
export const VringState = { index: 0, num: 4, SIZE: 8 } as const;
/** `struct vhost_vring_addr`: ring addresses are the front-end's virtual addresses. */
export const VringAddr = { index: 0, flags: 4, desc: 8, used: 16, avail: 24, log: 32, SIZE: 40 } as const;
/** SET_VRING_KICK/CALL/ERR's u64: queue index in bits 0–7; bit 8 says no descriptor was sent. */
export const VringFdWord = { INDEX_MASK: 0xffn, NOFD_MASK: 0x100n } as const;
/** `VhostUserMemoryRegion`. */
export const MemoryRegion = { guestPhysAddr: 0, memorySize: 8, userspaceAddr: 16, mmapOffset: 24, SIZE: 32 } as const;
/** SET_MEM_TABLE: `{u32 nregions, u32 padding}` then the regions, one descriptor each (the most any message brings). */
export const MemTable = { nregions: 0, regions: 8, MAX_REGIONS: 8 } as const;
/** ADD_MEM_REG/REM_MEM_REG (`VhostUserMemRegMsg`): `{u64 padding, region}`. */
export const SingleMemRegion = { region: 8, SIZE: 40 } as const;
/** GET_CONFIG/SET_CONFIG (`VhostUserConfig`): `{u32 offset, u32 size, u32 flags}` then `size` bytes. */
export const ConfigSpace = { offset: 0, size: 4, flags: 8, payload: 12 } as const;

/** Largest payload accepted from the front-end (the biggest real one, SET_MEM_TABLE with 8 regions, is 264). */
export const MAX_VHOST_USER_PAYLOAD = 4096;
/** Memory regions the backend maps at most (also the answer to GET_MAX_MEM_SLOTS). */
export const MAX_MEM_SLOTS = 32;
/** Queues of virtio-gpu: control and cursor. */
export const GPU_QUEUE_COUNT = 2;
/** Largest split virtqueue (virtio 1.2 §2.7: Queue Size is at most 32768, a power of 2). */
export const MAX_VRING_SIZE = 32768;
/** Largest GET_CONFIG/SET_CONFIG window (virtio config spaces are at most 256 bytes). */
export const MAX_CONFIG_BYTES = 256;

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

/** Display protocol feature bits (GET/SET_PROTOCOL_FEATURES on the display socket). */
export const GpuDisplayProtocolFeature = {
  Edid: 0n,
  Dmabuf2: 1n,
} as const;

/** Display reply flag (QEMU sends 0x4 alone). */
export const GPU_DISPLAY_REPLY_FLAG = 0x4;
/** `VhostUserGpuCursorPos`: CURSOR_POS, CURSOR_POS_HIDE, and the head of CURSOR_UPDATE. */
export const GpuCursorPos = { scanoutId: 0, x: 4, y: 8, SIZE: 12 } as const;
/** `VhostUserGpuCursorUpdate`: the position, the hot spot, then 64×64 pixels of 4 bytes. */
export const GpuCursorUpdate = { pos: 0, hotX: 12, hotY: 16, pixels: 20 } as const;
/** `VhostUserGpuScanout`: width and height 0 disable the output. */
export const GpuScanout = { scanoutId: 0, width: 4, height: 8, SIZE: 12 } as const;
/** `VhostUserGpuUpdate`: the rectangle, then its x8r8g8b8 pixels in rows of `width * 4` bytes. */
export const GpuUpdate = { scanoutId: 0, x: 4, y: 8, width: 12, height: 16, pixels: 20 } as const;
/** Largest reply QEMU sends on the display socket (GET_EDID's 1056 bytes, with room to spare). */
export const MAX_DISPLAY_REPLY = 64 * 1024;
/** GET_DISPLAY_INFO's reply is virtio-gpu's `virtio_gpu_resp_display_info`: a control header, then 16 modes. */
export const DisplayInfoReply = { type: 0, pmodes: GpuWireSize.CtrlHdr } as const;
/** One `virtio_gpu_display_one` of that reply (`GpuWireSize.DisplayOne` bytes). */
export const DisplayOne = { x: 0, y: 4, width: 8, height: 12, enabled: 16, flags: 20 } as const;
