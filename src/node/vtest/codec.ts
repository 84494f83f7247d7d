// The vtest message codec (virglrenderer vtest/vtest_protocol.h): requests as Mesa's virpipe and venus clients write
// them, decoded into typed requests and encoded back, through the word layouts of ./protocol.ts only. A request that
// cannot be read is a VtestError value, never an exception. Framing is checked here (lengths, offsets, counts against
// the payload and the per-request limits); ids are checked by the session.
import type { ResourceCreate3D, Transfer3D } from "../../rutabaga/types.ts";
import {
  BoxWord,
  BusyWaitWord,
  ContextInitWord,
  DEFAULT_VTEST_LIMITS,
  GetCapsetWord,
  GetParamWord,
  MAX_RENDERER_NAME_CHARS,
  ProtocolVersionWord,
  ResourceCreateBlobWord,
  ResourceCreateWord,
  ResourceUnrefWord,
  SubmitBatchWord,
  SubmitCmd2Word,
  SyncCreateWord,
  SyncIdWord,
  SyncPointWord,
  SyncWaitWord,
  SyncWriteWord,
  Transfer2Word,
  TransferWord,
  VTEST_MAX_TIMELINE_COUNT,
  VtestCommand,
  VtestHeader,
  type VtestLimits,
  VtestSubmitFlag,
  VtestWords,
} from "./protocol.ts";
import { VtestError } from "./vtest-error.ts";

/** A client request, decoded. */
export type VtestRequest =
  | { command: typeof VtestCommand.CreateRenderer; name: string }
  | { command: typeof VtestCommand.PingProtocolVersion }
  | { command: typeof VtestCommand.ProtocolVersion; version: number }
  | { command: typeof VtestCommand.GetCaps | typeof VtestCommand.GetCaps2 }
  | {
      command: typeof VtestCommand.ResourceCreate | typeof VtestCommand.ResourceCreate2;
      handle: number;
      create: ResourceCreate3D;
      /** Bytes of shared memory the server creates (RESOURCE_CREATE2; 0 for RESOURCE_CREATE). */
      dataSize: number;
    }
  | { command: typeof VtestCommand.ResourceUnref; handle: number }
  | {
      command: typeof VtestCommand.TransferGet | typeof VtestCommand.TransferPut;
      handle: number;
      transfer: Transfer3D;
      dataSize: number;
      /** TRANSFER_PUT's inline bytes (exactly `dataSize`); empty for TRANSFER_GET. */
      data: Uint8Array;
    }
  | {
      command: typeof VtestCommand.TransferGet2 | typeof VtestCommand.TransferPut2;
      handle: number;
      /** The box, level and `offset` into the shared memory; strides are the level's own. */
      transfer: Transfer3D;
      /** What the client says it moves; the server does not use it. */
      dataSize: number;
    }
  | { command: typeof VtestCommand.SubmitCmd; commands: Uint8Array }
  | { command: typeof VtestCommand.ResourceBusyWait; handle: number; flags: number }
  | { command: typeof VtestCommand.GetParam; param: number }
  | { command: typeof VtestCommand.GetCapset; id: number; version: number }
  | { command: typeof VtestCommand.ContextInit; capsetId: number }
  | { command: typeof VtestCommand.ResourceCreateBlob; type: number; flags: number; size: bigint; blobId: bigint }
  | { command: typeof VtestCommand.SyncCreate; value: bigint }
  | { command: typeof VtestCommand.SyncUnref | typeof VtestCommand.SyncRead; id: number }
  | { command: typeof VtestCommand.SyncWrite; id: number; value: bigint }
  | {
      command: typeof VtestCommand.SyncWait;
      flags: number;
      /** Milliseconds; above `VTEST_SYNC_WAIT_FOREVER_MS` waits forever. */
      timeoutMs: number;
      /** `(id, value lo, value hi)` triples (see {@link syncPoints}). */
      syncs: Uint32Array;
    }
  | { command: typeof VtestCommand.SubmitCmd2; batches: SubmitBatch[] };

