import {
  encodeGetImageRequirements,
  encodeInit,
  encodePoll,
  encodeSend,
  encodeSendInto,
  encodeWrite,
  peekChannelRing,
} from "../../components/cross-domain/guest-encoder.ts";
import type { CrossDomainWatch } from "../../components/cross-domain/host.ts";
import { fourcc } from "../../components/cross-domain/image-layout.ts";
import {
  CROSS_DOMAIN_MAX_IDENTIFIERS,
  CROSS_DOMAIN_MAX_SEND_RECV_SIZE,
  CROSS_DOMAIN_PIPE_READ_START,
  type CrossDomainIdentifier,
  CrossDomainIdType,
  CrossDomainRing,
  decodeImageRequirements,
  SendReceive,
} from "../../components/cross-domain/protocol.ts";
import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaCapset, RutabagaChannelType } from "../../rutabaga/constants.ts";
import type { GpuCommand } from "../../virtio-gpu/commands.ts";
import type { GpuDriver, GuestPages } from "../../virtio-gpu/driver/virtio-gpu-driver.ts";
import type { ViewRegion } from "../../virtio-gpu/host-visible-region.ts";
import { GpuCommandType } from "../../virtio-gpu/protocol.ts";
import { ByteQueue } from "../../wayland/byte-queue.ts";
import { encodeDisplayError, WaylandDisplayError } from "../../wayland/display-error.ts";
import { WaylandObjectMap } from "../../wayland/object-map.ts";
import { readHeader, WAYLAND_MAX_MESSAGE_SIZE } from "../../wayland/wire.ts";
import type { NodeCrossDomainHost } from "../cross-domain/node-host.ts";
import { createPipeForWriter } from "../cross-domain/pipe.ts";
import { closeFd } from "../os/fd.ts";
import { libc } from "../os/libc.ts";
import { createMemfd, fileSize } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import type { RegionAllocator } from "./region-allocator.ts";
import { encodePoolMove, grownCapacity, MAX_SHM_BYTES_PER_CLIENT, OwedDeleteIds, type PoolBlob } from "./shm-pools.ts";

/** What every session of one proxy shares. */
export interface ProxyShared {
  driver: GpuDriver;
  /** Pipe I/O with clients (queued writes, close after drain, readiness). */
  pipes: NodeCrossDomainHost;
  region: ViewRegion;
  regionAllocator: RegionAllocator;
  nextResourceId(): number;
  nextContextId(): number;
  log(message: string): void;
  /** Counters for figures and leak checks. */
  stats: ProxyStats;
}

/** Traffic and objects, for figures and leak checks. */
export interface ProxyStats {
  requestBytes: number;
  requestMessages: number;
  eventBytes: number;
  eventMessages: number;
  fdsToCompositor: number;
  fdsToClient: number;
  sessions: number;
  /** wl_surface.commit requests forwarded (frames, for a client with one surface). */
  commits: number;
  /** Bytes copied from clients' shm pools into host blobs. */
  copiedBytes: number;
  /** shm pools moved to a larger blob (a resize past the old one). */
  poolMoves: number;
  /** Bytes clients wrote into pipes the compositor gave them (wl_data_source.send), sent as WRITEs. */
  pipeBytesToCompositor: number;
  /** Bytes the compositor's side wrote into clients' pipes (wl_data_offer.receive), come back as READs. */
  pipeBytesToClient: number;
}

/** Most shm pools one client may have, and most host blobs behind them (a grown pool's old blobs count). */
export const MAX_POOLS_PER_CLIENT = 256;
/** Bytes a client may have buffered towards the compositor before we read no more. */
const MAX_PENDING = 64 * 1024 + WAYLAND_MAX_MESSAGE_SIZE;
/** Bytes read from the client per recv. */
const RECV_CHUNK = 64 * 1024;
/** Events buffered: less than one message left over, then one RECEIVE's data. */
const MAX_EVENT_PENDING = WAYLAND_MAX_MESSAGE_SIZE + CROSS_DOMAIN_MAX_SEND_RECV_SIZE;
/** Descriptors a client may have sent ahead of the messages that take them. */
const MAX_PENDING_FDS = 4 * CROSS_DOMAIN_MAX_IDENTIFIERS;
const F_ADD_SEALS = 1033;
const F_GET_SEALS = 1034;
const F_SEAL_SHRINK = 2;
/** The POLL command (the device copies it from the request: one instance serves every session). */
const POLL = encodePoll();
/** The SUBMIT_3D that carries {@link POLL}: the same every time, so made once. */
const POLL_SUBMIT: GpuCommand = { type: GpuCommandType.Submit3d, commands: POLL, numInFences: 0 };
/** SEND payload per command: cmd_size is 16 bits. */
const MAX_SEND_DATA = 0xffff - SendReceive.size - 3;

