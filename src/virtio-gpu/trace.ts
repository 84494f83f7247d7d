import { GUEST_PAGE_SIZE } from "../rutabaga/constants.ts";
import { crc32 } from "../rutabaga/crc32.ts";
import type { RequestRecorder, ScanoutConfig } from "./device.ts";
import { VirtioGpuDevice } from "./device.ts";
import type { DisplaySink } from "./display-sink.ts";
import type { GuestMemory } from "./guest-memory.ts";

// Trace file: "RTBTRACE" · u32 version · u32 header length · JSON header · records · u8 0 · u32 CRC-32 of all before.
// Records: 1 memory {u64 addr, u32 length, bytes}; 2 request {u8 queue, u32 length, bytes}; 3 display {u32 length, JSON}.

const MAGIC = new TextEncoder().encode("RTBTRACE");
/** The trace format version this code writes and reads. */
export const TRACE_VERSION = 1;
/** Largest JSON header or display record a trace may hold. */
export const MAX_TRACE_JSON_BYTES = 1024 * 1024;
/** Most guest memory a replay materialises (4 KiB pages created on first touch). */
export const MAX_REPLAY_MEMORY_BYTES = 1024 * 1024 * 1024;

const RecordKind = { End: 0, Memory: 1, Request: 2, Display: 3 } as const;

/** A trace that cannot be read: wrong magic or version, truncated, corrupt, or out of bounds. */
export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TraceError";
  }
}

/** What a trace's header says about the device that was recorded. */
export interface TraceHeader {
  scanouts: ScanoutConfig[];
}

/** One step of a trace. */
export type TraceRecord =
  | { kind: "memory"; addr: bigint; bytes: Uint8Array }
  | { kind: "request"; queueIndex: number; bytes: Uint8Array }
  | { kind: "display"; scanouts: ScanoutConfig[] };

/**
 * Records what a device executes into the trace format: pass it as the device's `recorder`, then call
 * {@link TraceRecorder.finish}. Guest memory is copied when recorded, so later guest writes do not change the trace.
 */
export class TraceRecorder implements RequestRecorder {
  readonly #chunks: Uint8Array[] = [];
  #bytes = 0;

  constructor(header: TraceHeader) {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const head = new Uint8Array(16 + json.length);
    head.set(MAGIC, 0);
    const v = new DataView(head.buffer);
    v.setUint32(8, TRACE_VERSION, true);
    v.setUint32(12, json.length, true);
    head.set(json, 16);
    this.#push(head);
  }

  /** Bytes recorded so far. */
  get size(): number {
    return this.#bytes;
  }

  #push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  memory(addr: bigint, bytes: Uint8Array): void {
    const head = new Uint8Array(13);
    const v = new DataView(head.buffer);
    head[0] = RecordKind.Memory;
    v.setBigUint64(1, addr, true);
    v.setUint32(9, bytes.length, true);
    this.#push(head);
    this.#push(bytes.slice());
  }

  request(queueIndex: number, bytes: Uint8Array): void {
    const head = new Uint8Array(6);
    head[0] = RecordKind.Request;
    head[1] = queueIndex;
    new DataView(head.buffer).setUint32(2, bytes.length, true);
    this.#push(head);
    this.#push(bytes.slice());
  }

  displayChanged(scanouts: readonly ScanoutConfig[]): void {
    const json = new TextEncoder().encode(JSON.stringify(scanouts));
    const head = new Uint8Array(5);
    head[0] = RecordKind.Display;
    new DataView(head.buffer).setUint32(1, json.length, true);
    this.#push(head);
    this.#push(json);
  }

  /** The whole trace (the recorder can go on recording; a later call returns a longer trace). */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#bytes + 5);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    out[at] = RecordKind.End;
    new DataView(out.buffer).setUint32(at + 1, crc32(out.subarray(0, at + 1)), true);
    return out;
  }
}

function parseScanouts(json: string, what: string): ScanoutConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TraceError(`${what} is not JSON`);
  }
  if (!Array.isArray(value) || value.length < 1 || value.length > 16) throw new TraceError(`${what}: 1..16 scanouts`);
  return value.map((s, i) => {
    const o = s as Record<string, unknown>;
    if (typeof o !== "object" || o === null || !Number.isInteger(o.width) || !Number.isInteger(o.height)) {
      throw new TraceError(`${what}: scanout ${i} has no integer width and height`);
    }
    return { width: o.width as number, height: o.height as number, connected: o.connected !== false };
  });
}

