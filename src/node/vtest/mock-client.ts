import { PipeTextureTarget, VirglBind } from "../../rutabaga/constants.ts";
import { closeFd } from "../os/fd.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import { encodeVtestRequest, frameVtest, type SubmitBatch, syncPoints, type VtestRequest } from "./codec.ts";
import {
  VTEST_BUSY_WAIT_FLAG_WAIT,
  VTEST_HEADER_SIZE,
  VTEST_SERVER_RESOURCE_IDS_VERSION,
  VtestBlobFlag,
  VtestBlobType,
  VtestCommand,
  VtestHeader,
} from "./protocol.ts";

/** Gallium's `PIPE_FORMAT_R8G8B8A8_UNORM` (virgl formats share Gallium's numbering). */
export const VIRGL_FORMAT_R8G8B8A8_UNORM = 67;
/** Descriptors one read may bring (the server passes one per RESOURCE_CREATE2). */
const MAX_FDS_PER_READ = 8;

/** What the server sent back for one request (see {@link MockVtestClient.answerTo}). */
export type VtestAnswer =
  | { kind: "reply"; id: number; words: Uint32Array }
  | { kind: "caps"; id: number; caps: Uint8Array }
  | { kind: "fd"; fd: number }
  | { kind: "reply+fd"; id: number; words: Uint32Array; fd: number }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "none" };

/**
 * A vtest client the way Mesa's virpipe speaks, writing requests with the codec the server reads with: `[length,
 * id]` headers, words after, descriptors riding on one byte. Replies are read in order from a buffer the event loop
 * fills. For tests, fuzzers and benchmarks.
 */
export class MockVtestClient {
  readonly socket: UnixSocket;
  #buffered = new Uint8Array(0);
  #fds: number[] = [];
  #ended = false;
  #waiters: (() => void)[] = [];
  /** The version {@link handshake} agreed (answers to RESOURCE_CREATE depend on it). */
  version = 0;

