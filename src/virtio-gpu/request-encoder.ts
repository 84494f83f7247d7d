import type { CtrlHeader, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
import { CTX_DEBUG_NAME_BYTES, GpuLayout as L, SCANOUT_BLOB_PLANES, GpuCommandType as T } from "./protocol.ts";

/** Header fields a driver sets on a request; the type comes from the command. */
export type RequestHeader = Partial<Omit<CtrlHeader, "type">>;

const NO_HEADER: RequestHeader = {};

function writeRect(v: DataView, at: number, r: GpuRect): void {
  v.setUint32(at + L.Rect.x, r.x, true);
  v.setUint32(at + L.Rect.y, r.y, true);
  v.setUint32(at + L.Rect.width, r.width, true);
  v.setUint32(at + L.Rect.height, r.height, true);
}

function writeEntries(v: DataView, at: number, entries: readonly MemEntry[]): void {
  entries.forEach((e, i) => {
    const p = at + i * L.MemEntry.size;
    v.setBigUint64(p + L.MemEntry.addr, e.addr, true);
    v.setUint32(p + L.MemEntry.length, e.length, true);
  });
}

/** Bytes a request for `c` takes on the wire. */
export function requestSize(c: GpuCommand): number {
  switch (c.type) {
    case T.GetDisplayInfo:
    case T.CtxDestroy:
      return L.CtrlHdr.size;
    case T.ResourceCreate2d:
      return L.ResourceCreate2d.size;
    case T.SetScanout:
      return L.SetScanout.size;
    case T.ResourceFlush:
      return L.ResourceFlush.size;
    case T.TransferToHost2d:
      return L.TransferToHost2d.size;
    case T.ResourceAttachBacking:
      return L.ResourceAttachBacking.size + c.entries.length * L.MemEntry.size;
    case T.ResourceCreateBlob:
      return L.ResourceCreateBlob.size + c.entries.length * L.MemEntry.size;
    case T.SetScanoutBlob:
      return L.SetScanoutBlob.size;
    case T.CtxCreate:
      return L.CtxCreate.size;
    case T.ResourceCreate3d:
      return L.ResourceCreate3d.size;
    case T.TransferToHost3d:
    case T.TransferFromHost3d:
      return L.TransferHost3d.size;
    case T.Submit3d:
      return L.CmdSubmit.size + c.commands.length;
    case T.ResourceMapBlob:
      return L.ResourceMapBlob.size;
    case T.UpdateCursor:
    case T.MoveCursor:
      return L.UpdateCursor.size;
    case T.GetCapsetInfo:
      return L.GetCapsetInfo.size;
    case T.GetCapset:
      return L.GetCapset.size;
    case T.GetEdid:
      return L.GetEdid.size;
    case T.ResourceUnref:
    case T.ResourceDetachBacking:
    case T.ResourceAssignUuid:
    case T.CtxAttachResource:
    case T.CtxDetachResource:
    case T.ResourceUnmapBlob:
      return L.ResourceUnref.size;
  }
}

/**
 * Encodes a request the way a guest driver lays it out: the driver-side counterpart of `decodeCommand`, used by the
 * mock driver, tests, fuzzers and benchmarks.
 */
export function encodeRequest(c: GpuCommand, hdr: RequestHeader = NO_HEADER): Uint8Array {
  const out = new Uint8Array(requestSize(c));
  encodeRequestInto(c, hdr, out, new DataView(out.buffer));
  return out;
}

/**
 * Encodes a request into the start of `out` (read through `v`, a DataView over the same bytes from offset 0, made
 * once by the caller) and returns its length: the way a driver reuses one buffer. `out` must hold
 * {@link requestSize} bytes, else a `RangeError`; the bytes used are zeroed first, so padding is zero.
 */
export function encodeRequestInto(c: GpuCommand, hdr: RequestHeader, out: Uint8Array, v: DataView): number {
  const size = requestSize(c);
  if (out.length < size || v.buffer !== out.buffer || v.byteOffset !== out.byteOffset) {
    throw new RangeError(`request of ${size} bytes does not fit the buffer of ${out.length}`);
  }
  out.fill(0, 0, size);
  const H = L.CtrlHdr;
  v.setUint32(H.type, c.type, true);
  v.setUint32(H.flags, hdr.flags ?? 0, true);
  v.setBigUint64(H.fenceId, hdr.fenceId ?? 0n, true);
  v.setUint32(H.ctxId, hdr.ctxId ?? 0, true);
  v.setUint8(H.ringIdx, hdr.ringIdx ?? 0);
  switch (c.type) {
    case T.GetDisplayInfo:
    case T.CtxDestroy:
      break;
    case T.ResourceCreate2d: {
      const F = L.ResourceCreate2d;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.format, c.format, true);
      v.setUint32(F.width, c.width, true);
      v.setUint32(F.height, c.height, true);
      break;
    }
    case T.ResourceUnref:
    case T.ResourceDetachBacking:
    case T.ResourceAssignUuid:
    case T.CtxAttachResource:
    case T.CtxDetachResource:
    case T.ResourceUnmapBlob:
      v.setUint32(L.ResourceUnref.resourceId, c.resourceId, true);
      break;
    case T.SetScanout: {
      const F = L.SetScanout;
      writeRect(v, F.rect, c.rect);
      v.setUint32(F.scanoutId, c.scanoutId, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      break;
    }
    case T.ResourceFlush: {
      const F = L.ResourceFlush;
      writeRect(v, F.rect, c.rect);
      v.setUint32(F.resourceId, c.resourceId, true);
      break;
    }
    case T.TransferToHost2d: {
      const F = L.TransferToHost2d;
      writeRect(v, F.rect, c.rect);
      v.setBigUint64(F.offset, c.offset, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      break;
    }
    case T.ResourceAttachBacking: {
      const F = L.ResourceAttachBacking;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.nrEntries, c.entries.length, true);
      writeEntries(v, F.size, c.entries);
      break;
    }
    case T.GetCapsetInfo:
      v.setUint32(L.GetCapsetInfo.capsetIndex, c.capsetIndex, true);
      break;
    case T.GetCapset:
      v.setUint32(L.GetCapset.capsetId, c.capsetId, true);
      v.setUint32(L.GetCapset.capsetVersion, c.capsetVersion, true);
      break;
    case T.GetEdid:
      v.setUint32(L.GetEdid.scanout, c.scanoutId, true);
      break;
    case T.ResourceCreateBlob: {
      const F = L.ResourceCreateBlob;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.blobMem, c.blobMem, true);
      v.setUint32(F.blobFlags, c.blobFlags, true);
      v.setUint32(F.nrEntries, c.entries.length, true);
      v.setBigUint64(F.blobId, c.blobId, true);
      v.setBigUint64(F.blobSize, c.size, true);
      writeEntries(v, F.size, c.entries);
      break;
    }
    case T.SetScanoutBlob: {
      const F = L.SetScanoutBlob;
      writeRect(v, F.rect, c.rect);
      v.setUint32(F.scanoutId, c.scanoutId, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.width, c.width, true);
      v.setUint32(F.height, c.height, true);
      v.setUint32(F.format, c.format, true);
      for (let i = 0; i < SCANOUT_BLOB_PLANES; i++) {
        v.setUint32(F.strides + 4 * i, c.strides[i]!, true);
        v.setUint32(F.offsets + 4 * i, c.offsets[i]!, true);
      }
      break;
    }
    case T.CtxCreate: {
      const F = L.CtxCreate;
      const name = new TextEncoder().encode(c.debugName).subarray(0, CTX_DEBUG_NAME_BYTES);
      v.setUint32(F.nlen, name.length, true);
      v.setUint32(F.contextInit, c.contextInit, true);
      out.set(name, F.debugName);
      break;
    }
    case T.ResourceCreate3d: {
      const F = L.ResourceCreate3d;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.target, c.target, true);
      v.setUint32(F.format, c.format, true);
      v.setUint32(F.bind, c.bind, true);
      v.setUint32(F.width, c.width, true);
      v.setUint32(F.height, c.height, true);
      v.setUint32(F.depth, c.depth, true);
      v.setUint32(F.arraySize, c.arraySize, true);
      v.setUint32(F.lastLevel, c.lastLevel, true);
      v.setUint32(F.nrSamples, c.nrSamples, true);
      v.setUint32(F.flags, c.flags, true);
      break;
    }
    case T.TransferToHost3d:
    case T.TransferFromHost3d: {
      const F = L.TransferHost3d;
      const B = L.Box;
      v.setUint32(F.box + B.x, c.box.x, true);
      v.setUint32(F.box + B.y, c.box.y, true);
      v.setUint32(F.box + B.z, c.box.z, true);
      v.setUint32(F.box + B.w, c.box.w, true);
      v.setUint32(F.box + B.h, c.box.h, true);
      v.setUint32(F.box + B.d, c.box.d, true);
      v.setBigUint64(F.offset, c.offset, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.level, c.level, true);
      v.setUint32(F.stride, c.stride, true);
      v.setUint32(F.layerStride, c.layerStride, true);
      break;
    }
    case T.Submit3d: {
      const F = L.CmdSubmit;
      v.setUint32(F.commandsSize, c.commands.length, true);
      v.setUint32(F.numInFences, c.numInFences, true);
      out.set(c.commands, F.size);
      break;
    }
    case T.ResourceMapBlob:
      v.setUint32(L.ResourceMapBlob.resourceId, c.resourceId, true);
      v.setBigUint64(L.ResourceMapBlob.offset, c.offset, true);
      break;
    case T.UpdateCursor:
    case T.MoveCursor: {
      const F = L.UpdateCursor;
      const P = L.CursorPos;
      v.setUint32(F.pos + P.scanoutId, c.scanoutId, true);
      v.setUint32(F.pos + P.x, c.x, true);
      v.setUint32(F.pos + P.y, c.y, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.hotX, c.hotX, true);
      v.setUint32(F.hotY, c.hotY, true);
      break;
    }
  }
  return size;
}
