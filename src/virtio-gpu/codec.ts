import type { CtrlHeader, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
import { CTX_DEBUG_NAME_BYTES, GpuCommandType, GpuLayout, SCANOUT_BLOB_PLANES } from "./protocol.ts";

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

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Reads `virtio_gpu_ctrl_hdr` at 0. */
export function decodeHeader(v: DataView): CtrlHeader {
  const H = GpuLayout.CtrlHdr;
  return {
    type: v.getUint32(H.type, true),
    flags: v.getUint32(H.flags, true),
    fenceId: v.getBigUint64(H.fenceId, true),
    ctxId: v.getUint32(H.ctxId, true),
    ringIdx: v.getUint8(H.ringIdx),
  };
}

function rect(v: DataView, at: number): GpuRect {
  return {
    x: v.getUint32(at + GpuLayout.Rect.x, true),
    y: v.getUint32(at + GpuLayout.Rect.y, true),
    w: v.getUint32(at + GpuLayout.Rect.width, true),
    h: v.getUint32(at + GpuLayout.Rect.height, true),
  };
}

/** `count` u32 fields from `at`, 4 bytes apart. */
function u32s(v: DataView, at: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => v.getUint32(at + 4 * i, true));
}

/** The entry list, or why it cannot be read. */
type Entries = { ok: true; list: MemEntry[] } | { ok: false; why: DecodeFailure };

function entries(v: DataView, at: number, count: number, length: number): Entries {
  if (count > MAX_MEM_ENTRIES) return { ok: false, why: DecodeFailure.TooManyEntries };
  if (at + count * GpuLayout.MemEntry.size > length) return { ok: false, why: DecodeFailure.ShortRequest };
  const out: MemEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = at + i * GpuLayout.MemEntry.size;
    out[i] = {
      addr: v.getBigUint64(p + GpuLayout.MemEntry.addr, true),
      length: v.getUint32(p + GpuLayout.MemEntry.length, true),
    };
  }
  return { ok: true, list: out };
}

const fail = (hdr: CtrlHeader, why: DecodeFailure): Decoded => ({ ok: false, hdr, why });
const done = (hdr: CtrlHeader, command: GpuCommand): Decoded => ({ ok: true, hdr, command });
const u32 = (v: DataView, at: number) => v.getUint32(at, true);
const u64 = (v: DataView, at: number) => v.getBigUint64(at, true);

/**
 * Decodes one request from the first `length` bytes of `bytes`, read through `view` (a DataView over the same
 * buffer, made once by the caller). `SUBMIT_3D`'s command bytes are a view into `bytes`.
 */
