import type { CtrlHeader, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
import { GpuCommandType, GpuWireSize as S } from "./protocol.ts";

/** Why a request could not be decoded; the device turns it into a response at its edge. */
export const DecodeFailure = {
  ShortHeader: "short-header",
  UnknownType: "unknown-type",
  ShortRequest: "short-request",
  TooManyEntries: "too-many-entries",
} as const;
/** One of the {@link DecodeFailure} values. */
export type DecodeFailure = (typeof DecodeFailure)[keyof typeof DecodeFailure];

/** Decoding result: a command, or why not. */
export type Decoded =
  | { ok: true; hdr: CtrlHeader; command: GpuCommand }
  | { ok: false; hdr: CtrlHeader | undefined; why: DecodeFailure };

/** Most `mem_entry` items one attach or blob request may carry: 1 GiB in scattered 4 KiB pages. */
export const MAX_MEM_ENTRIES = 1 << 18;

const DEBUG_NAME_BYTES = 64;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Reads `virtio_gpu_ctrl_hdr` at 0. */
export function decodeHeader(v: DataView): CtrlHeader {
  return {
    type: v.getUint32(0, true),
    flags: v.getUint32(4, true),
    fenceId: v.getBigUint64(8, true),
    ctxId: v.getUint32(16, true),
    ringIdx: v.getUint8(20),
  };
}

function rect(v: DataView, at: number): GpuRect {
  return {
    x: v.getUint32(at, true),
    y: v.getUint32(at + 4, true),
    width: v.getUint32(at + 8, true),
    height: v.getUint32(at + 12, true),
  };
}

/** The entry list, or why it cannot be read. */
type Entries = { ok: true; list: MemEntry[] } | { ok: false; why: DecodeFailure };

function entries(v: DataView, at: number, count: number, length: number): Entries {
  if (count > MAX_MEM_ENTRIES) return { ok: false, why: DecodeFailure.TooManyEntries };
  if (at + count * S.MemEntry > length) return { ok: false, why: DecodeFailure.ShortRequest };
  const out: MemEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = at + i * S.MemEntry;
    out[i] = { addr: v.getBigUint64(p, true), length: v.getUint32(p + 8, true) };
  }
  return { ok: true, list: out };
}

const u32 = (v: DataView, at: number) => v.getUint32(at, true);

/**
 * Decodes one request from the first `length` bytes of `bytes`, read through `view` (a DataView over the same
 * buffer, made once by the caller). `SUBMIT_3D`'s command bytes are a view into `bytes`.
 */
