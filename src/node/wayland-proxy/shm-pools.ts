import { encodeGetImageRequirements, encodeSend } from "../../components/cross-domain/guest-encoder.ts";
import { fourcc } from "../../components/cross-domain/image-layout.ts";
import { CrossDomainIdType, decodeImageRequirements } from "../../components/cross-domain/protocol.ts";
import { RutabagaBlobFlags } from "../../rutabaga/constants.ts";
import { MAX_WAYLAND_OBJECTS, type WaylandObjectMap } from "../../wayland/object-map.ts";
import { closeFd } from "../os/fd.ts";
import { addSeals, FileSeal, fileSize, hasSeals } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import { encodePoolMove, grownCapacity, type OwedDeleteIds } from "./pool-move.ts";
import type { MappedBlob, ProxyContext } from "./proxy-context.ts";
import { NotCarried } from "./proxy-shared.ts";
import type { ProxyRequest } from "./request-translations.ts";

// shm pools and buffers: a client's pool becomes a host blob (GET_IMAGE_REQUIREMENTS R8, RESOURCE_CREATE_BLOB host3d,
// MAP_BLOB) the compositor's pool is made on; at each wl_surface.commit the attached buffer's changed rows go from the
// client's pool to the blob before the commit reaches the compositor (damage is per row, assuming scale 1 and no
// transform; a buffer first shown is copied whole). A resize past the blob moves the pool (pool-move.ts).

/** Most shm pools one client may have, and most host blobs behind them (a grown pool's old blobs count). */
export const MAX_POOLS_PER_CLIENT = 256;

/** Bytes of host blobs behind one client's shm pools, live at once (a growth counts the blob it replaces only if
 * a wl_buffer still uses it). */
export const MAX_SHM_BYTES_PER_CLIENT = 512 * 1024 * 1024;

/** A host blob behind the compositor's side of a pool. */
export interface PoolBlob extends MappedBlob {
  /** The compositor's pool object on it (0 or 1) and the wl_buffers made from it; the blob goes at zero. */
  users: number;
}

/** A wl_shm_pool's state (on its object-map entry). */
interface Pool {
  readonly kind: "pool";
  /** The wl_shm it was made from (a grown pool is made again there). */
  shmId: number;
  /** The client's file is sealed against shrinking (seals are never removed). */
  sealed: boolean;
  /** Live wl_buffers made from it; its mapping goes when the pool is destroyed and none is left. */
  buffers: Set<ShmBuffer>;
  destroyed: boolean;
  client: MemoryMapping;
  clientFd: number;
  /** The blob behind the compositor's pool now. */
  blob: PoolBlob;
  size: number;
}

/** Rows `[from, to)` of a buffer. */
interface RowRange {
  from: number;
  to: number;
}

/** A wl_buffer of an shm pool (state on its entry): where its pixels are and which rows the host copy lacks. */
interface ShmBuffer {
  readonly kind: "buffer";
  readonly id: number;
  pool: Pool;
  /** The pool's blob when the buffer was made (the compositor reads the buffer there). */
  blob: PoolBlob;
  offset: number;
  height: number;
  stride: number;
  /** Rows changed since the host copy was last refreshed (all of them at first). */
  dirty: RowRange | undefined;
}

/** A wl_surface's state (on its entry): the attached buffer and every buffer it has shown (damage is added to each). */
interface Surface {
  readonly kind: "surface";
  attached: number | undefined;
  seen: Set<number>;
  damage: RowRange | undefined;
}

/** What the shm concern keeps on object-map entries. */
export type ShmObject = Pool | ShmBuffer | Surface;

const union = (a: RowRange | undefined, b: RowRange): RowRange =>
  a === undefined ? { ...b } : { from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) };

/** One session's shm pools, their host blobs, the buffers made from them and the surfaces they are shown on. */
export class ShmPools {
  readonly #context: ProxyContext;
  readonly #objects: WaylandObjectMap<ShmObject>;
  readonly #owedDeleteIds: OwedDeleteIds;
  /** Pools whose client mapping is held: live ones and destroyed ones whose buffers still live. */
  readonly #mapped = new Set<Pool>();
  readonly #surfaces = new Set<Surface>();
  readonly #blobs = new Set<PoolBlob>();
  /** Blobs no longer used, released once the SENDs naming them are out ({@link releaseUnused}). */
  readonly #unusedBlobs: PoolBlob[] = [];
  #blobBytes = 0;

  constructor(context: ProxyContext, objects: WaylandObjectMap<ShmObject>, owedDeleteIds: OwedDeleteIds) {
    this.#context = context;
    this.#objects = objects;
    this.#owedDeleteIds = owedDeleteIds;
  }

  /** `wl_shm.create_pool`: the client's file is mapped and copied into a new blob, whose identifier replaces the fd. */
  createPool(r: ProxyRequest): void {
    const fd = r.takeFd();
    const poolId = r.values[0] as number;
    const entry = this.#objects.entry(poolId);
    if (entry === undefined) {
      closeFd(fd);
      throw new NotCarried(`more than ${MAX_WAYLAND_OBJECTS} objects`);
    }
    const pool = this.#createPool(fd, r.values[2] as number, r.objectId);
    entry.state = pool;
    this.#mapped.add(pool);
    r.identifier({ id: pool.blob.resourceId, type: CrossDomainIdType.VirtgpuBlob, size: 0 });
  }