/** One SUBMIT_CMD2 batch, with its commands and syncs cut out of the payload. */
export interface SubmitBatch {
  /** `VtestSubmitFlag` bits: only RING_IDX is accepted. */
  flags: number;
  /** The batch's command stream (a view into the payload). */
  commands: Uint8Array;
  /** `(id, value lo, value hi)` triples written when the batch is done (see {@link syncPoints}). */
  syncs: Uint32Array;
  /** The ring the syncs are fenced on when `flags` has RING_IDX; below `VTEST_MAX_TIMELINE_COUNT`. */
  ringIdx: number;
}

/** What the decoder bounds per request. */
export type VtestDecodeLimits = Pick<VtestLimits, "maxSyncsPerRequest" | "maxBatches">;

/** `(id, value)` pairs as the client wrote them, for encoding requests and for tests. */
export function syncPoints(points: readonly { id: number; value: bigint }[]): Uint32Array {
  const out = new Uint32Array(points.length * SyncPointWord.WORDS);
  for (const [i, p] of points.entries()) {
    const at = i * SyncPointWord.WORDS;
    out[at + SyncPointWord.id] = p.id;
    out[at + SyncPointWord.valueLo] = Number(p.value & 0xffff_ffffn);
    out[at + SyncPointWord.valueHi] = Number((p.value >> 32n) & 0xffff_ffffn);
  }
  return out;
}

/** A copy of `count` sync triples at word `at` of the payload (a copy: the payload may not be word-aligned). */
function triples(payload: Uint8Array, at: number, count: number): Uint32Array {
  const out = new Uint32Array(count * SyncPointWord.WORDS);
  new Uint8Array(out.buffer).set(payload.subarray(at * 4, (at + count * SyncPointWord.WORDS) * 4));
  return out;
}

function u64(w: (index: number) => number, lo: number, hi: number): bigint {
  return (BigInt(w(hi)) << 32n) | BigInt(w(lo));
}

/** SUBMIT_CMD2: the batch headers, each batch's commands and syncs inside the payload, flags and ring known. */
function decodeSubmitCmd2(payload: Uint8Array, limits: VtestDecodeLimits): VtestRequest | VtestError {
  const total = payload.length >>> 2;
  if (payload.length % 4 !== 0 || total < 1) return new VtestError(`SUBMIT_CMD2: ${payload.length} bytes`);
  const v = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const word = (i: number) => v.getUint32(i * 4, true);
  const count = word(SubmitCmd2Word.batchCount);
  if (count > limits.maxBatches) return new VtestError(`SUBMIT_CMD2: ${count} batches (limit ${limits.maxBatches})`);
  if (SubmitCmd2Word.batches + count * SubmitBatchWord.WORDS > total)
    return new VtestError(`SUBMIT_CMD2: ${count} batch headers do not fit ${total} words`);
  const batches: SubmitBatch[] = [];
  for (let b = 0; b < count; b++) {
    const h = SubmitCmd2Word.batches + b * SubmitBatchWord.WORDS;
    const B = SubmitBatchWord;
    const flags = word(h + B.flags);
    const cmdOffset = word(h + B.cmdOffset);
    const cmdSize = word(h + B.cmdSize);
    const syncOffset = word(h + B.syncOffset);
    const syncCount = word(h + B.syncCount);
    const ringIdx = word(h + B.ringIdx);
    if ((flags & ~VtestSubmitFlag.RingIdx) !== 0)
      return new VtestError(`SUBMIT_CMD2 batch ${b}: flags ${flags} (fence fds are not served)`);
    if (ringIdx >= VTEST_MAX_TIMELINE_COUNT)
      return new VtestError(`SUBMIT_CMD2 batch ${b}: ring ${ringIdx} (${VTEST_MAX_TIMELINE_COUNT} timelines)`);
    if (cmdOffset + cmdSize > total) return new VtestError(`SUBMIT_CMD2 batch ${b}: commands past the payload`);
    if (syncCount > limits.maxSyncsPerRequest)
      return new VtestError(`SUBMIT_CMD2 batch ${b}: ${syncCount} syncs (limit ${limits.maxSyncsPerRequest})`);
    if (syncOffset + syncCount * SyncPointWord.WORDS > total)
      return new VtestError(`SUBMIT_CMD2 batch ${b}: syncs past the payload`);
    batches.push({
      flags,
      commands: payload.subarray(cmdOffset * 4, (cmdOffset + cmdSize) * 4),
      syncs: triples(payload, syncOffset, syncCount),
      ringIdx,
    });
  }
  return { command: VtestCommand.SubmitCmd2, batches };
}

