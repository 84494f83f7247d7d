import { RutabagaError } from "../../rutabaga/error.ts";
import type { HostMemoryBudget } from "../../rutabaga/host-memory.ts";
import { ResourceStates } from "../../rutabaga/resource.ts";
import type { RutabagaFenceHandler, RutabagaHandle, RutabagaPath } from "../../rutabaga/types.ts";
import type { CrossDomainHost } from "./host.ts";

/** Sockets handed over with ASSIGN_SOCKET_UUID and not yet taken by an INIT, component-wide. */
export const MAX_INTERNAL_SOCKETS = 64;

function uuidKey(uuid: Uint8Array): string {
  let s = "";
  for (const b of uuid) s += b.toString(16).padStart(2, "0");
  return s;
}

/** What the cross-domain component keeps on a host blob it made. */
export interface BlobState {
  /** The handle is the component's to close on unref. */
  owned: boolean;
  mapping: { bytes: Uint8Array; unmap(): void } | undefined;
}

/** What every context of one cross-domain component shares: the host, channels, fences, budget, internal sockets. */
export class CrossDomainShared {
  readonly host: CrossDomainHost;
  readonly paths: readonly RutabagaPath[];
  readonly fenceHandler: RutabagaFenceHandler;
  readonly hostMemory: HostMemoryBudget;
  readonly log: (message: string) => void;
  /** Host blobs' mapping and ownership, keyed by the library's record. */
  readonly blobs = new ResourceStates<BlobState>();
  readonly #internalSockets = new Map<string, RutabagaHandle>();

  constructor(
    host: CrossDomainHost,
    paths: readonly RutabagaPath[],
    fenceHandler: RutabagaFenceHandler,
    hostMemory: HostMemoryBudget,
    log: (message: string) => void,
  ) {
    this.host = host;
    this.paths = paths;
    this.fenceHandler = fenceHandler;
    this.hostMemory = hostMemory;
    this.log = log;
  }

  /** Stores a socket under a 16-byte uuid for another context's INIT. */
  putInternalSocket(uuid: Uint8Array, handle: RutabagaHandle): void {
    const key = uuidKey(uuid);
    if (this.#internalSockets.has(key)) throw new RutabagaError("AlreadyInUse", `socket uuid ${key} already assigned`);
    if (this.#internalSockets.size >= MAX_INTERNAL_SOCKETS) {
      throw new RutabagaError("OutOfMemory", `more than ${MAX_INTERNAL_SOCKETS} unclaimed internal sockets`);
    }
    this.#internalSockets.set(key, handle);
  }

  /** Takes the socket stored under `uuid`; unknown uuids are `InvalidCrossDomainChannel`. */
  takeInternalSocket(uuid: Uint8Array): RutabagaHandle {
    const key = uuidKey(uuid);
    const handle = this.#internalSockets.get(key);
    if (handle === undefined) throw new RutabagaError("InvalidCrossDomainChannel", `no internal socket ${key}`);
    this.#internalSockets.delete(key);
    return handle;
  }

  /** Closes unclaimed internal sockets. */
  destroy(): void {
    for (const h of this.#internalSockets.values()) this.host.close(h);
    this.#internalSockets.clear();
  }
}
