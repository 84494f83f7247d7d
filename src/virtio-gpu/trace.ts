import { GUEST_PAGE_SIZE, RutabagaCapset } from "../rutabaga/constants.ts";
import { crc32 } from "../rutabaga/crc32.ts";
import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../rutabaga/types.ts";
import type { RequestRecorder, ScanoutConfig } from "./device.ts";
import { MIN_SCANOUT_DIMENSION, VirtioGpuDevice } from "./device.ts";
import type { DisplaySink } from "./display-sink.ts";
import { EDID_MAX_DIMENSION } from "./edid.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { GpuFeature } from "./protocol.ts";
import { ReadBackWatcher, type TraceReadBack } from "./trace-readback.ts";

// Trace file: "RTBTRACE" · u32 version · u32 header length · JSON header · records · u8 0 · u32 CRC-32 of all before.
// Records: 1 memory {u64 addr, u32 length, bytes}; 2 request {u8 queue, u32 length, bytes}; 3 display {u32 length, JSON}.
// Header: {"scanouts": [{width, height, connected}]}; version 2 adds "features" ("0x…", the device's virtio-gpu
// feature bits) and "capsets" ([{id, version, bytes: lowercase hex}], what GET_CAPSET gave the guest).

const MAGIC = new TextEncoder().encode("RTBTRACE");
/** The trace format version this code writes (it reads this one and every earlier one). */
export const TRACE_VERSION = 2;
/** The oldest trace format version this code reads. */
export const OLDEST_TRACE_VERSION = 1;
/** Most capsets a trace header lists. */
export const MAX_TRACE_CAPSETS = 64;
/** Largest capset a trace header carries. */
export const MAX_TRACE_CAPSET_BYTES = 64 * 1024;
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

/** A capset as the recorded guest read it. */
export interface TraceCapset {
  capsetId: number;
  version: number;
  bytes: Uint8Array;
}

/** What a trace's header says about the device that was recorded. */
export interface TraceHeader {
  scanouts: ScanoutConfig[];
  /** The virtio-gpu feature bits the device offered (`1n << GpuFeature.*`); absent in version 1 traces. */
  features?: bigint;
  /** Every capset GET_CAPSET gave the guest, once per id and version; absent in version 1 traces. */
  capsets?: TraceCapset[];
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
  readonly #scanouts: ScanoutConfig[];
  #features: bigint | undefined;
  readonly #capsets = new Map<string, TraceCapset>();

  /** `header` names the scanouts; a device recorded through it tells features and capsets as they are given. */
  constructor(header: TraceHeader) {
    this.#scanouts = header.scanouts.map((s) => ({ ...s }));
    this.#features = header.features;
    for (const c of header.capsets ?? []) this.capset(c.capsetId, c.version, c.bytes);
  }

  /** Bytes of records so far (the header is written by {@link finish}). */
  get size(): number {
    return this.#bytes;
  }

