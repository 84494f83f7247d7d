/** A view of guest memory. Views are made once per attach, never per command. */
export type RutabagaIovec = Uint8Array;

/** Arguments of a 3D (and 2D) resource creation; 32-bit fields as in `virtio_gpu_resource_create_3d`. */
export interface ResourceCreate3D {
  target: number;
  format: number;
  bind: number;
  width: number;
  height: number;
  depth: number;
  arraySize: number;
  lastLevel: number;
  nrSamples: number;
  flags: number;
}

/** The fields of {@link ResourceCreate3D} in wire order (virtio-gpu `RESOURCE_CREATE_3D`, the snapshot's sections). */
export const RESOURCE_CREATE_3D_FIELDS = [
  "target",
  "format",
  "bind",
  "width",
  "height",
  "depth",
  "arraySize",
  "lastLevel",
  "nrSamples",
  "flags",
] as const satisfies readonly (keyof ResourceCreate3D)[];

/** A box to move between guest backing and host storage. */
export interface Transfer3D {
  x: number;
  y: number;
  z: number;
  w: number;
  h: number;
  d: number;
  level: number;
  /** Bytes per row on the guest side (0 means tightly packed for components that care). */
  stride: number;
  layerStride: number;
  /**
   * Byte offset in the backing. For the 2D component this is the offset of the box's first pixel (`y*pitch + x*4`,
   * what Linux sends and QEMU reads); rutabaga_gfx adds `y*pitch + x*4` on top again, which we do not.
   */
  offset: number;
}

/** A 2D transfer with `z = 0, d = 1, level = 0, stride = 0, layerStride = 0`, like rutabaga's `Transfer3D::new_2d`. */
export function transfer2d(x: number, y: number, w: number, h: number, offset = 0): Transfer3D {
  return { x, y, z: 0, w, h, d: 1, level: 0, stride: 0, layerStride: 0, offset };
}

/** True when the box covers nothing (`w`, `h` or `d` is 0). */
export function isEmptyTransfer(t: Transfer3D): boolean {
  return t.w === 0 || t.h === 0 || t.d === 0;
}

/** A fence as the guest asked for it; `fenceId` is 64-bit. */
export interface RutabagaFence {
  flags: number;
  fenceId: bigint;
  ctxId: number;
  ringIdx: number;
}

/** Called when a fence completes; completion of a fence implies completion of every earlier one on its timeline. */
export type RutabagaFenceHandler = (fence: RutabagaFence) => void;

/**
 * Told that bytes `[offset, offset + length)` of resource `resourceId`'s guest backing are about to be read (a virgl
 * in-stream upload, a transfer to host), so a trace recorder can keep them; the range is within the backing.
 */
export type BackingReadObserver = (resourceId: number, offset: number, length: number) => void;

/** Arguments of a blob resource creation. */
export interface ResourceCreateBlob {
  blobMem: number;
  blobFlags: number;
  blobId: bigint;
  size: bigint;
}

/** Layout of an image resource as the host allocated it. */
export interface Resource3DInfo {
  width: number;
  height: number;
  drmFourcc: number;
  strides: [number, number, number, number];
  offsets: [number, number, number, number];
  modifier: bigint;
}

/** Identifies the Vulkan memory a resource lives in. */
export interface VulkanInfo {
  memoryIdx: number;
  deviceUuid: Uint8Array;
  driverUuid: Uint8Array;
}

/** One entry of the capset table: index order is what `GET_CAPSET_INFO` walks. */
export interface RutabagaCapsetInfo {
  capsetId: number;
  version: number;
  size: number;
}

/** An OS object (fd, handle) owned by a host binding; the isomorphic core only carries it. */
export interface RutabagaHandle {
  /** Opaque host value: a file descriptor number in Node. */
  readonly os: unknown;
  readonly handleType: number;
}

/** A host path a component may connect to (a Wayland socket, a render node). */
export interface RutabagaPath {
  path: string;
  pathType: number;
}

/**
 * A caller's buffer for scanout pixels a component has to copy (a guest-memory blob, later a GL texture read back):
 * pixel (col, row) of the rectangle goes to byte `offset + row * stride + col * 4` of `bytes()`, which the caller
 * allocates on first use.
 */
export interface ScanoutTarget {
  bytes(): Uint8Array;
  readonly offset: number;
  readonly stride: number;
}

/**
 * A scanout rectangle's pixels: pixel (col, row) at byte `offset + row * stride + col * 4` of `pixels`. Either a
 * read-only view of the component's host storage (valid until the resource changes) or the caller's target.
 */
export interface ScanoutPixels {
  pixels: Uint8Array;
  offset: number;
  stride: number;
}
