import type { RutabagaComponentType } from "./constants.ts";
import type { IovecList } from "./iovec-list.ts";
import type { Resource3DInfo, ResourceCreateBlob, RutabagaHandle, VulkanInfo } from "./types.ts";

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
  /** Level-0 size in pixels given at creation (0 for blobs); the library checks rectangles against it. */
  width: number;
  height: number;
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
    width: 0,
    height: 0,
    info2d: undefined,
    info3d: undefined,
    vulkanInfo: undefined,
    backing: undefined,
    componentMask: 0,
    size: 0n,
    hostBytes: 0,
    mapping: undefined,
  };
}

/**
 * What a component keeps for each of its resources (a GL texture, a buffer), typed: keyed by the library's record, so
 * it goes with the record and needs no downcast.
 */
export class ResourceStates<S> {
  readonly #states = new WeakMap<RutabagaResource, S>();

  /** The state kept for `resource`, if any. */
  get(resource: RutabagaResource): S | undefined {
    return this.#states.get(resource);
  }

  /** Keeps `state` for `resource`, replacing any earlier one. */
  set(resource: RutabagaResource, state: S): void {
    this.#states.set(resource, state);
  }

  /** Forgets `resource`'s state. */
  delete(resource: RutabagaResource): void {
    this.#states.delete(resource);
  }
}

/**
 * A blob's resource record: `create`'s memory kind, flags and size, made by `component`, on `backing` when the blob
 * is guest memory.
 */
export function blobResource(
  resourceId: number,
  create: ResourceCreateBlob,
  component: RutabagaComponentType,
  backing?: IovecList,
): RutabagaResource {
  const resource = emptyResource(resourceId);
  resource.blob = true;
  resource.blobMem = create.blobMem;
  resource.blobFlags = create.blobFlags;
  resource.size = create.size;
  resource.componentMask = 1 << component;
  resource.backing = backing;
  return resource;
}
