import type { WaylandMessage } from "./protocol-table.ts";

/** Header: object id u32, then `size << 16 | opcode` (u32), host byte order (little-endian here). */
export const WaylandHeader = { objectId: 0, sizeOpcode: 4, size: 8 } as const;
/** libwayland's `WL_MAX_MESSAGE_SIZE` (1.21): a larger message is a protocol error. */
export const WAYLAND_MAX_MESSAGE_SIZE = 4096;
/** Descriptors libwayland passes per sendmsg at most (`MAX_FDS_OUT`). */
export const WAYLAND_MAX_FDS_PER_SEND = 28;

/** Why bytes are not a Wayland message. */
export class WaylandWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WaylandWireError";
  }
}

/** A message header. */
export interface WaylandMessageHeader {
  objectId: number;
  opcode: number;
  /** Whole message, header included: 8..4096, a multiple of 4. */
  size: number;
}

/** Reads the header at `offset`; `undefined` when fewer than 8 bytes are there. Throws on an impossible size. */
export function readHeader(view: DataView, offset: number, end: number): WaylandMessageHeader | undefined {
  if (end - offset < WaylandHeader.size) return undefined;
  const objectId = view.getUint32(offset + WaylandHeader.objectId, true);
  const word = view.getUint32(offset + WaylandHeader.sizeOpcode, true);
  const size = word >>> 16;
  if (size < WaylandHeader.size || size % 4 !== 0 || size > WAYLAND_MAX_MESSAGE_SIZE) {
    throw new WaylandWireError(`message size ${size} (object ${objectId})`);
  }
  if (objectId === 0) throw new WaylandWireError("message to object 0");
  return { objectId, opcode: word & 0xffff, size };
}

/** A decoded argument: numbers, strings (or null), arrays as views, fds as the marker `"fd"`. */
export type WaylandValue = number | string | null | Uint8Array | "fd";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Decodes a message's arguments (`offset` is the header's, `size` from it). Strings must end in NUL within their
 * length, arrays and strings are padded to 4, everything inside the message; fds are out of band.
 */
export function decodeArguments(message: WaylandMessage, view: DataView, offset: number, size: number): WaylandValue[] {
  const out: WaylandValue[] = [];
  walkArguments(message, view, offset, size, out);
  return out;
}

/**
 * Checks a message's arguments exactly as {@link decodeArguments} does (the same `WaylandWireError`s) without making
 * any value: for a message only forwarded.
 */
export function checkArguments(message: WaylandMessage, view: DataView, offset: number, size: number): void {
  walkArguments(message, view, offset, size, undefined);
}

/** Walks and checks the arguments; their values go to `out` when given. */
function walkArguments(
  message: WaylandMessage,
  view: DataView,
  offset: number,
  size: number,
  out: WaylandValue[] | undefined,
): void {
  const end = offset + size;
  let at = offset + WaylandHeader.size;
  for (const arg of message.args) {
    if (arg.kind === "fd") {
      out?.push("fd");
      continue;
    }
    if (at + 4 > end) throw new WaylandWireError(`${message.name}: truncated at ${arg.kind}`);
    const word = view.getUint32(at, true);
    at += 4;
    switch (arg.kind) {
      case "int":
      case "fixed":
        out?.push(word | 0);
        break;
      case "uint":
      case "object":
      case "new_id":
        if (word === 0 && arg.kind === "new_id") throw new WaylandWireError(`${message.name}: new_id 0`);
        out?.push(word);
        break;
      case "string":
      case "array": {
        const padded = (word + 3) & ~3;
        if (word > end - at || padded > end - at)
          throw new WaylandWireError(`${message.name}: ${arg.kind} past the end`);
        const start = at;
        at += padded;
        if (arg.kind === "array") out?.push(new Uint8Array(view.buffer, view.byteOffset + start, word));
        else if (word === 0) {
          if (!arg.nullable) throw new WaylandWireError(`${message.name}: null string`);
          out?.push(null);
        } else {
          if (view.getUint8(start + word - 1) !== 0) throw new WaylandWireError(`${message.name}: string without NUL`);
          out?.push(utf8.decode(new Uint8Array(view.buffer, view.byteOffset + start, word - 1)));
        }
        break;
      }
    }
  }
}

/** Encodes a message (for mock clients and tests); fd arguments take no bytes. */
export function encodeMessage(
  objectId: number,
  opcode: number,
  message: WaylandMessage,
  values: readonly WaylandValue[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = WaylandHeader.size;
  message.args.forEach((arg, i) => {
    const v = values[i];
    if (arg.kind === "fd") return;
    if (arg.kind === "string" || arg.kind === "array") {
      const body =
        arg.kind === "string"
          ? v === null
            ? undefined
            : new TextEncoder().encode(`${String(v)}\0`)
          : (v as Uint8Array);
      const len = body?.length ?? 0;
      const part = new Uint8Array(4 + ((len + 3) & ~3));
      new DataView(part.buffer).setUint32(0, len, true);
      if (body) part.set(body, 4);
      parts.push(part);
      size += part.length;
    } else {
      const part = new Uint8Array(4);
      new DataView(part.buffer).setUint32(0, Number(v) >>> 0, true);
      parts.push(part);
      size += 4;
    }
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, objectId, true);
  view.setUint32(4, ((size << 16) | opcode) >>> 0, true);
  let at = WaylandHeader.size;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
