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
/** Bytes of the `[length, id]` header. */
export const VTEST_HEADER_SIZE = 8;

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