interface Pool {
  /** The wl_shm it was made from (a grown pool is made again there). */
  shmId: number;
  /** The client's file is sealed against shrinking (seals are never removed). */
  sealed: boolean;
  /** Live wl_buffers made from it; its mapping goes when the pool is destroyed and none is left. */
  buffers: Set<number>;
  destroyed: boolean;
  client: MemoryMapping;
  clientFd: number;
  /** The blob behind the compositor's pool now (shm-pools.ts). */
  blob: PoolBlob;
  size: number;
}

/** True when `fd`'s file cannot shrink any more (F_SEAL_SHRINK in place). */
function shrinkSealed(fd: number): boolean {
  const seals = libc().fcntl(fd, F_GET_SEALS, 0) as number;
  return seals >= 0 && (seals & F_SEAL_SHRINK) !== 0;
}

/** Rows `[from, to)` of a buffer. */
interface RowRange {
  from: number;
  to: number;
}

/** A wl_buffer of an shm pool: where its pixels are and which rows the host copy lacks. */
interface ShmBuffer {
  pool: Pool;
  /** The pool's blob when the buffer was made (the compositor reads the buffer there). */
  blob: PoolBlob;
  offset: number;
  height: number;
  stride: number;
  /** Rows changed since the host copy was last refreshed (all of them at first). */
  dirty: RowRange | undefined;
}

const union = (a: RowRange | undefined, b: RowRange): RowRange =>
  a === undefined ? { ...b } : { from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) };

/** A message that cannot cross: the session ends (the client gets a `wl_display.error` saying why, then the hang-up). */
class NotCarried extends Error {}

/**
 * One Wayland client carried through a cross-domain context, by the commands a guest driver sends: CTX_CREATE with
 * capset 5, two guest-page rings, INIT, SEND on SUBMIT_3D, a POLL fence on ring 1 always outstanding. shm pools
 * become host blobs (GET_IMAGE_REQUIREMENTS R8, RESOURCE_CREATE_BLOB, MAP_BLOB) refreshed from the client's pool at
 * each wl_surface.commit; memory the compositor sends (keymaps) comes back through a blob into a fresh memfd.
 */
export class ClientSession {
  readonly #client: UnixSocket;
  readonly #shared: ProxyShared;
  readonly #ctxId: number;
  readonly #rings: { resourceId: number; pages: GuestPages; view: DataView }[] = [];
  /** One object space per connection, fed by both directions (events create objects requests then use). */
  readonly #objects = new WaylandObjectMap();
  /** Live pools by their wl_shm_pool id (ids are reused once deleted). */
  readonly #pools = new Map<number, Pool>();
  /** Pools destroyed by the client whose buffers still live. */
  readonly #retired = new Set<Pool>();
  readonly #blobs = new Set<PoolBlob>();
  /** Blobs no longer used, released once the SENDs naming them are out. */
  readonly #unusedBlobs: PoolBlob[] = [];
  #blobBytes = 0;
  readonly #owedDeleteIds = new OwedDeleteIds();
  /** Bytes at the end of #eventPending not yet forwarded to the client. */
  #eventHeld = 0;
  /** Descriptors from the compositor waiting for a byte to ride on. */
  #eventFds: number[] = [];
  readonly #buffers = new Map<number, ShmBuffer>();
  /** Per surface: the attached buffer and every buffer it has shown (damage is added to each). */
  readonly #surfaces = new Map<
    number,
    { attached: number | undefined; seen: Set<number>; damage: RowRange | undefined }
  >();
  readonly #fds: number[] = [];
  /** Read pipes (item id → the client's write end): what the compositor writes comes back as READs. */
  readonly #readPipes = new Map<number, number>();
  #lastReadPipeId = CROSS_DOMAIN_PIPE_READ_START;
  /** Write pipes (item id → our read end, watched): what the client writes goes out as WRITEs. */
  readonly #writePipes = new Map<number, { fd: number; watch: CrossDomainWatch }>();
  /** Requests received and not yet sent (a partial message at most, once forwarded). */
  readonly #pending = new ByteQueue(MAX_PENDING + RECV_CHUNK);
  readonly #eventPending = new ByteQueue(MAX_EVENT_PENDING);
  /** One SEND command, reused. */
  readonly #send = new Uint8Array(SendReceive.size + MAX_SEND_DATA + 3);
  readonly #sendView = new DataView(this.#send.buffer);
  #closed = false;
  /** The object of the request being forwarded (wl_display's id 1 before the first), for a `wl_display.error`. */
  #requestObject = 1;
  readonly #onClose: () => void;

