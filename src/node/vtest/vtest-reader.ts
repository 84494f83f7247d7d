import type { UnixSocket } from "../os/unix-socket.ts";
import { MAX_RENDERER_NAME_BYTES, VTEST_HEADER_SIZE, VtestCommand, VtestHeader } from "./protocol.ts";
import { VtestError } from "./vtest-error.ts";

/** Why a client's stream ended: `undefined` at end of stream, a {@link VtestError}, or the socket's own error. */
export type VtestReaderEnd = VtestError | Error | undefined;

/**
 * Frames vtest messages off a client's socket: `[length, id]` then `length` words (bytes for CREATE_RENDERER).
 * A length past `maxPayload` ends the stream with a {@link VtestError} before anything is allocated.
 */
export class VtestReader {
  readonly #socket: UnixSocket;
  readonly #maxPayload: number;
  readonly #header = new Uint8Array(VTEST_HEADER_SIZE);
  readonly #headerView = new DataView(this.#header.buffer);
  #headerGot = 0;
  #payload: Uint8Array | undefined;
  #payloadGot = 0;
  #command = 0;
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

  /** Reads what is there; "more" when the socket has nothing more for now, else why the stream ended. */
  #pump(onMessage: (command: number, payload: Uint8Array) => void): "more" | VtestReaderEnd {
    while (!this.#ended) {
      if (this.#payload === undefined) {
        const r = this.#socket.recv(this.#header.subarray(this.#headerGot));
        if (r === undefined) return "more";
        if (r.bytes === 0) return undefined;
        this.#headerGot += r.bytes;
        if (this.#headerGot < VTEST_HEADER_SIZE) continue;
        const length = this.#headerView.getUint32(VtestHeader.length * 4, true);
        this.#command = this.#headerView.getUint32(VtestHeader.command * 4, true);
        const bytes = this.#command === VtestCommand.CreateRenderer ? length : length * 4;
        const max = this.#command === VtestCommand.CreateRenderer ? MAX_RENDERER_NAME_BYTES : this.#maxPayload;
        if (bytes > max) return new VtestError(`command ${this.#command} announces ${bytes} bytes (limit ${max})`);
        this.#payload = new Uint8Array(bytes);
        this.#payloadGot = 0;
      }
      if (this.#payloadGot < this.#payload.length) {
        const r = this.#socket.recv(this.#payload.subarray(this.#payloadGot));
        if (r === undefined) return "more";
        if (r.bytes === 0) return undefined;
        this.#payloadGot += r.bytes;
        if (this.#payloadGot < this.#payload.length) continue;
      }
      const payload = this.#payload;
      this.#payload = undefined;
      this.#headerGot = 0;
      onMessage(this.#command, payload);
    }
    return "more";
  }
}
