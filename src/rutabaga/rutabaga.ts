import { capsetDefinition } from "./capsets.ts";
import type { ComponentRestoreInput, PreparedRestore, RutabagaComponent, RutabagaContext } from "./component.ts";
import {
  PipeTextureTarget,
  RUTABAGA_CONTEXT_INIT_CAPSET_ID_MASK,
  RutabagaBlobFlags,
  RutabagaBlobMem,
  RutabagaComponentType,
  RutabagaFenceFlags,
  VirglBind,
  VirtioGpuFormat,
} from "./constants.ts";
import { RutabagaError } from "./error.ts";
import type { HostMemoryBudget } from "./host-memory.ts";
import { IovecList } from "./iovec-list.ts";
import { checkRect, checkVisibleRect, type Rect2D } from "./rect.ts";
import type { RutabagaResource } from "./resource.ts";
import { decodeSnapshot, encodeSnapshot, type SnapshotContents } from "./snapshot-format.ts";
import type {
  BackingReadObserver,
  Resource3DInfo,
  ResourceCreate3D,
  ResourceCreateBlob,
  RutabagaCapsetInfo,
  RutabagaFence,
  RutabagaHandle,
  RutabagaIovec,
  ScanoutPixels,
  ScanoutTarget,
  Transfer3D,
  VulkanInfo,
} from "./types.ts";
import { RESOURCE_CREATE_3D_FIELDS } from "./types.ts";
import { checkOffset, checkU32, checkU32Fields, checkU64 } from "./validate.ts";

type ComponentRestoreResource = ComponentRestoreInput["resources"][number];
type SavedContext = ComponentRestoreInput["contexts"][number];

/** One capset as `GET_CAPSET_INFO` indexes it, with the component that serves it. */
export interface CapsetEntry {
  readonly capsetId: number;
  readonly component: RutabagaComponentType;
  readonly name: string;
}

/** What the builder assembles; internal to the library. */
export interface RutabagaParts {
  readonly components: Map<RutabagaComponentType, RutabagaComponent>;
  readonly defaultComponent: RutabagaComponentType;
  readonly capsets: readonly CapsetEntry[];
  readonly hostMemory: HostMemoryBudget;
}

/** A resource as a front end sees it: sizes and kind, no host storage. */
export interface RutabagaResourceInfo {
  resourceId: number;
  width: number;
  height: number;
  format: number | undefined;
  blob: boolean;
  blobMem: number;
  blobFlags: number;
  size: bigint;
  /** Bytes of attached backing (0 without). */
  backingLength: number;
  componentMask: number;
}

/** What `RESOURCE_CREATE_2D` creates: a render-target 2D texture (format and size filled in). */
const CREATE_2D_TEMPLATE = {
  target: PipeTextureTarget.Texture2D,
  bind: VirglBind.RenderTarget,
  depth: 1,
  arraySize: 1,
  lastLevel: 0,
  nrSamples: 0,
  flags: 0,
} as const;
const TRANSFER_FIELDS = ["x", "y", "z", "w", "h", "d", "level", "stride", "layerStride"] as const;

const isU32 = (v: number) => v >>> 0 === v;

/** Guest memory views, or a function that makes them, called only after the resource id has been checked (what it throws propagates). */
export type IovecSource = readonly RutabagaIovec[] | (() => readonly RutabagaIovec[]);

const iovecsOf = (source: IovecSource): readonly RutabagaIovec[] => (typeof source === "function" ? source() : source);

/** `VIRTIO_GPU_FORMAT_*` values: the 4-byte formats 2D resources and scanouts use. */
const VIRTIO_GPU_FORMATS: ReadonlySet<number> = new Set(Object.values(VirtioGpuFormat));

/** How a scanout shows a resource: the visible rectangle and, for `SET_SCANOUT_BLOB`, the image's layout. */
export interface ScanoutView {
  rect: Rect2D;
  /** The image's `VIRTIO_GPU_FORMAT_*` (blob scanouts). */
  format?: number;
}