/** Checks a trace as a whole (magic, version, checksum) and returns its header and records, in order. */
export function decodeTrace(trace: Uint8Array): { header: TraceHeader; records: TraceRecord[] } {
  if (trace.length < 21 || !MAGIC.every((b, i) => trace[i] === b)) throw new TraceError("not a rutabaga-ts trace");
  const v = new DataView(trace.buffer, trace.byteOffset, trace.byteLength);
  const version = v.getUint32(8, true);
  if (version !== TRACE_VERSION) throw new TraceError(`trace version ${version}; this reads ${TRACE_VERSION}`);
  const body = trace.length - 4;
  if (crc32(trace.subarray(0, body)) !== v.getUint32(body, true))
    throw new TraceError("checksum mismatch (truncated or corrupt)");
  const headerLength = v.getUint32(12, true);
  if (headerLength > MAX_TRACE_JSON_BYTES || 16 + headerLength > body) throw new TraceError("header runs past the end");
  const headerJson = new TextDecoder().decode(trace.subarray(16, 16 + headerLength));
  let headerObject: unknown;
  try {
    headerObject = JSON.parse(headerJson);
  } catch {
    throw new TraceError("header is not JSON");
  }
  const scanouts = parseScanouts(JSON.stringify((headerObject as { scanouts?: unknown })?.scanouts ?? null), "header");
  const records: TraceRecord[] = [];
  let at = 16 + headerLength;
  const need = (n: number) => {
    if (at + n > body) throw new TraceError(`record at ${at} runs past the end`);
  };
  for (;;) {
    need(1);
    const kind = trace[at]!;
    if (kind === RecordKind.End) {
      if (at + 1 !== body) throw new TraceError(`bytes after the end record at ${at}`);
      break;
    }
    if (kind === RecordKind.Memory) {
      need(13);
      const addr = v.getBigUint64(at + 1, true);
      const length = v.getUint32(at + 9, true);
      at += 13;
      need(length);
      records.push({ kind: "memory", addr, bytes: trace.subarray(at, at + length) });
      at += length;
    } else if (kind === RecordKind.Request) {
      need(6);
      const queueIndex = trace[at + 1]!;
      const length = v.getUint32(at + 2, true);
      at += 6;
      need(length);
      if (queueIndex > 1) throw new TraceError(`request for queue ${queueIndex}`);
      records.push({ kind: "request", queueIndex, bytes: trace.subarray(at, at + length) });
      at += length;
    } else if (kind === RecordKind.Display) {
      need(5);
      const length = v.getUint32(at + 1, true);
      at += 5;
      need(length);
      if (length > MAX_TRACE_JSON_BYTES) throw new TraceError("display record too large");
      records.push({
        kind: "display",
        scanouts: parseScanouts(new TextDecoder().decode(trace.subarray(at, at + length)), "display record"),
      });
      at += length;
    } else {
      throw new TraceError(`unknown record kind ${kind} at ${at}`);
    }
  }
  return { header: { scanouts }, records };
}

const PAGE = GUEST_PAGE_SIZE;

/** Guest memory for replay: 4 KiB pages made on first touch, up to {@link MAX_REPLAY_MEMORY_BYTES}. */
export class SparseGuestMemory implements GuestMemory {
  readonly #pages = new Map<bigint, Uint8Array>();

  /** Bytes materialised so far. */
  get size(): number {
    return this.#pages.size * PAGE;
  }

  #page(n: bigint): Uint8Array | undefined {
    let p = this.#pages.get(n);
    if (p === undefined) {
      if ((this.#pages.size + 1) * PAGE > MAX_REPLAY_MEMORY_BYTES) return undefined;
      p = new Uint8Array(PAGE);
      this.#pages.set(n, p);
    }
    return p;
  }

  translate(addr: bigint, length: number): Uint8Array[] | undefined {
    if (addr < 0n || !Number.isSafeInteger(length) || length < 0 || addr + BigInt(length) > 0xffff_ffff_ffff_ffffn)
      return undefined;
    if (length > MAX_REPLAY_MEMORY_BYTES) return undefined;
    const out: Uint8Array[] = [];
    let at = addr;
    let left = length;
    while (left > 0) {
      const page = this.#page(at / BigInt(PAGE));
      if (page === undefined) return undefined;
      const offset = Number(at % BigInt(PAGE));
      const take = Math.min(left, PAGE - offset);
      out.push(page.subarray(offset, offset + take));
      at += BigInt(take);
      left -= take;
    }
    return out;
  }

  /** Writes bytes at a guest address (a trace's memory record). */
  write(addr: bigint, bytes: Uint8Array): boolean {
    const views = this.translate(addr, bytes.length);
    if (views === undefined) return false;
    let at = 0;
    for (const view of views) {
      view.set(bytes.subarray(at, at + view.length));
      at += view.length;
    }
    return true;
  }
}

/** What a replay did. */
export interface ReplayResult {
  device: VirtioGpuDevice;
  requests: number;
  /** Responses that were errors, by type. */
  errors: Map<number, number>;
}

/** Replays a trace headless into `sink` (a 2D device sized by the trace) and returns the device afterwards. */
export function replayTrace(trace: Uint8Array, sink: DisplaySink): ReplayResult {
  const { header, records } = decodeTrace(trace);
  const memory = new SparseGuestMemory();
  const device = new VirtioGpuDevice({ scanouts: header.scanouts, sink });
  const errors = new Map<number, number>();
  let requests = 0;
  for (const r of records) {
    if (r.kind === "memory") {
      memory.write(r.addr, r.bytes);
    } else if (r.kind === "display") {
      r.scanouts.forEach((s, i) => {
        if (i < device.numScanouts) device.setScanoutConfig(i, s);
      });
    } else {
      requests++;
      // Only the response's type is counted: no copy of the response per request.
      const type = device.executeForType(r.queueIndex, r.bytes, memory);
      if (type >= 0x1200) errors.set(type, (errors.get(type) ?? 0) + 1);
    }
  }
  return { device, requests, errors };
}
