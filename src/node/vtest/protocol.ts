// vtest: virglrenderer's socket protocol (vtest/vtest_protocol.h), as Mesa 22.3's virpipe driver speaks it.
// Every message is little-endian u32 words: [length, command id] then the payload.

/** Command ids. */
export const VtestCommand = {
  GetCaps: 1,
  ResourceCreate: 2,
  ResourceUnref: 3,
  TransferGet: 4,
  TransferPut: 5,
  SubmitCmd: 6,
  ResourceBusyWait: 7,
  CreateRenderer: 8,
  GetCaps2: 9,
  PingProtocolVersion: 10,
  ProtocolVersion: 11,
  ResourceCreate2: 12,
  TransferGet2: 13,
  TransferPut2: 14,
} as const;

/** Reply id of GET_CAPS2 (not 9: the caps2 answer reuses id 2). */
export const CAPS2_REPLY_ID = 2;
/** Highest protocol version served: 2 (shm backing, TRANSFER_*2); 3 needs virglrenderer's unstable APIs. */
export const VTEST_MAX_PROTOCOL_VERSION = 2;
/** Where Mesa 22.3 connects (it ignores VTEST_SOCKET_NAME). */
export const DEFAULT_VTEST_SOCKET = "/tmp/.virgl_test";
/** The `[length, id]` header every message starts with (`VTEST_HDR_SIZE` words). */
export const VtestHeader = { length: 0, command: 1, WORDS: 2 } as const;
/** Bytes of the header. */
export const VTEST_HEADER_SIZE = VtestHeader.WORDS * 4;

/** RESOURCE_CREATE (10 words) and RESOURCE_CREATE2 (11: `dataSize` added), by word (`VCMD_RES_CREATE_*`). */
export const ResourceCreateWord = {
  handle: 0,
  target: 1,
  format: 2,
  bind: 3,
  width: 4,
  height: 5,
  depth: 6,
  arraySize: 7,
  lastLevel: 8,
  nrSamples: 9,
  dataSize: 10,
} as const;
/** A transfer's box, six words from where the transfer puts it. */
export const BoxWord = { x: 0, y: 1, z: 2, w: 3, h: 4, d: 5 } as const;
/** TRANSFER_GET/PUT (protocol 0): 11 words; PUT's `dataSize` bytes follow inline, GET's come back raw. */
export const TransferWord = { handle: 0, level: 1, stride: 2, layerStride: 3, box: 4, dataSize: 10 } as const;
/** TRANSFER_GET2/PUT2: 10 words; the data moves through the resource's shared memory at `offset`. */
export const Transfer2Word = { handle: 0, level: 1, box: 2, dataSize: 8, offset: 9 } as const;
/** RESOURCE_UNREF. */
export const ResourceUnrefWord = { handle: 0 } as const;
/** RESOURCE_BUSY_WAIT. */
export const BusyWaitWord = { handle: 0, flags: 1 } as const;
/** PROTOCOL_VERSION, both ways. */
export const ProtocolVersionWord = { version: 0 } as const;

/** Payload words of fixed-size requests. */
export const VtestWords = {
  ResourceCreate: 10,
  ResourceCreate2: 11,
  ResourceUnref: 1,
  Transfer: 11,
  Transfer2: 10,
  BusyWait: 2,
  ProtocolVersion: 1,
} as const;

/** `RESOURCE_BUSY_WAIT` flags: bit 0 asks the server to wait until idle. */
export const VTEST_BUSY_WAIT_FLAG_WAIT = 1;
/** Longest CREATE_RENDERER name accepted (its length word counts bytes, not words). */
export const MAX_RENDERER_NAME_BYTES = 4096;
/** Characters of the CREATE_RENDERER name kept (for logs and the context's debug name). */
export const MAX_RENDERER_NAME_CHARS = 256;

/** Limits one client cannot exceed; past them the client is dropped (vtest has no error replies). */
export interface VtestLimits {
  /** Largest message payload: a submit or an inline transfer (default 16 MiB, virgl's own submit limit). */
  maxMessageBytes: number;
  /** Shared memory (memfd backing) one client may hold (default 1 GiB). */
  maxShmBytes: number;
  /** Host memory for its resources (default 256 MiB, the library's limit). */
  hostMemoryLimit: number;
  /** Resources one client may hold (default 65536). */
  maxResources: number;
}

/** The defaults of {@link VtestLimits}. */
export const DEFAULT_VTEST_LIMITS: VtestLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxShmBytes: 1024 * 1024 * 1024,
  hostMemoryLimit: 256 * 1024 * 1024,
  maxResources: 65536,
};
