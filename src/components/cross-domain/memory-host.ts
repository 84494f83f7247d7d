import { RutabagaHandleType, RutabagaMapInfo } from "../../rutabaga/constants.ts";
import type { RutabagaHandle } from "../../rutabaga/types.ts";
import type {
  CrossDomainChannel,
  CrossDomainDescriptorInfo,
  CrossDomainHost,
  CrossDomainReceived,
  CrossDomainWatch,
} from "./host.ts";

/** One in-memory OS object; handles share it as fds share an open file. */
export type MemoryObject =
  | { kind: "memory"; bytes: Uint8Array; writable: boolean }
  | { kind: "pipe"; chunks: Uint8Array[]; readers: number; writers: number }
  | { kind: "event"; counter: bigint }
  | { kind: "socket"; inbox: { data: Uint8Array; fds: MemoryHandle[] }[]; peer: MemoryObject | undefined; ends: number }
  | { kind: "file" };

/** A handle of {@link MemoryHost}: `os` is an object standing for one file descriptor. */
export interface MemoryHandle extends RutabagaHandle {
  readonly os: { readonly object: MemoryObject; readonly end: "read" | "write" | "both"; closed: boolean };
}

interface Watch {
  readable: () => boolean;
  cb: () => void;
  paused: boolean;
  stopped: boolean;
}

/** The far end of a channel, as a test's fake compositor sees it. */
export interface MemoryPeer {
  /** Sends bytes with descriptors (from the host's `create*` helpers) to the context; the peer keeps its copies. */
  send(data: Uint8Array, fds?: readonly MemoryHandle[]): void;
  /** Messages the context sent, oldest first; their descriptors are the peer's to close. */
  take(): { data: Uint8Array; fds: MemoryHandle[] }[];
  /** True when the context closed its end. */
  readonly closed: boolean;
  close(): void;
}

/**
 * An in-memory {@link CrossDomainHost} for tests, fuzzers and benchmarks: shared memory, pipes, eventfds and socket
 * pairs as JavaScript objects, readiness delivered when {@link poll} runs, every open handle counted so leaks show.
 */
export class MemoryHost implements CrossDomainHost {
  /** Handles not closed yet (the test's own included). */
  readonly open = new Set<MemoryHandle>();
  /** Registered handles by their `os` object: a handle re-wrapped with another type is the same descriptor. */
  readonly #byOs = new Map<object, MemoryHandle>();
  readonly #listeners = new Map<string, (peer: MemoryPeer) => void>();
  readonly #watches: Watch[] = [];
  /** Handles whose next read throws (to prove one failure stops nothing else). */
  readonly failReads = new Set<MemoryHandle>();
  /** Largest shared memory it allocates (bytes). */
  memoryLimit = 64 * 1024 * 1024;

  /** Accepts `connect(path)` calls, handing the far end to `onConnect`. */
  listen(path: string, onConnect: (peer: MemoryPeer) => void): void {
    this.#listeners.set(path, onConnect);
  }

