// vtest: virglrenderer's socket protocol (vtest/vtest_protocol.h), as Mesa's virpipe (protocol 2 and 3) and venus
// (protocol 3) clients speak it. Every message is little-endian u32 words: [length, command id] then the payload.

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
  // Protocol 3 (virglrenderer's VIRGL_RENDERER_UNSTABLE_APIS).
  GetParam: 15,
  GetCapset: 16,
  ContextInit: 17,
  ResourceCreateBlob: 18,
  SyncCreate: 19,
  SyncUnref: 20,
  SyncRead: 21,
  SyncWrite: 22,
  SyncWait: 23,
  SubmitCmd2: 24,
} as const;

/** Reply id of GET_CAPS2 (not 9: the caps2 answer reuses id 2). */
export const CAPS2_REPLY_ID = 2;
/**
 * Highest protocol version served: 3 (contexts of any capset, blobs, timeline syncs, SUBMIT_CMD2; resource ids
 * chosen by the server). 2 added shared-memory backing and TRANSFER_*2; 1 is folded into 0, as virglrenderer does.
 */
export const VTEST_MAX_PROTOCOL_VERSION = 3;
/** The first version whose RESOURCE_CREATE/CREATE2 carry handle 0 and are answered with the server's id. */
export const VTEST_SERVER_RESOURCE_IDS_VERSION = 3;
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
/** GET_PARAM: which parameter; answered with 2 words (valid, value). */
export const GetParamWord = { param: 0 } as const;
/** GET_CAPSET: answered with `valid` then, when valid, the capset's words. */
export const GetCapsetWord = { id: 0, version: 1 } as const;
/** CONTEXT_INIT: the capset of the client's one context (not 0); no reply. */
export const ContextInitWord = { capsetId: 0 } as const;
/** RESOURCE_CREATE_BLOB: 64-bit size and blob id as lo/hi words; answered with the resource id, then one fd. */
export const ResourceCreateBlobWord = { type: 0, flags: 1, sizeLo: 2, sizeHi: 3, blobIdLo: 4, blobIdHi: 5 } as const;
/** SYNC_CREATE: the initial 64-bit value; answered with the sync id. */
export const SyncCreateWord = { valueLo: 0, valueHi: 1 } as const;
/** SYNC_UNREF and SYNC_READ (answered with the 64-bit value as 2 words). */
export const SyncIdWord = { id: 0 } as const;
/** SYNC_WRITE. */
export const SyncWriteWord = { id: 0, valueLo: 1, valueHi: 2 } as const;
/** SYNC_WAIT: flags, timeout (ms), then `(id, value lo, value hi)` triples; answered with an empty reply and one fd. */
export const SyncWaitWord = { flags: 0, timeout: 1, syncs: 2 } as const;
/** One `(sync id, value lo, value hi)` triple of SYNC_WAIT and SUBMIT_CMD2. */
export const SyncPointWord = { id: 0, valueLo: 1, valueHi: 2, WORDS: 3 } as const;
/** SUBMIT_CMD2: the batch count, then one 8-word header per batch; offsets and sizes count words of the payload. */
export const SubmitCmd2Word = { batchCount: 0, batches: 1 } as const;
/** One SUBMIT_CMD2 batch header (words 6 and 7 carry syncobj counts in protocol 4; unused in 3). */
export const SubmitBatchWord = {
  flags: 0,
  cmdOffset: 1,
  cmdSize: 2,
  syncOffset: 3,
  syncCount: 4,
  ringIdx: 5,
  WORDS: 8,
} as const;

/** Payload words of fixed-size requests. */
export const VtestWords = {
  ResourceCreate: 10,
  ResourceCreate2: 11,
  ResourceUnref: 1,
  Transfer: 11,
  Transfer2: 10,
  BusyWait: 2,
  ProtocolVersion: 1,
  GetParam: 1,
  GetCapset: 2,
  ContextInit: 1,
  ResourceCreateBlob: 6,
  SyncCreate: 2,
  SyncUnref: 1,
  SyncRead: 1,
  SyncWrite: 3,
} as const;

/** GET_PARAM parameters. */
export const VtestParam = {
  /** How many rings (timelines) SUBMIT_CMD2 may fence on. */
  MaxTimelineCount: 1,
} as const;
/** Timelines offered (virglrenderer's server offers 64): SUBMIT_CMD2's `ring_idx` is below it. */
export const VTEST_MAX_TIMELINE_COUNT = 64;

/** RESOURCE_CREATE_BLOB types (virtio-gpu's blob memory kinds). */
export const VtestBlobType = { Guest: 1, Host3D: 2, Host3DGuest: 3 } as const;
/** RESOURCE_CREATE_BLOB flags. */
export const VtestBlobFlag = { Mappable: 1 << 0, Shareable: 1 << 1, CrossDevice: 1 << 2 } as const;
/** SYNC_WAIT flags: ANY signals when one sync reaches its value, else all must. */
export const VtestSyncWaitFlag = { Any: 1 << 0 } as const;
/** A SYNC_WAIT timeout above this (ms) waits forever. */
export const VTEST_SYNC_WAIT_FOREVER_MS = 0x7fff_ffff;
/** SUBMIT_CMD2 batch flags: RING_IDX fences the batch's syncs on ring `ringIdx`; the fence-fd flags are protocol 4's. */
export const VtestSubmitFlag = { RingIdx: 1 << 0, InFenceFd: 1 << 1, OutFenceFd: 1 << 2 } as const;

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
  /** Timeline syncs one client may hold (default 4096). */
  maxSyncs: number;
  /** SYNC_WAITs one client may have pending (default 1024); each holds an eventfd. */
  maxPendingWaits: number;
  /** Syncs one SYNC_WAIT or one SUBMIT_CMD2 batch may name (default 256). */
  maxSyncsPerRequest: number;
  /** Batches of one SUBMIT_CMD2 (default 64). */
  maxBatches: number;
  /** Submits one client may have waiting on a ring fence, all rings together (default 4096). */
  maxPendingSubmits: number;
}

/** The defaults of {@link VtestLimits}. */
export const DEFAULT_VTEST_LIMITS: VtestLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxShmBytes: 1024 * 1024 * 1024,
  hostMemoryLimit: 256 * 1024 * 1024,
  maxResources: 65536,
  maxSyncs: 4096,
  maxPendingWaits: 1024,
  maxSyncsPerRequest: 256,
  maxBatches: 64,
  maxPendingSubmits: 4096,
};