/** Reads the payload's words by index; a payload shorter than `count` words is refused as `what`. */
function words(payload: Uint8Array, count: number, what: string): ((index: number) => number) | VtestError {
  if (payload.length < count * 4) return new VtestError(`${what}: ${payload.length} bytes, ${count * 4} needed`);
  const v = new DataView(payload.buffer, payload.byteOffset, count * 4);
  return (index) => v.getUint32(index * 4, true);
}

function box(w: (index: number) => number, at: number) {
  return {
    x: w(at + BoxWord.x),
    y: w(at + BoxWord.y),
    z: w(at + BoxWord.z),
    w: w(at + BoxWord.w),
    h: w(at + BoxWord.h),
    d: w(at + BoxWord.d),
  };
}

/**
 * Decodes the payload of `command` (the header already read); unknown commands, short payloads and requests past
 * `limits` (sync and batch counts) are refused.
 */
export function decodeVtestRequest(
  command: number,
  payload: Uint8Array,
  limits: VtestDecodeLimits = DEFAULT_VTEST_LIMITS,
): VtestRequest | VtestError {
  switch (command) {
    case VtestCommand.CreateRenderer: {
      const end = payload.indexOf(0);
      const name = new TextDecoder().decode(payload.subarray(0, end < 0 ? payload.length : end));
      return { command, name: name.slice(0, MAX_RENDERER_NAME_CHARS) };
    }
    case VtestCommand.PingProtocolVersion:
    case VtestCommand.GetCaps:
    case VtestCommand.GetCaps2:
      return { command };
    case VtestCommand.ProtocolVersion: {
      const w = words(payload, VtestWords.ProtocolVersion, "PROTOCOL_VERSION");
      return w instanceof VtestError ? w : { command, version: w(ProtocolVersionWord.version) };
    }
    case VtestCommand.ResourceCreate:
    case VtestCommand.ResourceCreate2: {
      const v2 = command === VtestCommand.ResourceCreate2;
      const w = words(payload, v2 ? VtestWords.ResourceCreate2 : VtestWords.ResourceCreate, "RESOURCE_CREATE");
      if (w instanceof VtestError) return w;
      const R = ResourceCreateWord;
      return {
        command,
        handle: w(R.handle),
        create: {
          target: w(R.target),
          format: w(R.format),
          bind: w(R.bind),
          width: w(R.width),
          height: w(R.height),
          depth: w(R.depth),
          arraySize: w(R.arraySize),
          lastLevel: w(R.lastLevel),
          nrSamples: w(R.nrSamples),
          flags: 0,
        },
        dataSize: v2 ? w(R.dataSize) : 0,
      };
    }
    case VtestCommand.ResourceUnref: {
      const w = words(payload, VtestWords.ResourceUnref, "RESOURCE_UNREF");
      return w instanceof VtestError ? w : { command, handle: w(ResourceUnrefWord.handle) };
    }
    case VtestCommand.TransferGet:
    case VtestCommand.TransferPut: {
      const w = words(payload, VtestWords.Transfer, "TRANSFER");
      if (w instanceof VtestError) return w;
      const T = TransferWord;
      const dataSize = w(T.dataSize);
      let data: Uint8Array = new Uint8Array(0);
      if (command === VtestCommand.TransferPut) {
        const inline = payload.subarray(VtestWords.Transfer * 4);
        if (inline.length < dataSize)
          return new VtestError(`TRANSFER_PUT announces ${dataSize} bytes, carries ${inline.length}`);
        data = inline.subarray(0, dataSize);
      }
      const transfer: Transfer3D = {
        ...box(w, T.box),
        level: w(T.level),
        stride: w(T.stride),
        layerStride: w(T.layerStride),
        offset: 0,
      };
      return { command, handle: w(T.handle), transfer, dataSize, data };
    }
    case VtestCommand.TransferGet2:
    case VtestCommand.TransferPut2: {
      const w = words(payload, VtestWords.Transfer2, "TRANSFER2");
      if (w instanceof VtestError) return w;
      const T = Transfer2Word;
      const transfer: Transfer3D = {
        ...box(w, T.box),
        level: w(T.level),
        stride: 0,
        layerStride: 0,
        offset: w(T.offset),
      };
      return { command, handle: w(T.handle), transfer, dataSize: w(T.dataSize) };
    }
    case VtestCommand.SubmitCmd:
      return { command, commands: payload };
    case VtestCommand.ResourceBusyWait: {
      const w = words(payload, VtestWords.BusyWait, "RESOURCE_BUSY_WAIT");
      return w instanceof VtestError ? w : { command, handle: w(BusyWaitWord.handle), flags: w(BusyWaitWord.flags) };
    }
    case VtestCommand.GetParam: {
      const w = words(payload, VtestWords.GetParam, "GET_PARAM");
      return w instanceof VtestError ? w : { command, param: w(GetParamWord.param) };
    }
    case VtestCommand.GetCapset: {
      const w = words(payload, VtestWords.GetCapset, "GET_CAPSET");
      return w instanceof VtestError ? w : { command, id: w(GetCapsetWord.id), version: w(GetCapsetWord.version) };
    }
    case VtestCommand.ContextInit: {
      const w = words(payload, VtestWords.ContextInit, "CONTEXT_INIT");
      return w instanceof VtestError ? w : { command, capsetId: w(ContextInitWord.capsetId) };
    }
    case VtestCommand.ResourceCreateBlob: {
      const w = words(payload, VtestWords.ResourceCreateBlob, "RESOURCE_CREATE_BLOB");
      if (w instanceof VtestError) return w;
      const B = ResourceCreateBlobWord;
      return {
        command,
        type: w(B.type),
        flags: w(B.flags),
        size: u64(w, B.sizeLo, B.sizeHi),
        blobId: u64(w, B.blobIdLo, B.blobIdHi),
      };
    }
    case VtestCommand.SyncCreate: {
      const w = words(payload, VtestWords.SyncCreate, "SYNC_CREATE");
      return w instanceof VtestError ? w : { command, value: u64(w, SyncCreateWord.valueLo, SyncCreateWord.valueHi) };
    }
    case VtestCommand.SyncUnref:
    case VtestCommand.SyncRead: {
      const w = words(payload, VtestWords.SyncUnref, "SYNC_UNREF/READ");
      return w instanceof VtestError ? w : { command, id: w(SyncIdWord.id) };
    }
    case VtestCommand.SyncWrite: {
      const w = words(payload, VtestWords.SyncWrite, "SYNC_WRITE");
      if (w instanceof VtestError) return w;
      return { command, id: w(SyncWriteWord.id), value: u64(w, SyncWriteWord.valueLo, SyncWriteWord.valueHi) };
    }
    case VtestCommand.SyncWait: {
      const total = payload.length >>> 2;
      const rest = total - SyncWaitWord.syncs;
      if (payload.length % 4 !== 0 || rest < 0 || rest % SyncPointWord.WORDS !== 0)
        return new VtestError(`SYNC_WAIT: ${payload.length} bytes is not 2 + 3n words`);
      const count = rest / SyncPointWord.WORDS;
      if (count > limits.maxSyncsPerRequest)
        return new VtestError(`SYNC_WAIT: ${count} syncs (limit ${limits.maxSyncsPerRequest})`);
      const w = words(payload, SyncWaitWord.syncs, "SYNC_WAIT");
      if (w instanceof VtestError) return w;
      return {
        command,
        flags: w(SyncWaitWord.flags),
        timeoutMs: w(SyncWaitWord.timeout),
        syncs: triples(payload, SyncWaitWord.syncs, count),
      };
    }
    case VtestCommand.SubmitCmd2:
      return decodeSubmitCmd2(payload, limits);
    default:
      return new VtestError(`unknown command ${command}`);
  }
}

