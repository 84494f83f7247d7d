import { RutabagaComponentBase } from "../../rutabaga/component-base.ts";
import { RutabagaBlobMem, RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { HostMemoryBudget } from "../../rutabaga/host-memory.ts";
import type { IovecList } from "../../rutabaga/iovec-list.ts";
import { copyRows, readRows } from "../../rutabaga/iovec-rows.ts";
import { checkRect, type Rect2D } from "../../rutabaga/rect.ts";
import { blobResource, emptyResource, type RutabagaResource } from "../../rutabaga/resource.ts";
import {
  isEmptyTransfer,
  type ResourceCreate3D,
  type ResourceCreateBlob,
  type RutabagaFence,
  type RutabagaFenceHandler,
  type RutabagaHandle,
  type ScanoutPixels,
  type ScanoutTarget,
  type Transfer3D,
} from "../../rutabaga/types.ts";
import { BYTES_PER_PIXEL } from "./transfer-2d.ts";

const SNAPSHOT_TAG = new TextEncoder().encode("rutabaga2d");

/**
 * The CPU component: resources are host copies of guest pixels at 4 bytes per pixel, filled by `transferWrite` from
 * guest backing and read back by `transferRead`. No capsets, no contexts; fences complete at once.
 */
export class Rutabaga2D extends RutabagaComponentBase {
  readonly componentType = RutabagaComponentType.Rutabaga2D;
  readonly #fenceHandler: RutabagaFenceHandler;
  readonly #hostMemory: HostMemoryBudget;

  constructor(fenceHandler: RutabagaFenceHandler, hostMemory: HostMemoryBudget) {
    super();
    this.#fenceHandler = fenceHandler;
    this.#hostMemory = hostMemory;
  }

  override createFence(fence: RutabagaFence): void {
    this.#fenceHandler({ ...fence });
  }

  override createResource3d(resourceId: number, create: ResourceCreate3D): RutabagaResource {
    const size = create.width * create.height * BYTES_PER_PIXEL;
    this.#hostMemory.charge(size, `2D resource ${resourceId} (${create.width}x${create.height})`);
    let hostMem: Uint8Array;
    try {
      hostMem = new Uint8Array(size);
    } catch {
      this.#hostMemory.release(size);
      throw new RutabagaError("OutOfMemory", `allocating ${size} bytes for resource ${resourceId}`);
    }
    const resource = emptyResource(resourceId);
    resource.info2d = { width: create.width, height: create.height, hostMem, scanoutStride: undefined };
    resource.format = create.format;
    resource.componentMask = 1 << RutabagaComponentType.Rutabaga2D;
    resource.size = BigInt(size);
    resource.hostBytes = size;
    return resource;
  }

  override createBlob(
    _ctxId: number,
    resourceId: number,
    create: ResourceCreateBlob,
    backing: IovecList | undefined,
    _handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    if (create.blobMem !== RutabagaBlobMem.Guest) {
      throw new RutabagaError("Unsupported", `2D blobs must be guest memory, not blob_mem ${create.blobMem}`);
    }
    const resource = blobResource(resourceId, create, RutabagaComponentType.Rutabaga2D, backing);
    resource.info2d = { width: 0, height: 0, hostMem: undefined, scanoutStride: undefined };
    return resource;
  }

  override unrefResource(resource: RutabagaResource): void {
    this.#hostMemory.release(resource.hostBytes);
    resource.hostBytes = 0;
  }

  override transferWrite(_ctxId: number, resource: RutabagaResource, t: Transfer3D, buf: Uint8Array | undefined): void {
    if (isEmptyTransfer(t)) return;
    if (buf !== undefined) throw new RutabagaError("Unsupported", "2D transfer_write from a host buffer");
    const info = resource.info2d;
    if (info === undefined) throw new RutabagaError("Invalid2DInfo", `resource ${resource.resourceId} has no 2D info`);
    const hostMem = info.hostMem;
    if (hostMem === undefined && resource.blobMem === RutabagaBlobMem.Guest) return;
    const backing = resource.backing;
    if (backing === undefined || hostMem === undefined) {
      throw new RutabagaError("InvalidIovec", `resource ${resource.resourceId} has no backing`);
    }
    checkRect(t, info.width, info.height);
    const stride = info.width * BYTES_PER_PIXEL;
    const dstBase = t.y * stride + t.x * BYTES_PER_PIXEL;
    // t.offset is the backing offset of the box's first pixel (Linux/QEMU), not an extra base (rutabaga_gfx).
    readRows(backing, t.offset, stride, hostMem, dstBase, stride, t.w * BYTES_PER_PIXEL, t.h);
  }

  override transferRead(_ctxId: number, resource: RutabagaResource, t: Transfer3D, buf: Uint8Array | undefined): void {
    if (buf === undefined) throw new RutabagaError("InvalidIovec", "2D transfer_read needs a destination buffer");
    const info = resource.info2d;
    if (info === undefined) throw new RutabagaError("Invalid2DInfo", `resource ${resource.resourceId} has no 2D info`);
    if (t.w === 0 || t.h === 0) return;
    const lineBytes = t.w * BYTES_PER_PIXEL;
    const needed = (t.h - 1) * t.stride + lineBytes;
    if (info.hostMem === undefined) {
      const scanoutStride = info.scanoutStride;
      if (scanoutStride === undefined) {
        throw new RutabagaError("InvalidResourceId", `blob ${resource.resourceId} has no scanout stride`);
      }
      const backing = resource.backing;
      if (backing === undefined) throw new RutabagaError("InvalidIovec", `blob ${resource.resourceId} has no backing`);
      // rutabaga_gfx reads blobs as a t.w×t.h image, so only x = y = 0 passes; t.offset is the box's first pixel.
      checkRect(t, t.w, t.h);
      if (needed > buf.byteLength) {
        throw new RutabagaError("InvalidIovec", `destination of ${buf.byteLength} bytes needs ${needed}`);
      }
      readRows(backing, t.offset, scanoutStride, buf, 0, t.stride, lineBytes, t.h);
      return;
    }
    checkRect(t, info.width, info.height);
    if (needed > buf.byteLength) {
      throw new RutabagaError("InvalidIovec", `destination of ${buf.byteLength} bytes needs ${needed}`);
    }
    const stride = info.width * BYTES_PER_PIXEL;
    copyRows(info.hostMem, t.y * stride + t.x * BYTES_PER_PIXEL, stride, buf, 0, t.stride, lineBytes, t.h);
  }

  /** A 2D resource is shown from its host copy (no copy); a guest-memory blob is read from its backing. */
  override readScanout(
    resource: RutabagaResource,
    rect: Rect2D,
    target: ScanoutTarget,
    imageOffset: number,
  ): ScanoutPixels {
    const info = resource.info2d;
    if (info === undefined) throw new RutabagaError("Invalid2DInfo", `resource ${resource.resourceId} has no 2D info`);
    if (info.hostMem !== undefined) {
      const stride = info.width * BYTES_PER_PIXEL;
      return { pixels: info.hostMem, offset: rect.y * stride + rect.x * BYTES_PER_PIXEL, stride };
    }
    const scanoutStride = info.scanoutStride;
    if (scanoutStride === undefined) {
      throw new RutabagaError("InvalidResourceId", `blob ${resource.resourceId} has no scanout stride`);
    }
    const backing = resource.backing;
    if (backing === undefined) throw new RutabagaError("InvalidIovec", `blob ${resource.resourceId} has no backing`);
    const bytes = target.bytes();
    const lineBytes = rect.w * BYTES_PER_PIXEL;
    if (rect.h > 0 && target.offset + (rect.h - 1) * target.stride + lineBytes > bytes.byteLength) {
      throw new RutabagaError("InvalidIovec", `scanout target of ${bytes.byteLength} bytes is too small`);
    }
    const first = imageOffset + rect.y * scanoutStride + rect.x * BYTES_PER_PIXEL;
    readRows(backing, first, scanoutStride, bytes, target.offset, target.stride, lineBytes, rect.h);
    return { pixels: bytes, offset: target.offset, stride: target.stride };
  }

  override snapshot(): Uint8Array {
    return SNAPSHOT_TAG.slice();
  }

  override restore(bytes: Uint8Array): void {
    if (bytes.byteLength !== SNAPSHOT_TAG.byteLength || !bytes.every((b, i) => b === SNAPSHOT_TAG[i])) {
      throw new RutabagaError("SnapshotError", "component state is not a 2D snapshot");
    }
  }
}
