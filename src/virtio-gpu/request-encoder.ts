import type { CtrlHeader, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
import { CTX_DEBUG_NAME_BYTES, GpuCommandType, GpuLayout, SCANOUT_BLOB_PLANES } from "./protocol.ts";

/** Header fields a driver sets on a request; the type comes from the command. */
export type RequestHeader = Partial<Omit<CtrlHeader, "type">>;

const NO_HEADER: RequestHeader = {};

function writeRect(v: DataView, at: number, r: GpuRect): void {
  v.setUint32(at + GpuLayout.Rect.x, r.x, true);
  v.setUint32(at + GpuLayout.Rect.y, r.y, true);
  v.setUint32(at + GpuLayout.Rect.width, r.w, true);
  v.setUint32(at + GpuLayout.Rect.height, r.h, true);
}

function writeEntries(v: DataView, at: number, entries: readonly MemEntry[]): void {
  entries.forEach((e, i) => {
    const p = at + i * GpuLayout.MemEntry.size;
    v.setBigUint64(p + GpuLayout.MemEntry.addr, e.addr, true);
    v.setUint32(p + GpuLayout.MemEntry.length, e.length, true);
  });
}

/** Bytes a request for `c` takes on the wire. */
export function requestSize(c: GpuCommand): number {
  switch (c.type) {
    case GpuCommandType.GetDisplayInfo:
    case GpuCommandType.CtxDestroy:
      return GpuLayout.CtrlHdr.size;
    case GpuCommandType.ResourceCreate2d:
      return GpuLayout.ResourceCreate2d.size;
    case GpuCommandType.SetScanout:
      return GpuLayout.SetScanout.size;
    case GpuCommandType.ResourceFlush:
      return GpuLayout.ResourceFlush.size;
    case GpuCommandType.TransferToHost2d:
      return GpuLayout.TransferToHost2d.size;
    case GpuCommandType.ResourceAttachBacking:
      return GpuLayout.ResourceAttachBacking.size + c.entries.length * GpuLayout.MemEntry.size;
    case GpuCommandType.ResourceCreateBlob:
      return GpuLayout.ResourceCreateBlob.size + c.entries.length * GpuLayout.MemEntry.size;
    case GpuCommandType.SetScanoutBlob:
      return GpuLayout.SetScanoutBlob.size;
    case GpuCommandType.CtxCreate:
      return GpuLayout.CtxCreate.size;
    case GpuCommandType.ResourceCreate3d:
      return GpuLayout.ResourceCreate3d.size;
    case GpuCommandType.TransferToHost3d:
    case GpuCommandType.TransferFromHost3d:
      return GpuLayout.TransferHost3d.size;
    case GpuCommandType.Submit3d:
      return GpuLayout.CmdSubmit.size + c.commands.length;
    case GpuCommandType.ResourceMapBlob:
      return GpuLayout.ResourceMapBlob.size;
    case GpuCommandType.UpdateCursor:
    case GpuCommandType.MoveCursor:
      return GpuLayout.UpdateCursor.size;
    case GpuCommandType.GetCapsetInfo:
      return GpuLayout.GetCapsetInfo.size;
    case GpuCommandType.GetCapset:
      return GpuLayout.GetCapset.size;
    case GpuCommandType.GetEdid:
      return GpuLayout.GetEdid.size;
    case GpuCommandType.ResourceUnref:
    case GpuCommandType.ResourceDetachBacking:
    case GpuCommandType.ResourceAssignUuid:
    case GpuCommandType.CtxAttachResource:
    case GpuCommandType.CtxDetachResource:
    case GpuCommandType.ResourceUnmapBlob:
      return GpuLayout.ResourceUnref.size;
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
  const H = GpuLayout.CtrlHdr;
  v.setUint32(H.type, c.type, true);
  v.setUint32(H.flags, hdr.flags ?? 0, true);
  v.setBigUint64(H.fenceId, hdr.fenceId ?? 0n, true);
  v.setUint32(H.ctxId, hdr.ctxId ?? 0, true);
  v.setUint8(H.ringIdx, hdr.ringIdx ?? 0);
  switch (c.type) {
    case GpuCommandType.GetDisplayInfo:
    case GpuCommandType.CtxDestroy:
      break;
    case GpuCommandType.ResourceCreate2d: {
      const F = GpuLayout.ResourceCreate2d;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.format, c.format, true);
      v.setUint32(F.width, c.width, true);
      v.setUint32(F.height, c.height, true);
      break;
    }
    case GpuCommandType.ResourceUnref:
    case GpuCommandType.ResourceDetachBacking:
    case GpuCommandType.ResourceAssignUuid:
    case GpuCommandType.CtxAttachResource:
    case GpuCommandType.CtxDetachResource:
    case GpuCommandType.ResourceUnmapBlob:
      v.setUint32(GpuLayout.ResourceUnref.resourceId, c.resourceId, true);
      break;
    case GpuCommandType.SetScanout: {
      const F = GpuLayout.SetScanout;
      writeRect(v, F.rect, c.rect);
      v.setUint32(F.scanoutId, c.scanoutId, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      break;
    }
    case GpuCommandType.ResourceFlush: {
      const F = GpuLayout.ResourceFlush;
      writeRect(v, F.rect, c.rect);
      v.setUint32(F.resourceId, c.resourceId, true);
      break;
    }
    case GpuCommandType.TransferToHost2d: {
      const F = GpuLayout.TransferToHost2d;
      writeRect(v, F.rect, c.rect);
      v.setBigUint64(F.offset, c.offset, true);
      v.setUint32(F.resourceId, c.resourceId, true);
      break;
    }
    case GpuCommandType.ResourceAttachBacking: {
      const F = GpuLayout.ResourceAttachBacking;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.nrEntries, c.entries.length, true);
      writeEntries(v, F.size, c.entries);
      break;
    }
    case GpuCommandType.GetCapsetInfo:
      v.setUint32(GpuLayout.GetCapsetInfo.capsetIndex, c.capsetIndex, true);
      break;
    case GpuCommandType.GetCapset:
      v.setUint32(GpuLayout.GetCapset.capsetId, c.capsetId, true);
      v.setUint32(GpuLayout.GetCapset.capsetVersion, c.capsetVersion, true);
      break;
    case GpuCommandType.GetEdid:
      v.setUint32(GpuLayout.GetEdid.scanout, c.scanoutId, true);
      break;
    case GpuCommandType.ResourceCreateBlob: {
      const F = GpuLayout.ResourceCreateBlob;
      v.setUint32(F.resourceId, c.resourceId, true);
      v.setUint32(F.blobMem, c.blobMem, true);
      v.setUint32(F.blobFlags, c.blobFlags, true);
      v.setUint32(F.nrEntries, c.entries.length, true);
      v.setBigUint64(F.blobId, c.blobId, true);
      v.setBigUint64(F.blobSize, c.size, true);
      writeEntries(v, F.size, c.entries);
      break;
    }
    case GpuCommandType.SetScanoutBlob: {
      const F = GpuLayout.SetScanoutBlob;
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
    case GpuCommandType.CtxCreate: {
      const F = GpuLayout.CtxCreate;
      const name = new TextEncoder().encode(c.debugName).subarray(0, CTX_DEBUG_NAME_BYTES);
      v.setUint32(F.nlen, name.length, true);
      v.setUint32(F.contextInit, c.contextInit, true);
      out.set(name, F.debugName);
      break;
    }
    case GpuCommandType.ResourceCreate3d: {
      const F = GpuLayout.ResourceCreate3d;
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
    case GpuCommandType.TransferToHost3d:
    case GpuCommandType.TransferFromHost3d: {
      const F = GpuLayout.TransferHost3d;
      const B = GpuLayout.Box;
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
    case GpuCommandType.Submit3d: {
      const F = GpuLayout.CmdSubmit;
      v.setUint32(F.commandsSize, c.commands.length, true);
      v.setUint32(F.numInFences, c.numInFences, true);
      out.set(c.commands, F.size);
      break;
    }
    case GpuCommandType.ResourceMapBlob:
      v.setUint32(GpuLayout.ResourceMapBlob.resourceId, c.resourceId, true);
      v.setBigUint64(GpuLayout.ResourceMapBlob.offset, c.offset, true);
      break;
    case GpuCommandType.UpdateCursor:
    case GpuCommandType.MoveCursor: {
      const F = GpuLayout.UpdateCursor;
      const P = GpuLayout.CursorPos;
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