/** One message: the header (length in whole words; in bytes for CREATE_RENDERER) then `payload`. */
export function frameVtest(command: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(VtestHeader.WORDS * 4 + payload.length);
  const v = new DataView(out.buffer);
  const length = command === VtestCommand.CreateRenderer ? payload.length : payload.length >>> 2;
  v.setUint32(VtestHeader.length * 4, length, true);
  v.setUint32(VtestHeader.command * 4, command, true);
  out.set(payload, VtestHeader.WORDS * 4);
  return out;
}

/** Payload words of `count`, filled by index. */
function payloadWords(count: number, fill: (set: (index: number, value: number) => void) => void): Uint8Array {
  const out = new Uint8Array(count * 4);
  const v = new DataView(out.buffer);
  fill((index, value) => v.setUint32(index * 4, value, true));
  return out;
}

function setBox(set: (index: number, value: number) => void, at: number, t: Transfer3D): void {
  set(at + BoxWord.x, t.x);
  set(at + BoxWord.y, t.y);
  set(at + BoxWord.z, t.z);
  set(at + BoxWord.w, t.w);
  set(at + BoxWord.h, t.h);
  set(at + BoxWord.d, t.d);
}

/** The request's payload, as Mesa's virpipe writes it. */
export function encodeVtestPayload(r: VtestRequest): Uint8Array {
  switch (r.command) {
    case VtestCommand.CreateRenderer:
      return new TextEncoder().encode(`${r.name}\0`);
    case VtestCommand.PingProtocolVersion:
    case VtestCommand.GetCaps:
    case VtestCommand.GetCaps2:
      return new Uint8Array(0);
    case VtestCommand.ProtocolVersion:
      return payloadWords(VtestWords.ProtocolVersion, (set) => set(ProtocolVersionWord.version, r.version));
    case VtestCommand.ResourceCreate:
    case VtestCommand.ResourceCreate2: {
      const v2 = r.command === VtestCommand.ResourceCreate2;
      const R = ResourceCreateWord;
      return payloadWords(v2 ? VtestWords.ResourceCreate2 : VtestWords.ResourceCreate, (set) => {
        set(R.handle, r.handle);
        set(R.target, r.create.target);
        set(R.format, r.create.format);
        set(R.bind, r.create.bind);
        set(R.width, r.create.width);
        set(R.height, r.create.height);
        set(R.depth, r.create.depth);
        set(R.arraySize, r.create.arraySize);
        set(R.lastLevel, r.create.lastLevel);
        set(R.nrSamples, r.create.nrSamples);
        if (v2) set(R.dataSize, r.dataSize);
      });
    }
    case VtestCommand.ResourceUnref:
      return payloadWords(VtestWords.ResourceUnref, (set) => set(ResourceUnrefWord.handle, r.handle));
    case VtestCommand.TransferGet:
    case VtestCommand.TransferPut: {
      const T = TransferWord;
      const head = payloadWords(VtestWords.Transfer, (set) => {
        set(T.handle, r.handle);
        set(T.level, r.transfer.level);
        set(T.stride, r.transfer.stride);
        set(T.layerStride, r.transfer.layerStride);
        setBox(set, T.box, r.transfer);
        set(T.dataSize, r.dataSize);
      });
      // PUT's data follows, padded to whole words.
      const out = new Uint8Array(head.length + Math.ceil(r.data.length / 4) * 4);
      out.set(head);
      out.set(r.data, head.length);
      return out;
    }
    case VtestCommand.TransferGet2:
    case VtestCommand.TransferPut2: {
      const T = Transfer2Word;
      return payloadWords(VtestWords.Transfer2, (set) => {
        set(T.handle, r.handle);
        set(T.level, r.transfer.level);
        setBox(set, T.box, r.transfer);
        set(T.dataSize, r.dataSize);
        set(T.offset, r.transfer.offset);
      });
    }
    case VtestCommand.SubmitCmd:
      return r.commands;
    case VtestCommand.ResourceBusyWait:
      return payloadWords(VtestWords.BusyWait, (set) => {
        set(BusyWaitWord.handle, r.handle);
        set(BusyWaitWord.flags, r.flags);
      });
    case VtestCommand.GetParam:
      return payloadWords(VtestWords.GetParam, (set) => set(GetParamWord.param, r.param));
    case VtestCommand.GetCapset:
      return payloadWords(VtestWords.GetCapset, (set) => {
        set(GetCapsetWord.id, r.id);
        set(GetCapsetWord.version, r.version);
      });
    case VtestCommand.ContextInit:
      return payloadWords(VtestWords.ContextInit, (set) => set(ContextInitWord.capsetId, r.capsetId));
    case VtestCommand.ResourceCreateBlob: {
      const B = ResourceCreateBlobWord;
      return payloadWords(VtestWords.ResourceCreateBlob, (set) => {
        set(B.type, r.type);
        set(B.flags, r.flags);
        setU64(set, B.sizeLo, B.sizeHi, r.size);
        setU64(set, B.blobIdLo, B.blobIdHi, r.blobId);
      });
    }
    case VtestCommand.SyncCreate:
      return payloadWords(VtestWords.SyncCreate, (set) =>
        setU64(set, SyncCreateWord.valueLo, SyncCreateWord.valueHi, r.value),
      );
    case VtestCommand.SyncUnref:
    case VtestCommand.SyncRead:
      return payloadWords(VtestWords.SyncUnref, (set) => set(SyncIdWord.id, r.id));
    case VtestCommand.SyncWrite:
      return payloadWords(VtestWords.SyncWrite, (set) => {
        set(SyncWriteWord.id, r.id);
        setU64(set, SyncWriteWord.valueLo, SyncWriteWord.valueHi, r.value);
      });
    case VtestCommand.SyncWait: {
      const out = new Uint32Array(SyncWaitWord.syncs + r.syncs.length);
      out[SyncWaitWord.flags] = r.flags;
      out[SyncWaitWord.timeout] = r.timeoutMs;
      out.set(r.syncs, SyncWaitWord.syncs);
      return new Uint8Array(out.buffer);
    }
    case VtestCommand.SubmitCmd2:
      return encodeSubmitCmd2(r.batches);
  }
}

