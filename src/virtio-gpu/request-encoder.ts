import type { CtrlHeader, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
import { GpuWireSize as S, GpuCommandType as T } from "./protocol.ts";

/** Header fields a driver sets on a request; the type comes from the command. */
export type RequestHeader = Partial<Omit<CtrlHeader, "type">>;

const NO_HEADER: RequestHeader = {};

function writeRect(v: DataView, at: number, r: GpuRect): void {
  v.setUint32(at, r.x, true);
  v.setUint32(at + 4, r.y, true);
  v.setUint32(at + 8, r.width, true);
  v.setUint32(at + 12, r.height, true);
}

function writeEntries(v: DataView, at: number, entries: readonly MemEntry[]): void {
  entries.forEach((e, i) => {
    v.setBigUint64(at + i * S.MemEntry, e.addr, true);
    v.setUint32(at + i * S.MemEntry + 8, e.length, true);
  });
}

function sizeOf(c: GpuCommand): number {
  switch (c.type) {
    case T.GetDisplayInfo:
    case T.CtxDestroy:
      return S.CtrlHdr;
    case T.ResourceCreate2d:
      return S.ResourceCreate2d;
    case T.SetScanout:
      return S.SetScanout;
    case T.ResourceFlush:
      return S.ResourceFlush;
    case T.TransferToHost2d:
      return S.TransferToHost2d;
    case T.ResourceAttachBacking:
      return S.ResourceAttachBacking + c.entries.length * S.MemEntry;
    case T.ResourceCreateBlob:
      return S.ResourceCreateBlob + c.entries.length * S.MemEntry;
    case T.SetScanoutBlob:
      return S.SetScanoutBlob;
    case T.CtxCreate:
      return S.CtxCreate;
    case T.ResourceCreate3d:
      return S.ResourceCreate3d;
    case T.TransferToHost3d:
    case T.TransferFromHost3d:
      return S.TransferHost3d;
    case T.Submit3d:
      return S.CmdSubmit + c.commands.length;
    case T.ResourceMapBlob:
      return S.ResourceMapBlob;
    case T.UpdateCursor:
    case T.MoveCursor:
      return S.UpdateCursor;
    default:
      return 32;
  }
}

/**
 * Encodes a request the way a guest driver lays it out: the driver-side counterpart of `decodeCommand`, used by the
 * mock driver, tests, fuzzers and benchmarks.
 */
export function encodeRequest(c: GpuCommand, hdr: RequestHeader = NO_HEADER): Uint8Array {
  const out = new Uint8Array(sizeOf(c));
  const v = new DataView(out.buffer);
  v.setUint32(0, c.type, true);
  v.setUint32(4, hdr.flags ?? 0, true);
  v.setBigUint64(8, hdr.fenceId ?? 0n, true);
  v.setUint32(16, hdr.ctxId ?? 0, true);
  v.setUint8(20, hdr.ringIdx ?? 0);
  const u32 = (at: number, value: number) => v.setUint32(at, value, true);
  switch (c.type) {
    case T.GetDisplayInfo:
    case T.CtxDestroy:
      break;
    case T.ResourceCreate2d:
      u32(24, c.resourceId);
      u32(28, c.format);
      u32(32, c.width);
      u32(36, c.height);
      break;
    case T.ResourceUnref:
    case T.ResourceDetachBacking:
    case T.ResourceAssignUuid:
    case T.CtxAttachResource:
    case T.CtxDetachResource:
    case T.ResourceUnmapBlob:
      u32(24, c.resourceId);
      break;
    case T.SetScanout:
      writeRect(v, 24, c.rect);
      u32(40, c.scanoutId);
      u32(44, c.resourceId);
      break;
    case T.ResourceFlush:
      writeRect(v, 24, c.rect);
      u32(40, c.resourceId);
      break;
    case T.TransferToHost2d:
      writeRect(v, 24, c.rect);
      v.setBigUint64(40, c.offset, true);
      u32(48, c.resourceId);
      break;
    case T.ResourceAttachBacking:
      u32(24, c.resourceId);
      u32(28, c.entries.length);
      writeEntries(v, S.ResourceAttachBacking, c.entries);
      break;
    case T.GetCapsetInfo:
      u32(24, c.capsetIndex);
      break;
    case T.GetCapset:
      u32(24, c.capsetId);
      u32(28, c.capsetVersion);
      break;
    case T.GetEdid:
      u32(24, c.scanoutId);
      break;
    case T.ResourceCreateBlob:
      u32(24, c.resourceId);
      u32(28, c.blobMem);
      u32(32, c.blobFlags);
      u32(36, c.entries.length);
      v.setBigUint64(40, c.blobId, true);
      v.setBigUint64(48, c.size, true);
      writeEntries(v, S.ResourceCreateBlob, c.entries);
      break;
    case T.SetScanoutBlob:
      writeRect(v, 24, c.rect);
      u32(40, c.scanoutId);
      u32(44, c.resourceId);
      u32(48, c.width);
      u32(52, c.height);
      u32(56, c.format);
      for (let i = 0; i < 4; i++) {
        u32(64 + 4 * i, c.strides[i]!);
        u32(80 + 4 * i, c.offsets[i]!);
      }
      break;
    case T.CtxCreate: {
      const name = new TextEncoder().encode(c.debugName).subarray(0, 64);
      u32(24, name.length);
      u32(28, c.contextInit);
      out.set(name, 32);
      break;
    }
    case T.ResourceCreate3d:
      [
        c.resourceId,
        c.target,
        c.format,
        c.bind,
        c.width,
        c.height,
        c.depth,
        c.arraySize,
        c.lastLevel,
        c.nrSamples,
        c.flags,
      ].forEach((value, i) => {
        u32(24 + 4 * i, value);
      });
      break;
    case T.TransferToHost3d:
    case T.TransferFromHost3d:
      for (const [i, value] of [c.box.x, c.box.y, c.box.z, c.box.w, c.box.h, c.box.d].entries()) u32(24 + 4 * i, value);
      v.setBigUint64(48, c.offset, true);
      u32(56, c.resourceId);
      u32(60, c.level);
      u32(64, c.stride);
      u32(68, c.layerStride);
      break;
    case T.Submit3d:
      u32(24, c.commands.length);
      u32(28, c.numInFences);
      out.set(c.commands, S.CmdSubmit);
      break;
    case T.ResourceMapBlob:
      u32(24, c.resourceId);
      v.setBigUint64(32, c.offset, true);
      break;
    case T.UpdateCursor:
    case T.MoveCursor:
      u32(24, c.scanoutId);
      u32(28, c.x);
      u32(32, c.y);
      u32(40, c.resourceId);
      u32(44, c.hotX);
      u32(48, c.hotY);
      break;
  }
  return out;
}
