import type { ComponentInit, RutabagaContext } from "../../rutabaga/component.ts";
import { RutabagaComponentBase } from "../../rutabaga/component-base.ts";
import {
  RutabagaBlobMem,
  RutabagaCapset,
  RutabagaComponentType,
  RutabagaFenceFlags,
} from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { HostMemoryBudget } from "../../rutabaga/host-memory.ts";
import type { IovecList } from "../../rutabaga/iovec-list.ts";
import { emptyResource, ResourceStates, type RutabagaResource } from "../../rutabaga/resource.ts";
import type { ResourceCreateBlob, RutabagaFence, RutabagaFenceHandler, RutabagaHandle } from "../../rutabaga/types.ts";
import { VENUS_CAPSET_VERSION, VENUS_CAPSET_WORDS, venusCapset } from "./venus-capset.ts";

/** Shared memory the host made for a blob: a view of it, and a handle (a descriptor) for each export. */
export interface VenusHostShmem {
  readonly bytes: Uint8Array;
  /** A new handle for the client (the library hands it over; the caller closes it). */
  exportHandle(): RutabagaHandle;
  /** Unmaps and closes. */
  release(): void;
}

/** One venus context on the host: its command executor runs apart (a worker), fed in submission order. */
export interface VenusHostContext {
  /** Virtqueue commands (the bytes are the host's to keep). */
  submit(commands: Uint8Array): void;
  /** A blob the context's commands may name by resource id (ring, reply stream, command stream). */
  attachBlob(resourceId: number, shmem: VenusHostShmem): void;
  detachBlob(resourceId: number): void;
  /** A fence on timeline `ringIdx`, completed once every command submitted before it has run. */
  fence(ringIdx: number, fenceId: bigint): void;
  /** Ends the executor; every host object the context made is destroyed. */
  destroy(): void;
}

/** The host side the component needs (Node: memfds and a worker per context on the host's Vulkan). */
export interface VenusHost {
  createContext(ctxId: number, name: string, onFence: (ringIdx: number, fenceId: bigint) => void): VenusHostContext;
  createShmem(size: number): VenusHostShmem;
  destroy(): void;
}

/** What the component keeps per blob. */
interface BlobState {
  readonly shmem: VenusHostShmem;
  readonly ctxId: number;
}

/**
 * Venus contexts (capset 4): Vulkan for guests. It sits under rutabaga_gfx's virglrenderer component type, as
 * virglrenderer routes capset-4 contexts to its own venus renderer; a host builds it for an instance whose first
 * context is venus (vtest), see the README. Blobs are HOST3D shared memory (blob id 0: rings, reply and command
 * streams); device-memory blobs (blob id ≠ 0) are refused in this version.
 */
export class VenusComponent extends RutabagaComponentBase {
  readonly componentType = RutabagaComponentType.VirglRenderer;
  readonly #host: VenusHost;
  readonly #fenceHandler: RutabagaFenceHandler;
  readonly #memory: HostMemoryBudget;
  readonly #contexts = new Map<number, VenusContext>();
  readonly #blobs = new ResourceStates<BlobState>();
  /** Every live blob, to release at the end. */
  readonly #live = new Set<RutabagaResource>();
  #destroyed = false;

  constructor(init: ComponentInit, host: VenusHost) {
    super();
    this.#host = host;
    this.#fenceHandler = init.fenceHandler;
    this.#memory = init.hostMemory;
  }

  override getCapsetInfo(capsetId: number): { version: number; size: number } {
    return capsetId === RutabagaCapset.Venus
      ? { version: VENUS_CAPSET_VERSION, size: VENUS_CAPSET_WORDS * 4 }
      : { version: 0, size: 0 };
  }

  override getCapset(capsetId: number, version: number): Uint8Array {
    if (capsetId !== RutabagaCapset.Venus || version !== VENUS_CAPSET_VERSION) return new Uint8Array(0);
    return venusCapset();
  }

  /** Fences outside a context have nothing to wait for here. */
  override createFence(fence: RutabagaFence): void {
    this.#fenceHandler({ ...fence });
  }

