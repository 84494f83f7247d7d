import { closeFd } from "../os/fd.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import { readHeader } from "./codec.ts";
import { MemTable, VhostUserHeader } from "./protocol.ts";

/** One framed message: `{u32 request, u32 flags, u32 size}` and its payload, with the descriptors that came with it. */
export interface FramedMessage {
  request: number;
  flags: number;
  payload: Uint8Array;
  fds: number[];
}

/** Why a stream of messages had to end. */
export type ReaderEnd =
  | { kind: "eof" }
  | { kind: "oversize"; request: number; size: number }
  | { kind: "error"; error: unknown };

/**
 * Frames `{header, payload}` messages off a stream socket (vhost-user and its display protocol share the shape).
 * A payload larger than `maxPayload` ends the stream instead of being buffered; descriptors ride on the header.
 */
export class MessageReader {
  readonly #socket: UnixSocket;
  readonly #maxPayload: number;
  readonly #header = new Uint8Array(VhostUserHeader.SIZE);
  readonly #headerView = new DataView(this.#header.buffer);
  #headerGot = 0;
  #payload: Uint8Array | undefined;
  #payloadGot = 0;
  #fds: number[] = [];
  #ended = false;

  constructor(
    socket: UnixSocket,
    maxPayload: number,
    onMessage: (m: FramedMessage) => void,
    onEnd: (why: ReaderEnd) => void,
  ) {
    this.#socket = socket;
    this.#maxPayload = maxPayload;
    socket.onReadable(() => {
      try {
        this.#pump(onMessage, onEnd);
      } catch (error) {
        this.#end(onEnd, { kind: "error", error });
      }
    });
  }

  #end(onEnd: (why: ReaderEnd) => void, why: ReaderEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.onReadable(undefined);
    for (const fd of this.#fds) closeFd(fd);
    this.#fds = [];
    onEnd(why);
  }

  #pump(onMessage: (m: FramedMessage) => void, onEnd: (why: ReaderEnd) => void): void {
    while (!this.#ended) {
      if (this.#payload === undefined) {
        const r = this.#socket.recv(this.#header.subarray(this.#headerGot), MemTable.MAX_REGIONS);
        if (r === undefined) return;
        if (r.bytes === 0) {
          this.#end(onEnd, { kind: "eof" });
          return;
        }
        this.#fds.push(...r.fds);
        this.#headerGot += r.bytes;
        if (this.#headerGot < VhostUserHeader.SIZE) continue;
        const { request, size } = readHeader(this.#headerView);
        if (size > this.#maxPayload) {
          this.#end(onEnd, { kind: "oversize", request, size });
          return;
        }
        this.#payload = new Uint8Array(size);
        this.#payloadGot = 0;
      }
      if (this.#payloadGot < this.#payload.length) {
        const r = this.#socket.recv(this.#payload.subarray(this.#payloadGot));
        if (r === undefined) return;
        if (r.bytes === 0) {
          this.#end(onEnd, { kind: "eof" });
          return;
        }
        this.#payloadGot += r.bytes;
        if (this.#payloadGot < this.#payload.length) continue;
      }
      const { request, flags } = readHeader(this.#headerView);
      const message: FramedMessage = {
        request,
        flags,
        payload: this.#payload,
        fds: this.#fds,
      };
      this.#fds = [];
      this.#payload = undefined;
      this.#headerGot = 0;
      onMessage(message);
    }
  }
}