function checkTransfer(t: Transfer3D): void {
  // One branch for the common case: the field-by-field pass only runs to name the culprit.
  if (
    typeof t === "object" &&
    t !== null &&
    isU32(t.x) &&
    isU32(t.y) &&
    isU32(t.z) &&
    isU32(t.w) &&
    isU32(t.h) &&
    isU32(t.d) &&
    isU32(t.level) &&
    isU32(t.stride) &&
    isU32(t.layerStride) &&
    Number.isSafeInteger(t.offset) &&
    t.offset >= 0
  ) {
    return;
  }
  checkU32Fields(t, TRANSFER_FIELDS, "transfer");
  checkOffset(t.offset, "transfer.offset");
}

const FENCE_U32_FIELDS = ["flags", "ctxId"] as const;
const BLOB_U32_FIELDS = ["blobMem", "blobFlags"] as const;

function checkFence(f: RutabagaFence): void {
  checkU32Fields(f, FENCE_U32_FIELDS, "fence");
  checkU64(f.fenceId, "fence.fenceId");
  if (!Number.isInteger(f.ringIdx) || f.ringIdx < 0 || f.ringIdx > 0xff) {
    throw new RutabagaError("CheckedRange", `fence.ringIdx ${String(f.ringIdx)} is not a u8`);
  }
}

function copyFence(f: RutabagaFence): RutabagaFence {
  return { flags: f.flags, fenceId: f.fenceId, ctxId: f.ctxId, ringIdx: f.ringIdx };
}

/**
 * The library object: resources, contexts, capsets and fences of one virtio-gpu device, served by its components.
 * Single-threaded; every method either completes or throws a {@link RutabagaError} and changes nothing.
 */
export class Rutabaga {
  readonly #components: Map<RutabagaComponentType, RutabagaComponent>;
  readonly #defaultType: RutabagaComponentType;
  readonly #capsets: readonly CapsetEntry[];
  readonly #hostMemory: HostMemoryBudget;
  #resources = new Map<number, RutabagaResource>();
  #contexts = new Map<number, RutabagaContext>();

  /** Made by {@link RutabagaBuilder.build}. */
  constructor(parts: RutabagaParts) {
    this.#components = parts.components;
    this.#defaultType = parts.defaultComponent;
    this.#capsets = parts.capsets;
    this.#hostMemory = parts.hostMemory;
  }

  /** The component serving resource-level calls. */
  get defaultComponent(): RutabagaComponentType {
    return this.#defaultType;
  }

  /** Host bytes held for guest objects now, and the limit. */
  get hostMemory(): { used: number; limit: number } {
    return { used: this.#hostMemory.used, limit: this.#hostMemory.limit };
  }

  #dc(): RutabagaComponent {
    const c = this.#components.get(this.#defaultType);
    if (c === undefined) throw new RutabagaError("InvalidComponent", `no default component (${this.#defaultType})`);
    return c;
  }

