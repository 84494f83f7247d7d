import { GUEST_PAGE_SIZE } from "../../rutabaga/constants.ts";
import { waylandInterfaces } from "../../wayland/protocol-table.ts";
import type { WaylandMessageHeader } from "../../wayland/wire.ts";

// How a wl_shm pool grows through the proxy. The host blob behind a pool cannot grow (its memfd belongs to the host
// component), so a `wl_shm_pool.resize` past the blob's capacity moves the pool to a new, larger blob: the proxy
// sends the compositor `wl_shm_pool.destroy(P)` and `wl_shm.create_pool(P, blob, size)` in place of the resize, on
// the same wl_shm and with the client's own id P. Buffers made before keep their old blob (the compositor keeps its
// mapping for them); later requests on P reach the new pool unchanged. The id cannot be one of the proxy's own: a
// libwayland server takes a new client id only if it is free and at most one past the highest id the client has
// used (wl_map_reserve_new), so any other id is a protocol error. The compositor answers the destroy with
// `wl_display.delete_id(P)`, which the client must never see (it would free an id it still uses).

/** Bytes of host blobs behind one client's shm pools, live at once (a growth counts the blob it replaces only if
 * a wl_buffer still uses it). */
export const MAX_SHM_BYTES_PER_CLIENT = 512 * 1024 * 1024;

/** A host blob behind the compositor's side of a pool. */
export interface PoolBlob {
  resourceId: number;
  /** Where MAP_BLOB placed it in the host-visible region. */
  offset: bigint;
  /** Its bytes: the pool's capacity. */
  host: Uint8Array;
  /** The compositor's pool object on it (0 or 1) and the wl_buffers made from it; the blob goes at zero. */
  users: number;
}

/**
 * Capacity of the blob for a pool of `size` bytes that outgrew `current` bytes: at least double, so a pool grown in
 * small steps is copied O(final size) bytes in all; just `size` (page-rounded) when doubling would pass `budget`;
 * `undefined` when even that does not fit.
 */
export function grownCapacity(size: number, current: number, budget: number): number | undefined {
  const round = (n: number) => Math.ceil(n / GUEST_PAGE_SIZE) * GUEST_PAGE_SIZE;
  const doubled = round(Math.max(size, 2 * current));
  if (doubled <= budget) return doubled;
  return round(size) <= budget ? round(size) : undefined;
}

const shmPool = waylandInterfaces().get("wl_shm_pool")!.requests;
const DESTROY = shmPool.findIndex((m) => m.name === "destroy");
const CREATE_POOL = waylandInterfaces()
  .get("wl_shm")!
  .requests.findIndex((m) => m.name === "create_pool");
const DELETE_ID = waylandInterfaces()
  .get("wl_display")!
  .events.findIndex((m) => m.name === "delete_id");

/**
 * The requests sent in place of a resize past the blob: `wl_shm_pool.destroy(poolId)`, then
 * `wl_shm.create_pool(poolId, fd, size)` on wl_shm `shmId` (the fd travels out of band: the new blob's identifier).
 */
export function encodePoolMove(shmId: number, poolId: number, size: number): Uint8Array {
  const bytes = new Uint8Array(8 + 16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, poolId, true);
  view.setUint32(4, (8 << 16) | DESTROY, true);
  view.setUint32(8, shmId, true);
  view.setUint32(12, (16 << 16) | CREATE_POOL, true);
  view.setUint32(16, poolId, true);
  view.setInt32(20, size, true);
  return bytes;
}

/** `wl_display.delete_id` events the compositor owes for the proxy's own destroys: they never reach the client. */
export class OwedDeleteIds {
  readonly #owed = new Map<number, number>();

  /** Ids with an event still owed. */
  get size(): number {
    return this.#owed.size;
  }

  owe(id: number): void {
    this.#owed.set(id, (this.#owed.get(id) ?? 0) + 1);
  }

  /**
   * True, and one debt paid, when the complete message at `at` is `wl_display.delete_id` of an owed id. Every
   * delete_id of one id is the same 12 bytes, so which of them is swallowed does not matter, only how many.
   */
  takes(view: DataView, at: number, header: WaylandMessageHeader): boolean {
    if (header.objectId !== 1 || header.opcode !== DELETE_ID || header.size !== 12) return false;
    const id = view.getUint32(at + 8, true);
    const n = this.#owed.get(id);
    if (n === undefined) return false;
    if (n === 1) this.#owed.delete(id);
    else this.#owed.set(id, n - 1);
    return true;
  }
}
