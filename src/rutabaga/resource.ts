import type { IovecList } from "./iovec-list.ts";
import type { Resource3DInfo, RutabagaHandle, VulkanInfo } from "./types.ts";

/** 2D bookkeeping: a host copy of the pixels (absent for guest-memory blobs) and the scanout stride of a blob. */
export interface Rutabaga2DInfo {
  width: number;
  height: number;
  hostMem: Uint8Array | undefined;
  scanoutStride: number | undefined;
}

/** The library's record of one resource; components create it and the library keeps it in its map. */
export interface RutabagaResource {
  readonly resourceId: number;
  handle: RutabagaHandle | undefined;
  blob: boolean;
  blobMem: number;
  blobFlags: number;
  mapInfo: number | undefined;
  /** The virtio-gpu/Gallium format it was created with (3D and 2D resources). */
  format: number | undefined;
  info2d: Rutabaga2DInfo | undefined;
  info3d: Resource3DInfo | undefined;
  vulkanInfo: VulkanInfo | undefined;
  backing: IovecList | undefined;
  /** Bit `1 << RutabagaComponentType` of each component that created or imported it. */
  componentMask: number;
  size: bigint;
  /** Host bytes charged to the memory limit on its behalf; released on unref. */
  hostBytes: number;
  /** A mapping handed out by `map`, until `unmap`. */
  mapping: Uint8Array | undefined;
  /** What the owning component keeps for it (a GL texture, a buffer). */
  componentState: unknown;
}

/** A resource record with everything unset, for components to fill in. */
export function emptyResource(resourceId: number): RutabagaResource {
  return {
    resourceId,
    handle: undefined,
    blob: false,
    blobMem: 0,
    blobFlags: 0,
    mapInfo: undefined,
    format: undefined,
    info2d: undefined,
    info3d: undefined,
    vulkanInfo: undefined,
    backing: undefined,
    componentMask: 0,
    size: 0n,
    hostBytes: 0,
    mapping: undefined,
    componentState: undefined,
  };
}
