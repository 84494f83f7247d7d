import type { RutabagaContext } from "../../rutabaga/component.ts";
import {
  GUEST_PAGE_SIZE,
  RutabagaBlobMem,
  RutabagaComponentType,
  RutabagaHandleType,
  RutabagaMapInfo,
} from "../../rutabaga/constants.ts";
import { isRutabagaError, RutabagaError, type RutabagaErrorCode } from "../../rutabaga/error.ts";
import type { IovecList } from "../../rutabaga/iovec-list.ts";
import { blobResource, type RutabagaResource } from "../../rutabaga/resource.ts";
import type { ResourceCreateBlob, RutabagaFence, RutabagaHandle } from "../../rutabaga/types.ts";
import type { CrossDomainChannel, CrossDomainWatch } from "./host.ts";
import { linearImageLayout } from "./image-layout.ts";
import { type CrossDomainItem, CrossDomainItems, MAX_CROSS_DOMAIN_ITEMS } from "./items.ts";
import {
  CROSS_DOMAIN_CHANNEL_INTERNAL_SOCKET,
  CROSS_DOMAIN_MAX_IDENTIFIERS,
  CROSS_DOMAIN_MAX_SEND_RECV_SIZE,
  CrossDomainCmd,
  type CrossDomainCommand,
  type CrossDomainIdentifier,
  CrossDomainIdType,
  CrossDomainRing,
  decodeCommand,
  encodeImageRequirements,
  encodeRead,
  encodeReceive,
  ReadWrite,
  SendReceive,
} from "./protocol.ts";
import type { CrossDomainShared } from "./shared.ts";

/** Ring-1 fences one context may have waiting at once. */
export const MAX_PENDING_RING_FENCES = 1024;

/** Bytes read from a pipe per READ at most (a ring page minus the READ struct). */
const MAX_PIPE_READ = GUEST_PAGE_SIZE - ReadWrite.size;

interface ContextState {
  queryRing: number;
  channelRing: number;
  channel: CrossDomainChannel | undefined;
  channelWatch: CrossDomainWatch | undefined;
}

/** What a readiness source produced: a ring write (the fence completes), nothing yet, or a blocked ring. */
type Outcome = "wrote" | "nothing" | "blocked";
/** A readiness source: the channel, or an item id (a read pipe or an event). Never mixed with item numbering. */
type Source = "channel" | number;