  constructor(path: string) {
    this.socket = UnixSocket.connect(path);
    const chunk = new Uint8Array(65536);
    this.socket.onReadable(() => {
      for (;;) {
        const r = this.socket.recv(chunk, MAX_FDS_PER_READ);
        if (r === undefined) break;
        if (r.bytes === 0) {
          this.#ended = true;
          this.socket.onReadable(undefined);
          break;
        }
        const next = new Uint8Array(this.#buffered.length + r.bytes);
        next.set(this.#buffered);
        next.set(chunk.subarray(0, r.bytes), this.#buffered.length);
        this.#buffered = next;
        this.#fds.push(...r.fds);
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Whether the server closed the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves when `ready()` holds, re-checked whenever bytes or the end arrive; rejects after `timeoutMs`. */
  #until(ready: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(what())), timeoutMs);
      const check = () => {
        let done: boolean;
        try {
          done = ready();
        } catch (e) {
          clearTimeout(timer);
          reject(e);
          return;
        }
        if (done) {
          clearTimeout(timer);
          resolve();
        } else {
          this.#waiters.push(check);
        }
      };
      check();
    });
  }

  /** Sends one request, encoded as Mesa's virpipe writes it. */
  request(r: VtestRequest): void {
    this.socket.send(encodeVtestRequest(r));
  }

  /** Sends one message with any payload: words (or bytes, for CREATE_RENDERER's name), framed by its header. */
  send(command: number, payload: readonly number[] | Uint8Array): void {
    const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(Uint32Array.from(payload).buffer);
    this.socket.send(frameVtest(command, bytes));
  }

  /** Sends raw bytes, framed or not. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes);
  }

  /** Resolves with the next `n` bytes; rejects at end of stream or after `timeoutMs`. */
  async read(n: number, timeoutMs = 10_000): Promise<Uint8Array> {
    await this.#until(
      () => {
        if (this.#buffered.length >= n) return true;
        if (this.#ended) throw new Error(`server closed the connection with ${this.#buffered.length} of ${n} bytes`);
        return false;
      },
      () => `no reply of ${n} bytes within ${timeoutMs} ms`,
      timeoutMs,
    );
    const out = this.#buffered.slice(0, n);
    this.#buffered = this.#buffered.slice(n);
    return out;
  }

  /** Reads a `[length, id]` reply header and its `length` words. */
  async reply(): Promise<{ id: number; words: Uint32Array }> {
    const head = new DataView((await this.read(VTEST_HEADER_SIZE)).buffer);
    const length = head.getUint32(VtestHeader.length * 4, true);
    const body = await this.read(length * 4);
    return { id: head.getUint32(VtestHeader.command * 4, true), words: new Uint32Array(body.buffer) };
  }

  /**
   * Reads what the server answers to `r`, the way virglrenderer's server answers it: a `[length, id]` reply, a caps
   * blob (its length word is bytes + 1), a descriptor on one byte, TRANSFER_GET's raw bytes, or nothing at all.
   */
  async answerTo(r: VtestRequest): Promise<VtestAnswer> {
    switch (r.command) {
      case VtestCommand.PingProtocolVersion:
      case VtestCommand.ProtocolVersion:
      case VtestCommand.ResourceBusyWait:
      case VtestCommand.GetParam:
      case VtestCommand.GetCapset:
      case VtestCommand.SyncCreate:
      case VtestCommand.SyncRead:
        return { kind: "reply", ...(await this.reply()) };
      case VtestCommand.ResourceCreate:
        return this.version >= VTEST_SERVER_RESOURCE_IDS_VERSION
          ? { kind: "reply", ...(await this.reply()) }
          : { kind: "none" };
      case VtestCommand.ResourceCreateBlob:
      case VtestCommand.SyncWait: {
        const reply = await this.reply();
        return { kind: "reply+fd", ...reply, fd: await this.readFd() };
      }
      case VtestCommand.GetCaps:
      case VtestCommand.GetCaps2: {
        const head = new DataView((await this.read(VTEST_HEADER_SIZE)).buffer);
        const bytes = head.getUint32(VtestHeader.length * 4, true) - 1;
        return { kind: "caps", id: head.getUint32(VtestHeader.command * 4, true), caps: await this.read(bytes) };
      }
      case VtestCommand.ResourceCreate2: {
        if (this.version < VTEST_SERVER_RESOURCE_IDS_VERSION)
          return r.dataSize > 0 ? { kind: "fd", fd: await this.readFd() } : { kind: "none" };
        const reply = await this.reply();
        return r.dataSize > 0 ? { kind: "reply+fd", ...reply, fd: await this.readFd() } : { kind: "reply", ...reply };
      }
      case VtestCommand.TransferGet:
        return { kind: "bytes", bytes: await this.read(r.dataSize) };
      default:
        return { kind: "none" };
    }
  }

  /** Reads the one in-band byte of a descriptor message and returns the descriptor. */
  async readFd(): Promise<number> {
    await this.read(1);
    const fd = this.#fds.shift();
    if (fd === undefined) throw new Error("no descriptor arrived with the byte");
    return fd;
  }

  /** Resolves once the server has closed the connection. */
  closedByServer(timeoutMs = 10_000): Promise<void> {
    return this.#until(
      () => this.#ended,
      () => "the server kept the connection open",
      timeoutMs,
    );
  }

  /** CREATE_RENDERER, PING_PROTOCOL_VERSION, PROTOCOL_VERSION as Mesa 22.3 starts; returns the agreed version. */
  async handshake(name = "mock", version = 2): Promise<number> {
    this.request({ command: VtestCommand.CreateRenderer, name });
    this.request({ command: VtestCommand.PingProtocolVersion });
    this.request({ command: VtestCommand.ProtocolVersion, version });
    const ping = await this.reply();
    if (ping.id !== VtestCommand.PingProtocolVersion) throw new Error(`ping answered with id ${ping.id}`);
    const agreed = await this.reply();
    this.version = agreed.words[0]!;
    return this.version;
  }

  /** Sends `r` and reads a `[length, id]` reply to it. */
  async ask(r: VtestRequest): Promise<{ id: number; words: Uint32Array }> {
    this.request(r);
    return this.reply();
  }

  /** GET_PARAM: `[valid, value]`. */
  async getParam(param: number): Promise<[number, number]> {
    const { words } = await this.ask({ command: VtestCommand.GetParam, param });
    return [words[0]!, words[1]!];
  }

  /** GET_CAPSET: the capset's bytes, or `undefined` when the server answers "not valid". */
  async getCapset(id: number, version: number): Promise<Uint8Array | undefined> {
    const { words } = await this.ask({ command: VtestCommand.GetCapset, id, version });
    return words[0] === 1 ? new Uint8Array(words.buffer, 4) : undefined;
  }

  /** RESOURCE_CREATE_BLOB (HOST3D and mappable unless told): the server's resource id and the descriptor. */
  async createBlob(
    size: bigint,
    o: { type?: number; flags?: number; blobId?: bigint } = {},
  ): Promise<{ resId: number; fd: number }> {
    const reply = await this.ask({
      command: VtestCommand.ResourceCreateBlob,
      type: o.type ?? VtestBlobType.Host3D,
      flags: o.flags ?? VtestBlobFlag.Mappable,
      size,
      blobId: o.blobId ?? 0n,
    });
    return { resId: reply.words[0]!, fd: await this.readFd() };
  }

  /** SYNC_CREATE: the new sync's id. */
  async syncCreate(value: bigint): Promise<number> {
    return (await this.ask({ command: VtestCommand.SyncCreate, value })).words[0]!;
  }

  /** SYNC_READ: the sync's value. */
  async syncRead(id: number): Promise<bigint> {
    const { words } = await this.ask({ command: VtestCommand.SyncRead, id });
    return (BigInt(words[1]!) << 32n) | BigInt(words[0]!);
  }

  /** SYNC_WAIT: the eventfd the server answers with (readable once the wait is satisfied). */
  async syncWait(points: readonly { id: number; value: bigint }[], timeoutMs: number, flags = 0): Promise<number> {
    this.request({ command: VtestCommand.SyncWait, flags, timeoutMs, syncs: syncPoints(points) });
    const reply = await this.reply();
    if (reply.id !== VtestCommand.SyncWait) throw new Error(`SYNC_WAIT answered with id ${reply.id}`);
    return this.readFd();
  }

  /** SUBMIT_CMD2 with `batches` (no reply). */
  submitCmd2(batches: readonly SubmitBatch[]): void {
    this.request({ command: VtestCommand.SubmitCmd2, batches: [...batches] });
  }

  /** RESOURCE_BUSY_WAIT with the WAIT flag; resolves with the busy word of the reply. */
  async busyWait(handle: number): Promise<number> {
    this.request({ command: VtestCommand.ResourceBusyWait, handle, flags: VTEST_BUSY_WAIT_FLAG_WAIT });
    return (await this.reply()).words[0]!;
  }

  /**
   * RESOURCE_CREATE2 with `bytes` of shared memory; returns its descriptor. Protocol 3 sends handle 0 and reads the
   * server's id: {@link createResource3} returns it.
   */
  async createResource2(
    handle: number,
    o: { target?: number; format?: number; bind?: number; width: number; height: number; bytes: number },
  ): Promise<number> {
    return (await this.createResource3(handle, o)).fd;
  }

  /** RESOURCE_CREATE2 as {@link createResource2}; returns the resource's id (the server's, in protocol 3) and fd. */
  async createResource3(
    handle: number,
    o: { target?: number; format?: number; bind?: number; width: number; height: number; bytes: number },
  ): Promise<{ id: number; fd: number }> {
    this.request({
      command: VtestCommand.ResourceCreate2,
      handle,
      create: {
        target: o.target ?? PipeTextureTarget.Texture2D,
        format: o.format ?? VIRGL_FORMAT_R8G8B8A8_UNORM,
        bind: o.bind ?? VirglBind.RenderTarget | VirglBind.SamplerView,
        width: o.width,
        height: o.height,
        depth: 1,
        arraySize: 1,
        lastLevel: 0,
        nrSamples: 0,
        flags: 0,
      },
      dataSize: o.bytes,
    });
    const id = this.version >= VTEST_SERVER_RESOURCE_IDS_VERSION ? (await this.reply()).words[0]! : handle;
    return { id, fd: await this.readFd() };
  }

  /** Closes the connection and every descriptor received and not taken. */
  close(): void {
    for (const fd of this.#fds) closeFd(fd);
    this.#fds = [];
    this.socket.close();
  }
}
