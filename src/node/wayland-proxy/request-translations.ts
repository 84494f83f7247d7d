import type { CrossDomainIdentifier } from "../../components/cross-domain/protocol.ts";
import { WaylandMessageTable } from "../../wayland/message-table.ts";
import type { WaylandObjectEntry } from "../../wayland/object-map.ts";
import type { WaylandValue } from "../../wayland/wire.ts";
import type { ShmObject, ShmPools } from "./shm-pools.ts";

/** What the proxy keeps on object-map entries. */
export type ProxyObject = ShmObject;

/** The request being forwarded, as a translation sees it (one instance per session, reused). */
export interface ProxyRequest {
  /** The object the request is on, and its entry. */
  readonly objectId: number;
  readonly entry: WaylandObjectEntry<ProxyObject>;
  /** Its decoded arguments (after the object map applied it: a `new_id` has its entry). */
  readonly values: readonly WaylandValue[];
  /** The next descriptor the client sent with it (the translation owns it). */
  takeFd(): number;
  /** Adds an identifier to the SEND that carries the request. */
  identifier(id: CrossDomainIdentifier): void;
  /** Sends `commands` (SEND commands) in place of the request. */
  replaceWith(commands: Uint8Array): void;
}

/** A session's concerns a translation may act on. */
export interface ProxyConcerns {
  readonly shm: ShmPools;
}

/** What the proxy does with one request before (or instead of) forwarding it. */
export type RequestTranslation = (concerns: ProxyConcerns, request: ProxyRequest) => void;

/**
 * The requests the proxy translates, by the generated (interface, opcode) pairs; every other request crosses as
 * bytes (a descriptor it carries is translated by its kind, pipes.ts).
 */
export const REQUEST_TRANSLATIONS = new WaylandMessageTable<RequestTranslation>("request", {
  wl_shm: { create_pool: (c, r) => c.shm.createPool(r) },
  wl_shm_pool: {
    create_buffer: (c, r) => c.shm.createBuffer(r),
    destroy: (c, r) => c.shm.destroyPool(r),
    resize: (c, r) => c.shm.resizePool(r),
  },
  wl_buffer: { destroy: (c, r) => c.shm.destroyBuffer(r) },
  wl_surface: {
    attach: (c, r) => c.shm.attach(r),
    damage: (c, r) => c.shm.damage(r),
    damage_buffer: (c, r) => c.shm.damage(r),
    commit: (c, r) => c.shm.commit(r),
    destroy: (c, r) => c.shm.destroySurface(r),
  },
});
