import type { ComponentInit, RutabagaComponentFactory, RutabagaContext } from "../../rutabaga/component.ts";
import { RutabagaComponentBase } from "../../rutabaga/component-base.ts";
import { RutabagaCapset, RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { IovecList } from "../../rutabaga/iovec-list.ts";
import { blobResource, type RutabagaResource } from "../../rutabaga/resource.ts";
import type { ResourceCreateBlob, RutabagaFence, RutabagaHandle } from "../../rutabaga/types.ts";
import { CrossDomainContext, isRingBlob, MAPPABLE_HANDLE_TYPES } from "./context.ts";
import type { CrossDomainHost } from "./host.ts";
import { encodeCapabilities } from "./protocol.ts";
import { CrossDomainShared } from "./shared.ts";

/** Options of {@link crossDomainComponentFactory}. */
export interface CrossDomainOptions {
  /** Receives what the component drops on its own (a channel closed, an item that failed). */
  log?: (message: string) => void;
}

/**
 * rutabaga_gfx's cross-domain component (capset 5): contexts proxy host sockets, memory, pipes and events. Global
 * fences complete at once (kernels before ~6.6 fence cross-domain work globally); guest-memory blobs become rings;
 * host blobs come from its contexts and map through the host.
 */
export class CrossDomainComponent extends RutabagaComponentBase {
  readonly componentType = RutabagaComponentType.CrossDomain;
  readonly #shared: CrossDomainShared;
  readonly #contexts = new Set<CrossDomainContext>();

  constructor(init: ComponentInit, host: CrossDomainHost, options: CrossDomainOptions = {}) {
    super();
    this.#shared = new CrossDomainShared(
      host,
      init.paths,
      init.fenceHandler,
      init.hostMemory,
      options.log ?? (() => {}),
    );
  }

  override getCapsetInfo(capsetId: number): { version: number; size: number } {
    // rutabaga_gfx reports version 0 here while the capset says 1; guests ask with the reported version.
    return capsetId === RutabagaCapset.CrossDomain ? { version: 0, size: 16 } : { version: 0, size: 0 };
  }

  override getCapset(capsetId: number, _version: number): Uint8Array {
    if (capsetId !== RutabagaCapset.CrossDomain) return new Uint8Array(0);
    let channels = 0;
    for (const p of this.#shared.paths) if (p.pathType < 32) channels |= 1 << p.pathType;
    return encodeCapabilities(channels >>> 0, false, false);
  }

  override createFence(fence: RutabagaFence): void {
    this.#shared.fenceHandler(fence);
  }

  override createBlob(
    _ctxId: number,
    resourceId: number,
    create: ResourceCreateBlob,
    backing: IovecList | undefined,
    _handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    if (!isRingBlob(create)) throw new RutabagaError("Unsupported", "cross-domain makes only guest-memory blobs here");
    return blobResource(resourceId, create, RutabagaComponentType.CrossDomain, backing);
  }

  override map(resource: RutabagaResource): Uint8Array {
    const state = this.#shared.blobs.get(resource);
    const handle = resource.handle;
    if (handle === undefined || state === undefined)
      throw new RutabagaError("BadHandle", "resource has no host memory");
    if (!MAPPABLE_HANDLE_TYPES.has(handle.handleType)) {
      throw new RutabagaError("BadHandle", `handle type ${handle.handleType} is not shared memory`);
    }
    if (resource.mapInfo === undefined) throw new RutabagaError("Unsupported", "no map info available");
    if (state.mapping !== undefined) return state.mapping.bytes;
    if (resource.size > BigInt(Number.MAX_SAFE_INTEGER))
      throw new RutabagaError("CheckedRange", "blob too large to map");
    try {
      state.mapping = this.#shared.host.map(handle, Number(resource.size));
    } catch (e) {
      throw new RutabagaError("MappingFailed", e instanceof Error ? e.message : String(e));
    }
    return state.mapping.bytes;
  }

  override unmap(resource: RutabagaResource): void {
    const state = this.#shared.blobs.get(resource);
    state?.mapping?.unmap();
    if (state !== undefined) state.mapping = undefined;
  }

  override unrefResource(resource: RutabagaResource): void {
    const state = this.#shared.blobs.get(resource);
    if (state !== undefined) {
      this.unmap(resource);
      if (state.owned && resource.handle !== undefined) this.#shared.host.close(resource.handle);
      resource.handle = undefined;
      this.#shared.blobs.delete(resource);
    }
    this.#shared.hostMemory.release(resource.hostBytes);
    resource.hostBytes = 0;
  }

  override createContext(ctxId: number, _contextInit: number, _name: string | undefined): RutabagaContext {
    const ctx = new CrossDomainContext(ctxId, this.#shared, () => this.#contexts.delete(ctx));
    this.#contexts.add(ctx);
    return ctx;
  }

  override destroy(): void {
    for (const ctx of [...this.#contexts]) ctx.destroy();
    this.#shared.destroy();
  }
}

/** Registers as `builder.setComponentFactory(RutabagaComponentType.CrossDomain, crossDomainComponentFactory(host))`. */
export function crossDomainComponentFactory(
  host: CrossDomainHost,
  options?: CrossDomainOptions,
): RutabagaComponentFactory {
  return (init) => new CrossDomainComponent(init, host, options);
}