  /** The header {@link finish} writes now. */
  get header(): TraceHeader {
    return {
      scanouts: this.#scanouts.map((s) => ({ ...s })),
      ...(this.#features !== undefined ? { features: this.#features } : {}),
      capsets: [...this.#capsets.values()].map((c) => ({ ...c, bytes: c.bytes.slice() })),
    };
  }

  deviceFeatures(features: bigint): void {
    this.#features = features;
  }

  capset(capsetId: number, version: number, bytes: Uint8Array): void {
    const key = `${capsetId}/${version}`;
    // The first answer is the one the guest built on.
    if (!this.#capsets.has(key) && this.#capsets.size < MAX_TRACE_CAPSETS && bytes.length <= MAX_TRACE_CAPSET_BYTES) {
      this.#capsets.set(key, { capsetId, version, bytes: bytes.slice() });
    }
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
    const json = new TextEncoder().encode(encodeHeaderJson(this.header));
    const out = new Uint8Array(16 + json.length + this.#bytes + 5);
    out.set(MAGIC, 0);
    const v = new DataView(out.buffer);
    v.setUint32(8, TRACE_VERSION, true);
    v.setUint32(12, json.length, true);
    out.set(json, 16);
    let at = 16 + json.length;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    out[at] = RecordKind.End;
    v.setUint32(at + 1, crc32(out.subarray(0, at + 1)), true);
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
    const side = (n: unknown) =>
      Number.isInteger(n) && (n as number) >= MIN_SCANOUT_DIMENSION && (n as number) <= EDID_MAX_DIMENSION;
    if (typeof o !== "object" || o === null || !side(o.width) || !side(o.height)) {
      throw new TraceError(
        `${what}: scanout ${i} needs an integer width and height, ${MIN_SCANOUT_DIMENSION}..${EDID_MAX_DIMENSION}`,
      );
    }
    return { width: o.width as number, height: o.height as number, connected: o.connected !== false };
  });
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b]!;
  return out;
}

function fromHex(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0 || text.length > 2 * MAX_TRACE_CAPSET_BYTES || !/^[0-9a-f]*$/.test(text)) {
    throw new TraceError(`${what}: bytes must be lowercase hex, at most ${MAX_TRACE_CAPSET_BYTES} bytes`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function encodeHeaderJson(h: TraceHeader): string {
  return JSON.stringify({
    scanouts: h.scanouts,
    ...(h.features !== undefined ? { features: `0x${h.features.toString(16)}` } : {}),
    ...(h.capsets !== undefined
      ? { capsets: h.capsets.map((c) => ({ id: c.capsetId, version: c.version, bytes: toHex(c.bytes) })) }
      : {}),
  });
}

const isU32 = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffff_ffff;

/** The version 2 fields of a header object (absent ones stay absent). */
function parseDeviceFields(o: Record<string, unknown>): Pick<TraceHeader, "features" | "capsets"> {
  const out: Pick<TraceHeader, "features" | "capsets"> = {};
  if (o.features !== undefined) {
    if (typeof o.features !== "string" || !/^0x[0-9a-f]{1,16}$/.test(o.features)) {
      throw new TraceError("header: features must be a hex string of at most 64 bits");
    }
    out.features = BigInt(o.features);
  }
  if (o.capsets !== undefined) {
    if (!Array.isArray(o.capsets) || o.capsets.length > MAX_TRACE_CAPSETS) {
      throw new TraceError(`header: capsets must be a list of at most ${MAX_TRACE_CAPSETS}`);
    }
    const seen = new Set<string>();
    out.capsets = o.capsets.map((c: unknown, i) => {
      const e = c as Record<string, unknown>;
      if (typeof e !== "object" || e === null || !isU32(e.id) || !isU32(e.version) || typeof e.bytes !== "string") {
        throw new TraceError(`header: capset ${i} needs a u32 id and version and hex bytes`);
      }
      const key = `${e.id}/${e.version}`;
      if (seen.has(key)) throw new TraceError(`header: capset ${e.id} version ${e.version} is listed twice`);
      seen.add(key);
      return { capsetId: e.id, version: e.version, bytes: fromHex(e.bytes, `header: capset ${i}`) };
    });
  }
  return out;
}

/** Checks a trace as a whole (magic, version, checksum) and returns its header and records, in order. */
export function decodeTrace(trace: Uint8Array): { header: TraceHeader; records: TraceRecord[] } {
  if (trace.length < 21 || !MAGIC.every((b, i) => trace[i] === b)) throw new TraceError("not a rutabaga-ts trace");
  const v = new DataView(trace.buffer, trace.byteOffset, trace.byteLength);
  const version = v.getUint32(8, true);
  if (version < OLDEST_TRACE_VERSION || version > TRACE_VERSION) {
    throw new TraceError(`trace version ${version}; this reads ${OLDEST_TRACE_VERSION} to ${TRACE_VERSION}`);
  }
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
  if (typeof headerObject !== "object" || headerObject === null || Array.isArray(headerObject)) {
    throw new TraceError("header is not a JSON object");
  }
  const fields = headerObject as Record<string, unknown>;
  const scanouts = parseScanouts(JSON.stringify(fields.scanouts ?? null), "header");
  // A version 1 header has no device fields; any there are ignored, as a version 1 reader did.
  const device = version >= 2 ? parseDeviceFields(fields) : {};
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
  return { header: { scanouts, ...device }, records };
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

/** How {@link replayTrace} builds the device it replays on. */
export interface ReplayOptions {
  /**
   * Builds the library (default: a 2D-only instance). A trace recorded on a virgl device needs a virgl one whose
   * capsets cover the recorded ones (in Node, `buildVirglRutabaga`; `replayTraceOnHost` picks for you).
   */
  rutabaga?: (fenceHandler: RutabagaFenceHandler) => Rutabaga;
  /** Gets what each TRANSFER_FROM_HOST_3D that succeeded read back (a vtest client's TRANSFER_GET2). */
  onReadBack?: (readBack: TraceReadBack) => void;
  /** Stops after this many requests: the returned device is as it was then (to snapshot it, say). */
  stopAfter?: number;
  /**
   * Goes on from a device snapshot (`VirtioGpuDevice.snapshot()`) taken after `afterRequest` requests of this trace:
   * the memory records before that point are written (the guest RAM a migration carries), the snapshot is restored
   * into the new device, `onResumed` runs, and the requests from there on are replayed.
   */
  resume?: { state: Uint8Array; afterRequest: number; onResumed?: (device: VirtioGpuDevice) => void };
  /**
   * Replays anyway when this host's capsets do not cover the recorded ones (a GL 4.3 recording on a WebGL2 page):
   * gets each capset's uncovered fields instead of the `TraceError`; commands the host cannot execute then fail as
   * the trace plays (count them in `errors` and the component's refusals).
   */
  onCapsetShortfall?: (capsetId: number, fields: readonly string[]) => void;
}

/** Restores a device snapshot into the replay's device (destroying the device if it is refused). */
function restoreInto(
  device: VirtioGpuDevice,
  state: Uint8Array,
  memory: GuestMemory,
  onResumed: ((device: VirtioGpuDevice) => void) | undefined,
): void {
  try {
    device.restore(state, memory);
  } catch (e) {
    device.destroy();
    throw e;
  }
  onResumed?.(device);
}

/** Whether a trace was recorded on a 3D device: VIRGL among its features, or a virgl capset read by the guest. */
export function traceNeedsVirgl(header: TraceHeader): boolean {
  if (header.features !== undefined && (header.features & (1n << GpuFeature.Virgl)) !== 0n) return true;
  return (header.capsets ?? []).some(
    (c) => c.capsetId === RutabagaCapset.Virgl || c.capsetId === RutabagaCapset.Virgl2,
  );
}

/**
 * Replays a trace headless into `sink` and returns the device afterwards (the caller destroys it). The device has the
 * trace's scanouts and features, on the library `options.rutabaga` builds (2D by default). Throws {@link TraceError},
 * with nothing left built, for a trace that cannot be read, a 3D trace without a library given, or a library whose
 * capsets do not cover those the recorded guest read.
 */
export function replayTrace(trace: Uint8Array, sink: DisplaySink, options: ReplayOptions = {}): ReplayResult {
  const { header, records } = decodeTrace(trace);
  if (options.rutabaga === undefined && traceNeedsVirgl(header)) {
    throw new TraceError(
      `recorded on a virgl device (features 0x${(header.features ?? 0n).toString(16)}): replay it on a virgl library (rutabaga-ts replay --virgl)`,
    );
  }
  const memory = new SparseGuestMemory();
  const device = new VirtioGpuDevice({
    scanouts: header.scanouts,
    sink,
    ...(options.rutabaga !== undefined ? { rutabaga: options.rutabaga } : {}),
    ...(header.features !== undefined ? { features: header.features } : {}),
  });
  for (const c of header.capsets ?? []) {
    const short = device.rutabaga.capsetShortfall(c.capsetId, c.version, c.bytes);
    if (short.length > 0 && options.onCapsetShortfall !== undefined) {
      options.onCapsetShortfall(c.capsetId, short);
    } else if (short.length > 0) {
      device.destroy();
      const fields =
        short.length > 8 ? `${short.slice(0, 8).join(", ")} and ${short.length - 8} more` : short.join(", ");
      throw new TraceError(
        `this host does not cover capset ${c.capsetId} version ${c.version} as the recorded guest read it: ${fields}`,
      );
    }
  }
  const errors = new Map<number, number>();
  const readBacks = options.onReadBack === undefined ? undefined : new ReadBackWatcher(options.onReadBack);
  let requests = 0;
  const resume = options.resume;
  let skipping = resume !== undefined && resume.afterRequest > 0;
  if (resume !== undefined && !skipping) restoreInto(device, resume.state, memory, resume.onResumed);
  for (const r of records) {
    if (options.stopAfter !== undefined && requests >= options.stopAfter) break;
    if (r.kind === "memory") {
      memory.write(r.addr, r.bytes);
    } else if (skipping) {
      // The read-back watcher still follows which backing each resource has.
      if (r.kind === "request") readBacks?.before(r.bytes);
      if (r.kind === "request" && ++requests === resume!.afterRequest) {
        skipping = false;
        restoreInto(device, resume!.state, memory, resume!.onResumed);
      }
    } else if (r.kind === "display") {
      r.scanouts.forEach((s, i) => {
        if (i < device.numScanouts) device.setScanoutConfig(i, s);
      });
    } else {
      requests++;
      // Only the response's type is counted: no copy of the response per request.
      readBacks?.before(r.bytes);
      const type = device.executeForType(r.queueIndex, r.bytes, memory);
      if (type >= 0x1200) errors.set(type, (errors.get(type) ?? 0) + 1);
      readBacks?.after(type, memory, device.rutabaga);
    }
  }
  if (skipping) {
    device.destroy();
    throw new TraceError(`the trace has ${requests} requests, fewer than the ${resume!.afterRequest} to resume after`);
  }
  return { device, requests, errors };
}
