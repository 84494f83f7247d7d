// The vhost-user-gpu display protocol's payloads (QEMU docs/interop/vhost-user-gpu.rst), read and written through
// the layouts of ./protocol.ts only: the backend encodes requests and decodes QEMU's replies, the mock front end the
// other way round.
import { GpuResponseType, GpuWireSize, MAX_SCANOUTS } from "../../virtio-gpu/protocol.ts";
import { VhostUserRefusal } from "./codec.ts";
import { DisplayInfoReply, DisplayOne, GpuCursorPos, GpuCursorUpdate, GpuScanout, GpuUpdate } from "./protocol.ts";

/** A display mode QEMU reported for one of its outputs. */
export interface QemuDisplayMode {
  width: number;
  height: number;
  enabled: boolean;
}

/** CURSOR_POS / CURSOR_POS_HIDE. */
export interface CursorPosPayload {
  scanoutId: number;
  x: number;
  y: number;
}

/** CURSOR_UPDATE: position, hot spot and the 64×64 image. */
export interface CursorUpdatePayload extends CursorPosPayload {
  hotX: number;
  hotY: number;
  image: Uint8Array;
}

/** SCANOUT: width and height 0 disable the output. */
export interface ScanoutPayload {
  scanoutId: number;
  width: number;
  height: number;
}

/** UPDATE's rectangle; its pixels follow at {@link GpuUpdate.pixels}. */
export interface UpdateRect {
  scanoutId: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

const view = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset, p.byteLength);

function short(p: Uint8Array, need: number, what: string): VhostUserRefusal | undefined {
  return p.length < need ? new VhostUserRefusal(`${what} of ${p.length} bytes, ${need} needed`) : undefined;
}

function writePos(v: DataView, c: CursorPosPayload): void {
  v.setUint32(GpuCursorPos.scanoutId, c.scanoutId, true);
  v.setUint32(GpuCursorPos.x, c.x, true);
  v.setUint32(GpuCursorPos.y, c.y, true);
}

function readPos(v: DataView): CursorPosPayload {
  return {
    scanoutId: v.getUint32(GpuCursorPos.scanoutId, true),
    x: v.getUint32(GpuCursorPos.x, true),
    y: v.getUint32(GpuCursorPos.y, true),
  };
}

export function encodeCursorPos(c: CursorPosPayload): Uint8Array {
  const p = new Uint8Array(GpuCursorPos.SIZE);
  writePos(view(p), c);
  return p;
}

export function decodeCursorPos(p: Uint8Array): CursorPosPayload | VhostUserRefusal {
  return short(p, GpuCursorPos.SIZE, "CURSOR_POS") ?? readPos(view(p));
}

export function encodeCursorUpdate(c: CursorUpdatePayload): Uint8Array {
  const p = new Uint8Array(GpuCursorUpdate.pixels + c.image.length);
  const v = view(p);
  writePos(v, c);
  v.setUint32(GpuCursorUpdate.hotX, c.hotX, true);
  v.setUint32(GpuCursorUpdate.hotY, c.hotY, true);
  p.set(c.image, GpuCursorUpdate.pixels);
  return p;
}

export function decodeCursorUpdate(p: Uint8Array): CursorUpdatePayload | VhostUserRefusal {
  const head = short(p, GpuCursorUpdate.pixels, "CURSOR_UPDATE");
  if (head !== undefined) return head;
  const v = view(p);
  return {
    ...readPos(v),
    hotX: v.getUint32(GpuCursorUpdate.hotX, true),
    hotY: v.getUint32(GpuCursorUpdate.hotY, true),
    image: p.subarray(GpuCursorUpdate.pixels),
  };
}

export function encodeScanout(s: ScanoutPayload): Uint8Array {
  const p = new Uint8Array(GpuScanout.SIZE);
  const v = view(p);
  v.setUint32(GpuScanout.scanoutId, s.scanoutId, true);
  v.setUint32(GpuScanout.width, s.width, true);
  v.setUint32(GpuScanout.height, s.height, true);
  return p;
}

export function decodeScanout(p: Uint8Array): ScanoutPayload | VhostUserRefusal {
  const v = view(p);
  return (
    short(p, GpuScanout.SIZE, "SCANOUT") ?? {
      scanoutId: v.getUint32(GpuScanout.scanoutId, true),
      width: v.getUint32(GpuScanout.width, true),
      height: v.getUint32(GpuScanout.height, true),
    }
  );
}

/** Writes UPDATE's rectangle at `at` in `v` (the pixels go at `at + GpuUpdate.pixels`). */
export function writeUpdateRect(v: DataView, at: number, r: UpdateRect): void {
  v.setUint32(at + GpuUpdate.scanoutId, r.scanoutId, true);
  v.setUint32(at + GpuUpdate.x, r.x, true);
  v.setUint32(at + GpuUpdate.y, r.y, true);
  v.setUint32(at + GpuUpdate.width, r.width, true);
  v.setUint32(at + GpuUpdate.height, r.height, true);
}

/** UPDATE: the rectangle and its pixels, which must be `width * height * 4` bytes. */
export function decodeUpdate(p: Uint8Array): (UpdateRect & { pixels: Uint8Array }) | VhostUserRefusal {
  const head = short(p, GpuUpdate.pixels, "UPDATE");
  if (head !== undefined) return head;
  const v = view(p);
  const rect: UpdateRect = {
    scanoutId: v.getUint32(GpuUpdate.scanoutId, true),
    x: v.getUint32(GpuUpdate.x, true),
    y: v.getUint32(GpuUpdate.y, true),
    width: v.getUint32(GpuUpdate.width, true),
    height: v.getUint32(GpuUpdate.height, true),
  };
  const bytes = rect.width * rect.height * 4;
  if (p.length !== GpuUpdate.pixels + bytes)
    return new VhostUserRefusal(`UPDATE of ${rect.width}×${rect.height} carries ${p.length - GpuUpdate.pixels} bytes`);
  return { ...rect, pixels: p.subarray(GpuUpdate.pixels) };
}

/** GET_DISPLAY_INFO's reply as QEMU sends it: `struct virtio_gpu_resp_display_info`. */
export function encodeDisplayInfo(modes: readonly QemuDisplayMode[]): Uint8Array {
  const p = new Uint8Array(GpuWireSize.RespDisplayInfo);
  const v = view(p);
  v.setUint32(DisplayInfoReply.type, GpuResponseType.OkDisplayInfo, true);
  for (const [i, m] of modes.slice(0, MAX_SCANOUTS).entries()) {
    const at = DisplayInfoReply.pmodes + i * GpuWireSize.DisplayOne;
    v.setUint32(at + DisplayOne.width, m.width, true);
    v.setUint32(at + DisplayOne.height, m.height, true);
    v.setUint32(at + DisplayOne.enabled, m.enabled ? 1 : 0, true);
  }
  return p;
}

/** QEMU's outputs from its GET_DISPLAY_INFO reply, one per virtio-gpu scanout slot. */
export function decodeDisplayInfo(p: Uint8Array): QemuDisplayMode[] | VhostUserRefusal {
  const head = short(p, GpuWireSize.RespDisplayInfo, "display info");
  if (head !== undefined) return head;
  const v = view(p);
  return Array.from({ length: MAX_SCANOUTS }, (_, i) => {
    const at = DisplayInfoReply.pmodes + i * GpuWireSize.DisplayOne;
    return {
      width: v.getUint32(at + DisplayOne.width, true),
      height: v.getUint32(at + DisplayOne.height, true),
      enabled: v.getUint32(at + DisplayOne.enabled, true) !== 0,
    };
  });
}
