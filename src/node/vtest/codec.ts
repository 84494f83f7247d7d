// The vtest message codec (virglrenderer vtest/vtest_protocol.h): requests as Mesa's virpipe writes them, decoded
// into typed requests and encoded back, through the word layouts of ./protocol.ts only. A request that cannot be
// read is a VtestError value, never an exception.
import type { ResourceCreate3D, Transfer3D } from "../../rutabaga/types.ts";
import {
  BoxWord,
  BusyWaitWord,
  MAX_RENDERER_NAME_CHARS,
  ProtocolVersionWord,
  ResourceCreateWord,
  ResourceUnrefWord,
  Transfer2Word,
  TransferWord,
  VtestCommand,
  VtestHeader,
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
  | { command: typeof VtestCommand.ResourceBusyWait; handle: number; flags: number };

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

/** Decodes the payload of `command` (the header already read); unknown commands and short payloads are refused. */
export function decodeVtestRequest(command: number, payload: Uint8Array): VtestRequest | VtestError {
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
  }
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