  override createContext(ctxId: number, contextInit: number, name: string | undefined): RutabagaContext {
    if ((contextInit & 0xff) !== RutabagaCapset.Venus)
      throw new RutabagaError("InvalidContextId", `capset ${contextInit & 0xff}: this component serves venus only`);
    const ctx = new VenusContext(ctxId, this.#host, name ?? "venus", this.#fenceHandler, (id) => {
      this.#contexts.delete(id);
    });
    this.#contexts.set(ctxId, ctx);
    return ctx;
  }

  override createBlob(
    ctxId: number,
    resourceId: number,
    create: ResourceCreateBlob,
    _backing: IovecList | undefined,
    _handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    const ctx = this.#contexts.get(ctxId);
    if (ctx === undefined) throw new RutabagaError("InvalidContextId", `blob in context ${ctxId}: no venus context`);
    if (create.blobMem !== RutabagaBlobMem.Host3D)
      throw new RutabagaError("Unsupported", `venus blob memory ${create.blobMem} (HOST3D only)`);
    if (create.blobId !== 0n)
      throw new RutabagaError("Unsupported", `venus blob id ${create.blobId}: device-memory blobs are not served yet`);
    if (create.size > BigInt(Number.MAX_SAFE_INTEGER)) throw new RutabagaError("CheckedRange", "blob size");
    const size = Number(create.size);
    this.#memory.charge(size, `venus blob ${resourceId}`);
    let shmem: VenusHostShmem;
    try {
      shmem = this.#host.createShmem(size);
    } catch (e) {
      this.#memory.release(size);
      throw e;
    }
    const r = emptyResource(resourceId);
    r.blob = true;
    r.blobMem = create.blobMem;
    r.blobFlags = create.blobFlags;
    r.size = create.size;
    r.hostBytes = size;
    r.componentMask = 1 << RutabagaComponentType.VirglRenderer;
    try {
      r.handle = shmem.exportHandle();
      ctx.attachBlob(resourceId, shmem);
    } catch (e) {
      shmem.release();
      this.#memory.release(size);
      throw e;
    }
    this.#blobs.set(r, { shmem, ctxId });
    this.#live.add(r);
    return r;
  }

  override map(resource: RutabagaResource): Uint8Array {
    const b = this.#blobs.get(resource);
    if (b === undefined) throw new RutabagaError("InvalidResourceId", `resource ${resource.resourceId}: no venus blob`);
    return b.shmem.bytes;
  }

  override unmap(_resource: RutabagaResource): void {}

  override unrefResource(resource: RutabagaResource): void {
    const b = this.#blobs.get(resource);
    if (b === undefined) return;
    this.#blobs.delete(resource);
    this.#live.delete(resource);
    this.#contexts.get(b.ctxId)?.detachBlob(resource.resourceId);
    b.shmem.release();
    this.#memory.release(resource.hostBytes);
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const ctx of [...this.#contexts.values()]) ctx.destroy();
    for (const r of [...this.#live]) this.unrefResource(r);
    this.#host.destroy();
  }
}

/** A venus context: the host context plus the ring fences it forwards. */
class VenusContext implements RutabagaContext {
  readonly componentType = RutabagaComponentType.VirglRenderer;
  readonly #ctxId: number;
  readonly #host: VenusHostContext;
  readonly #onDestroy: (ctxId: number) => void;
  #destroyed = false;

  constructor(
    ctxId: number,
    host: VenusHost,
    name: string,
    fenceHandler: RutabagaFenceHandler,
    onDestroy: (ctxId: number) => void,
  ) {
    this.#ctxId = ctxId;
    this.#onDestroy = onDestroy;
    this.#host = host.createContext(ctxId, name, (ringIdx, fenceId) => {
      fenceHandler({ flags: RutabagaFenceFlags.Fence | RutabagaFenceFlags.InfoRingIdx, fenceId, ctxId, ringIdx });
    });
  }

  submitCmd(commands: Uint8Array, _fenceIds: readonly bigint[]): void {
    if (commands.byteLength % 4 !== 0)
      throw new RutabagaError("InvalidCommandSize", `venus commands of ${commands.byteLength} bytes`);
    this.#host.submit(commands.slice());
  }

  attachBlob(resourceId: number, shmem: VenusHostShmem): void {
    this.#host.attachBlob(resourceId, shmem);
  }

  detachBlob(resourceId: number): void {
    if (!this.#destroyed) this.#host.detachBlob(resourceId);
  }

  attach(_resource: RutabagaResource): void {}
  detach(_resource: RutabagaResource): void {}

  contextCreateFence(fence: RutabagaFence): RutabagaHandle | undefined {
    this.#host.fence(fence.ringIdx, fence.fenceId);
    return undefined;
  }

  contextCreateBlob(_resourceId: number, _create: ResourceCreateBlob, _handle: RutabagaHandle | undefined): never {
    throw new RutabagaError("Unsupported", "venus blobs are made by the component");
  }

  snapshot(): Uint8Array {
    throw new RutabagaError("Unsupported", "venus context snapshot");
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#host.destroy();
    this.#onDestroy(this.#ctxId);
  }
}
