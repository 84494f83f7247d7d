import { encodeSendInto, peekChannelRing } from "../../components/cross-domain/guest-encoder.ts";
import {
  CROSS_DOMAIN_MAX_IDENTIFIERS,
  CROSS_DOMAIN_MAX_SEND_RECV_SIZE,
  type CrossDomainIdentifier,
  CrossDomainIdType,
  SendReceive,
} from "../../components/cross-domain/protocol.ts";
import { ByteQueue } from "../../wayland/byte-queue.ts";
import { encodeDisplayError, WaylandDisplayError } from "../../wayland/display-error.ts";
import { type WaylandObjectEntry, WaylandObjectMap } from "../../wayland/object-map.ts";
import { readHeader, WAYLAND_MAX_MESSAGE_SIZE, type WaylandValue } from "../../wayland/wire.ts";
import { closeFd } from "../os/fd.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import { CompositorEvents } from "./compositor-events.ts";
import { compositorMemoryToMemfd } from "./compositor-memory.ts";
import { ClientPipes } from "./pipes.ts";
import { OwedDeleteIds } from "./pool-move.ts";
import { ProxyContext } from "./proxy-context.ts";
import { messageOf, NotCarried, type ProxyShared } from "./proxy-shared.ts";
import {
  type ProxyConcerns,
  type ProxyObject,
  type ProxyRequest,
  REQUEST_TRANSLATIONS,
} from "./request-translations.ts";
import { ShmPools } from "./shm-pools.ts";

/** Bytes a client may have buffered towards the compositor before we read no more. */
const MAX_PENDING = 64 * 1024 + WAYLAND_MAX_MESSAGE_SIZE;
/** Bytes read from the client per recv. */
const RECV_CHUNK = 64 * 1024;
/** Events buffered: less than one message left over, then one RECEIVE's data. */
const MAX_EVENT_PENDING = WAYLAND_MAX_MESSAGE_SIZE + CROSS_DOMAIN_MAX_SEND_RECV_SIZE;
/** Descriptors a client may have sent ahead of the messages that take them. */
const MAX_PENDING_FDS = 4 * CROSS_DOMAIN_MAX_IDENTIFIERS;
/** SEND payload per command: cmd_size is 16 bits. */
const MAX_SEND_DATA = 0xffff - SendReceive.size - 3;
const NO_VALUES: readonly WaylandValue[] = [];

/** The request a translation works on, where it lies in the pending bytes. */
interface RequestInFlight extends ProxyRequest {
  objectId: number;
  entry: WaylandObjectEntry<ProxyObject>;
  values: readonly WaylandValue[];
  at: number;
  size: number;
}

/**
 * One Wayland client carried through a cross-domain context (proxy-context.ts): requests are framed, translated by
 * {@link REQUEST_TRANSLATIONS} (shm-pools.ts) or by the kind of descriptor they carry (pipes.ts), and gathered into
 * SEND commands; each RECEIVE's events are framed for the object map, their identifiers turned into descriptors
 * (compositor-memory.ts, pipes.ts, compositor-events.ts), and sent to the client.
 */
export class ClientSession {
  readonly #client: UnixSocket;
  readonly #shared: ProxyShared;
  readonly #context: ProxyContext;
  /** One object space per connection, fed by both directions (events create objects requests then use). */
  readonly #objects: WaylandObjectMap<ProxyObject>;
  readonly #owedDeleteIds = new OwedDeleteIds();
  readonly #concerns: ProxyConcerns;
  readonly #pipes: ClientPipes;
  readonly #events: CompositorEvents;
  /** Bytes at the end of #eventPending not yet forwarded to the client. */
  #eventHeld = 0;
  /** Descriptors from the compositor waiting for a byte to ride on. */
  #eventFds: number[] = [];
  /** Descriptors from the client, waiting for the messages that take them. */
  readonly #fds: number[] = [];
  /** Requests received and not yet sent (a partial message at most, once forwarded). */
  readonly #pending = new ByteQueue(MAX_PENDING + RECV_CHUNK);
  readonly #eventPending = new ByteQueue(MAX_EVENT_PENDING);
  /** One SEND command, reused. */
  readonly #send = new Uint8Array(SendReceive.size + MAX_SEND_DATA + 3);
  readonly #sendView = new DataView(this.#send.buffer);
  /** Requests gathered for the next SEND: `#pending.bytes[#sendFrom, …)` and their identifiers. */
  #sendFrom = 0;
  #ids: CrossDomainIdentifier[] = [];
  /** The request a translation is working on. */
  readonly #request: RequestInFlight;
  #closed = false;
  /** The object of the request being forwarded (wl_display's id 1 before the first), for a `wl_display.error`. */
  #requestObject = 1;
  readonly #onClose: () => void;

