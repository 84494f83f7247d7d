import type { RutabagaComponentType } from "./constants.ts";
import type { HostMemoryBudget } from "./host-memory.ts";
import type { IovecList } from "./iovec-list.ts";
import type { Rect2D } from "./rect.ts";
import type { RutabagaResource } from "./resource.ts";
import type {
  BackingReadObserver,
  ResourceCreate3D,
  ResourceCreateBlob,
  RutabagaFence,
  RutabagaFenceHandler,
  RutabagaHandle,
  RutabagaPath,
  ScanoutPixels,
  ScanoutTarget,
  Transfer3D,
} from "./types.ts";

/**
 * A backend: the default component serves every resource-level call; the component owning a capset creates that
 * capset's contexts. Methods a backend does not support throw `RutabagaError("Unsupported")`; see
 * {@link RutabagaComponentBase} for rutabaga_gfx's defaults. A method that throws must leave its state unchanged.
 */
export interface RutabagaComponent {
  readonly componentType: RutabagaComponentType;
  /** `(version, size)` of a capset this component serves; `(0, 0)` when unknown. */
  getCapsetInfo(capsetId: number): { version: number; size: number };
  /** The capset's bytes (may be empty). */
  getCapset(capsetId: number, version: number): Uint8Array;
  forceCtx0(): void;
  /** A global (non ring) fence; completion goes to the fence handler, possibly later. */
  createFence(fence: RutabagaFence): void;
  eventPoll(): void;
  pollDescriptor(): RutabagaHandle | undefined;
  createResource3d(resourceId: number, create: ResourceCreate3D): RutabagaResource;
  /** Called before the library stores `backing` on the resource. */
  attachBacking(resource: RutabagaResource, backing: IovecList): void;
  detachBacking(resource: RutabagaResource): void;
  /** The resource has already left the library's map; release what it holds. */
  unrefResource(resource: RutabagaResource): void;
  transferWrite(ctxId: number, resource: RutabagaResource, transfer: Transfer3D, buf: Uint8Array | undefined): void;
  transferRead(ctxId: number, resource: RutabagaResource, transfer: Transfer3D, buf: Uint8Array | undefined): void;
  resourceFlush(resource: RutabagaResource): void;
  /** True when `resourceFlush` presents the resource itself (a window of its own); false leaves it to the front end. */
  readonly presentsFlush: boolean;
  /**
   * The pixels of `rect` of a resource a scanout shows: a view of host storage where the component keeps the image
   * (2D), else copied into `target` (a guest-memory blob read with the stride `setScanout` recorded, starting
   * `imageOffset` bytes into the backing; a GL component reads its texture back here). The library has checked `rect`.
   */
  readScanout(resource: RutabagaResource, rect: Rect2D, target: ScanoutTarget, imageOffset: number): ScanoutPixels;
  createBlob(
    ctxId: number,
    resourceId: number,
    create: ResourceCreateBlob,
    backing: IovecList | undefined,
    handle: RutabagaHandle | undefined,
  ): RutabagaResource;
  map(resource: RutabagaResource): Uint8Array;
  unmap(resource: RutabagaResource): void;
  exportFence(fenceId: bigint): RutabagaHandle;
  createContext(ctxId: number, contextInit: number, name: string | undefined): RutabagaContext;
  suspend(): void;
  resume(): void;
  /** Component-wide state for a snapshot (resources are saved by the library). */
  snapshot(): Uint8Array;
  restore(bytes: Uint8Array): void;
  /** Rebuilds a context from what its `snapshot()` returned. */
  restoreContext(ctxId: number, bytes: Uint8Array): RutabagaContext;
  /**
   * What a snapshot keeps of `resource` beyond the library's record (contents in host storage, how it was
   * created), or `undefined` when the record says everything.
   */
  snapshotResource(resource: RutabagaResource): Uint8Array | undefined;
  /**
   * Builds what a snapshot describes for this component without touching live state: its resources (the library's
   * decoded records with what {@link snapshotResource} returned), then its contexts, then (when given) its own
   * state. Throws `RutabagaError` with nothing left built; the library then calls `commit` (after releasing the
   * old contexts and resources) or `discard`.
   */
  prepareRestore(input: ComponentRestoreInput): PreparedRestore;
  /** Releases everything the component holds; the library calls it once, last. */
  destroy(): void;
  /**
   * Reports each range of guest backing a context's command stream or a `transferWrite` is about to read to
   * `observer` (undefined stops it); components that do not report leave it out.
   */
  observeBackingReads?(observer: BackingReadObserver | undefined): void;
  /**
   * Where this component's capset `capsetId` at `version` offers less than `recorded` (what another host gave a
   * guest): the fields, by name; empty when it covers it. Components that leave it out are compared byte for byte.
   */
  capsetShortfall?(capsetId: number, version: number, recorded: Uint8Array): string[];
}

/** What a snapshot holds for one component (see {@link RutabagaComponent.prepareRestore}). */
export interface ComponentRestoreInput {
  /** The component's own `snapshot()` bytes, for the default component; `undefined` for the others. */
  readonly state: Uint8Array | undefined;
  readonly resources: readonly { readonly resource: RutabagaResource; readonly state: Uint8Array | undefined }[];
  readonly contexts: readonly { readonly ctxId: number; readonly state: Uint8Array }[];
}

/** A restore built but not live yet. */
export interface PreparedRestore {
  /** The rebuilt contexts by id. */
  readonly contexts: ReadonlyMap<number, RutabagaContext>;
  /** Makes the rebuilt resources and contexts the component's own; cannot fail. */
  commit(): void;
  /** Releases everything built. */
  discard(): void;
}

/** A context: a command stream target created by a capset's component. */
export interface RutabagaContext {
  readonly componentType: RutabagaComponentType;
  submitCmd(commands: Uint8Array, fenceIds: readonly bigint[]): void;
  attach(resource: RutabagaResource): void;
  detach(resource: RutabagaResource): void;
  /** A ring fence (`INFO_RING_IDX`); may return a shareable handle. */
  contextCreateFence(fence: RutabagaFence): RutabagaHandle | undefined;
  contextCreateBlob(
    resourceId: number,
    create: ResourceCreateBlob,
    handle: RutabagaHandle | undefined,
  ): RutabagaResource;
  snapshot(): Uint8Array;
  /** Tears the context down (rutabaga_gfx does this in Drop). */
  destroy(): void;
}

/** What the builder hands a component factory. */
export interface ComponentInit {
  readonly capsetMask: bigint;
  readonly fenceHandler: RutabagaFenceHandler;
  readonly paths: readonly RutabagaPath[];
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly hostMemory: HostMemoryBudget;
}

/** Creates a component; throws `RutabagaError` when the host cannot provide it. */
export type RutabagaComponentFactory = (init: ComponentInit) => RutabagaComponent;
