import {
  encodeGetImageRequirements,
  encodeInit,
  encodePoll,
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
import type { GpuDriver, GuestPages } from "../../virtio-gpu/driver/virtio-gpu-driver.ts";
import type { ViewRegion } from "../../virtio-gpu/host-visible-region.ts";
import { GpuCommandType as T } from "../../virtio-gpu/protocol.ts";
import { ByteQueue } from "../../wayland/byte-queue.ts";
import { WaylandObjectMap } from "../../wayland/object-map.ts";
import { readHeader, WAYLAND_MAX_MESSAGE_SIZE } from "../../wayland/wire.ts";
import type { NodeCrossDomainHost } from "../cross-domain/node-host.ts";
import { createPipe } from "../cross-domain/pipe.ts";
import { closeFd } from "../os/fd.ts";
import { libc } from "../os/libc.ts";
import { createMemfd, fileSize } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import type { RegionAllocator } from "./region-allocator.ts";

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
}

/** Most shm pools one client may have. */
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
/** SEND payload per command: cmd_size is 16 bits. */
const MAX_SEND_DATA = 0xffff - SendReceive.size - 3;

interface Pool {
  /** The client's file is sealed against shrinking (seals are never removed). */
  sealed: boolean;
  /** Live wl_buffers made from it; the blob goes when the pool is destroyed and none is left. */
  buffers: Set<number>;
  destroyed: boolean;
  resourceId: number;
  offset: bigint;
  client: MemoryMapping;
  clientFd: number;
  host: Uint8Array;
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
  offset: number;
  height: number;
  stride: number;
  /** Rows changed since the host copy was last refreshed (all of them at first). */
  dirty: RowRange | undefined;
}

const union = (a: RowRange | undefined, b: RowRange): RowRange =>
  a === undefined ? { ...b } : { from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) };