  constructor(client: UnixSocket, shared: ProxyShared, onClose: () => void) {
    this.#client = client;
    this.#shared = shared;
    this.#onClose = onClose;
    this.#ctxId = shared.nextContextId();
  }

  /** Creates the context and rings, connects to the compositor, starts both directions. */
  start(): void {
    const d = this.#shared.driver;
    const ctx = { ctxId: this.#ctxId };
    this.#shared.stats.sessions++;
    try {
      d.command(
        { type: GpuCommandType.CtxCreate, contextInit: RutabagaCapset.CrossDomain, debugName: "wayland-proxy" },
        ctx,
      );
      for (let i = 0; i < 2; i++) {
        const pages = d.allocPage();
        const resourceId = this.#shared.nextResourceId();
        const view = new DataView(pages.bytes.buffer, pages.bytes.byteOffset, pages.bytes.byteLength);
        this.#rings.push({ resourceId, pages, view });
        const blob = {
          blobMem: RutabagaBlobMem.Guest,
          blobFlags: RutabagaBlobFlags.UseMappable,
          blobId: 0n,
          size: 4096n,
        };
        d.command({ type: GpuCommandType.ResourceCreateBlob, resourceId, ...blob, entries: pages.entries }, ctx);
        d.command({ type: GpuCommandType.CtxAttachResource, resourceId }, ctx);
      }
      this.#submit(encodeInit(this.#rings[0]!.resourceId, this.#rings[1]!.resourceId, RutabagaChannelType.Wayland, 20));
    } catch (e) {
      this.close();
      throw e;
    }
    this.#client.onReadable(() => this.#fromClient());
    this.#client.onClose(() => this.close());
    this.#armPoll();
  }

  #submit(commands: Uint8Array): void {
    this.#shared.driver.command({ type: GpuCommandType.Submit3d, commands, numInFences: 0 }, { ctxId: this.#ctxId });
  }

