import type { UnixSocket } from "../os/unix-socket.ts";
import { VTEST_HEADER_SIZE, VtestCommand } from "./protocol.ts";
import { VtestError } from "./vtest-error.ts";

/** Longest CREATE_RENDERER name accepted (its length word counts bytes, not words). */
const MAX_NAME_BYTES = 4096;

/**
 * Frames vtest messages off a client's socket: `[length, id]` then `length` words (bytes for CREATE_RENDERER).
 * A length past `maxPayload` is a {@link VtestError} before anything is allocated.
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
    onEnd: (error: unknown) => void,
  ) {
    this.#socket = socket;
    this.#maxPayload = maxPayload;
    socket.onReadable(() => {
      try {
        if (this.#pump(onMessage)) this.#finish(onEnd, undefined);
      } catch (e) {
        this.#finish(onEnd, e);
      }
    });
  }

  #finish(onEnd: (error: unknown) => void, error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.onReadable(undefined);
    onEnd(error);
  }

  /** Reads what is there; returns true at end of stream. */
  #pump(onMessage: (command: number, payload: Uint8Array) => void): boolean {
    while (!this.#ended) {
      if (this.#payload === undefined) {
        const r = this.#socket.recv(this.#header.subarray(this.#headerGot));
        if (r === undefined) return false;
        if (r.bytes === 0) return true;
        this.#headerGot += r.bytes;
        if (this.#headerGot < VTEST_HEADER_SIZE) continue;
        const length = this.#headerView.getUint32(0, true);
        this.#command = this.#headerView.getUint32(4, true);
        const bytes = this.#command === VtestCommand.CreateRenderer ? length : length * 4;
        const max = this.#command === VtestCommand.CreateRenderer ? MAX_NAME_BYTES : this.#maxPayload;
        if (bytes > max) throw new VtestError(`command ${this.#command} announces ${bytes} bytes (limit ${max})`);
        this.#payload = new Uint8Array(bytes);
        this.#payloadGot = 0;
      }
      if (this.#payloadGot < this.#payload.length) {
        const r = this.#socket.recv(this.#payload.subarray(this.#payloadGot));
        if (r === undefined) return false;
        if (r.bytes === 0) return true;
        this.#payloadGot += r.bytes;
        if (this.#payloadGot < this.#payload.length) continue;
      }
      const payload = this.#payload;
      this.#payload = undefined;
      this.#headerGot = 0;
      onMessage(this.#command, payload);
    }
    return false;
  }
}
