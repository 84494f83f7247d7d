import type { Rect2D } from "../rutabaga/rect.ts";
import type { ResourceCreate3D } from "../rutabaga/types.ts";
import type { GpuCommandType } from "./protocol.ts";

/** `virtio_gpu_ctrl_hdr` as decoded from a request. */
export interface CtrlHeader {
  type: number;
  flags: number;
  fenceId: bigint;
  ctxId: number;
  ringIdx: number;
}

/** `virtio_gpu_rect` (its `width` and `height` as `w` and `h`): the library's one rectangle type. */
export type GpuRect = Rect2D;

/** `virtio_gpu_mem_entry`: a guest-physical range. */
export interface MemEntry {
  addr: bigint;
  length: number;
}

/** A 3D box of `virtio_gpu_transfer_host_3d`. */
export interface GpuBox {
  x: number;
  y: number;
  z: number;
  w: number;
  h: number;
  d: number;
}

type C = typeof GpuCommandType;

/** Every request, decoded; the codec checks sizes only, the library checks ids and bounds against its resources. */
export type GpuCommand =
  | { type: C["GetDisplayInfo"] }
  | { type: C["ResourceCreate2d"]; resourceId: number; format: number; width: number; height: number }
  | { type: C["ResourceUnref"]; resourceId: number }
  | { type: C["SetScanout"]; rect: GpuRect; scanoutId: number; resourceId: number }
  | { type: C["ResourceFlush"]; rect: GpuRect; resourceId: number }
  | { type: C["TransferToHost2d"]; rect: GpuRect; offset: bigint; resourceId: number }
  | { type: C["ResourceAttachBacking"]; resourceId: number; entries: MemEntry[] }
  | { type: C["ResourceDetachBacking"]; resourceId: number }
  | { type: C["GetCapsetInfo"]; capsetIndex: number }
  | { type: C["GetCapset"]; capsetId: number; capsetVersion: number }
  | { type: C["GetEdid"]; scanoutId: number }
  | { type: C["ResourceAssignUuid"]; resourceId: number }
  | {
      type: C["ResourceCreateBlob"];
      resourceId: number;
      blobMem: number;
      blobFlags: number;
      blobId: bigint;
      size: bigint;
      entries: MemEntry[];
    }
  | {
      type: C["SetScanoutBlob"];
      rect: GpuRect;
      scanoutId: number;
      resourceId: number;
      width: number;
      height: number;
      format: number;
      strides: [number, number, number, number];
      offsets: [number, number, number, number];
    }
  | { type: C["CtxCreate"]; contextInit: number; debugName: string }
  | { type: C["CtxDestroy"] }
  | { type: C["CtxAttachResource"]; resourceId: number }
  | { type: C["CtxDetachResource"]; resourceId: number }
  | ({ type: C["ResourceCreate3d"]; resourceId: number } & ResourceCreate3D)
  | {
      type: C["TransferToHost3d"] | C["TransferFromHost3d"];
      box: GpuBox;
      offset: bigint;
      resourceId: number;
      level: number;
      stride: number;
      layerStride: number;
    }
  | { type: C["Submit3d"]; commands: Uint8Array; numInFences: number }
  | { type: C["ResourceMapBlob"]; resourceId: number; offset: bigint }
  | { type: C["ResourceUnmapBlob"]; resourceId: number }
  | {
      type: C["UpdateCursor"] | C["MoveCursor"];
      scanoutId: number;
      x: number;
      y: number;
      resourceId: number;
      hotX: number;
      hotY: number;
    };