function hostError(e: unknown, code: RutabagaErrorCode, what: string): RutabagaError {
  if (isRutabagaError(e)) return e;
  return new RutabagaError(code, `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * A cross-domain context (capset 5): INIT connects a channel, SUBMIT_3D commands move bytes and descriptors, ring-1
 * fences complete when the channel, a read pipe or an event has something to report in the channel ring. Unlike
 * rutabaga_gfx: a zero cmd_size is an error, a ring-1 fence before INIT is refused, one failing descriptor does not stop
 * later fences, item ids and readiness sources are separate, and every host object a guest drops is closed.
 */
export class CrossDomainContext implements RutabagaContext {
  readonly componentType = RutabagaComponentType.CrossDomain;
  readonly ctxId: number;
  readonly #shared: CrossDomainShared;
  readonly #resources = new Map<number, RutabagaResource>();
  readonly #items = new CrossDomainItems();
  #state: ContextState | undefined;
  readonly #fences: RutabagaFence[] = [];
  readonly #ready: Source[] = [];
  readonly #readySet = new Set<Source>();
  /** Sources whose watch is paused while they wait in {@link #ready} for a fence. */
  readonly #paused = new Set<Source>();
  #pumping = false;
  #destroyed = false;
  readonly #scratch = new Uint8Array(SendReceive.size + CROSS_DOMAIN_MAX_SEND_RECV_SIZE);
  readonly #scratchView = new DataView(this.#scratch.buffer);
  readonly #pipeBuffer = new Uint8Array(MAX_PIPE_READ);
  /** The view of the last SUBMIT's bytes: a driver submitting from one buffer gets it again (bounds are its extent). */
  #commandsView: DataView | undefined;

  readonly #onDestroy: () => void;

  constructor(ctxId: number, shared: CrossDomainShared, onDestroy: () => void = () => {}) {
    this.ctxId = ctxId;
    this.#shared = shared;
    this.#onDestroy = onDestroy;
  }

  /** Live items holding host objects (for leak checks). */
  get liveItems(): number {
    return this.#items.liveCount;
  }

  /** Ring-1 fences waiting for something to report. */
  get pendingFences(): number {
    return this.#fences.length;
  }

  submitCmd(commands: Uint8Array, _fenceIds: readonly bigint[]): void {
    this.#alive();
    if (commands.length === 0) return;
    let view = this.#commandsView;
    if (
      view === undefined ||
      view.buffer !== commands.buffer ||
      view.byteOffset !== commands.byteOffset ||
      view.byteLength !== commands.byteLength
    ) {
      view = new DataView(commands.buffer, commands.byteOffset, commands.byteLength);
      this.#commandsView = view;
    }
    let offset = 0;
    while (offset < commands.length) {
      const { command, size } = decodeCommand(commands, view, offset);
      this.#execute(command);
      offset += size;
    }
  }

  attach(resource: RutabagaResource): void {
    this.#alive();
    this.#resources.set(resource.resourceId, resource);
  }

  detach(resource: RutabagaResource): void {
    this.#resources.delete(resource.resourceId);
  }

  contextCreateFence(fence: RutabagaFence): RutabagaHandle | undefined {
    this.#alive();
    if (fence.ringIdx === CrossDomainRing.Query) {
      this.#shared.fenceHandler(fence);
      return undefined;
    }
    if (fence.ringIdx !== CrossDomainRing.Channel) {
      throw new RutabagaError("InvalidCommandBuffer", `cross-domain has no ring ${fence.ringIdx}`);
    }
    if (this.#state === undefined) {
      throw new RutabagaError("InvalidCrossDomainState", "ring-1 fence before INIT would never complete");
    }
    if (this.#fences.length >= MAX_PENDING_RING_FENCES) {
      throw new RutabagaError("OutOfMemory", `more than ${MAX_PENDING_RING_FENCES} ring-1 fences pending`);
    }
    this.#fences.push(fence);
    this.#pump();
    return undefined;
  }

  contextCreateBlob(
    resourceId: number,
    create: ResourceCreateBlob,
    handle: RutabagaHandle | undefined,
  ): RutabagaResource {
    this.#alive();
    if (create.blobId > 0xffff_ffffn) {
      throw new RutabagaError("InvalidCrossDomainItemId", `blob id ${create.blobId} is not an item id`);
    }
    const itemId = Number(create.blobId);
    const item = this.#items.get(itemId);
    if (item === undefined) throw new RutabagaError("InvalidCrossDomainItemId", `no item ${itemId}`);
    const resource = blobResource(resourceId, create, RutabagaComponentType.CrossDomain);
    if (item.kind === "image") {
      const layout = item.layout;
      if (create.size !== BigInt(layout.size)) {
        throw new RutabagaError("CheckedRange", `blob size ${create.size} != image size ${layout.size}`);
      }
      this.#shared.hostMemory.charge(layout.size, `cross-domain image blob ${resourceId}`);
      try {
        resource.handle = handle ?? this.#shared.host.allocateSharedMemory(layout.size, "rutabaga_gralloc");
      } catch (e) {
        this.#shared.hostMemory.release(layout.size);
        throw hostError(e, "OutOfMemory", "allocating image memory");
      }
      resource.hostBytes = layout.size;
      resource.mapInfo = layout.mapInfo | RutabagaMapInfo.AccessRw;
      resource.info3d = {
        width: layout.width,
        height: layout.height,
        drmFourcc: layout.drmFormat,
        strides: [...layout.strides],
        offsets: [...layout.offsets],
        modifier: layout.modifier,
      };
      this.#shared.blobs.set(resource, { owned: handle === undefined, mapping: undefined });
      return resource;
    }
    if (item.kind === "blob") {
      // A larger mapping than the file would fault the whole process on first touch past its end.
      if (create.size > BigInt(item.size)) {
        throw new RutabagaError("CheckedRange", `blob size ${create.size} > received memory of ${item.size} bytes`);
      }
      this.#items.remove(itemId);
      resource.handle = item.handle;
      resource.mapInfo = RutabagaMapInfo.CacheCached | item.access;
      this.#shared.blobs.set(resource, { owned: true, mapping: undefined });
      return resource;
    }
    throw new RutabagaError("InvalidCrossDomainItemType", `item ${itemId} is a ${item.kind}, not memory`);
  }

  snapshot(): Uint8Array {
    throw new RutabagaError("Unsupported", "cross-domain contexts hold host connections and cannot be saved");
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#onDestroy();
    const state = this.#state;
    this.#state = undefined;
    state?.channelWatch?.stop();
    state?.channel?.close();
    for (const item of this.#items.drain()) this.#closeItem(item);
    this.#resources.clear();
    this.#ready.length = 0;
    this.#readySet.clear();
    this.#paused.clear();
    // rutabaga_gfx's kill event lets a waiting guest make progress during teardown: complete what waits.
    for (const fence of this.#fences.splice(0)) this.#shared.fenceHandler(fence);
  }

  #alive(): void {
    if (this.#destroyed) throw new RutabagaError("InvalidContextId", `context ${this.ctxId} was destroyed`);
  }

  #execute(c: CrossDomainCommand): void {
    switch (c.cmd) {
      case CrossDomainCmd.Init:
        this.#init(c.queryRingId, c.channelRingId, c.channelType, c.socketUuid);
        return;
      case CrossDomainCmd.GetImageRequirements:
        this.#getImageRequirements(c.width, c.height, c.drmFormat, c.flags);
        return;
      case CrossDomainCmd.Poll:
        return;
      case CrossDomainCmd.Send:
        this.#send(c.identifiers, c.data);
        return;
      case CrossDomainCmd.Write:
        this.#write(c.identifier, c.hangUp !== 0, c.data);
        return;
      case CrossDomainCmd.ReadCreateEvent:
        this.#readCreateEvent(c.id);
        return;
      case CrossDomainCmd.AssignSocketUuid:
        this.#assignSocketUuid(c.socketUuid, c.id);
        return;
      case CrossDomainCmd.CreateAtomicMemorySentinel:
        // No virtio-fs lookup is configured (rutabaga_gfx answers the same without one).
        throw new RutabagaError("InvalidCrossDomainItemId", "atomic memory sentinels need virtio-fs");
      case CrossDomainCmd.ImportVirtioFsHandle:
        throw new RutabagaError("InvalidCrossDomainState", "no virtio-fs lookup configured");
      case CrossDomainCmd.SignalAtomicMemorySentinel:
      case CrossDomainCmd.DestroyAtomicMemorySentinel:
        throw new RutabagaError("InvalidCrossDomainItemId", `no atomic memory sentinel ${c.id}`);
    }
  }

  #init(queryRing: number, channelRing: number, channelType: number, uuid: Uint8Array | undefined): void {
    if (this.#state !== undefined) throw new RutabagaError("InvalidCrossDomainState", "context already initialised");
    if (!this.#resources.has(queryRing))
      throw new RutabagaError("InvalidResourceId", `query ring ${queryRing} not attached`);
    if (channelType === 0) {
      this.#state = { queryRing, channelRing, channel: undefined, channelWatch: undefined };
      return;
    }
    if (!this.#resources.has(channelRing)) {
      throw new RutabagaError("InvalidResourceId", `channel ring ${channelRing} not attached`);
    }
    let channel: CrossDomainChannel;
    if (channelType === CROSS_DOMAIN_CHANNEL_INTERNAL_SOCKET) {
      if (uuid === undefined)
        throw new RutabagaError("InvalidCrossDomainChannel", "internal socket INIT without a uuid");
      const socket = this.#shared.takeInternalSocket(uuid);
      try {
        channel = this.#shared.host.channelFromSocket(socket);
      } catch (e) {
        this.#shared.host.close(socket);
        throw hostError(e, "InvalidCrossDomainChannel", "internal socket");
      }
    } else {
      const path = this.#shared.paths.find((p) => p.pathType === channelType);
      if (path === undefined) throw new RutabagaError("InvalidCrossDomainChannel", `no channel of type ${channelType}`);
      try {
        channel = this.#shared.host.connect(path.path);
      } catch (e) {
        throw hostError(e, "InvalidCrossDomainChannel", `connecting to ${path.path}`);
      }
    }
    const state: ContextState = { queryRing, channelRing, channel, channelWatch: undefined };
    this.#state = state;
    state.channelWatch = channel.watch(() => this.#onReadable("channel"));
  }

  #getImageRequirements(width: number, height: number, drmFormat: number, flags: number): void {
    const state = this.#requireState();
    const layout = linearImageLayout(width, height, drmFormat, flags);
    const ring = this.#ringBacking(state.queryRing, 64);
    const id = this.#items.add({ kind: "image", layout });
    ring.write(
      0,
      encodeImageRequirements({
        strides: layout.strides,
        offsets: layout.offsets,
        modifier: layout.modifier,
        size: BigInt(layout.size),
        blobId: id,
        mapInfo: layout.mapInfo,
        memoryIdx: -1,
        physicalDeviceIdx: -1,
      }),
      0,
      64,
    );
  }

  #send(identifiers: readonly CrossDomainIdentifier[], data: Uint8Array): void {
    const state = this.#requireState();
    const channel = state.channel;
    if (channel === undefined) throw new RutabagaError("InvalidCrossDomainChannel", "context has no channel");
    if (identifiers.length > CROSS_DOMAIN_MAX_IDENTIFIERS) {
      throw new RutabagaError("InvalidCommandBuffer", "too many identifiers");
    }
    if (identifiers.length > 0 && data.length === 0) {
      throw new RutabagaError("InvalidCommandSize", "descriptors need at least one byte of data to ride on");
    }
    let pipes = 0;
    const handles: RutabagaHandle[] = [];
    for (const { id, type } of identifiers) {
      if (type === CrossDomainIdType.VirtgpuBlob) {
        const r = this.#resources.get(id);
        if (r === undefined) throw new RutabagaError("InvalidResourceId", `resource ${id} not attached`);
        if (r.handle === undefined) throw new RutabagaError("BadHandle", `resource ${id} has no host handle`);
        handles.push(r.handle);
      } else if (type === CrossDomainIdType.ReadPipe) {
        if (++pipes > 1) throw new RutabagaError("InvalidCrossDomainItemType", "one read pipe per SEND");
        if (id !== this.#items.nextReadPipeId) {
          throw new RutabagaError(
            "InvalidCrossDomainItemId",
            `read pipe id ${id}, expected ${this.#items.nextReadPipeId}`,
          );
        }
      } else if (type === CrossDomainIdType.VirtioFsBlob) {
        throw new RutabagaError("InvalidCrossDomainItemId", `no virtio-fs item ${id}`);
      } else {
        throw new RutabagaError("InvalidCrossDomainItemType", `identifier type ${type} cannot be sent`);
      }
    }
    if (pipes > 0 && this.#items.liveCount >= MAX_CROSS_DOMAIN_ITEMS) {
      throw new RutabagaError("OutOfMemory", `more than ${MAX_CROSS_DOMAIN_ITEMS} cross-domain items`);
    }
    const host = this.#shared.host;
    const fds: RutabagaHandle[] = [];
    let readEnd: RutabagaHandle | undefined;
    try {
      let blob = 0;
      for (const { type } of identifiers) {
        if (type === CrossDomainIdType.VirtgpuBlob) fds.push(host.dup(handles[blob++]!));
        else {
          const pipe = host.createPipe();
          readEnd = pipe.read;
          fds.push(pipe.write);
        }
      }
      channel.send(data, fds);
    } catch (e) {
      for (const fd of fds) host.close(fd);
      if (readEnd !== undefined) host.close(readEnd);
      throw hostError(e, "InvalidCrossDomainChannel", "sending on the channel");
    }
    for (const fd of fds) host.close(fd);
    if (readEnd !== undefined) {
      const id = this.#items.add({ kind: "readPipe", handle: readEnd, watch: undefined });
      this.#watchItem(id);
    }
  }

  #write(id: number, hangUp: boolean, data: Uint8Array): void {
    const item = this.#items.get(id);
    if (item === undefined) throw new RutabagaError("InvalidCrossDomainItemId", `no item ${id}`);
    const host = this.#shared.host;
    if (item.kind === "event") {
      if (data.length !== 8)
        throw new RutabagaError("InvalidCrossDomainWriteLength", `event write of ${data.length} bytes`);
      const value = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
      try {
        host.signalEvent(item.handle, value);
      } catch (e) {
        throw hostError(e, "InvalidCrossDomainItemType", `signalling event ${id}`);
      }
    } else if (item.kind === "writePipe") {
      try {
        if (data.length > 0) host.write(item.handle, data);
      } catch (e) {
        // The reader went away: the pipe is of no more use to anyone.
        this.#removeItem(id);
        throw hostError(e, "InvalidCrossDomainItemType", `writing pipe ${id}`);
      }
    } else {
      throw new RutabagaError("InvalidCrossDomainItemType", `item ${id} is a ${item.kind}, not writable`);
    }
    if (hangUp) this.#removeItem(id);
  }

  #readCreateEvent(id: number): void {
    this.#requireState();
    const item = this.#items.get(id);
    if (item === undefined) throw new RutabagaError("InvalidCrossDomainItemId", `no item ${id}`);
    if (item.kind !== "event") throw new RutabagaError("InvalidCrossDomainItemType", `item ${id} is not an event`);
    if (item.watch === undefined) this.#watchItem(id);
  }

  #assignSocketUuid(uuid: Uint8Array, id: number): void {
    const item = this.#items.get(id);
    if (item === undefined) throw new RutabagaError("InvalidCrossDomainItemId", `no item ${id}`);
    if (item.kind !== "socket") throw new RutabagaError("InvalidCrossDomainItemType", `item ${id} is not a socket`);
    this.#shared.putInternalSocket(uuid, item.handle);
    this.#items.remove(id);
  }

  #requireState(): ContextState {
    if (this.#state === undefined) throw new RutabagaError("InvalidCrossDomainState", "context not initialised");
    return this.#state;
  }

  /** The ring's backing, at least `need` bytes long. */
  #ringBacking(resourceId: number, need: number): IovecList {
    const r = this.#resources.get(resourceId);
    if (r === undefined) throw new RutabagaError("InvalidResourceId", `ring ${resourceId} not attached`);
    const backing = r.backing;
    if (backing === undefined) throw new RutabagaError("InvalidIovec", `ring ${resourceId} has no backing`);
    if (backing.totalLength < need) {
      throw new RutabagaError("InvalidIovec", `ring ${resourceId} holds ${backing.totalLength} < ${need} bytes`);
    }
    return backing;
  }

  #watchItem(id: number): void {
    const item = this.#items.get(id);
    if (item === undefined || (item.kind !== "readPipe" && item.kind !== "event")) return;
    try {
      item.watch = this.#shared.host.watch(item.handle, () => this.#onReadable(id));
    } catch (e) {
      this.#removeItem(id);
      throw hostError(e, "InvalidCrossDomainItemType", `watching item ${id}`);
    }
  }

  #watchOf(source: Source): CrossDomainWatch | undefined {
    if (source === "channel") return this.#state?.channelWatch;
    const item = this.#items.get(source);
    return item !== undefined && (item.kind === "readPipe" || item.kind === "event") ? item.watch : undefined;
  }

  /**
   * A source became readable: served now when a ring-1 fence waits, else queued and its watch paused until a fence
   * comes (a level-triggered watch would otherwise report it again and again).
   */
  #onReadable(source: Source): void {
    if (this.#destroyed) return;
    if (!this.#readySet.has(source)) {
      this.#readySet.add(source);
      this.#ready.push(source);
    }
    this.#pump();
    if (this.#readySet.has(source) && !this.#paused.has(source)) {
      this.#paused.add(source);
      this.#watchOf(source)?.pause();
    }
  }

  #resume(source: Source): void {
    if (this.#paused.delete(source)) this.#watchOf(source)?.resume();
  }

  /** Pairs waiting ring-1 fences with ready sources, oldest first; one ring write per fence. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#fences.length > 0 && this.#ready.length > 0 && !this.#destroyed) {
        const source = this.#ready.shift()!;
        this.#readySet.delete(source);
        let outcome: Outcome;
        try {
          outcome = source === "channel" ? this.#serviceChannel() : this.#serviceItem(source);
        } catch (e) {
          this.#shared.log(`cross-domain context ${this.ctxId}: dropping ${String(source)}: ${String(e)}`);
          this.#dropSource(source);
          continue;
        }
        if (outcome === "blocked") {
          this.#readySet.add(source);
          this.#ready.unshift(source);
          break;
        }
        this.#resume(source);
        if (outcome === "wrote") this.#shared.fenceHandler(this.#fences.shift()!);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #dropSource(source: Source): void {
    if (source === "channel") this.#closeChannel();
    else this.#removeItem(source);
  }

  #closeChannel(): void {
    const state = this.#state;
    if (state === undefined) return;
    state.channelWatch?.stop();
    state.channel?.close();
    state.channelWatch = undefined;
    state.channel = undefined;
    this.#paused.delete("channel");
  }

  /** The channel ring, or `undefined` while the guest has none usable (the source waits for a later fence). */
  #channelRing(need: number): IovecList | undefined {
    try {
      return this.#ringBacking(this.#state!.channelRing, need);
    } catch {
      return undefined;
    }
  }

  #serviceChannel(): Outcome {
    const state = this.#state!;
    const channel = state.channel;
    if (channel === undefined) return "nothing";
    const ring = this.#channelRing(SendReceive.size);
    if (ring === undefined) return "blocked";
    const room = Math.min(CROSS_DOMAIN_MAX_SEND_RECV_SIZE, ring.totalLength - SendReceive.size);
    const data = this.#scratch.subarray(SendReceive.size, SendReceive.size + room);
    const got = channel.recv(data, CROSS_DOMAIN_MAX_IDENTIFIERS);
    if (got === undefined) return "nothing";
    const identifiers: CrossDomainIdentifier[] = [];
    let carried = !got.fdsTruncated;
    try {
      if (carried) this.#items.checkRoom(got.fds.length);
    } catch {
      carried = false;
    }
    const host = this.#shared.host;
    if (carried) {
      for (let i = 0; i < got.fds.length; i++) {
        const fd = got.fds[i]!;
        let info: ReturnType<typeof host.describe>;
        try {
          info = host.describe(fd);
        } catch {
          carried = false;
          break;
        }
        if (info.kind === "memory") {
          identifiers.push({ id: 0, type: CrossDomainIdType.VirtgpuBlob, size: Math.min(info.size, 0xffff_ffff) });
        } else if (info.kind === "event") identifiers.push({ id: 0, type: CrossDomainIdType.Event, size: 0 });
        else if (info.kind === "writePipe") identifiers.push({ id: 0, type: CrossDomainIdType.WritePipe, size: 0 });
        else if (info.kind === "socket") identifiers.push({ id: 0, type: CrossDomainIdType.Socket, size: 0 });
        else {
          carried = false;
          break;
        }
        const entry = identifiers[i]!;
        const item: CrossDomainItem =
          info.kind === "memory"
            ? {
                kind: "blob",
                handle: { os: fd.os, handleType: RutabagaHandleType.MemShm },
                size: info.size,
                access: info.access,
              }
            : info.kind === "event"
              ? { kind: "event", handle: fd, watch: undefined }
              : info.kind === "writePipe"
                ? { kind: "writePipe", handle: fd }
                : { kind: "socket", handle: fd };
        entry.id = this.#items.add(item);
      }
    }
    if (!carried) {
      // A message whose descriptors cannot all be carried would desynchronise the stream: end it instead.
      for (const id of identifiers) this.#removeItemQuiet(id.id);
      for (const fd of got.fds.slice(identifiers.length)) host.close(fd);
      this.#shared.log(`cross-domain context ${this.ctxId}: channel message with uncarriable descriptors; closing it`);
      this.#closeChannel();
      encodeReceive(this.#scratchView, [], 0);
      ring.write(0, this.#scratch, 0, SendReceive.size);
      return "wrote";
    }
    encodeReceive(this.#scratchView, identifiers, got.bytes);
    ring.write(0, this.#scratch, 0, SendReceive.size + got.bytes);
    if (got.bytes === 0 && got.fds.length === 0) this.#closeChannel();
    return "wrote";
  }

  #serviceItem(id: number): Outcome {
    const item = this.#items.get(id);
    if (item === undefined) return "nothing";
    const ring = this.#channelRing(ReadWrite.size);
    if (ring === undefined) return "blocked";
    const host = this.#shared.host;
    if (item.kind === "readPipe") {
      const room = Math.min(MAX_PIPE_READ, ring.totalLength - ReadWrite.size);
      const buf = this.#pipeBuffer.subarray(0, room);
      const n = room === 0 ? 0 : host.read(item.handle, buf);
      if (n === undefined) return "nothing";
      encodeRead(this.#scratchView, id, n === 0, n);
      ring.write(0, this.#scratch, 0, ReadWrite.size);
      if (n > 0) ring.write(ReadWrite.size, buf, 0, n);
      else this.#removeItem(id);
      return "wrote";
    }
    if (item.kind === "event") {
      const value = host.readEvent(item.handle);
      if (value === undefined) return "nothing";
      encodeRead(this.#scratchView, id, false, 8);
      this.#scratchView.setBigUint64(ReadWrite.size, value, true);
      ring.write(0, this.#scratch, 0, ReadWrite.size + 8);
      return "wrote";
    }
    return "nothing";
  }

  #removeItem(id: number): void {
    const item = this.#items.remove(id);
    if (item !== undefined) this.#closeItem(item);
    if (this.#readySet.delete(id)) this.#ready.splice(this.#ready.indexOf(id), 1);
    this.#paused.delete(id);
  }

  #removeItemQuiet(id: number): void {
    try {
      this.#removeItem(id);
    } catch {
      // Closing is best effort here.
    }
  }

  #closeItem(item: CrossDomainItem): void {
    if (item.kind === "image") return;
    if (item.kind === "readPipe" || item.kind === "event") item.watch?.stop();
    this.#shared.host.close(item.handle);
  }
}

/** Guest-memory blobs (`GUEST`, or exactly `USE_MAPPABLE` flags, as rutabaga_gfx accepts) become ring resources. */
export function isRingBlob(create: ResourceCreateBlob): boolean {
  return create.blobMem === RutabagaBlobMem.Guest || create.blobFlags === 1;
}

/** Handle types a cross-domain mapping can serve. */
export const MAPPABLE_HANDLE_TYPES: ReadonlySet<number> = new Set([RutabagaHandleType.MemShm]);
