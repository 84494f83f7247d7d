import { RutabagaCapset, RutabagaFenceFlags } from "../../rutabaga/constants.ts";
import { isRutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { ResourceCreate3D, RutabagaFence, RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { closeFd } from "../os/fd.ts";
import { createMemfd } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import {
  decodeVtestRequest,
  encodeVtestCapsReply,
  encodeVtestReply,
  type SubmitBatch,
  type VtestRequest,
} from "./codec.ts";
import {
  CAPS2_REPLY_ID,
  DEFAULT_VTEST_LIMITS,
  VTEST_MAX_PROTOCOL_VERSION,
  VTEST_MAX_TIMELINE_COUNT,
  VTEST_SERVER_RESOURCE_IDS_VERSION,
  VtestBlobFlag,
  VtestBlobType,
  VtestCommand,
  type VtestLimits,
  VtestParam,
  VtestSubmitFlag,
} from "./protocol.ts";
import { release, type ShmBacking, ShmPool } from "./shm-pool.ts";
import { type ResolvedSyncs, VtestSyncTable } from "./sync-table.ts";
import { VtestError } from "./vtest-error.ts";
import type { VtestTraceWriter } from "./vtest-trace.ts";

/** Where a session's replies go: bytes, with descriptors riding on the first byte. */
export interface VtestTransport {
  /** `bytes` are the session's only during the call (read-backs reuse one buffer): a transport that keeps them copies. */
  send(bytes: Uint8Array, fds?: readonly number[]): void;
}

/** How a session is set up. */
export interface VtestSessionOptions {
  /**
   * Builds this client's library instance for its first context, whose capset is `capset` (VIRGL2 for every
   * client of protocol ≤ 2; CONTEXT_INIT's, or GET_CAPSET's when that comes first, for protocol 3): a virgl
   * component with capsets VIRGL and VIRGL2 by default. A capset the instance does not list is refused.
   */
  rutabaga: (fenceHandler: RutabagaFenceHandler, hostMemoryLimit: number, capset: number) => Rutabaga;
  limits?: Partial<VtestLimits>;
  /** Records the session as a virtio-gpu trace. */
  trace?: VtestTraceWriter;
}

/** Caps versions the two requests ask for: `virgl_caps_v1` for GET_CAPS, `virgl_caps_v2` for GET_CAPS2. */
const VIRGL_CAPS_V1 = 1;
const VIRGL_CAPS_V2 = 2;
/** The one context each client renders in. */
export const VTEST_CONTEXT_ID = 1;
const CONTEXT_ID = VTEST_CONTEXT_ID;

/** The first command of protocol 3. */
const FIRST_V3_COMMAND = VtestCommand.GetParam;
const LAST_V3_COMMAND = VtestCommand.SubmitCmd2;
const BLOB_TYPES: ReadonlySet<number> = new Set(Object.values(VtestBlobType));
const BLOB_FLAGS = VtestBlobFlag.Mappable | VtestBlobFlag.Shareable | VtestBlobFlag.CrossDevice;
/** The largest resource id the server hands out (protocol 3). */
const MAX_RESOURCE_ID = 0xffff_ffff;

function noResource(handle: number): VtestError {
  return new VtestError(`no resource ${handle}`);
}

/** Capset ids by name, for refusals. */
function capsetName(id: number): string {
  const entry = Object.entries(RutabagaCapset).find(([, v]) => v === id);
  return entry === undefined ? `capset ${id}` : `capset ${id} (${entry[0].toLowerCase()})`;
}

/**
 * One vtest client: its own library instance and context, its resources (by the client's handles, or by ids the
 * server chose from protocol 3) and their shared-memory backing, its timeline syncs. A thin protocol layer over the
 * Rutabaga API: resources are `resourceCreate3d` + `attachBacking` + `contextAttachResource` (blobs
 * `resourceCreateBlob`), transfers `transferWrite/Read`, submits `submitCommand` followed by a fence that
 * RESOURCE_BUSY_WAIT reports on (SUBMIT_CMD2: ring fences that write the batch's syncs). A failure is a
 * {@link VtestError} value: the server drops the client.
 */
export class VtestSession {
  readonly #transport: VtestTransport;
  readonly #options: VtestSessionOptions;
  readonly limits: VtestLimits;
  #rutabaga: Rutabaga | undefined;
  #rendererCreated = false;
  #name: string | undefined;
  #version = 0;
  readonly #shm = new Map<number, ShmBacking>();
  readonly #shmPool = new ShmPool();
  readonly #resources = new Set<number>();
  #shmBytes = 0;
  /** Where inline read-backs (TRANSFER_GET) land before they are sent; grows to the largest one. */
  #readBack = new Uint8Array(0);
  #fenceSubmitted = 0n;
  #fenceCompleted = 0n;
  #closed = false;
  /** CONTEXT_INIT's capset (protocol 3); VIRGL2 when the context is made without one. */
  #capset: number | undefined;
  /** Whether the one context exists in the library instance. */
  #contextCreated = false;
  #nextResourceId = 1;
  readonly #syncs: VtestSyncTable;

  constructor(transport: VtestTransport, options: VtestSessionOptions) {
    this.#transport = transport;
    this.#options = options;
    this.limits = { ...DEFAULT_VTEST_LIMITS, ...options.limits };
    this.#syncs = new VtestSyncTable(this.limits);
  }

  /** Timeline syncs this client holds, and its SYNC_WAITs and ring submits still pending. */
  get syncs(): { readonly count: number; readonly pendingWaits: number; readonly pendingSubmits: number } {
    return {
      count: this.#syncs.syncCount,
      pendingWaits: this.#syncs.pendingWaits,
      pendingSubmits: this.#syncs.pendingSubmits,
    };
  }

  /** The capset of the client's context, once it exists. */
  get capset(): number | undefined {
    return this.#contextCreated ? (this.#capset ?? RutabagaCapset.Virgl2) : undefined;
  }

  /** The debug name CREATE_RENDERER gave (the client's process name). */
  get name(): string | undefined {
    return this.#name;
  }

  /** The negotiated protocol version. */
  get version(): number {
    return this.#version;
  }

  /** Shared-memory bytes this client holds. */
  get shmBytes(): number {
    return this.#shmBytes;
  }

  /** Resources this client holds. */
  get resourceCount(): number {
    return this.#resources.size;
  }

  /**
   * The client's library instance: built at the first request that passes validation and needs the host
   * (GET_CAPS, GET_CAPS2, a RESOURCE_CREATE within limits, a SUBMIT_CMD whose framing decodes), not at
   * CREATE_RENDERER, so a client that sends junk after it never starts the host GL.
   */
  get rutabaga(): Rutabaga | undefined {
    return this.#rutabaga;
  }

  #reply(id: number, values: readonly number[]): void {
    this.#transport.send(encodeVtestReply(id, values));
  }

  /**
   * Runs one message. What the client got wrong (a malformed or refused request, a library error) comes back as a
   * {@link VtestError} value: the server drops the client with its reason. Only a bug of ours throws.
   */
  handle(command: number, payload: Uint8Array): VtestError | undefined {
    if (this.#closed) return undefined;
    if (command !== VtestCommand.CreateRenderer && !this.#rendererCreated)
      return new VtestError(`command ${command} before CREATE_RENDERER`);
    if (command >= FIRST_V3_COMMAND && command <= LAST_V3_COMMAND && this.#version < 3)
      return new VtestError(`command ${command} needs protocol 3 (version ${this.#version} agreed)`);
    const request = decodeVtestRequest(command, payload, this.limits);
    if (request instanceof VtestError) return request;
    try {
      return this.#execute(request);
    } catch (e) {
      if (isRutabagaError(e)) return new VtestError(`command ${command}: ${e.message}`);
      throw e;
    }
  }

  #execute(r: VtestRequest): VtestError | undefined {
    switch (r.command) {
      case VtestCommand.CreateRenderer:
        if (this.#rendererCreated) return new VtestError("a second CREATE_RENDERER");
        this.#rendererCreated = true;
        this.#name = r.name;
        return undefined;
      case VtestCommand.PingProtocolVersion:
        this.#reply(VtestCommand.PingProtocolVersion, []);
        return undefined;
      case VtestCommand.ProtocolVersion:
        this.#version = Math.min(r.version, VTEST_MAX_PROTOCOL_VERSION);
        this.#reply(VtestCommand.ProtocolVersion, [this.#version]);
        return undefined;
      case VtestCommand.GetCaps: {
        const caps = this.#renderer().getCapset(RutabagaCapset.Virgl, VIRGL_CAPS_V1);
        this.#options.trace?.capset(RutabagaCapset.Virgl, VIRGL_CAPS_V1, caps);
        this.#transport.send(encodeVtestCapsReply(VtestCommand.GetCaps, caps));
        return undefined;
      }
      case VtestCommand.GetCaps2: {
        const caps = this.#renderer().getCapset(RutabagaCapset.Virgl2, VIRGL_CAPS_V2);
        this.#options.trace?.capset(RutabagaCapset.Virgl2, VIRGL_CAPS_V2, caps);
        this.#transport.send(encodeVtestCapsReply(CAPS2_REPLY_ID, caps));
        return undefined;
      }
      case VtestCommand.ResourceCreate:
      case VtestCommand.ResourceCreate2:
        return this.#createResource(r.command, r.handle, r.create, r.dataSize);
      case VtestCommand.ResourceUnref:
        return this.#unref(r.handle);
      case VtestCommand.TransferGet:
      case VtestCommand.TransferPut: {
        if (!this.#resources.has(r.handle)) return noResource(r.handle);
        const rb = this.#renderer();
        if (r.dataSize > this.limits.maxMessageBytes) return new VtestError(`transfer of ${r.dataSize} bytes`);
        if (r.command === VtestCommand.TransferPut) {
          rb.transferWrite(CONTEXT_ID, r.handle, r.transfer, r.data);
          this.#options.trace?.inlineWrite(r.handle, r.transfer, r.data);
        } else {
          // One buffer serves every read-back (a frame per glxgears frame): the transport copies what it cannot send.
          if (this.#readBack.byteLength < r.dataSize) this.#readBack = new Uint8Array(r.dataSize);
          const out = this.#readBack.subarray(0, r.dataSize);
          out.fill(0);
          rb.transferRead(CONTEXT_ID, r.handle, r.transfer, out);
          this.#options.trace?.inlineRead();
          this.#transport.send(out);
        }
        return undefined;
      }
      case VtestCommand.TransferGet2:
      case VtestCommand.TransferPut2:
        if (!this.#resources.has(r.handle)) return noResource(r.handle);
        if (!this.#shm.has(r.handle)) return new VtestError(`TRANSFER2 on resource ${r.handle} without shared memory`);
        if (r.command === VtestCommand.TransferPut2) this.#renderer().transferWrite(CONTEXT_ID, r.handle, r.transfer);
        else this.#renderer().transferRead(CONTEXT_ID, r.handle, r.transfer);
        this.#options.trace?.transfer(r.command === VtestCommand.TransferPut2, r.handle, r.transfer);
        return undefined;
      case VtestCommand.SubmitCmd: {
        const rb = this.#renderer();
        rb.submitCommand(CONTEXT_ID, r.commands, []);
        this.#options.trace?.submit(r.commands, true);
        // The implicit fence after every submit (virglrenderer's vtest_submit_cmd); BUSY_WAIT reports on it.
        this.#fenceSubmitted++;
        rb.createFence({
          flags: RutabagaFenceFlags.Fence,
          fenceId: this.#fenceSubmitted,
          ctxId: CONTEXT_ID,
          ringIdx: 0,
        });
        return undefined;
      }
      case VtestCommand.ResourceBusyWait: {
        // Fences complete when the GL work is done, and every GL call here finishes before it returns.
        const busy = this.#fenceCompleted < this.#fenceSubmitted ? 1 : 0;
        this.#reply(VtestCommand.ResourceBusyWait, [busy]);
        return undefined;
      }
      case VtestCommand.GetParam:
        if (r.param === VtestParam.MaxTimelineCount) this.#reply(VtestCommand.GetParam, [1, VTEST_MAX_TIMELINE_COUNT]);
        else this.#reply(VtestCommand.GetParam, [0, 0]);
        return undefined;
      case VtestCommand.GetCapset:
        return this.#getCapset(r.id, r.version);
      case VtestCommand.ContextInit:
        return this.#contextInit(r.capsetId);
      case VtestCommand.ResourceCreateBlob:
        return this.#createBlob(r.type, r.flags, r.size, r.blobId);
      case VtestCommand.SyncCreate: {
        const id = this.#syncs.create(r.value);
        if (id instanceof VtestError) return id;
        this.#reply(VtestCommand.SyncCreate, [id]);
        return undefined;
      }
      case VtestCommand.SyncUnref:
        return this.#syncs.unref(r.id);
      case VtestCommand.SyncRead: {
        const value = this.#syncs.read(r.id);
        if (value instanceof VtestError) return value;
        this.#reply(VtestCommand.SyncRead, [Number(value & 0xffff_ffffn), Number(value >> 32n)]);
        return undefined;
      }
      case VtestCommand.SyncWrite:
        return this.#syncs.write(r.id, r.value);
      case VtestCommand.SyncWait: {
        const wait = this.#syncs.wait(r.flags, r.timeoutMs, r.syncs);
        if (wait instanceof VtestError) return wait;
        try {
          this.#reply(VtestCommand.SyncWait, []);
          this.#transport.send(new Uint8Array(1), [wait.fd.fd]);
        } finally {
          // The client has its own copy; a pending wait's eventfd stays with the table, which writes it.
          if (!wait.pending) wait.fd.close();
        }
        return undefined;
      }
      case VtestCommand.SubmitCmd2:
        return this.#submitCmd2(r.batches);
    }
  }

  /** GET_CAPSET: `[valid]`, then the capset's words when the library lists it at `version` or above. */
  #getCapset(id: number, version: number): VtestError | undefined {
    const rb = this.#instance(id);
    const info = listedCapset(rb, id);
    if (info === undefined || version > info.version) {
      this.#reply(VtestCommand.GetCapset, [0]);
      return undefined;
    }
    const caps = rb.getCapset(id, version);
    this.#options.trace?.capset(id, version, caps);
    const words = new Uint32Array(Math.ceil(caps.length / 4));
    new Uint8Array(words.buffer).set(caps);
    this.#reply(VtestCommand.GetCapset, [1, ...words]);
    return undefined;
  }

  /** CONTEXT_INIT: the context is made now, of `capsetId`; a second one must name the same capset. */
  #contextInit(capsetId: number): VtestError | undefined {
    if (capsetId === 0) return new VtestError("CONTEXT_INIT with capset 0");
    if (this.#contextCreated) {
      const current = this.#capset ?? RutabagaCapset.Virgl2;
      return current === capsetId
        ? undefined
        : new VtestError(`CONTEXT_INIT: ${capsetName(capsetId)} after a context of ${capsetName(current)}`);
    }
    const rb = this.#instance(capsetId);
    if (listedCapset(rb, capsetId) === undefined)
      return new VtestError(`CONTEXT_INIT: ${capsetName(capsetId)} is not served by this server's components`);
    this.#capset = capsetId;
    this.#renderer();
    return undefined;
  }

  /** A resource id no resource of this client has (protocol 3: the server chooses). */
  #freeResourceId(): number | VtestError {
    for (let tries = 0; tries <= this.#resources.size; tries++) {
      const id = this.#nextResourceId;
      this.#nextResourceId = id >= MAX_RESOURCE_ID ? 1 : id + 1;
      if (!this.#resources.has(id)) return id;
    }
    return new VtestError("no free resource id");
  }

  /**
   * RESOURCE_CREATE_BLOB: guest kinds get a memfd the server maps as the blob's backing; HOST3D blobs are made by
   * the context's component, which exports their memory. Answered with the id, then the descriptor.
   */
  #createBlob(type: number, flags: number, size: bigint, blobId: bigint): VtestError | undefined {
    if (!BLOB_TYPES.has(type)) return new VtestError(`RESOURCE_CREATE_BLOB: type ${type}`);
    if ((flags & ~BLOB_FLAGS) !== 0) return new VtestError(`RESOURCE_CREATE_BLOB: flags ${flags}`);
    if (size === 0n) return new VtestError("RESOURCE_CREATE_BLOB of 0 bytes");
    if (this.#resources.size >= this.limits.maxResources)
      return new VtestError(`more than ${this.limits.maxResources} resources`);
    const guest = type !== VtestBlobType.Host3D;
    if (guest && BigInt(this.#shmBytes) + size > BigInt(this.limits.maxShmBytes))
      return new VtestError(`shared memory would pass ${this.limits.maxShmBytes} bytes`);
    if (!guest && size > BigInt(this.limits.hostMemoryLimit))
      return new VtestError(`a host blob of ${size} bytes (limit ${this.limits.hostMemoryLimit})`);
    const id = this.#freeResourceId();
    if (id instanceof VtestError) return id;
    const rb = this.#renderer();
    const create = { blobMem: type, blobFlags: flags, blobId, size };
    let shm: ShmBacking | undefined;
    let fd: number;
    let ownFd = false;
    if (guest) {
      const bytes = Number(size);
      const memfd = createMemfd(`vtest-blob-${id}`, bytes);
      try {
        shm = { fd: memfd, mapping: MemoryMapping.map(memfd, bytes) };
      } catch (e) {
        closeFd(memfd);
        throw e;
      }
      try {
        rb.resourceCreateBlob(CONTEXT_ID, id, create, [shm.mapping.bytes]);
      } catch (e) {
        release(shm);
        throw e;
      }
      fd = shm.fd;
    } else {
      rb.resourceCreateBlob(CONTEXT_ID, id, create);
      try {
        const handle = rb.exportBlob(id);
        if (typeof handle.os !== "number") throw new VtestError(`blob ${id}: its handle is not a descriptor`);
        fd = handle.os;
        // The library hands over a non-shareable blob's descriptor and keeps a shareable one's.
        ownFd = (flags & (VtestBlobFlag.Shareable | VtestBlobFlag.CrossDevice)) === 0;
      } catch (e) {
        rb.unrefResource(id);
        if (e instanceof VtestError) return e;
        throw e;
      }
    }
    this.#resources.add(id);
    this.#options.trace?.blobCreated(id, create, shm?.mapping.bytes);
    if (shm !== undefined) {
      this.#shm.set(id, shm);
      this.#shmBytes += shm.mapping.length;
    }
    try {
      this.#reply(VtestCommand.ResourceCreateBlob, [id]);
      // The descriptor rides alone on one byte after the reply words (the client reads them, then recvmsg()s it).
      this.#transport.send(new Uint8Array(1), [fd]);
    } finally {
      if (ownFd) closeFd(fd);
    }
    return undefined;
  }

  /**
   * SUBMIT_CMD2: every batch's syncs are looked up before any batch runs; then each batch's commands go to the
   * context, and its syncs are written at once, or when a fence on its ring retires (RING_IDX).
   */
  #submitCmd2(batches: readonly SubmitBatch[]): VtestError | undefined {
    const resolved: ResolvedSyncs[] = [];
    for (const b of batches) {
      const r = this.#syncs.resolve(b.syncs);
      if (r instanceof VtestError) return r;
      resolved.push(r);
    }
    const rb = this.#renderer();
    for (const [i, b] of batches.entries()) {
      if (b.commands.length > 0) {
        rb.submitCommand(CONTEXT_ID, b.commands, []);
        this.#options.trace?.submit(b.commands, false);
      }
      const syncs = resolved[i]!;
      if (syncs.syncs.length === 0) continue;
      if ((b.flags & VtestSubmitFlag.RingIdx) === 0) {
        this.#syncs.signalAll(syncs);
        continue;
      }
      const fenceId = this.#syncs.queueOnRing(b.ringIdx, syncs);
      if (fenceId instanceof VtestError) return fenceId;
      try {
        rb.createFence({
          flags: RutabagaFenceFlags.Fence | RutabagaFenceFlags.InfoRingIdx,
          fenceId,
          ctxId: CONTEXT_ID,
          ringIdx: b.ringIdx,
        });
      } catch (e) {
        this.#syncs.unqueue(b.ringIdx, fenceId);
        throw e;
      }
    }
    return undefined;
  }

  #onFence(fence: RutabagaFence): void {
    if ((fence.flags & RutabagaFenceFlags.InfoRingIdx) !== 0) {
      this.#syncs.retire(fence.ringIdx, fence.fenceId);
      return;
    }
    if (fence.fenceId > this.#fenceCompleted) this.#fenceCompleted = fence.fenceId;
  }

  /** The library instance, built on first need for a first context of `capset`. */
  #instance(capset: number): Rutabaga {
    if (this.#rutabaga !== undefined) return this.#rutabaga;
    const rutabaga = this.#options.rutabaga((f) => this.#onFence(f), this.limits.hostMemoryLimit, capset);
    const trace = this.#options.trace;
    if (trace !== undefined)
      rutabaga.observeBackingReads((id, offset, length) => trace.backingRead(id, offset, length));
    this.#rutabaga = rutabaga;
    return rutabaga;
  }

  /** The library instance with the client's one context (CONTEXT_INIT's capset, else VIRGL2), made on first need. */
  #renderer(): Rutabaga {
    const capset = this.#capset ?? RutabagaCapset.Virgl2;
    const rutabaga = this.#instance(capset);
    if (this.#contextCreated) return rutabaga;
    rutabaga.createContext(CONTEXT_ID, capset, this.#name || "vtest");
    this.#contextCreated = true;
    this.#options.trace?.contextCreated(CONTEXT_ID, capset, this.#name || "vtest");
    return rutabaga;
  }

  /** RESOURCE_CREATE/CREATE2: the client's handle (protocol ≤ 2), or 0 and the server's id in a reply (3). */
  #createResource(
    command: typeof VtestCommand.ResourceCreate | typeof VtestCommand.ResourceCreate2,
    clientHandle: number,
    create: ResourceCreate3D,
    dataSize: number,
  ): VtestError | undefined {
    const serverIds = this.#version >= VTEST_SERVER_RESOURCE_IDS_VERSION;
    if (serverIds && clientHandle !== 0)
      return new VtestError(`resource handle ${clientHandle}: protocol ${this.#version} clients send 0`);
    if (!serverIds && (clientHandle === 0 || this.#resources.has(clientHandle)))
      return new VtestError(`resource handle ${clientHandle} is in use or 0`);
    if (this.#resources.size >= this.limits.maxResources)
      return new VtestError(`more than ${this.limits.maxResources} resources`);
    if (this.#shmBytes + dataSize > this.limits.maxShmBytes)
      return new VtestError(`shared memory would pass ${this.limits.maxShmBytes} bytes`);
    const handle = serverIds ? this.#freeResourceId() : clientHandle;
    if (handle instanceof VtestError) return handle;
    const rb = this.#renderer();
    rb.resourceCreate3d(handle, create);
    let shm: ShmBacking | undefined;
    try {
      if (dataSize > 0) {
        shm = this.#shmPool.take(dataSize);
        if (shm === undefined) {
          const fd = createMemfd(`vtest-${handle}`, dataSize);
          try {
            shm = { fd, mapping: MemoryMapping.map(fd, dataSize) };
          } catch (e) {
            closeFd(fd);
            throw e;
          }
        }
        rb.attachBacking(handle, [shm.mapping.bytes]);
      }
      rb.contextAttachResource(CONTEXT_ID, handle);
    } catch (e) {
      if (shm !== undefined) release(shm);
      rb.unrefResource(handle);
      throw e;
    }
    this.#resources.add(handle);
    this.#options.trace?.resourceCreated(handle, create, shm?.mapping.bytes);
    // Protocol 3 answers with the id before any descriptor.
    if (serverIds) this.#reply(command, [handle]);
    if (shm !== undefined) {
      this.#shm.set(handle, shm);
      this.#shmBytes += dataSize;
      // One in-band byte carries the descriptor (virglrenderer's vtest_send_fd).
      this.#transport.send(new Uint8Array(1), [shm.fd]);
    }
    return undefined;
  }

  #unref(handle: number): VtestError | undefined {
    if (!this.#resources.has(handle)) return noResource(handle);
    const rb = this.#rutabaga!;
    try {
      rb.contextDetachResource(CONTEXT_ID, handle);
    } catch {
      // Already detached: unref below still releases it.
    }
    rb.unrefResource(handle);
    this.#options.trace?.resourceReleased(handle);
    this.#resources.delete(handle);
    const shm = this.#shm.get(handle);
    if (shm !== undefined) {
      this.#shmPool.give(shm);
      this.#shmBytes -= shm.mapping.length;
      this.#shm.delete(handle);
    }
    return undefined;
  }

  /** Releases the library instance, every mapping and descriptor. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#syncs.close();
    // The library goes first: its resources hold views of the mappings.
    this.#rutabaga?.destroy();
    this.#rutabaga = undefined;
    for (const shm of this.#shm.values()) release(shm);
    this.#shm.clear();
    this.#shmPool.close();
    this.#resources.clear();
    this.#shmBytes = 0;
  }
}

/** The library's entry for capset `id`, if it lists it. */
function listedCapset(rb: Rutabaga, id: number): { version: number } | undefined {
  for (let i = 0; i < rb.getNumCapsets(); i++) {
    const info = rb.getCapsetInfo(i);
    if (info.capsetId === id) return info;
  }
  return undefined;
}
