import type { UnixSocket } from "../os/unix-socket.ts";
import { MAX_RENDERER_NAME_BYTES, VTEST_HEADER_SIZE, VtestCommand, VtestHeader } from "./protocol.ts";
import { VtestError } from "./vtest-error.ts";

/** Why a client's stream ended: `undefined` at end of stream, a {@link VtestError}, or the socket's own error. */
export type VtestReaderEnd = VtestError | Error | undefined;

/**
 * Bytes of the reused receive buffer once a client needs it: one `recv` takes as many whole messages as fit, and a
 * payload up to this size is copied out of it; a larger payload is received straight into its own buffer.
 */
export const VTEST_READ_BUFFER_BYTES = 256 * 1024;
/**
 * Bytes of the receive buffer a connection starts with (a handshake fits); it grows to
 * {@link VTEST_READ_BUFFER_BYTES} at the first read that fills it or message that needs more, so a connection that
 * only sends junk holds a few KiB.
 */
export const VTEST_FIRST_READ_BUFFER_BYTES = 4 * 1024;

/**
 * Frames vtest messages off a client's socket: `[length, id]` then `length` words (bytes for CREATE_RENDERER).
 * A length past `maxPayload` ends the stream with a {@link VtestError} before anything is allocated. The socket is
 * read in large chunks into one reused buffer, so a burst of small messages costs one `recv`, not two per message.
 */
export class VtestReader {
  readonly #socket: UnixSocket;
  readonly #maxPayload: number;
  #buffer = new Uint8Array(VTEST_FIRST_READ_BUFFER_BYTES);
  #view = new DataView(this.#buffer.buffer);
  /** Unparsed bytes are `#buffer[#start, #end)`. */
  #start = 0;
  #end = 0;
  /** A payload larger than the buffer, being received into its own array. */
  #large: Uint8Array | undefined;
  #largeGot = 0;
  #largeCommand = 0;
  #ended = false;

  constructor(
    socket: UnixSocket,
    maxPayload: number,
    onMessage: (command: number, payload: Uint8Array) => void,
    onEnd: (why: VtestReaderEnd) => void,
  ) {
    this.#socket = socket;
    this.#maxPayload = maxPayload;
    socket.onReadable(() => {
      try {
        const end = this.#pump(onMessage);
        if (end !== "more") this.#finish(onEnd, end);
      } catch (e) {
        this.#finish(onEnd, e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  #finish(onEnd: (why: VtestReaderEnd) => void, why: VtestReaderEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.onReadable(undefined);
    onEnd(why);
  }

  /**
   * Reads what is there; "more" when the socket has nothing more for now, else why the stream ended. A read that
   * leaves room in the buffer took everything the kernel had, so the (level-triggered) watch calls again for more
   * instead of a `recv` that would only say EAGAIN.
   */
  #pump(onMessage: (command: number, payload: Uint8Array) => void): "more" | VtestReaderEnd {
    while (!this.#ended) {
      if (this.#socket.closed) return undefined;
      if (this.#large !== undefined) {
        const r = this.#socket.recv(this.#large.subarray(this.#largeGot));
        if (r === undefined) return "more";
        if (r.bytes === 0) return undefined;
        this.#largeGot += r.bytes;
        if (this.#largeGot < this.#large.length) continue;
        const payload = this.#large;
        this.#large = undefined;
        onMessage(this.#largeCommand, payload);
        continue;
      }
      if (this.#start > 0) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      const room = this.#buffer.length - this.#end;
      const r = this.#socket.recv(this.#buffer.subarray(this.#end));
      if (r === undefined) return "more";
      if (r.bytes === 0) return undefined;
      this.#end += r.bytes;
      const end = this.#parse(onMessage);
      if (end !== "more") return end;
      if (r.bytes < room && this.#large === undefined) return "more";
      if (r.bytes === room) this.#grow();
    }
    return "more";
  }

  /** Moves the unparsed bytes into a buffer of {@link VTEST_READ_BUFFER_BYTES}, once. */
  #grow(): void {
    if (this.#buffer.length === VTEST_READ_BUFFER_BYTES) return;
    const grown = new Uint8Array(VTEST_READ_BUFFER_BYTES);
    grown.set(this.#buffer.subarray(this.#start, this.#end));
    this.#end -= this.#start;
    this.#start = 0;
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** Hands on every whole message in the buffer; starts a large payload's own receive when one begins. */
  #parse(onMessage: (command: number, payload: Uint8Array) => void): "more" | VtestReaderEnd {
    while (!this.#ended && this.#end - this.#start >= VTEST_HEADER_SIZE) {
      // A message before this one got the client dropped.
      if (this.#socket.closed) return undefined;
      const length = this.#view.getUint32(this.#start + VtestHeader.length * 4, true);
      const command = this.#view.getUint32(this.#start + VtestHeader.command * 4, true);
      const bytes = command === VtestCommand.CreateRenderer ? length : length * 4;
      const max = command === VtestCommand.CreateRenderer ? MAX_RENDERER_NAME_BYTES : this.#maxPayload;
      if (bytes > max) return new VtestError(`command ${command} announces ${bytes} bytes (limit ${max})`);
      const at = this.#start + VTEST_HEADER_SIZE;
      if (bytes > this.#buffer.length - VTEST_HEADER_SIZE && bytes <= VTEST_READ_BUFFER_BYTES - VTEST_HEADER_SIZE) {
        this.#grow();
        continue;
      }
      if (bytes > this.#buffer.length - VTEST_HEADER_SIZE) {
        const large = new Uint8Array(bytes);
        const have = Math.min(this.#end - at, bytes);
        large.set(this.#buffer.subarray(at, at + have));
        this.#start = at + have;
        this.#large = large;
        this.#largeGot = have;
        this.#largeCommand = command;
        return "more";
      }
      if (this.#end - at < bytes) return "more";
      this.#start = at + bytes;
      // A copy: the buffer is reused and the session may keep what it is handed.
      onMessage(command, this.#buffer.slice(at, at + bytes));
    }
    return "more";
  }
}