  #fromClient(): void {
    if (this.#closed) return;
    try {
      for (;;) {
        if (this.#pending.length >= MAX_PENDING) break;
        const room = this.#pending.reserve(RECV_CHUNK);
        const got = this.#client.recv(room, CROSS_DOMAIN_MAX_IDENTIFIERS);
        if (got === undefined) break;
        if (got.bytes === 0 && got.fds.length === 0) {
          this.close();
          return;
        }
        for (const fd of got.fds) this.#fds.push(fd);
        if (this.#fds.length > MAX_PENDING_FDS) throw new NotCarried("descriptors that no message takes");
        if (got.fdsTruncated) throw new NotCarried("client sent more descriptors than a message may carry");
        this.#pending.commit(got.bytes);
        // A short read emptied the socket (the watch is level-triggered: it reports anything that comes later).
        if (got.bytes < room.length) break;
      }
      this.#forwardRequests();
    } catch (e) {
      this.#end(`client of context ${this.#ctxId}`, this.#requestObject, e);
    }
  }

  /**
   * Ends the session as a compositor ends a client it cannot serve: a `wl_display.error` (implementation) naming the
   * object whose request failed and why, then the hang-up. The event is left out when part of another event has
   * already gone to the client (it would land inside that message).
   */
  #end(where: string, objectId: number, e: unknown): void {
    const why = e instanceof Error ? e.message : String(e);
    this.#shared.log(`${where}: ${why}`);
    if (this.#closed) return;
    if (this.#eventPending.length === this.#eventHeld) {
      const error = encodeDisplayError(
        objectId,
        WaylandDisplayError.Implementation,
        `rutabaga-ts wayland-proxy: ${why}`,
      );
      try {
        this.#client.send(error, []);
      } catch {
        // The client's socket is gone already; closing is all that is left.
      }
    }
    this.close();
  }

  /** Frames complete requests and sends them in SEND commands, descriptors turned into identifiers. */
  #forwardRequests(): void {
    const queue = this.#pending;
    const bytes = queue.bytes;
    const view = queue.view;
    const end = queue.end;
    let at = queue.start;
    let sendFrom = at;
    let ids: CrossDomainIdentifier[] = [];
    const flush = (to: number) => {
      if (to > sendFrom) {
        const size = encodeSendInto(this.#send, this.#sendView, ids, bytes.subarray(sendFrom, to));
        this.#submit(this.#send.subarray(0, size));
      }
      sendFrom = to;
      if (ids.length > 0) ids = [];
    };
    for (;;) {
      this.#requestObject = 1;
      const header = readHeader(view, at, end);
      if (header === undefined || at + header.size > end) break;
      this.#requestObject = header.objectId;
      const m = this.#objects.observe("request", header.objectId, header.opcode, view, at, header.size);
      const fdCount = m.message?.fdCount ?? 0;
      if (m.message === undefined && this.#fds.length > 0) {
        throw new NotCarried(`descriptors with a message of unknown interface (object ${header.objectId})`);
      }
      if (at + header.size - sendFrom > MAX_SEND_DATA || ids.length + fdCount > CROSS_DOMAIN_MAX_IDENTIFIERS) flush(at);
      const iface = m.interface?.name;
      const name = m.message?.name;
      if (m.values !== undefined) this.#trackShm(iface, name, header.objectId, m.values);
      if (iface === "wl_shm_pool" && name === "resize") {
        const pool = this.#pools.get(header.objectId);
        const move = pool && this.#resizePool(pool, header.objectId, m.values![0] as number);
        if (move !== undefined) {
          // The pool outgrew its blob: the compositor gets it made again on a larger one instead of this resize.
          flush(at);
          this.#submit(move);
          sendFrom = at + header.size;
        }
      }
      if (fdCount > 0) {
        if (this.#fds.length < fdCount) throw new NotCarried(`${iface}.${name} without its descriptor`);
        if (iface === "wl_shm" && name === "create_pool") {
          const fd = this.#fds.shift()!;
          const pool = this.#createPool(fd, m.values![2] as number, header.objectId);
          const id = m.values![0] as number;
          const old = this.#pools.get(id);
          if (old !== undefined) this.#dropPool(old);
          this.#pools.set(id, pool);
          ids.push({ id: pool.blob.resourceId, type: CrossDomainIdType.VirtgpuBlob, size: 0 });
        } else if (
          fdCount === 1 &&
          this.#shared.pipes.describe({ os: this.#fds[0]!, handleType: 0 }).kind === "writePipe"
        ) {
          // The client reads what the compositor writes (wl_data_offer.receive and its kin): one read pipe per SEND.
          if (ids.length > 0) flush(at);
          const id = ++this.#lastReadPipeId;
          this.#readPipes.set(id, this.#fds.shift()!);
          ids.push({ id, type: CrossDomainIdType.ReadPipe, size: 0 });
          this.#shared.stats.fdsToCompositor++;
        } else {
          throw new NotCarried(`${iface}.${name} carries a descriptor the proxy does not translate`);
        }
      }
      this.#shared.stats.requestMessages++;
      this.#shared.stats.requestBytes += header.size;
      at += header.size;
    }
    flush(at);
    for (const blob of this.#unusedBlobs.splice(0)) this.#releaseBlob(blob);
    queue.consume(at - queue.start);
  }

  /** Takes ownership of `fd` (closed on failure). */
  #createPool(fd: number, size: number, shmId: number): Pool {
    let client: MemoryMapping | undefined;
    try {
      if (this.#pools.size + this.#retired.size >= MAX_POOLS_PER_CLIENT) throw new NotCarried("too many shm pools");
      if (size <= 0) throw new NotCarried(`shm pool of ${size} bytes`);
      // Reading a mapping past its file's end raises SIGBUS and would kill the proxy: the file must be large enough,
      // and is sealed against shrinking when the client allowed seals (else its size is checked at every copy).
      if (fileSize(fd) < size) throw new NotCarried(`shm pool of ${size} bytes on a ${fileSize(fd)}-byte file`);
      libc().fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK);
      client = MemoryMapping.map(fd, size);
      const capacity = grownCapacity(size, 0, MAX_SHM_BYTES_PER_CLIENT - this.#blobBytes);
      if (capacity === undefined) throw new NotCarried(`shm pools of more than ${MAX_SHM_BYTES_PER_CLIENT} bytes`);
      const blob = this.#poolBlob(client.bytes, capacity);
      return {
        shmId,
        sealed: shrinkSealed(fd),
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
    const d = this.#shared.driver;
    const ctx = { ctxId: this.#ctxId };
    this.#submit(encodeGetImageRequirements(capacity, 1, fourcc("R8  "), 0));
    const reqs = decodeImageRequirements(this.#rings[0]!.pages.bytes);
    const resourceId = this.#shared.nextResourceId();
    const flags = RutabagaBlobFlags.UseMappable | RutabagaBlobFlags.UseShareable;
    d.command(
      {
        type: GpuCommandType.ResourceCreateBlob,
        resourceId,
        blobMem: RutabagaBlobMem.Host3D,
        blobFlags: flags,
        blobId: BigInt(reqs.blobId),
        size: reqs.size,
        entries: [],
      },
      ctx,
    );
    const offset = this.#shared.regionAllocator.alloc(reqs.size);
    try {
      if (offset === undefined) throw new NotCarried("host-visible region full");
      d.command({ type: GpuCommandType.CtxAttachResource, resourceId }, ctx);
      d.command({ type: GpuCommandType.ResourceMapBlob, resourceId, offset }, ctx);
    } catch (e) {
      if (offset !== undefined) this.#shared.regionAllocator.free(offset);
      d.command({ type: GpuCommandType.ResourceUnref, resourceId }, ctx);
      throw e;
    }
    const host = this.#shared.region.viewAt(offset)!.subarray(0, Number(reqs.size));
    host.set(bytes);
    this.#shared.stats.fdsToCompositor++;
    const blob = { resourceId, offset: offset!, host, users: 1 };
    this.#blobs.add(blob);
    this.#blobBytes += host.length;
    return blob;
  }

  /** One user fewer: the blob goes with its last (after the SENDs being gathered, which may name it). */
  #unuse(blob: PoolBlob): void {
    if (--blob.users > 0 || !this.#blobs.delete(blob)) return;
    this.#blobBytes -= blob.host.length;
    this.#unusedBlobs.push(blob);
  }

  #releaseBlob(blob: PoolBlob): void {
    try {
      this.#shared.driver.command(
        { type: GpuCommandType.ResourceUnref, resourceId: blob.resourceId },
        { ctxId: this.#ctxId },
      );
    } catch (e) {
      this.#shared.log(`releasing pool blob ${blob.resourceId}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.#shared.regionAllocator.free(blob.offset);
  }

  /**
   * Follows the client's resize. Past the blob's capacity the pool moves to a larger blob (shm-pools.ts): returns the
   * SEND to submit in place of the resize. A shrink passes unchanged (the compositor answers it with an error).
   */
  #resizePool(pool: Pool, poolId: number, size: number): Uint8Array | undefined {
    if (size <= pool.size) return undefined;
    const file = fileSize(pool.clientFd);
    if (file < size) throw new NotCarried(`shm pool of ${size} bytes on a ${file}-byte file`);
    const grown = MemoryMapping.map(pool.clientFd, size);
    pool.client.unmap();
    pool.client = grown;
    pool.size = size;
    if (size <= pool.blob.host.length) return undefined;
    const old = pool.blob;
    const freed = old.users === 1 ? old.host.length : 0;
    const capacity = grownCapacity(size, old.host.length, MAX_SHM_BYTES_PER_CLIENT - this.#blobBytes + freed);
    if (capacity === undefined) throw new NotCarried(`shm pools of more than ${MAX_SHM_BYTES_PER_CLIENT} bytes`);
    this.#unuse(old);
    pool.blob = this.#poolBlob(grown.bytes, capacity);
    this.#owedDeleteIds.owe(poolId);
    this.#shared.stats.poolMoves++;
    const blobId = { id: pool.blob.resourceId, type: CrossDomainIdType.VirtgpuBlob, size: 0 };
    return encodeSend([blobId], encodePoolMove(pool.shmId, poolId, size));
  }

  /**
   * Follows shm buffers and surfaces; at wl_surface.commit the attached buffer's changed rows go from the client's
   * pool to its host blob before the commit reaches the compositor (damage is per row, assuming scale 1 and no
   * transform; a buffer first shown is copied whole).
   */
  #trackShm(iface: string | undefined, name: string | undefined, objectId: number, v: readonly unknown[]): void {
    if (iface === "wl_shm_pool" && name === "create_buffer") {
      const pool = this.#pools.get(objectId);
      if (pool === undefined) return;
      const [id, offset, , height, stride] = v as number[];
      this.#dropBuffer(id!);
      pool.buffers.add(id!);
      pool.blob.users++;
      this.#buffers.set(id!, {
        pool,
        blob: pool.blob,
        offset: offset!,
        height: height!,
        stride: stride!,
        dirty: { from: 0, to: height! },
      });
    } else if (iface === "wl_shm_pool" && name === "destroy") {
      const pool = this.#pools.get(objectId);
      if (pool !== undefined) {
        this.#pools.delete(objectId);
        this.#dropPool(pool);
      }
    } else if (iface === "wl_buffer" && name === "destroy") {
      this.#dropBuffer(objectId);
    } else if (iface === "wl_surface") {
      const surface = this.#surfaces.get(objectId) ?? {
        attached: undefined,
        seen: new Set<number>(),
        damage: undefined,
      };
      this.#surfaces.set(objectId, surface);
      if (name === "attach") surface.attached = (v[0] as number) || undefined;
      else if (name === "damage" || name === "damage_buffer") {
        const y = Math.max(0, v[1] as number);
        surface.damage = union(surface.damage, { from: y, to: y + Math.max(0, v[3] as number) });
      } else if (name === "commit") this.#commit(surface);
      else if (name === "destroy") this.#surfaces.delete(objectId);
    }
  }

  #commit(surface: { attached: number | undefined; seen: Set<number>; damage: RowRange | undefined }): void {
    this.#shared.stats.commits++;
    const damage = surface.damage;
    surface.damage = undefined;
    if (damage !== undefined) {
      for (const id of surface.seen) {
        const b = this.#buffers.get(id);
        if (b !== undefined) b.dirty = union(b.dirty, damage);
      }
    }
    const id = surface.attached;
    const b = id === undefined ? undefined : this.#buffers.get(id);
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
      this.#shared.stats.copiedBytes += to - from;
    }
  }

  /** The client destroyed a pool: the compositor's pool object leaves its blob. */
  #dropPool(pool: Pool): void {
    this.#unuse(pool.blob);
    this.#retire(pool);
  }

  #dropBuffer(id: number): void {
    const buffer = this.#buffers.get(id);
    if (buffer === undefined) return;
    this.#buffers.delete(id);
    buffer.pool.buffers.delete(id);
    for (const s of this.#surfaces.values()) s.seen.delete(id);
    this.#unuse(buffer.blob);
    if (buffer.pool.destroyed) this.#retire(buffer.pool);
  }

  /** A pool the client destroyed: its mapping goes once its last buffer has. */
  #retire(pool: Pool): void {
    pool.destroyed = true;
    if (pool.buffers.size > 0) {
      this.#retired.add(pool);
      return;
    }
    this.#retired.delete(pool);
    this.#releasePool(pool);
  }

