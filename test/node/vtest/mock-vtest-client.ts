import { closeFd } from "../../../src/node/os/fd.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VtestCommand as C } from "../../../src/node/vtest/protocol.ts";

/** Gallium's PIPE_FORMAT_R8G8B8A8_UNORM and PIPE_TEXTURE_2D. */
export const RGBA8 = 67;
export const TEXTURE_2D = 2;
export const BUFFER = 0;
/** PIPE_BIND_RENDER_TARGET | PIPE_BIND_SAMPLER_VIEW. */
export const RENDER_SAMPLER = 2 | 8;

/**
 * A vtest client the way Mesa's virpipe speaks: `[length, id]` headers, words after, descriptors riding on one byte.
 * Replies are read in order from a buffer the event loop fills.
 */
export class MockVtestClient {
  readonly socket: UnixSocket;
  #buffered = new Uint8Array(0);
  #fds: number[] = [];
  #ended = false;
  #waiter: (() => void) | undefined;

  constructor(path: string) {
    this.socket = UnixSocket.connect(path);
    const chunk = new Uint8Array(65536);
    this.socket.onReadable(() => {
      for (;;) {
        const r = this.socket.recv(chunk, 8);
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
      this.#waiter?.();
    });
  }

  /** Whether the server closed the connection. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Sends one message: header then payload words (or bytes, for CREATE_RENDERER's name). */
  send(command: number, payload: readonly number[] | Uint8Array): void {
    const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(Uint32Array.from(payload).buffer);
    const length = command === C.CreateRenderer ? bytes.length : bytes.length / 4;
    const out = new Uint8Array(8 + bytes.length);
    new DataView(out.buffer).setUint32(0, length, true);
    new DataView(out.buffer).setUint32(4, command, true);
    out.set(bytes, 8);
    this.socket.send(out);
  }

  /** Sends raw bytes, framed or not. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes);
  }

  /** Resolves with the next `n` bytes; rejects at end of stream or after `timeoutMs`. */
  async read(n: number, timeoutMs = 10_000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buffered.length < n) {
      if (this.#ended) throw new Error(`server closed the connection with ${this.#buffered.length} of ${n} bytes`);
      if (Date.now() > deadline) throw new Error(`no reply of ${n} bytes within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    const out = this.#buffered.slice(0, n);
    this.#buffered = this.#buffered.slice(n);
    return out;
  }

  /** Reads a `[length, id]` reply header and its `length` words. */
  async reply(): Promise<{ id: number; words: Uint32Array }> {
    const head = new Uint32Array((await this.read(8)).buffer);
    const body = await this.read(head[0]! * 4);
    return { id: head[1]!, words: new Uint32Array(body.buffer) };
  }

  /** Reads the one in-band byte of a descriptor message and returns the descriptor. */
  async readFd(): Promise<number> {
    await this.read(1);
    const fd = this.#fds.shift();
    if (fd === undefined) throw new Error("no descriptor arrived with the byte");
    return fd;
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended) {
      if (Date.now() > deadline) throw new Error("the server kept the connection open");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** CREATE_RENDERER, PING_PROTOCOL_VERSION, PROTOCOL_VERSION as Mesa 22.3 starts; returns the agreed version. */
  async handshake(name = "mock", version = 2): Promise<number> {
    this.send(C.CreateRenderer, new TextEncoder().encode(`${name}\0`));
    this.send(C.PingProtocolVersion, []);
    this.send(C.ProtocolVersion, [version]);
    const ping = await this.reply();
    if (ping.id !== C.PingProtocolVersion) throw new Error(`ping answered with id ${ping.id}`);
    const agreed = await this.reply();
    return agreed.words[0]!;
  }

  /** RESOURCE_CREATE2 with `bytes` of shared memory; returns its descriptor. */
  async createResource2(
    handle: number,
    o: { target?: number; format?: number; bind?: number; width: number; height: number; bytes: number },
  ): Promise<number> {
    this.send(C.ResourceCreate2, [
      handle,
      o.target ?? TEXTURE_2D,
      o.format ?? RGBA8,
      o.bind ?? RENDER_SAMPLER,
      o.width,
      o.height,
      1,
      1,
      0,
      0,
      o.bytes,
    ]);
    return this.readFd();
  }

  /** Closes the connection and every descriptor received and not taken. */
  close(): void {
    for (const fd of this.#fds) closeFd(fd);
    this.#fds = [];
    this.socket.close();
  }
}