function setU64(set: (index: number, value: number) => void, lo: number, hi: number, value: bigint): void {
  set(lo, Number(value & 0xffff_ffffn));
  set(hi, Number((value >> 32n) & 0xffff_ffffn));
}

/** SUBMIT_CMD2 as Mesa's venus client lays it out: the headers, then each batch's commands, then its syncs. */
function encodeSubmitCmd2(batches: readonly SubmitBatch[]): Uint8Array {
  const B = SubmitBatchWord;
  let words = SubmitCmd2Word.batches + batches.length * B.WORDS;
  const at: { cmd: number; sync: number }[] = [];
  for (const b of batches) {
    const cmd = words;
    words += Math.ceil(b.commands.length / 4);
    at.push({ cmd, sync: words });
    words += b.syncs.length;
  }
  const out = new Uint32Array(words);
  const bytes = new Uint8Array(out.buffer);
  out[SubmitCmd2Word.batchCount] = batches.length;
  for (const [i, b] of batches.entries()) {
    const h = SubmitCmd2Word.batches + i * B.WORDS;
    out[h + B.flags] = b.flags;
    out[h + B.cmdOffset] = at[i]!.cmd;
    out[h + B.cmdSize] = Math.ceil(b.commands.length / 4);
    out[h + B.syncOffset] = at[i]!.sync;
    out[h + B.syncCount] = b.syncs.length / SyncPointWord.WORDS;
    out[h + B.ringIdx] = b.ringIdx;
    bytes.set(b.commands, at[i]!.cmd * 4);
    out.set(b.syncs, at[i]!.sync);
  }
  return bytes;
}

/** The whole message: header and payload. */
export function encodeVtestRequest(r: VtestRequest): Uint8Array {
  return frameVtest(r.command, encodeVtestPayload(r));
}

/** A server reply `[length, id]` + `values` (words). */
export function encodeVtestReply(id: number, values: readonly number[]): Uint8Array {
  return frameVtest(
    id,
    payloadWords(values.length, (set) => {
      for (const [i, value] of values.entries()) set(i, value);
    }),
  );
}

/** GET_CAPS/GET_CAPS2's reply: its length word is the caps' byte count + 1 (virglrenderer's vtest_send_caps*). */
export function encodeVtestCapsReply(id: number, caps: Uint8Array): Uint8Array {
  const out = new Uint8Array(VtestHeader.WORDS * 4 + caps.length);
  const v = new DataView(out.buffer);
  v.setUint32(VtestHeader.length * 4, caps.length + 1, true);
  v.setUint32(VtestHeader.command * 4, id, true);
  out.set(caps, VtestHeader.WORDS * 4);
  return out;
}