  /** `wl_shm_pool.create_buffer`: the buffer is followed (copied whole at its first commit). */
  createBuffer(r: ProxyRequest): void {
    const pool = r.entry.state;
    if (pool?.kind !== "pool") return;
    const [id, offset, , height, stride] = r.values as number[];
    const entry = this.#objects.entry(id!);
    if (entry === undefined) throw new NotCarried(`more than ${MAX_WAYLAND_OBJECTS} objects`);
    const buffer: ShmBuffer = {
      kind: "buffer",
      id: id!,
      pool,
      blob: pool.blob,
      offset: offset!,
      height: height!,
      stride: stride!,
      dirty: { from: 0, to: height! },
    };
    pool.buffers.add(buffer);
    pool.blob.users++;
    entry.state = buffer;
  }

  /** `wl_shm_pool.destroy`: the compositor's pool object leaves its blob; the mapping stays for live buffers. */
  destroyPool(r: ProxyRequest): void {
    const pool = r.entry.state;
    if (pool?.kind !== "pool") return;
    r.entry.state = undefined;
    this.#dropPool(pool);
  }

  /**
   * `wl_shm_pool.resize`: the mapping follows. Past the blob's capacity the pool moves to a larger blob
   * (pool-move.ts), sent in place of the resize. A shrink passes unchanged (the compositor answers it with an error).
   */
  resizePool(r: ProxyRequest): void {
    const pool = r.entry.state;
    if (pool?.kind !== "pool") return;
    const size = r.values[0] as number;
    if (size <= pool.size) return;
    const file = fileSize(pool.clientFd);
    if (file < size) throw new NotCarried(`shm pool of ${size} bytes on a ${file}-byte file`);
    const grown = MemoryMapping.map(pool.clientFd, size);
    pool.client.unmap();
    pool.client = grown;
    pool.size = size;
    if (size <= pool.blob.host.length) return;
    const old = pool.blob;
    const freed = old.users === 1 ? old.host.length : 0;
    const capacity = grownCapacity(size, old.host.length, MAX_SHM_BYTES_PER_CLIENT - this.#blobBytes + freed);
    if (capacity === undefined) throw new NotCarried(`shm pools of more than ${MAX_SHM_BYTES_PER_CLIENT} bytes`);
    this.#unuse(old);
    pool.blob = this.#poolBlob(grown.bytes, capacity);
    this.#owedDeleteIds.owe(r.objectId);
    this.#context.shared.stats.poolMoves++;
    const blobId = { id: pool.blob.resourceId, type: CrossDomainIdType.VirtgpuBlob, size: 0 };
    r.replaceWith(encodeSend([blobId], encodePoolMove(pool.shmId, r.objectId, size)));
  }

  /** `wl_buffer.destroy`. */
  destroyBuffer(r: ProxyRequest): void {
    const buffer = r.entry.state;
    if (buffer?.kind !== "buffer") return;
    r.entry.state = undefined;
    this.#dropBuffer(buffer);
  }

  /** `wl_surface.attach`. */
  attach(r: ProxyRequest): void {
    this.#surface(r).attached = (r.values[0] as number) || undefined;
  }

  /** `wl_surface.damage` and `damage_buffer`: rows only. */
  damage(r: ProxyRequest): void {
    const surface = this.#surface(r);
    const y = Math.max(0, r.values[1] as number);
    surface.damage = union(surface.damage, { from: y, to: y + Math.max(0, r.values[3] as number) });
  }

  /** `wl_surface.commit`: the attached buffer's changed rows go to its blob before the commit goes out. */
  commit(r: ProxyRequest): void {
    const surface = this.#surface(r);
    this.#context.shared.stats.commits++;
    const damage = surface.damage;
    surface.damage = undefined;
    if (damage !== undefined) {
      for (const id of surface.seen) {
        const b = this.#buffer(id);
        if (b !== undefined) b.dirty = union(b.dirty, damage);
      }
    }
    const id = surface.attached;
    const b = id === undefined ? undefined : this.#buffer(id);
    if (b === undefined) return;
    surface.seen.add(id!);
    const dirty = b.dirty;
    b.dirty = undefined;
    if (dirty === undefined) return;
    const from = b.offset + Math.min(dirty.from, b.height) * b.stride;
    const to = Math.min(b.offset + Math.min(dirty.to, b.height) * b.stride, b.pool.size, b.blob.host.length);
    if (from < to && from >= 0) {
      if (!b.pool.sealed && fileSize(b.pool.clientFd) < to) throw new NotCarried("shm pool file shrank");
      b.blob.host.set(b.pool.client.bytes.subarray(from, to), from);
      this.#context.shared.stats.copiedBytes += to - from;
    }
  }

  /** `wl_surface.destroy`. */
  destroySurface(r: ProxyRequest): void {
    const surface = r.entry.state;
    if (surface?.kind !== "surface") return;
    r.entry.state = undefined;
    this.#surfaces.delete(surface);
  }

  /** The state of an object whose id was freed or made again: as if the client had destroyed it. */
  forget(state: ShmObject): void {
    if (state.kind === "pool") this.#dropPool(state);
    else if (state.kind === "buffer") this.#dropBuffer(state);
    else this.#surfaces.delete(state);
  }

  /** Releases the blobs nothing uses any more (call once the SENDs that may name them are out). */
  releaseUnused(): void {
    for (const blob of this.#unusedBlobs.splice(0)) this.#context.releaseHostBlob(blob);
  }

  /** Unmaps every pool, closes the clients' files and releases every blob. */
  close(): void {
    for (const pool of this.#mapped) this.#releasePool(pool);
    this.#mapped.clear();
    for (const blob of [...this.#blobs, ...this.#unusedBlobs.splice(0)]) this.#context.releaseHostBlob(blob);
    this.#blobs.clear();
    this.#blobBytes = 0;
    this.#surfaces.clear();
  }

  #surface(r: ProxyRequest): Surface {
    const state = r.entry.state;
    if (state?.kind === "surface") return state;
    const surface: Surface = { kind: "surface", attached: undefined, seen: new Set<number>(), damage: undefined };
    r.entry.state = surface;
    this.#surfaces.add(surface);
    return surface;
  }

  #buffer(id: number): ShmBuffer | undefined {
    const state = this.#objects.entry(id)?.state;
    return state?.kind === "buffer" ? state : undefined;
  }

  /** Takes ownership of `fd` (closed on failure). */
  #createPool(fd: number, size: number, shmId: number): Pool {
    let client: MemoryMapping | undefined;
    try {
      if (this.#mapped.size >= MAX_POOLS_PER_CLIENT) throw new NotCarried("too many shm pools");
      if (size <= 0) throw new NotCarried(`shm pool of ${size} bytes`);
      // Reading a mapping past its file's end raises SIGBUS and would kill the proxy: the file must be large enough,
      // and is sealed against shrinking when the client allowed seals (else its size is checked at every copy).
      if (fileSize(fd) < size) throw new NotCarried(`shm pool of ${size} bytes on a ${fileSize(fd)}-byte file`);
      addSeals(fd, FileSeal.Shrink);
      client = MemoryMapping.map(fd, size);
      const capacity = grownCapacity(size, 0, MAX_SHM_BYTES_PER_CLIENT - this.#blobBytes);
      if (capacity === undefined) throw new NotCarried(`shm pools of more than ${MAX_SHM_BYTES_PER_CLIENT} bytes`);
      const blob = this.#poolBlob(client.bytes, capacity);
      return {
        kind: "pool",
        shmId,
        sealed: hasSeals(fd, FileSeal.Shrink),
        buffers: new Set(),
        destroyed: false,
        client,
        clientFd: fd,
        blob,
        size,
      };
    } catch (e) {
      client?.unmap();
      closeFd(fd);
      throw e;
    }
  }

  /** A host blob of `capacity` bytes holding `bytes`, used by the compositor's pool made on it. */
  #poolBlob(bytes: Uint8Array, capacity: number): PoolBlob {
    if (this.#blobs.size >= MAX_POOLS_PER_CLIENT) throw new NotCarried("too many shm pool blobs");
    const context = this.#context;
    context.submit(encodeGetImageRequirements(capacity, 1, fourcc("R8  "), 0));
    const reqs = decodeImageRequirements(context.queryRing);
    const flags = RutabagaBlobFlags.UseMappable | RutabagaBlobFlags.UseShareable;
    const mapped = context.mapHostBlob(BigInt(reqs.blobId), reqs.size, flags, true);
    mapped.host.set(bytes);
    context.shared.stats.fdsToCompositor++;
    const blob = { ...mapped, users: 1 };
    this.#blobs.add(blob);
    this.#blobBytes += blob.host.length;
    return blob;
  }

  /** One user fewer: the blob goes with its last (after the SENDs being gathered, which may name it). */
  #unuse(blob: PoolBlob): void {
    if (--blob.users > 0 || !this.#blobs.delete(blob)) return;
    this.#blobBytes -= blob.host.length;
    this.#unusedBlobs.push(blob);
  }

  /** The client destroyed a pool: the compositor's pool object leaves its blob. */
  #dropPool(pool: Pool): void {
    this.#unuse(pool.blob);
    this.#retire(pool);
  }

  #dropBuffer(buffer: ShmBuffer): void {
    buffer.pool.buffers.delete(buffer);
    for (const s of this.#surfaces) s.seen.delete(buffer.id);
    this.#unuse(buffer.blob);
    if (buffer.pool.destroyed) this.#retire(buffer.pool);
  }

  /** A pool the client destroyed: its mapping goes once its last buffer has. */
  #retire(pool: Pool): void {
    pool.destroyed = true;
    if (pool.buffers.size > 0) return;
    if (this.#mapped.delete(pool)) this.#releasePool(pool);
  }

  #releasePool(pool: Pool): void {
    pool.client.unmap();
    closeFd(pool.clientFd);
  }
}