export function decodeCommand(bytes: Uint8Array, view: DataView, length: number): Decoded {
  if (length < S.CtrlHdr) return { ok: false, hdr: undefined, why: DecodeFailure.ShortHeader };
  const hdr = decodeHeader(view);
  const need = (n: number) => length >= n;
  const fail = (why: DecodeFailure): Decoded => ({ ok: false, hdr, why });
  const done = (command: GpuCommand): Decoded => ({ ok: true, hdr, command });
  const v = view;
  const T = GpuCommandType;
  switch (hdr.type) {
    case T.GetDisplayInfo:
      return done({ type: T.GetDisplayInfo });
    case T.ResourceCreate2d:
      if (!need(S.ResourceCreate2d)) return fail(DecodeFailure.ShortRequest);
      return done({
        type: T.ResourceCreate2d,
        resourceId: u32(v, 24),
        format: u32(v, 28),
        width: u32(v, 32),
        height: u32(v, 36),
      });
    case T.ResourceUnref:
    case T.ResourceDetachBacking:
    case T.ResourceAssignUuid:
    case T.CtxAttachResource:
    case T.CtxDetachResource:
    case T.ResourceUnmapBlob:
      if (!need(32)) return fail(DecodeFailure.ShortRequest);
      return done({ type: hdr.type, resourceId: u32(v, 24) });
    case T.SetScanout:
      if (!need(S.SetScanout)) return fail(DecodeFailure.ShortRequest);
      return done({ type: T.SetScanout, rect: rect(v, 24), scanoutId: u32(v, 40), resourceId: u32(v, 44) });
    case T.ResourceFlush:
      if (!need(S.ResourceFlush)) return fail(DecodeFailure.ShortRequest);
      return done({ type: T.ResourceFlush, rect: rect(v, 24), resourceId: u32(v, 40) });
    case T.TransferToHost2d:
      if (!need(S.TransferToHost2d)) return fail(DecodeFailure.ShortRequest);
      return done({
        type: T.TransferToHost2d,
        rect: rect(v, 24),
        offset: v.getBigUint64(40, true),
        resourceId: u32(v, 48),
      });
    case T.ResourceAttachBacking: {
      if (!need(S.ResourceAttachBacking)) return fail(DecodeFailure.ShortRequest);
      const list = entries(v, S.ResourceAttachBacking, u32(v, 28), length);
      if (!list.ok) return fail(list.why);
      return done({ type: T.ResourceAttachBacking, resourceId: u32(v, 24), entries: list.list });
    }
    case T.GetCapsetInfo:
      if (!need(S.GetCapsetInfo)) return fail(DecodeFailure.ShortRequest);
      return done({ type: T.GetCapsetInfo, capsetIndex: u32(v, 24) });
    case T.GetCapset:
      if (!need(S.GetCapset)) return fail(DecodeFailure.ShortRequest);
      return done({ type: T.GetCapset, capsetId: u32(v, 24), capsetVersion: u32(v, 28) });
    case T.GetEdid:
      if (!need(S.GetEdid)) return fail(DecodeFailure.ShortRequest);
      return done({ type: T.GetEdid, scanoutId: u32(v, 24) });
    case T.ResourceCreateBlob: {
      if (!need(S.ResourceCreateBlob)) return fail(DecodeFailure.ShortRequest);
      const list = entries(v, S.ResourceCreateBlob, u32(v, 36), length);
      if (!list.ok) return fail(list.why);
      return done({
        type: T.ResourceCreateBlob,
        resourceId: u32(v, 24),
        blobMem: u32(v, 28),
        blobFlags: u32(v, 32),
        blobId: v.getBigUint64(40, true),
        size: v.getBigUint64(48, true),
        entries: list.list,
      });
    }
    case T.SetScanoutBlob:
      if (!need(S.SetScanoutBlob)) return fail(DecodeFailure.ShortRequest);
      return done({
        type: T.SetScanoutBlob,
        rect: rect(v, 24),
        scanoutId: u32(v, 40),
        resourceId: u32(v, 44),
        width: u32(v, 48),
        height: u32(v, 52),
        format: u32(v, 56),
        strides: [u32(v, 64), u32(v, 68), u32(v, 72), u32(v, 76)],
        offsets: [u32(v, 80), u32(v, 84), u32(v, 88), u32(v, 92)],
      });
    case T.CtxCreate: {
      if (!need(S.CtxCreate)) return fail(DecodeFailure.ShortRequest);
      const nameLength = Math.min(u32(v, 24), DEBUG_NAME_BYTES);
      const debugName = utf8.decode(bytes.subarray(32, 32 + nameLength));
      return done({ type: T.CtxCreate, contextInit: u32(v, 28), debugName });
    }
    case T.CtxDestroy:
      return done({ type: T.CtxDestroy });
    case T.ResourceCreate3d:
      if (!need(S.ResourceCreate3d)) return fail(DecodeFailure.ShortRequest);
      return done({
        type: T.ResourceCreate3d,
        resourceId: u32(v, 24),
        target: u32(v, 28),
        format: u32(v, 32),
        bind: u32(v, 36),
        width: u32(v, 40),
        height: u32(v, 44),
        depth: u32(v, 48),
        arraySize: u32(v, 52),
        lastLevel: u32(v, 56),
        nrSamples: u32(v, 60),
        flags: u32(v, 64),
      });
    case T.TransferToHost3d:
    case T.TransferFromHost3d:
      if (!need(S.TransferHost3d)) return fail(DecodeFailure.ShortRequest);
      return done({
        type: hdr.type,
        box: { x: u32(v, 24), y: u32(v, 28), z: u32(v, 32), w: u32(v, 36), h: u32(v, 40), d: u32(v, 44) },
        offset: v.getBigUint64(48, true),
        resourceId: u32(v, 56),
        level: u32(v, 60),
        stride: u32(v, 64),
        layerStride: u32(v, 68),
      });
    case T.Submit3d: {
      if (!need(S.CmdSubmit)) return fail(DecodeFailure.ShortRequest);
      const size = u32(v, 24);
      if (length - S.CmdSubmit < size) return fail(DecodeFailure.ShortRequest);
      return done({
        type: T.Submit3d,
        commands: bytes.subarray(S.CmdSubmit, S.CmdSubmit + size),
        numInFences: u32(v, 28),
      });
    }
    case T.ResourceMapBlob:
      if (!need(S.ResourceMapBlob)) return fail(DecodeFailure.ShortRequest);
      return done({ type: T.ResourceMapBlob, resourceId: u32(v, 24), offset: v.getBigUint64(32, true) });
    case T.UpdateCursor:
    case T.MoveCursor:
      if (!need(S.UpdateCursor)) return fail(DecodeFailure.ShortRequest);
      return done({
        type: hdr.type,
        scanoutId: u32(v, 24),
        x: u32(v, 28),
        y: u32(v, 32),
        resourceId: u32(v, 40),
        hotX: u32(v, 44),
        hotY: u32(v, 48),
      });
    default:
      return fail(DecodeFailure.UnknownType);
  }
}