/** A message that cannot cross: the session ends (the client sees its connection close). */
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
      d.command({ type: T.CtxCreate, contextInit: RutabagaCapset.CrossDomain, debugName: "wayland-proxy" }, ctx);
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
        d.command({ type: T.ResourceCreateBlob, resourceId, ...blob, entries: pages.entries }, ctx);
        d.command({ type: T.CtxAttachResource, resourceId }, ctx);
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
    this.#shared.driver.command({ type: T.Submit3d, commands, numInFences: 0 }, { ctxId: this.#ctxId });
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
      this.#shared.log(`client of context ${this.#ctxId}: ${e instanceof Error ? e.message : String(e)}`);
      this.close();
    }
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
      const header = readHeader(view, at, end);
      if (header === undefined || at + header.size > end) break;
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
        const size = m.values![0] as number;
        if (pool !== undefined && size > pool.host.length) throw new NotCarried(`shm pool grown to ${size} bytes`);
        if (pool !== undefined) this.#resizePool(pool, size);
      }
      if (fdCount > 0) {
        if (this.#fds.length < fdCount) throw new NotCarried(`${iface}.${name} without its descriptor`);
        if (iface === "wl_shm" && name === "create_pool") {
          const fd = this.#fds.shift()!;
          const pool = this.#createPool(fd, m.values![2] as number);
          const id = m.values![0] as number;
          const old = this.#pools.get(id);
          if (old !== undefined) this.#retire(old);
          this.#pools.set(id, pool);
          ids.push({ id: pool.resourceId, type: CrossDomainIdType.VirtgpuBlob, size: 0 });
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
    queue.consume(at - queue.start);
  }

  /** Takes ownership of `fd` (closed on failure). */
  #createPool(fd: number, size: number): Pool {
    let client: MemoryMapping | undefined;
    try {
      if (this.#pools.size + this.#retired.size >= MAX_POOLS_PER_CLIENT) throw new NotCarried("too many shm pools");
      if (size <= 0) throw new NotCarried(`shm pool of ${size} bytes`);
      // Reading a mapping past its file's end raises SIGBUS and would kill the proxy: the file must be large enough,
      // and is sealed against shrinking when the client allowed seals (else its size is checked at every copy).
      if (fileSize(fd) < size) throw new NotCarried(`shm pool of ${size} bytes on a ${fileSize(fd)}-byte file`);
      libc().fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK);
      client = MemoryMapping.map(fd, size);
      const pool = this.#poolBlob(fd, client, size);
      pool.sealed = shrinkSealed(fd);
      return pool;
    } catch (e) {
      client?.unmap();
      closeFd(fd);
      throw e;
    }
  }

  #poolBlob(fd: number, client: MemoryMapping, size: number): Pool {
    const d = this.#shared.driver;
    const ctx = { ctxId: this.#ctxId };
    this.#submit(encodeGetImageRequirements(size, 1, fourcc("R8  "), 0));
    const reqs = decodeImageRequirements(this.#rings[0]!.pages.bytes);
    const resourceId = this.#shared.nextResourceId();
    const flags = RutabagaBlobFlags.UseMappable | RutabagaBlobFlags.UseShareable;
    d.command(
      {
        type: T.ResourceCreateBlob,
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
      d.command({ type: T.CtxAttachResource, resourceId }, ctx);
      d.command({ type: T.ResourceMapBlob, resourceId, offset }, ctx);
    } catch (e) {
      if (offset !== undefined) this.#shared.regionAllocator.free(offset);
      d.command({ type: T.ResourceUnref, resourceId }, ctx);
      throw e;
    }
    const host = this.#shared.region.viewAt(offset)!;
    host.set(client.bytes);
    this.#shared.stats.fdsToCompositor++;
    return {
      sealed: false,
      buffers: new Set(),
      destroyed: false,
      resourceId,
      offset: offset!,
      client,
      clientFd: fd,
      host: host.subarray(0, Number(reqs.size)),
      size,
    };
  }

  #resizePool(pool: Pool, size: number): void {
    const grown = MemoryMapping.map(pool.clientFd, size);
    pool.client.unmap();
    pool.client = grown;
    pool.size = size;
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
      pool.buffers.add(id!);
      this.#buffers.set(id!, {
        pool,
        offset: offset!,
        height: height!,
        stride: stride!,
        dirty: { from: 0, to: height! },
      });
    } else if (iface === "wl_shm_pool" && name === "destroy") {
      const pool = this.#pools.get(objectId);
      if (pool !== undefined) {
        this.#pools.delete(objectId);
        this.#retire(pool);
      }
    } else if (iface === "wl_buffer" && name === "destroy") {
      const buffer = this.#buffers.get(objectId);
      if (buffer === undefined) return;
      this.#buffers.delete(objectId);
      buffer.pool.buffers.delete(objectId);
      for (const s of this.#surfaces.values()) s.seen.delete(objectId);
      if (buffer.pool.destroyed) this.#retire(buffer.pool);
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
    const to = Math.min(b.offset + Math.min(dirty.to, b.height) * b.stride, b.pool.size, b.pool.host.length);
    if (from < to && from >= 0) {
      if (!b.pool.sealed && fileSize(b.pool.clientFd) < to) throw new NotCarried("shm pool file shrank");
      b.pool.host.set(b.pool.client.bytes.subarray(from, to), from);
      this.#shared.stats.copiedBytes += to - from;
    }
  }

  /** A pool the client destroyed: its blob and mapping go once its last buffer has. */
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
    try {
      this.#shared.driver.command({ type: T.ResourceUnref, resourceId: pool.resourceId }, { ctxId: this.#ctxId });
    } catch (e) {
      this.#shared.log(`releasing pool blob ${pool.resourceId}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.#shared.regionAllocator.free(pool.offset);
    pool.client.unmap();
    closeFd(pool.clientFd);
  }

  /** Keeps one POLL with a ring-1 fence outstanding; each completion brings one message in the channel ring. */
  #armPoll(): void {
    if (this.#closed) return;
    try {
      this.#shared.driver.whenFenced(
        { type: T.Submit3d, commands: POLL, numInFences: 0 },
        this.#ctxId,
        CrossDomainRing.Channel,
        this.#onPollFence,
      );
    } catch (e) {
      if (!this.#closed) this.#shared.log(`poll: ${e instanceof Error ? e.message : String(e)}`);
      this.close();
    }
  }

  readonly #onPollFence = (): void => {
    if (this.#closed) return;
    try {
      this.#fromCompositor();
    } catch (e) {
      this.#shared.log(`compositor to client: ${e instanceof Error ? e.message : String(e)}`);
      this.close();
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
    const fds: number[] = [];
    try {
      for (const id of msg.identifiers) {
        if (id.type === CrossDomainIdType.VirtgpuBlob) fds.push(this.#blobToMemfd(id.id, id.size));
        else if (id.type === CrossDomainIdType.WritePipe) fds.push(this.#writePipe(id.id));
        else throw new NotCarried(`compositor sent identifier type ${id.type}`);
      }
      this.#trackEvents(msg.data);
      this.#client.send(msg.data, fds);
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
    if (data.length > 0) this.#shared.pipes.write(handle, data);
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
    const [read, write] = createPipe();
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
        type: T.ResourceCreateBlob,
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
      d.command({ type: T.ResourceMapBlob, resourceId, offset }, ctx);
      const fd = createMemfd("wayland-proxy", size);
      const m = MemoryMapping.map(fd, size);
      m.bytes.set(this.#shared.region.viewAt(offset)!.subarray(0, size));
      m.unmap();
      d.command({ type: T.ResourceUnmapBlob, resourceId }, ctx);
      return fd;
    } finally {
      if (offset !== undefined) this.#shared.regionAllocator.free(offset);
      d.command({ type: T.ResourceUnref, resourceId }, ctx);
    }
  }

  #trackEvents(data: Uint8Array): void {
    const queue = this.#eventPending;
    queue.push(data);
    const view = queue.view;
    const end = queue.end;
    let at = queue.start;
    for (;;) {
      const header = readHeader(view, at, end);
      if (header === undefined || at + header.size > end) break;
      this.#objects.observe("event", header.objectId, header.opcode, view, at, header.size);
      this.#shared.stats.eventMessages++;
      this.#shared.stats.eventBytes += header.size;
      at += header.size;
    }
    queue.consume(at - queue.start);
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
    quietly(() => d.command({ type: T.CtxDestroy }, ctx));
    for (const pool of [...this.#pools.values(), ...this.#retired]) this.#releasePool(pool);
    this.#retired.clear();
    this.#buffers.clear();
    this.#surfaces.clear();
    this.#pools.clear();
    for (const ring of this.#rings) {
      quietly(() => d.command({ type: T.ResourceUnref, resourceId: ring.resourceId }, ctx));
      d.freePages(ring.pages);
    }
    this.#rings.length = 0;
    this.#shared.stats.sessions--;
    this.#onClose();
  }
}