export function decodeCommand(bytes: Uint8Array, view: DataView, length: number): Decoded {
  if (length < GpuLayout.CtrlHdr.size) return { ok: false, hdr: undefined, why: DecodeFailure.ShortHeader };
  const hdr = decodeHeader(view);
  const v = view;
  const T = GpuCommandType;
  switch (hdr.type) {
    case T.GetDisplayInfo:
      return done(hdr, { type: T.GetDisplayInfo });
    case T.ResourceCreate2d: {
      const F = GpuLayout.ResourceCreate2d;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: T.ResourceCreate2d,
        resourceId: u32(v, F.resourceId),
        format: u32(v, F.format),
        width: u32(v, F.width),
        height: u32(v, F.height),
      });
    }
    case T.ResourceUnref:
    case T.ResourceDetachBacking:
    case T.ResourceAssignUuid:
    case T.CtxAttachResource:
    case T.CtxDetachResource:
    case T.ResourceUnmapBlob: {
      // Every one of these is the header and a resource id (`virtio_gpu_resource_unref`'s layout).
      const F = GpuLayout.ResourceUnref;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, { type: hdr.type, resourceId: u32(v, F.resourceId) });
    }
    case T.SetScanout: {
      const F = GpuLayout.SetScanout;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: T.SetScanout,
        rect: rect(v, F.rect),
        scanoutId: u32(v, F.scanoutId),
        resourceId: u32(v, F.resourceId),
      });
    }
    case T.ResourceFlush: {
      const F = GpuLayout.ResourceFlush;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, { type: T.ResourceFlush, rect: rect(v, F.rect), resourceId: u32(v, F.resourceId) });
    }
    case T.TransferToHost2d: {
      const F = GpuLayout.TransferToHost2d;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: T.TransferToHost2d,
        rect: rect(v, F.rect),
        offset: u64(v, F.offset),
        resourceId: u32(v, F.resourceId),
      });
    }
    case T.ResourceAttachBacking: {
      const F = GpuLayout.ResourceAttachBacking;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      const list = entries(v, F.size, u32(v, F.nrEntries), length);
      if (!list.ok) return fail(hdr, list.why);
      return done(hdr, { type: T.ResourceAttachBacking, resourceId: u32(v, F.resourceId), entries: list.list });
    }
    case T.GetCapsetInfo: {
      const F = GpuLayout.GetCapsetInfo;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, { type: T.GetCapsetInfo, capsetIndex: u32(v, F.capsetIndex) });
    }
    case T.GetCapset: {
      const F = GpuLayout.GetCapset;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, { type: T.GetCapset, capsetId: u32(v, F.capsetId), capsetVersion: u32(v, F.capsetVersion) });
    }
    case T.GetEdid: {
      const F = GpuLayout.GetEdid;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, { type: T.GetEdid, scanoutId: u32(v, F.scanout) });
    }
    case T.ResourceCreateBlob: {
      const F = GpuLayout.ResourceCreateBlob;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      const list = entries(v, F.size, u32(v, F.nrEntries), length);
      if (!list.ok) return fail(hdr, list.why);
      return done(hdr, {
        type: T.ResourceCreateBlob,
        resourceId: u32(v, F.resourceId),
        blobMem: u32(v, F.blobMem),
        blobFlags: u32(v, F.blobFlags),
        blobId: u64(v, F.blobId),
        size: u64(v, F.blobSize),
        entries: list.list,
      });
    }
    case T.SetScanoutBlob: {
      const F = GpuLayout.SetScanoutBlob;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      const [s0, s1, s2, s3] = u32s(v, F.strides, SCANOUT_BLOB_PLANES) as [number, number, number, number];
      const [o0, o1, o2, o3] = u32s(v, F.offsets, SCANOUT_BLOB_PLANES) as [number, number, number, number];
      return done(hdr, {
        type: T.SetScanoutBlob,
        rect: rect(v, F.rect),
        scanoutId: u32(v, F.scanoutId),
        resourceId: u32(v, F.resourceId),
        width: u32(v, F.width),
        height: u32(v, F.height),
        format: u32(v, F.format),
        strides: [s0, s1, s2, s3],
        offsets: [o0, o1, o2, o3],
      });
    }
    case T.CtxCreate: {
      const F = GpuLayout.CtxCreate;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      const nameLength = Math.min(u32(v, F.nlen), CTX_DEBUG_NAME_BYTES);
      const debugName = utf8.decode(bytes.subarray(F.debugName, F.debugName + nameLength));
      return done(hdr, { type: T.CtxCreate, contextInit: u32(v, F.contextInit), debugName });
    }
    case T.CtxDestroy:
      return done(hdr, { type: T.CtxDestroy });
    case T.ResourceCreate3d: {
      const F = GpuLayout.ResourceCreate3d;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: T.ResourceCreate3d,
        resourceId: u32(v, F.resourceId),
        target: u32(v, F.target),
        format: u32(v, F.format),
        bind: u32(v, F.bind),
        width: u32(v, F.width),
        height: u32(v, F.height),
        depth: u32(v, F.depth),
        arraySize: u32(v, F.arraySize),
        lastLevel: u32(v, F.lastLevel),
        nrSamples: u32(v, F.nrSamples),
        flags: u32(v, F.flags),
      });
    }
    case T.TransferToHost3d:
    case T.TransferFromHost3d: {
      const F = GpuLayout.TransferHost3d;
      const B = GpuLayout.Box;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: hdr.type,
        box: {
          x: u32(v, F.box + B.x),
          y: u32(v, F.box + B.y),
          z: u32(v, F.box + B.z),
          w: u32(v, F.box + B.w),
          h: u32(v, F.box + B.h),
          d: u32(v, F.box + B.d),
        },
        offset: u64(v, F.offset),
        resourceId: u32(v, F.resourceId),
        level: u32(v, F.level),
        stride: u32(v, F.stride),
        layerStride: u32(v, F.layerStride),
      });
    }
    case T.Submit3d: {
      const F = GpuLayout.CmdSubmit;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      const size = u32(v, F.commandsSize);
      if (length - F.size < size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: T.Submit3d,
        commands: bytes.subarray(F.size, F.size + size),
        numInFences: u32(v, F.numInFences),
      });
    }
    case T.ResourceMapBlob: {
      const F = GpuLayout.ResourceMapBlob;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, { type: T.ResourceMapBlob, resourceId: u32(v, F.resourceId), offset: u64(v, F.offset) });
    }
    case T.UpdateCursor:
    case T.MoveCursor: {
      const F = GpuLayout.UpdateCursor;
      const P = GpuLayout.CursorPos;
      if (length < F.size) return fail(hdr, DecodeFailure.ShortRequest);
      return done(hdr, {
        type: hdr.type,
        scanoutId: u32(v, F.pos + P.scanoutId),
        x: u32(v, F.pos + P.x),
        y: u32(v, F.pos + P.y),
        resourceId: u32(v, F.resourceId),
        hotX: u32(v, F.hotX),
        hotY: u32(v, F.hotY),
      });
    }
    default:
      return fail(hdr, DecodeFailure.UnknownType);
  }
}