  #handle(object: MemoryObject, end: "read" | "write" | "both", handleType = 0): MemoryHandle {
    const h: MemoryHandle = { os: { object, end, closed: false }, handleType };
    this.open.add(h);
    this.#byOs.set(h.os, h);
    return h;
  }

  #live(handle: RutabagaHandle): MemoryHandle {
    const h = typeof handle.os === "object" && handle.os !== null ? this.#byOs.get(handle.os) : undefined;
    if (h === undefined || h.os.closed) throw new Error("EBADF: handle is closed or foreign");
    return h;
  }

  /** Shared memory the test can hand to the context. */
  createMemory(size: number, writable = true): MemoryHandle {
    return this.#handle({ kind: "memory", bytes: new Uint8Array(size), writable }, "both", RutabagaHandleType.MemShm);
  }

  createEvent(): MemoryHandle {
    return this.#handle({ kind: "event", counter: 0n }, "both", RutabagaHandleType.SignalEventFd);
  }

  /** A regular file: a kind cross-domain cannot carry. */
  createFile(): MemoryHandle {
    return this.#handle({ kind: "file" }, "both");
  }

  #socketPair(): [MemoryHandle, MemoryHandle] {
    const a: MemoryObject = { kind: "socket", inbox: [], peer: undefined, ends: 1 };
    const b: MemoryObject = { kind: "socket", inbox: [], peer: a, ends: 1 };
    a.peer = b;
    return [this.#handle(a, "both"), this.#handle(b, "both")];
  }

  /** A connected socket pair; one end can travel as a SOCKET identifier. */
  createSocketPair(): [MemoryHandle, MemoryHandle] {
    return this.#socketPair();
  }

  connect(path: string): CrossDomainChannel {
    const onConnect = this.#listeners.get(path);
    if (onConnect === undefined) throw new Error(`ECONNREFUSED: ${path}`);
    const [mine, theirs] = this.#socketPair();
    onConnect(this.#peer(theirs));
    return this.#channel(mine);
  }

  channelFromSocket(handle: RutabagaHandle): CrossDomainChannel {
    const h = this.#live(handle);
    if (h.os.object.kind !== "socket") throw new Error("ENOTSOCK");
    return this.#channel(h);
  }

  /** The far end of a socket (as `connect` gives a listener), for sockets made with {@link createSocketPair}. */
  peerOf(handle: MemoryHandle): MemoryPeer {
    return this.#peer(handle);
  }

  #peer(h: MemoryHandle): MemoryPeer {
    const obj = h.os.object as Extract<MemoryObject, { kind: "socket" }>;
    return {
      send: (data, fds = []) => {
        const peer = obj.peer as Extract<MemoryObject, { kind: "socket" }>;
        if (peer.ends > 0) peer.inbox.push({ data: data.slice(), fds: fds.map((f) => this.dup(f) as MemoryHandle) });
      },
      take: () => obj.inbox.splice(0),
      get closed() {
        return (obj.peer as Extract<MemoryObject, { kind: "socket" }>).ends === 0;
      },
      close: () => this.close(h),
    };
  }

  #channel(h: MemoryHandle): CrossDomainChannel {
    const obj = h.os.object as Extract<MemoryObject, { kind: "socket" }>;
    const peerClosed = () => (obj.peer as Extract<MemoryObject, { kind: "socket" }>).ends === 0;
    return {
      send: (data, fds) => {
        this.#live(h);
        if (peerClosed()) throw new Error("EPIPE");
        const peer = obj.peer as Extract<MemoryObject, { kind: "socket" }>;
        peer.inbox.push({ data: data.slice(), fds: fds.map((f) => this.dup(f) as MemoryHandle) });
      },
      recv: (buf, maxFds): CrossDomainReceived | undefined => {
        this.#live(h);
        const head = obj.inbox[0];
        if (head === undefined) return peerClosed() ? { bytes: 0, fds: [], fdsTruncated: false } : undefined;
        const n = Math.min(buf.length, head.data.length);
        buf.set(head.data.subarray(0, n));
        const fds = head.fds.splice(0);
        let truncated = false;
        while (fds.length > maxFds) {
          this.close(fds.pop()!);
          truncated = true;
        }
        if (n === head.data.length) obj.inbox.shift();
        else head.data = head.data.subarray(n);
        return { bytes: n, fds, fdsTruncated: truncated };
      },
      watch: (cb) => this.#watch(() => !h.os.closed && (obj.inbox.length > 0 || peerClosed()), cb),
      close: () => this.close(h),
    };
  }

  allocateSharedMemory(size: number, _name: string): RutabagaHandle {
    if (size > this.memoryLimit) throw new Error(`ENOMEM: ${size} bytes`);
    return this.createMemory(size);
  }

  createPipe(): { read: MemoryHandle; write: MemoryHandle } {
    const pipe: MemoryObject = { kind: "pipe", chunks: [], readers: 1, writers: 1 };
    return { read: this.#handle(pipe, "read"), write: this.#handle(pipe, "write") };
  }

  describe(handle: RutabagaHandle): CrossDomainDescriptorInfo {
    const h = this.#live(handle);
    const o = h.os.object;
    switch (o.kind) {
      case "memory":
        return {
          kind: "memory",
          size: o.bytes.length,
          access: o.writable ? RutabagaMapInfo.AccessRw : RutabagaMapInfo.AccessRead,
        };
      case "pipe":
        return { kind: h.os.end === "read" ? "readPipe" : "writePipe", size: 0, access: 0 };
      case "event":
        return { kind: "event", size: 0, access: 0 };
      case "socket":
        return { kind: "socket", size: 0, access: 0 };
      default:
        return { kind: "other", size: 0, access: 0 };
    }
  }

  read(handle: RutabagaHandle, buf: Uint8Array): number | undefined {
    const h = this.#live(handle);
    if (this.failReads.has(h)) throw new Error("EIO: injected read failure");
    const o = h.os.object;
    if (o.kind !== "pipe" || h.os.end !== "read") throw new Error("EBADF: not a pipe read end");
    const head = o.chunks[0];
    if (head === undefined) return o.writers === 0 ? 0 : undefined;
    const n = Math.min(buf.length, head.length);
    buf.set(head.subarray(0, n));
    if (n === head.length) o.chunks.shift();
    else o.chunks[0] = head.subarray(n);
    return n;
  }

  write(handle: RutabagaHandle, data: Uint8Array): void {
    const h = this.#live(handle);
    const o = h.os.object;
    if (o.kind !== "pipe" || h.os.end !== "write") throw new Error("EBADF: not a pipe write end");
    if (o.readers === 0) throw new Error("EPIPE");
    o.chunks.push(data.slice());
  }

  /** Everything written to a pipe so far (test side), as one byte string; drains it. */
  drainPipe(handle: MemoryHandle): Uint8Array {
    const o = handle.os.object as Extract<MemoryObject, { kind: "pipe" }>;
    const total = o.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of o.chunks.splice(0)) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Writes into a pipe from the test's side (no reader check). */
  feedPipe(handle: MemoryHandle, data: Uint8Array): void {
    (handle.os.object as Extract<MemoryObject, { kind: "pipe" }>).chunks.push(data.slice());
  }

  signalEvent(handle: RutabagaHandle, value: bigint): void {
    const o = this.#live(handle).os.object;
    if (o.kind !== "event") throw new Error("EINVAL: not an eventfd");
    o.counter = (o.counter + value) & 0xffff_ffff_ffff_ffffn;
  }

  readEvent(handle: RutabagaHandle): bigint | undefined {
    const h = this.#live(handle);
    if (this.failReads.has(h)) throw new Error("EIO: injected read failure");
    const o = h.os.object;
    if (o.kind !== "event") throw new Error("EINVAL: not an eventfd");
    if (o.counter === 0n) return undefined;
    const v = o.counter;
    o.counter = 0n;
    return v;
  }

  /** An eventfd's counter, for tests (does not reset it). */
  eventCounter(handle: MemoryHandle): bigint {
    return (handle.os.object as Extract<MemoryObject, { kind: "event" }>).counter;
  }

  map(handle: RutabagaHandle, size: number): { bytes: Uint8Array; unmap(): void } {
    const o = this.#live(handle).os.object;
    if (o.kind !== "memory") throw new Error("ENODEV: not memory");
    if (size > o.bytes.length) throw new Error(`EINVAL: mapping ${size} of ${o.bytes.length} bytes`);
    return { bytes: o.bytes.subarray(0, size), unmap: () => {} };
  }

  dup(handle: RutabagaHandle): RutabagaHandle {
    const h = this.#live(handle);
    const o = h.os.object;
    if (o.kind === "pipe") {
      if (h.os.end === "read") o.readers++;
      else o.writers++;
    } else if (o.kind === "socket") o.ends++;
    return this.#handle(o, h.os.end, h.handleType);
  }

  close(handle: RutabagaHandle): void {
    const h = this.#live(handle);
    h.os.closed = true;
    this.open.delete(h);
    this.#byOs.delete(h.os);
    const o = h.os.object;
    if (o.kind === "pipe") {
      if (h.os.end === "read") o.readers--;
      else o.writers--;
    } else if (o.kind === "socket") {
      o.ends--;
      if (o.ends === 0) {
        for (const m of o.inbox.splice(0)) for (const f of m.fds) if (!f.os.closed) this.close(f);
      }
    }
  }

  watch(handle: RutabagaHandle, onReadable: () => void): CrossDomainWatch {
    const h = this.#live(handle);
    const o = h.os.object;
    const readable =
      o.kind === "pipe"
        ? () => !h.os.closed && (o.chunks.length > 0 || o.writers === 0)
        : o.kind === "event"
          ? () => !h.os.closed && o.counter > 0n
          : () => false;
    return this.#watch(readable, onReadable);
  }

  #watch(readable: () => boolean, cb: () => void): CrossDomainWatch {
    const w: Watch = { readable, cb, paused: false, stopped: false };
    this.#watches.push(w);
    return {
      pause: () => {
        w.paused = true;
      },
      resume: () => {
        w.paused = false;
      },
      stop: () => {
        w.stopped = true;
        this.#watches.splice(this.#watches.indexOf(w), 1);
      },
    };
  }

  /** Active watches now. */
  get watchCount(): number {
    return this.#watches.length;
  }

  /** Runs ready watches' callbacks (level-triggered) until none is ready or `rounds` passes; returns callbacks run. */
  poll(rounds = 64): number {
    let calls = 0;
    for (let r = 0; r < rounds; r++) {
      const ready = this.#watches.filter((w) => !w.paused && !w.stopped && w.readable());
      if (ready.length === 0) break;
      for (const w of ready) {
        if (w.paused || w.stopped) continue;
        calls++;
        w.cb();
      }
    }
    return calls;
  }
}