  constructor(client: UnixSocket, shared: ProxyShared, onClose: () => void) {
    this.#client = client;
    this.#shared = shared;
    this.#onClose = onClose;
    this.#context = new ProxyContext(shared);
    this.#objects = new WaylandObjectMap<ProxyObject>(undefined, (state) => this.#concerns.shm.forget(state));
    this.#concerns = { shm: new ShmPools(this.#context, this.#objects, this.#owedDeleteIds) };
    this.#pipes = new ClientPipes(this.#context);
    this.#events = new CompositorEvents(this.#context);
    this.#request = {
      objectId: 0,
      entry: { interface: undefined, state: undefined },
      values: NO_VALUES,
      at: 0,
      size: 0,
      takeFd: () => this.#fds.shift()!,
      identifier: (id) => void this.#ids.push(id),
      replaceWith: (commands) => this.#replace(commands),
    };
  }

  /** Creates the context and rings, connects to the compositor, starts both directions. */
  start(): void {
    this.#shared.stats.sessions++;
    try {
      this.#context.create();
    } catch (e) {
      this.close();
      throw e;
    }
    this.#client.onReadable(() => this.#fromClient());
    this.#client.onClose(() => this.close());
    this.#context.poll(this.#onChannel, (e) => this.#end("poll", 1, e));
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
      this.#end(`client of context ${this.#context.ctxId}`, this.#requestObject, e);
    }
  }

  /**
   * Ends the session as a compositor ends a client it cannot serve: a `wl_display.error` (implementation) naming the
   * object whose request failed and why, then the hang-up. The event is left out when part of another event has
   * already gone to the client (it would land inside that message).
   */
  #end(where: string, objectId: number, e: unknown): void {
    const why = messageOf(e);
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

  /** Sends the requests gathered before `to` in one SEND with their identifiers; the next SEND starts at `to`. */
  #flush(to: number): void {
    if (to > this.#sendFrom) {
      const data = this.#pending.bytes.subarray(this.#sendFrom, to);
      const size = encodeSendInto(this.#send, this.#sendView, this.#ids, data);
      this.#context.submit(this.#send.subarray(0, size));
    }
    this.#sendFrom = to;
    if (this.#ids.length > 0) this.#ids = [];
  }

  /** The request being translated goes out as `commands` instead (after what was gathered before it). */
  #replace(commands: Uint8Array): void {
    const r = this.#request;
    this.#flush(r.at);
    this.#context.submit(commands);
    this.#sendFrom = r.at + r.size;
  }

  /** Frames complete requests, translates them and sends them in SEND commands, descriptors turned into identifiers. */
  #forwardRequests(): void {
    const queue = this.#pending;
    const view = queue.view;
    const end = queue.end;
    const objects = this.#objects;
    const request = this.#request;
    let at = queue.start;
    this.#sendFrom = at;
    this.#ids = [];
    for (;;) {
      this.#requestObject = 1;
      const header = readHeader(view, at, end);
      if (header === undefined || at + header.size > end) break;
      const objectId = header.objectId;
      const opcode = header.opcode;
      this.#requestObject = objectId;
      const entry = objects.entry(objectId);
      const iface = entry?.interface;
      const message = iface?.requests[opcode];
      const translation = message === undefined ? undefined : REQUEST_TRANSLATIONS.get(iface!, opcode);
      // Every request is checked and applied to the object map; arguments are decoded only for a translation.
      let values = NO_VALUES;
      if (translation === undefined) objects.track("request", objectId, opcode, view, at, header.size);
      else values = objects.observe("request", objectId, opcode, view, at, header.size).values!;
      const fdCount = message?.fdCount ?? 0;
      if (message === undefined && this.#fds.length > 0) {
        throw new NotCarried(`descriptors with a message of unknown interface (object ${objectId})`);
      }
      if (
        at + header.size - this.#sendFrom > MAX_SEND_DATA ||
        this.#ids.length + fdCount > CROSS_DOMAIN_MAX_IDENTIFIERS
      ) {
        this.#flush(at);
      }
      if (fdCount > 0 && this.#fds.length < fdCount) {
        throw new NotCarried(`${iface!.name}.${message!.name} without its descriptor`);
      }
      if (translation !== undefined) {
        request.objectId = objectId;
        request.entry = entry!;
        request.values = values;
        request.at = at;
        request.size = header.size;
        translation(this.#concerns, request);
      } else if (fdCount > 0) {
        if (fdCount === 1 && this.#pipes.isWriteEnd(this.#fds[0]!)) {
          // The client reads what the compositor writes (wl_data_offer.receive and its kin): one read pipe per SEND.
          if (this.#ids.length > 0) this.#flush(at);
          this.#ids.push(this.#pipes.readPipe(this.#fds.shift()!));
        } else {
          throw new NotCarried(`${iface!.name}.${message!.name} carries a descriptor the proxy does not translate`);
        }
      }
      this.#shared.stats.requestMessages++;
      this.#shared.stats.requestBytes += header.size;
      at += header.size;
    }
    this.#flush(at);
    this.#concerns.shm.releaseUnused();
    queue.consume(at - queue.start);
  }

  readonly #onChannel = (): void => {
    if (this.#closed) return;
    try {
      this.#fromCompositor();
    } catch (e) {
      this.#end("compositor to client", 1, e);
    }
  };

  #fromCompositor(): void {
    // The ring is read (and its bytes copied or sent) before the next POLL lets the host write it again.
    const msg = peekChannelRing(this.#context.channelRing, this.#context.channelRingView);
    if ("identifier" in msg) {
      if (!this.#events.read(msg.identifier, msg.data)) this.#pipes.read(msg.identifier, msg.data, msg.hangUp);
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
        if (id.type === CrossDomainIdType.VirtgpuBlob) fds.push(compositorMemoryToMemfd(this.#context, id.id, id.size));
        else if (id.type === CrossDomainIdType.WritePipe) fds.push(this.#pipes.writePipe(id.id));
        else if (id.type === CrossDomainIdType.Event) fds.push(this.#events.take(id.id));
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

  /**
   * Frames events for the object map and returns what the client gets: the bytes as they come, but while the
   * compositor owes delete_ids for the proxy's own destroys (pool-move.ts), complete messages only with those cut
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
    this.#pipes.close();
    this.#events.close();
    this.#context.destroy();
    this.#concerns.shm.close();
    for (const fd of this.#eventFds.splice(0)) closeFd(fd);
    this.#context.freeRings();
    this.#shared.stats.sessions--;
    this.#onClose();
  }
}