  /**
   * The component that serves a resource's calls: the one that created it when it is not the default (a console's
   * 2D resource on a virgl instance, see {@link RutabagaBuilder.setConsoleOn2D}), else the default component.
   */
  #owner(r: RutabagaResource): RutabagaComponent {
    const twoD = this.#components.get(RutabagaComponentType.Rutabaga2D);
    if (twoD !== undefined && r.componentMask === 1 << RutabagaComponentType.Rutabaga2D) return twoD;
    return this.#dc();
  }

  #resource(resourceId: number): RutabagaResource {
    checkU32(resourceId, "resource id");
    const r = this.#resources.get(resourceId);
    if (r === undefined) throw new RutabagaError("InvalidResourceId", `resource ${resourceId} does not exist`);
    return r;
  }

  #context(ctxId: number): RutabagaContext {
    checkU32(ctxId, "context id");
    const c = this.#contexts.get(ctxId);
    if (c === undefined) throw new RutabagaError("InvalidContextId", `context ${ctxId} does not exist`);
    return c;
  }

  #componentForMask(mask: number): RutabagaComponent {
    let type: RutabagaComponentType | undefined;
    for (let bit = 0; bit < 8; bit++) {
      if ((mask & (1 << bit)) === 0) continue;
      if (type !== undefined) throw new RutabagaError("InvalidComponent", `component mask ${mask} names several`);
      type = bit as RutabagaComponentType;
    }
    if (type === undefined || type >= RutabagaComponentType.Magma) {
      throw new RutabagaError("InvalidComponent", `component mask ${mask} names no mappable component`);
    }
    const c = this.#components.get(type);
    if (c === undefined) throw new RutabagaError("InvalidComponent", `component ${type} is not present`);
    return c;
  }

  /** Number of capsets `getCapsetInfo` serves. */
  getNumCapsets(): number {
    return this.#capsets.length;
  }

  /** The capset at `index` in the device's list (the `GET_CAPSET_INFO` index). */
  getCapsetInfo(index: number): RutabagaCapsetInfo {
    checkU32(index, "capset index");
    const entry = this.#capsets[index];
    if (entry === undefined)
      throw new RutabagaError("InvalidCapset", `capset index ${index} >= ${this.#capsets.length}`);
    const c = this.#components.get(entry.component);
    if (c === undefined) throw new RutabagaError("InvalidComponent", `component ${entry.component} is not present`);
    const { version, size } = c.getCapsetInfo(entry.capsetId);
    return { capsetId: entry.capsetId, version, size };
  }

  /** A capset's bytes; an id no component lists falls back to the default component (may be empty). */
  getCapset(capsetId: number, version: number): Uint8Array {
    checkU32(capsetId, "capset id");
    checkU32(version, "capset version");
    const entry = this.#capsets.find((c) => c.capsetId === capsetId);
    const c = entry === undefined ? this.#dc() : this.#components.get(entry.component);
    if (c === undefined) throw new RutabagaError("InvalidComponent", `capset ${capsetId} has no component`);
    return c.getCapset(capsetId, version);
  }

  /**
   * Where capset `capsetId` at `version` here offers less than `recorded` (what a guest was given elsewhere, as a
   * trace or a snapshot carries it): the component's own field-by-field comparison, or a byte comparison; `["not
   * offered"]` for a capset this instance does not list. Empty when this instance covers it.
   */
  capsetShortfall(capsetId: number, version: number, recorded: Uint8Array): string[] {
    const entry = this.#capsets.find((c) => c.capsetId === capsetId);
    const c = entry === undefined ? undefined : this.#components.get(entry.component);
    if (c === undefined) return ["not offered"];
    if (c.capsetShortfall !== undefined) return c.capsetShortfall(capsetId, version, recorded);
    const host = c.getCapset(capsetId, version);
    const same = host.length === recorded.length && host.every((b, i) => b === recorded[i]);
    return same ? [] : ["bytes differ"];
  }

  /** Makes context 0 current in components that care (virgl). */
  forceCtx0(): void {
    this.#components.get(this.#defaultType)?.forceCtx0();
  }

  /** Creates a fence: on its context's ring with `INFO_RING_IDX`, else on the default component's timeline. */
  createFence(fence: RutabagaFence): void {
    checkFence(fence);
    if ((fence.flags & RutabagaFenceFlags.InfoRingIdx) !== 0) {
      this.#context(fence.ctxId).contextCreateFence(copyFence(fence));
      return;
    }
    this.#dc().createFence(copyFence(fence));
  }

  /** Lets the default component retire finished work (virgl's poll). */
  eventPoll(): void {
    this.#components.get(this.#defaultType)?.eventPoll();
  }

  /** A host descriptor that becomes readable when `eventPoll` has work, if the default component has one. */
  pollDescriptor(): RutabagaHandle | undefined {
    return this.#components.get(this.#defaultType)?.pollDescriptor();
  }

  /** Creates a resource with the default component. */
  resourceCreate3d(resourceId: number, create: ResourceCreate3D): void {
    checkU32(resourceId, "resource id");
    checkU32Fields(create, RESOURCE_CREATE_3D_FIELDS, "create");
    const c = this.#dc();
    if (this.#resources.has(resourceId)) {
      throw new RutabagaError("InvalidResourceId", `resource ${resourceId} already exists`);
    }
    const resource = c.createResource3d(resourceId, { ...create });
    resource.width = create.width;
    resource.height = create.height;
    this.#resources.set(resourceId, resource);
  }

  /**
   * Creates a 2D resource (virtio-gpu `RESOURCE_CREATE_2D`): a render-target 2D texture of a 4-byte
   * `VIRTIO_GPU_FORMAT_*` (`Invalid2DInfo` for any other), by the default component, or by the 2D component when the
   * instance has one beside another default (the console stays on the CPU).
   */
  resourceCreate2d(resourceId: number, format: number, width: number, height: number): void {
    checkU32(resourceId, "resource id");
    if (this.#resources.has(resourceId)) {
      throw new RutabagaError("InvalidResourceId", `resource ${resourceId} already exists`);
    }
    if (!VIRTIO_GPU_FORMATS.has(format))
      throw new RutabagaError("Invalid2DInfo", `format ${format} is not a 2D format`);
    const twoD = this.#components.get(RutabagaComponentType.Rutabaga2D);
    if (twoD !== undefined && this.#defaultType !== RutabagaComponentType.Rutabaga2D) {
      const create = { ...CREATE_2D_TEMPLATE, format, width, height };
      checkU32Fields(create, RESOURCE_CREATE_3D_FIELDS, "create");
      const resource = twoD.createResource3d(resourceId, create);
      resource.width = width;
      resource.height = height;
      this.#resources.set(resourceId, resource);
      return;
    }
    this.resourceCreate3d(resourceId, { ...CREATE_2D_TEMPLATE, format, width, height });
  }

  /** Attaches guest memory views as the resource's backing, replacing any earlier backing. */
  attachBacking(resourceId: number, iovecs: IovecSource): void {
    const r = this.#resource(resourceId);
    const c = this.#owner(r);
    const backing = IovecList.from(iovecsOf(iovecs));
    c.attachBacking(r, backing);
    r.backing = backing;
  }

  /** Forgets the resource's backing. */
  detachBacking(resourceId: number): void {
    const r = this.#resource(resourceId);
    const c = this.#owner(r);
    c.detachBacking(r);
    r.backing = undefined;
  }

  /** Destroys a resource (the default component releases it, whoever made it). */
  unrefResource(resourceId: number): void {
    this.#dc();
    const r = this.#resource(resourceId);
    const c = this.#owner(r);
    this.#resources.delete(resourceId);
    c.unrefResource(r);
    // The default component forgets a resource in its contexts itself; another owner's resource is detached here.
    if (c !== this.#dc()) for (const ctx of this.#contexts.values()) ctx.detach(r);
    // rutabaga_gfx tells only the default component, so host objects another component made (cross-domain blobs
    // beside a virgl default) would stay open: their maker releases them too.
    const maker = this.#makerOf(r);
    if (maker !== undefined && maker !== c) maker.unrefResource(r);
  }

  /** The one present component a resource's mask names, if it names exactly one. */
  #makerOf(r: RutabagaResource): RutabagaComponent | undefined {
    const mask = r.componentMask;
    if (mask === 0 || (mask & (mask - 1)) !== 0) return undefined;
    return this.#components.get(Math.log2(mask) as RutabagaComponentType);
  }

  /** Moves a box from the resource's backing (or `buf`, where a component allows) into host storage. */
  transferWrite(ctxId: number, resourceId: number, transfer: Transfer3D, buf?: Uint8Array): void {
    checkU32(ctxId, "context id");
    checkTransfer(transfer);
    this.#dc();
    const r = this.#resource(resourceId);
    this.#owner(r).transferWrite(ctxId, r, transfer, buf);
  }

  /** Moves a box from host storage into `buf` (or the resource's backing, for components that write it). */
  transferRead(ctxId: number, resourceId: number, transfer: Transfer3D, buf?: Uint8Array): void {
    checkU32(ctxId, "context id");
    checkTransfer(transfer);
    this.#dc();
    const r = this.#resource(resourceId);
    this.#owner(r).transferRead(ctxId, r, transfer, buf);
  }

  /** Presents a resource where the component can (2D cannot: presentation is the front end's job). */
  resourceFlush(resourceId: number): void {
    if (!this.#components.has(this.#defaultType)) {
      throw new RutabagaError("Unsupported", "resource flush without a default component");
    }
    const r = this.#resource(resourceId);
    this.#owner(r).resourceFlush(r);
  }

  /**
   * virtio-gpu `RESOURCE_FLUSH`: checks `rect` against a non-blob resource's size, then lets the component present
   * the resource if it presents flushes itself ({@link RutabagaComponent.presentsFlush}); the front end shows its
   * scanouts' pixels through {@link readScanout} either way.
   */
  flushResource(resourceId: number, rect: Rect2D): void {
    this.#dc();
    const r = this.#resource(resourceId);
    if (!r.blob) checkRect(rect, r.width, r.height);
    const c = this.#owner(r);
    if (c.presentsFlush) c.resourceFlush(r);
  }

  /**
   * Records how a resource is shown on a scanout. `info` describes a blob's image (`info.strides[0]` is the row
   * pitch); `view` is the visible rectangle, which must be non-empty and inside the resource (or the blob's image,
   * which must fit its backing), and a blob image's format must be a 4-byte `VIRTIO_GPU_FORMAT_*`.
   */
  setScanout(scanoutId: number, resourceId: number, info?: Resource3DInfo, view?: ScanoutView): void {
    checkU32(scanoutId, "scanout id");
    const r = this.#resource(resourceId);
    if (view !== undefined) {
      if (info === undefined) {
        if (r.blob) throw new RutabagaError("Invalid2DInfo", `resource ${resourceId} is a blob: it needs its layout`);
        checkVisibleRect(view.rect, r.width, r.height);
      } else {
        if (view.format === undefined || !VIRTIO_GPU_FORMATS.has(view.format)) {
          throw new RutabagaError("Invalid2DInfo", `scanout format ${String(view.format)}`);
        }
        const stride = info.strides[0];
        if (info.width === 0 || info.height === 0 || stride < info.width * 4) {
          throw new RutabagaError("Invalid2DInfo", `blob scanout ${info.width}x${info.height} stride ${stride}`);
        }
        const end = info.offsets[0] + (info.height - 1) * stride + info.width * 4;
        const backed = r.blob ? r.size : BigInt(r.width * r.height * 4);
        if (BigInt(end) > backed)
          throw new RutabagaError("CheckedRange", `blob scanout needs ${end} bytes of ${backed}`);
        checkVisibleRect(view.rect, info.width, info.height);
      }
    }
    if (info === undefined) return;
    if (r.info2d === undefined) throw new RutabagaError("Invalid2DInfo", `resource ${resourceId} has no 2D info`);
    r.info2d.scanoutStride = checkU32(info.strides[0], "scanout stride");
  }

  /**
   * The pixels of `rect` of a resource a scanout shows (resource coordinates; for a blob, coordinates in the image
   * that starts `imageOffset` bytes into its backing), for both 2D resources and GL-rendered ones: see
   * {@link RutabagaComponent.readScanout}. Components that cannot answer `Unsupported`.
   */
  readScanout(resourceId: number, rect: Rect2D, target: ScanoutTarget, imageOffset = 0): ScanoutPixels {
    const r = this.#resource(resourceId);
    if (!r.blob) checkRect(rect, r.width, r.height);
    checkOffset(imageOffset, "image offset");
    this.#dc();
    return this.#owner(r).readScanout(r, rect, target, imageOffset);
  }

  /**
   * virtio-gpu `TRANSFER_TO_HOST_2D`: the rectangle is checked against a non-blob resource's size, then moved from
   * the backing (`offset` is the backing offset of its first pixel).
   */
  transferToHost2d(resourceId: number, rect: Rect2D, offset: bigint): void {
    const r = this.#resource(resourceId);
    if (!r.blob) checkRect(rect, r.width, r.height);
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new RutabagaError("CheckedRange", `offset ${offset}`);
    const t: Transfer3D = {
      x: rect.x,
      y: rect.y,
      z: 0,
      w: rect.w,
      h: rect.h,
      d: 1,
      level: 0,
      stride: 0,
      layerStride: 0,
      offset: Number(offset),
    };
    this.transferWrite(0, resourceId, t);
  }

  /** Creates a blob resource: through a cross-domain context, else through the default component. */
  resourceCreateBlob(
    ctxId: number,
    resourceId: number,
    create: ResourceCreateBlob,
    iovecs?: IovecSource,
    handle?: RutabagaHandle,
  ): void {
    checkU32(ctxId, "context id");
    checkU32(resourceId, "resource id");
    checkU32Fields(create, BLOB_U32_FIELDS, "create");
    checkU64(create.blobId, "create.blobId");
    checkU64(create.size, "create.size");
    if (this.#resources.has(resourceId)) {
      throw new RutabagaError("InvalidResourceId", `resource ${resourceId} already exists`);
    }
    const backing = iovecs === undefined ? undefined : IovecList.from(iovecsOf(iovecs));
    const c = this.#dc();
    const args = { ...create };
    let resource: RutabagaResource;
    if (ctxId > 0) {
      const ctx = this.#context(ctxId);
      // A guest-memory blob made in a cross-domain context (Linux sets the context on every blob) is a ring: the
      // default component makes it with its backing (rutabaga_gfx before PR #81 dropped the backing here).
      resource =
        ctx.componentType === RutabagaComponentType.CrossDomain && args.blobMem !== RutabagaBlobMem.Guest
          ? ctx.contextCreateBlob(resourceId, args, handle)
          : c.createBlob(ctxId, resourceId, args, backing, handle);
    } else {
      resource = c.createBlob(ctxId, resourceId, args, backing, handle);
    }
    this.#resources.set(resourceId, resource);
  }

  /** Maps a blob's host memory into this process. */
  map(resourceId: number): Uint8Array {
    const r = this.#resource(resourceId);
    const mapping = this.#componentForMask(r.componentMask).map(r);
    r.mapping = mapping;
    return mapping;
  }

  /** Ends a `map`. */
  unmap(resourceId: number): void {
    const r = this.#resource(resourceId);
    this.#componentForMask(r.componentMask).unmap(r);
    r.mapping = undefined;
  }

  /** The blob's map info (`RutabagaMapInfo` cache and access bits). */
  mapInfo(resourceId: number): number {
    const r = this.#resource(resourceId);
    if (r.mapInfo === undefined) throw new RutabagaError("Unsupported", `resource ${resourceId} has no map info`);
    return r.mapInfo;
  }

  /** Where a Vulkan-backed resource lives. */
  vulkanInfo(resourceId: number): VulkanInfo {
    const r = this.#resource(resourceId);
    if (r.vulkanInfo === undefined) {
      throw new RutabagaError("InvalidVulkanInfo", `resource ${resourceId} has no Vulkan info`);
    }
    return r.vulkanInfo;
  }

  /** The host layout of an image resource (rutabaga_gfx's `resource3d_info`). */
  query(resourceId: number): Resource3DInfo {
    const r = this.#resource(resourceId);
    if (r.info3d === undefined) throw new RutabagaError("Unsupported", `resource ${resourceId} has no 3D info`);
    return r.info3d;
  }

  /** Sizes and kind of a resource, for front ends that present it. */
  resourceInfo(resourceId: number): RutabagaResourceInfo {
    const r = this.#resource(resourceId);
    return {
      resourceId,
      width: r.width,
      height: r.height,
      format: r.format,
      blob: r.blob,
      blobMem: r.blobMem,
      blobFlags: r.blobFlags,
      size: r.size,
      backingLength: r.backing?.totalLength ?? 0,
      componentMask: r.componentMask,
    };
  }

  /** The ids of every resource, ascending. */
  resourceIds(): number[] {
    return [...this.#resources.keys()].sort((a, b) => a - b);
  }

  /**
   * Hands out the resource's OS handle: a shareable blob (or a non-blob) keeps it and the host binding duplicates it;
   * otherwise it moves out and the resource keeps none.
   */
  exportBlob(resourceId: number): RutabagaHandle {
    const r = this.#resource(resourceId);
    const handle = r.handle;
    if (handle === undefined) throw new RutabagaError("BadHandle", `resource ${resourceId} has no handle`);
    const shareable =
      (r.blobFlags & (RutabagaBlobFlags.UseShareable | RutabagaBlobFlags.UseCrossDevice)) !== 0 || !r.blob;
    if (!shareable) r.handle = undefined;
    return handle;
  }

  /** A fence's OS handle, from the default component. */
  exportFence(fenceId: bigint): RutabagaHandle {
    checkU64(fenceId, "fence id");
    return this.#dc().exportFence(fenceId);
  }

  /** Creates a context with the component that owns capset `contextInit & 0xff` (the default one when unknown). */
  createContext(ctxId: number, contextInit: number, name?: string): void {
    checkU32(ctxId, "context id");
    checkU32(contextInit, "context init");
    const capsetId = contextInit & RUTABAGA_CONTEXT_INIT_CAPSET_ID_MASK;
    const entry = this.#capsets.find((c) => c.capsetId === capsetId);
    const c = entry === undefined ? this.#components.get(this.#defaultType) : this.#components.get(entry.component);
    if (c === undefined) throw new RutabagaError("InvalidComponent", `no component for capset ${capsetId}`);
    if (this.#contexts.has(ctxId)) throw new RutabagaError("InvalidContextId", `context ${ctxId} already exists`);
    this.#contexts.set(ctxId, c.createContext(ctxId, contextInit, name));
  }

  /** Destroys a context. */
  destroyContext(ctxId: number): void {
    const ctx = this.#context(ctxId);
    this.#contexts.delete(ctxId);
    ctx.destroy();
  }

  /** Lets a context use a resource. */
  contextAttachResource(ctxId: number, resourceId: number): void {
    const ctx = this.#context(ctxId);
    ctx.attach(this.#resource(resourceId));
  }

  /** Ends a context's use of a resource. */
  contextDetachResource(ctxId: number, resourceId: number): void {
    const ctx = this.#context(ctxId);
    ctx.detach(this.#resource(resourceId));
  }

  /** Runs a command buffer in a context. */
  submitCommand(ctxId: number, commands: Uint8Array, fenceIds: readonly bigint[] = []): void {
    const ctx = this.#context(ctxId);
    if (!(commands instanceof Uint8Array)) throw new RutabagaError("InvalidCommandBuffer", "commands must be bytes");
    for (const id of fenceIds) checkU64(id, "fence id");
    ctx.submitCmd(commands, fenceIds);
  }

  /**
   * Has every component that can report the guest backing its contexts' command streams and `transferWrite` are
   * about to read (trace capture; undefined stops it).
   */
  observeBackingReads(observer: BackingReadObserver | undefined): void {
    for (const c of this.#components.values()) c.observeBackingReads?.(observer);
  }

  /** Asks the default component to quiesce before a snapshot. */
  suspend(): void {
    this.#dc().suspend();
  }

  /** Undoes `suspend`. */
  resume(): void {
    this.#dc().resume();
  }

  /**
   * The whole state as bytes (see snapshot-format.ts): resources with their metadata and 2D pixels, the component's
   * state and every context's. Backing is not saved: the front end re-attaches it after `restore`.
   */
  snapshot(): Uint8Array {
    return encodeSnapshot(this.#snapshotContents());
  }

  /** The snapshot as a sequence of chunks, to write a large state without one big copy. */
  snapshotChunks(): Uint8Array[] {
    return encodeSnapshot(this.#snapshotContents(), true);
  }

  #snapshotContents(): SnapshotContents {
    const c = this.#dc();
    const contexts = [...this.#contexts].map(([ctxId, ctx]) => ({
      ctxId,
      componentType: ctx.componentType,
      state: ctx.snapshot(),
    }));
    const resourceStates = new Map<number, Uint8Array>();
    for (const r of this.#resources.values()) {
      const state = this.#owner(r).snapshotResource(r);
      if (state !== undefined) resourceStates.set(r.resourceId, state);
    }
    return {
      defaultComponent: this.#defaultType,
      componentState: c.snapshot(),
      resources: [...this.#resources.values()],
      resourceStates,
      contexts,
    };
  }

  /**
   * Replaces the whole state with a snapshot's, all or nothing. The bytes are decoded and checked completely first
   * (truncated, corrupt or foreign input throws `SnapshotError`, too much memory `OutOfMemory`). Each component then
   * builds its resources first (contexts refer to them), its contexts, and its own state, beside the live ones, the
   * default component last; only when every component has succeeded are the old contexts and resources released and the new ones made
   * live, so a failure anywhere leaves this instance as it was.
   */
  restore(bytes: Uint8Array): void {
    const c = this.#dc();
    const decoded = decodeSnapshot(bytes);
    if (decoded.defaultComponent !== this.#defaultType) {
      throw new RutabagaError(
        "SnapshotError",
        `snapshot is of component ${decoded.defaultComponent}, this instance's is ${this.#defaultType}`,
      );
    }
    const inputs = new Map<RutabagaComponent, { resources: ComponentRestoreResource[]; contexts: SavedContext[] }>();
    const inputOf = (owner: RutabagaComponent) => {
      let input = inputs.get(owner);
      if (input === undefined) {
        input = { resources: [], contexts: [] };
        inputs.set(owner, input);
      }
      return input;
    };
    for (const r of decoded.resources) {
      inputOf(this.#owner(r)).resources.push({ resource: r, state: decoded.resourceStates.get(r.resourceId) });
    }
    for (const saved of decoded.contexts) {
      const owner = this.#components.get(saved.componentType);
      if (owner === undefined) {
        throw new RutabagaError(
          "SnapshotError",
          `context ${saved.ctxId} needs absent component ${saved.componentType}`,
        );
      }
      inputOf(owner).contexts.push({ ctxId: saved.ctxId, state: saved.state });
    }
    this.#checkRestoreMemory(decoded.resources);
    // The default component goes last: the base implementation restores its own state in place.
    const defaultInput = inputOf(c);
    inputs.delete(c);
    const prepared: PreparedRestore[] = [];
    try {
      for (const [owner, input] of inputs) prepared.push(owner.prepareRestore({ ...input, state: undefined }));
      prepared.push(c.prepareRestore({ ...defaultInput, state: decoded.componentState }));
      // Components set the host bytes of the resources they rebuilt: check again with those.
      this.#checkRestoreMemory(decoded.resources);
    } catch (e) {
      for (const p of prepared) p.discard();
      throw e;
    }
    for (const ctx of this.#contexts.values()) ctx.destroy();
    for (const r of this.#resources.values()) this.#owner(r).unrefResource(r);
    const contexts = new Map<number, RutabagaContext>();
    for (const p of prepared) {
      p.commit();
      for (const [ctxId, ctx] of p.contexts) contexts.set(ctxId, ctx);
    }
    this.#contexts = contexts;
    this.#resources = new Map(decoded.resources.map((r) => [r.resourceId, r]));
    for (const r of decoded.resources) this.#hostMemory.charge(r.hostBytes, `restored resource ${r.resourceId}`);
  }

  /** Throws `OutOfMemory` when `resources` would not fit the limit once the live ones are released. */
  #checkRestoreMemory(resources: readonly RutabagaResource[]): void {
    const currentBytes = [...this.#resources.values()].reduce((n, r) => n + r.hostBytes, 0);
    const neededBytes = resources.reduce((n, r) => n + r.hostBytes, 0);
    if (neededBytes > this.#hostMemory.limit - this.#hostMemory.used + currentBytes) {
      throw new RutabagaError("OutOfMemory", `snapshot holds ${neededBytes} host bytes, over the limit`);
    }
  }

  /** Destroys every context and resource and the components; the instance is unusable afterwards. */
  destroy(): void {
    for (const ctx of this.#contexts.values()) ctx.destroy();
    this.#contexts.clear();
    if (this.#components.has(this.#defaultType))
      for (const r of this.#resources.values()) this.#owner(r).unrefResource(r);
    this.#resources.clear();
    for (const component of this.#components.values()) component.destroy();
    this.#components.clear();
  }
}

/** The capset row for a component type's own list, for the builder. */
export function capsetEntry(capsetId: number): CapsetEntry {
  const def = capsetDefinition(capsetId);
  if (def === undefined) throw new RutabagaError("InvalidCapset", `unknown capset ${capsetId}`);
  return { capsetId, component: def.component, name: def.name };
}