  #releasePool(pool: Pool): void {
    pool.client.unmap();
    closeFd(pool.clientFd);
  }

  /** Keeps one POLL with a ring-1 fence outstanding; each completion brings one message in the channel ring. */
  #armPoll(): void {
    if (this.#closed) return;
    try {
      this.#shared.driver.whenFenced(POLL_SUBMIT, this.#ctxId, CrossDomainRing.Channel, this.#onPollFence);
    } catch (e) {
      if (!this.#closed) this.#end("poll", 1, e);
    }
  }

  readonly #onPollFence = (): void => {
    if (this.#closed) return;
    try {
      this.#fromCompositor();
    } catch (e) {
      this.#end("compositor to client", 1, e);
    }
    this.#armPoll();
  };

  #fromCompositor(): void {
    // The ring is read (and its bytes copied or sent) before the next POLL lets the host write it again.
    const ring = this.#rings[1]!;
    const msg = peekChannelRing(ring.pages.bytes, ring.view);
    if ("identifier" in msg) {
      this.#pipeData(msg.identifier, msg.data, msg.hangUp);
      return;
    }
    if (!("identifiers" in msg)) return;
    if (msg.data.length === 0 && msg.identifiers.length === 0) {
      this.close();
      return;
    }
    const fds: number[] = this.#eventFds.splice(0);
    try {
      for (const id of msg.identifiers) {
        if (id.type === CrossDomainIdType.VirtgpuBlob) fds.push(this.#blobToMemfd(id.id, id.size));
        else if (id.type === CrossDomainIdType.WritePipe) fds.push(this.#writePipe(id.id));
        else throw new NotCarried(`compositor sent identifier type ${id.type}`);
      }
      const data = this.#trackEvents(msg.data);
      if (data.length === 0) {
        if (fds.length > CROSS_DOMAIN_MAX_IDENTIFIERS) throw new NotCarried("descriptors that no event carries");
        this.#eventFds = fds.splice(0);
        return;
      }
      this.#client.send(data, fds);
      this.#shared.stats.fdsToClient += fds.length;
    } finally {
      if (this.#client.queuedBytes === 0 || fds.length === 0) for (const fd of fds) closeFd(fd);
      else void this.#client.flushed().then(() => fds.forEach((fd) => void closeFd(fd)));
    }
  }

  /** A READ from a read pipe: its bytes go to the client's write end; a hang-up closes it. */
  #pipeData(itemId: number, data: Uint8Array, hangUp: boolean): void {
    const fd = this.#readPipes.get(itemId);
    if (fd === undefined) return;
    const handle = { os: fd, handleType: 0 };
    if (data.length > 0) {
      this.#shared.pipes.write(handle, data);
      this.#shared.stats.pipeBytesToClient += data.length;
    }
    if (hangUp) {
      this.#readPipes.delete(itemId);
      this.#shared.pipes.close(handle);
    }
  }

  /**
   * The compositor wants bytes written (wl_data_source.send): the client gets a pipe's write end, and what it writes
   * goes out as WRITE commands on the item, its end of stream as a hang-up.
   */
  #writePipe(itemId: number): number {
    const [read, write] = createPipeForWriter();
    const pipes = this.#shared.pipes;
    const handle = { os: read, handleType: 0 };
    const buf = new Uint8Array(4096 - 24);
    const watch = pipes.watch(handle, () => {
      if (this.#closed) return;
      try {
        for (;;) {
          const n = pipes.read(handle, buf);
          if (n === undefined) return;
          this.#submit(encodeWrite(itemId, buf.subarray(0, n), n === 0));
          this.#shared.stats.pipeBytesToCompositor += n;
          if (n === 0) {
            this.#closeWritePipe(itemId);
            return;
          }
        }
      } catch (e) {
        this.#shared.log(`pipe ${itemId}: ${e instanceof Error ? e.message : String(e)}`);
        this.#closeWritePipe(itemId);
      }
    });
    this.#writePipes.set(itemId, { fd: read, watch });
    return write;
  }

  #closeWritePipe(itemId: number): void {
    const p = this.#writePipes.get(itemId);
    if (p === undefined) return;
    this.#writePipes.delete(itemId);
    p.watch.stop();
    closeFd(p.fd);
  }

  /** Memory from the compositor (a keymap): a host blob for the item, mapped, copied into a memfd for the client. */
  #blobToMemfd(itemId: number, size: number): number {
    const d = this.#shared.driver;
    const ctx = { ctxId: this.#ctxId };
    const resourceId = this.#shared.nextResourceId();
    d.command(
      {
        type: GpuCommandType.ResourceCreateBlob,
        resourceId,
        blobMem: RutabagaBlobMem.Host3D,
        blobFlags: RutabagaBlobFlags.UseMappable,
        blobId: BigInt(itemId),
        size: BigInt(size),
        entries: [],
      },
      ctx,
    );
    const offset = this.#shared.regionAllocator.alloc(BigInt(size));
    try {
      if (offset === undefined) throw new NotCarried("host-visible region full");
      d.command({ type: GpuCommandType.ResourceMapBlob, resourceId, offset }, ctx);
      const fd = createMemfd("wayland-proxy", size);
      const m = MemoryMapping.map(fd, size);
      m.bytes.set(this.#shared.region.viewAt(offset)!.subarray(0, size));
      m.unmap();
      d.command({ type: GpuCommandType.ResourceUnmapBlob, resourceId }, ctx);
      return fd;
    } finally {
      if (offset !== undefined) this.#shared.regionAllocator.free(offset);
      d.command({ type: GpuCommandType.ResourceUnref, resourceId }, ctx);
    }
  }

  /**
   * Frames events for the object map and returns what the client gets: the bytes as they come, but while the
   * compositor owes delete_ids for the proxy's own destroys (shm-pools.ts), complete messages only with those cut
   * out (a partial message waits for its end). The result may be a view of the queue: send it before the next push.
   */
  #trackEvents(data: Uint8Array): Uint8Array {
    const queue = this.#eventPending;
    /** Queued bytes the client has already (the head of a partial message forwarded as it came). */
    const alreadySent = queue.length - this.#eventHeld;
    queue.push(data);
    const bytes = queue.bytes;
    const view = queue.view;
    const end = queue.end;
    const owed = this.#owedDeleteIds.size > 0;
    /** bytes[queue.start, sent) is with the client already (or cut out). */
    let sent = queue.start + alreadySent;
    const parts: Uint8Array[] = [];
    let at = queue.start;
    for (;;) {
      const header = readHeader(view, at, end);
      if (header === undefined || at + header.size > end) break;
      if (owed && at >= sent && this.#owedDeleteIds.takes(view, at, header)) {
        parts.push(bytes.subarray(sent, at));
        sent = at + header.size;
      } else this.#objects.track("event", header.objectId, header.opcode, view, at, header.size);
      this.#shared.stats.eventMessages++;
      this.#shared.stats.eventBytes += header.size;
      at += header.size;
    }
    const forwardEnd = owed ? Math.max(sent, at) : end;
    this.#eventHeld = end - forwardEnd;
    parts.push(bytes.subarray(sent, forwardEnd));
    queue.consume(at - queue.start);
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Ends the session: the client's connection, the context (its channel to the compositor), rings and pools. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.close();
    for (const fd of this.#fds.splice(0)) closeFd(fd);
    for (const fd of this.#readPipes.values()) this.#shared.pipes.close({ os: fd, handleType: 0 });
    this.#readPipes.clear();
    for (const id of [...this.#writePipes.keys()]) this.#closeWritePipe(id);
    const d = this.#shared.driver;
    const ctx = { ctxId: this.#ctxId };
    const quietly = (f: () => void) => {
      try {
        f();
      } catch (e) {
        this.#shared.log(`teardown of context ${this.#ctxId}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    quietly(() => d.command({ type: GpuCommandType.CtxDestroy }, ctx));
    for (const pool of [...this.#pools.values(), ...this.#retired]) this.#releasePool(pool);
    for (const blob of [...this.#blobs, ...this.#unusedBlobs.splice(0)]) this.#releaseBlob(blob);
    this.#blobs.clear();
    this.#blobBytes = 0;
    for (const fd of this.#eventFds.splice(0)) closeFd(fd);
    this.#retired.clear();
    this.#buffers.clear();
    this.#surfaces.clear();
    this.#pools.clear();
    for (const ring of this.#rings) {
      quietly(() => d.command({ type: GpuCommandType.ResourceUnref, resourceId: ring.resourceId }, ctx));
      d.freePages(ring.pages);
    }
    this.#rings.length = 0;
    this.#shared.stats.sessions--;
    this.#onClose();
  }
}
