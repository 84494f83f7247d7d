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

function sizeOf(c: GpuCommand): number {
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
  const out = new Uint8Array(sizeOf(c));
  const v = new DataView(out.buffer);
  const H = L.CtrlHdr;
  v.setUint32(H.type, c.type, true);
  v.setUint32(H.flags, hdr.flags ?? 0, true);
  v.setBigUint64(H.fenceId, hdr.fenceId ?? 0n, true);
  v.setUint32(H.ctxId, hdr.ctxId ?? 0, true);
  v.setUint8(H.ringIdx, hdr.ringIdx ?? 0);
  const u32 = (at: number, value: number) => v.setUint32(at, value, true);
  const u64 = (at: number, value: bigint) => v.setBigUint64(at, value, true);
  switch (c.type) {
    case T.GetDisplayInfo:
    case T.CtxDestroy:
      break;
    case T.ResourceCreate2d: {
      const F = L.ResourceCreate2d;
      u32(F.resourceId, c.resourceId);
      u32(F.format, c.format);
      u32(F.width, c.width);
      u32(F.height, c.height);
      break;
    }
    case T.ResourceUnref:
    case T.ResourceDetachBacking:
    case T.ResourceAssignUuid:
    case T.CtxAttachResource:
    case T.CtxDetachResource:
    case T.ResourceUnmapBlob:
      u32(L.ResourceUnref.resourceId, c.resourceId);
      break;
    case T.SetScanout: {
      const F = L.SetScanout;
      writeRect(v, F.rect, c.rect);
      u32(F.scanoutId, c.scanoutId);
      u32(F.resourceId, c.resourceId);
      break;
    }
    case T.ResourceFlush: {
      const F = L.ResourceFlush;
      writeRect(v, F.rect, c.rect);
      u32(F.resourceId, c.resourceId);
      break;
    }
    case T.TransferToHost2d: {
      const F = L.TransferToHost2d;
      writeRect(v, F.rect, c.rect);
      u64(F.offset, c.offset);
      u32(F.resourceId, c.resourceId);
      break;
    }
    case T.ResourceAttachBacking: {
      const F = L.ResourceAttachBacking;
      u32(F.resourceId, c.resourceId);
      u32(F.nrEntries, c.entries.length);
      writeEntries(v, F.size, c.entries);
      break;
    }
    case T.GetCapsetInfo:
      u32(L.GetCapsetInfo.capsetIndex, c.capsetIndex);
      break;
    case T.GetCapset:
      u32(L.GetCapset.capsetId, c.capsetId);
      u32(L.GetCapset.capsetVersion, c.capsetVersion);
      break;
    case T.GetEdid:
      u32(L.GetEdid.scanout, c.scanoutId);
      break;
    case T.ResourceCreateBlob: {
      const F = L.ResourceCreateBlob;
      u32(F.resourceId, c.resourceId);
      u32(F.blobMem, c.blobMem);
      u32(F.blobFlags, c.blobFlags);
      u32(F.nrEntries, c.entries.length);
      u64(F.blobId, c.blobId);
      u64(F.blobSize, c.size);
      writeEntries(v, F.size, c.entries);
      break;
    }
    case T.SetScanoutBlob: {
      const F = L.SetScanoutBlob;
      writeRect(v, F.rect, c.rect);
      u32(F.scanoutId, c.scanoutId);
      u32(F.resourceId, c.resourceId);
      u32(F.width, c.width);
      u32(F.height, c.height);
      u32(F.format, c.format);
      for (let i = 0; i < SCANOUT_BLOB_PLANES; i++) {
        u32(F.strides + 4 * i, c.strides[i]!);
        u32(F.offsets + 4 * i, c.offsets[i]!);
      }
      break;
    }
    case T.CtxCreate: {
      const F = L.CtxCreate;
      const name = new TextEncoder().encode(c.debugName).subarray(0, CTX_DEBUG_NAME_BYTES);
      u32(F.nlen, name.length);
      u32(F.contextInit, c.contextInit);
      out.set(name, F.debugName);
      break;
    }
    case T.ResourceCreate3d: {
      const F = L.ResourceCreate3d;
      u32(F.resourceId, c.resourceId);
      u32(F.target, c.target);
      u32(F.format, c.format);
      u32(F.bind, c.bind);
      u32(F.width, c.width);
      u32(F.height, c.height);
      u32(F.depth, c.depth);
      u32(F.arraySize, c.arraySize);
      u32(F.lastLevel, c.lastLevel);
      u32(F.nrSamples, c.nrSamples);
      u32(F.flags, c.flags);
      break;
    }
    case T.TransferToHost3d:
    case T.TransferFromHost3d: {
      const F = L.TransferHost3d;
      const B = L.Box;
      u32(F.box + B.x, c.box.x);
      u32(F.box + B.y, c.box.y);
      u32(F.box + B.z, c.box.z);
      u32(F.box + B.w, c.box.w);
      u32(F.box + B.h, c.box.h);
      u32(F.box + B.d, c.box.d);
      u64(F.offset, c.offset);
      u32(F.resourceId, c.resourceId);
      u32(F.level, c.level);
      u32(F.stride, c.stride);
      u32(F.layerStride, c.layerStride);
      break;
    }
    case T.Submit3d: {
      const F = L.CmdSubmit;
      u32(F.commandsSize, c.commands.length);
      u32(F.numInFences, c.numInFences);
      out.set(c.commands, F.size);
      break;
    }
    case T.ResourceMapBlob:
      u32(L.ResourceMapBlob.resourceId, c.resourceId);
      u64(L.ResourceMapBlob.offset, c.offset);
      break;
    case T.UpdateCursor:
    case T.MoveCursor: {
      const F = L.UpdateCursor;
      const P = L.CursorPos;
      u32(F.pos + P.scanoutId, c.scanoutId);
      u32(F.pos + P.x, c.x);
      u32(F.pos + P.y, c.y);
      u32(F.resourceId, c.resourceId);
      u32(F.hotX, c.hotX);
      u32(F.hotY, c.hotY);
      break;
    }
  }
  return out;
}
