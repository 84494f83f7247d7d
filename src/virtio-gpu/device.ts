import { RutabagaBuilder } from "../rutabaga/builder.ts";
import { RutabagaComponentType, VirtioGpuFormat } from "../rutabaga/constants.ts";
import { isRutabagaError, type RutabagaErrorCode } from "../rutabaga/error.ts";
import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { RutabagaFence, RutabagaFenceHandler, Transfer3D } from "../rutabaga/types.ts";
import { decodeCommand } from "./codec.ts";
import type { CtrlHeader, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
import type { CursorState, DisplaySink } from "./display-sink.ts";
import { buildEdid, EDID_MAX_DIMENSION } from "./edid.ts";
import { FenceTimelines, GLOBAL_TIMELINE, ringTimeline, type TimelineKey } from "./fence-timelines.ts";
import type { GuestMemory } from "./guest-memory.ts";
import {
  CURSOR_SIZE,
  GpuConfigOffset,
  GpuEvent,
  GpuFeature,
  GpuFlags,
  GpuWireSize,
  MAX_SCANOUTS,
  GpuResponseType as R,
  GpuCommandType as T,
} from "./protocol.ts";
import { ResponseEncoder } from "./responses.ts";
import { isFaulty, type SplitVirtqueue } from "./virtqueue.ts";

/** Most bytes of one request the device reads (a 1 GiB backing in scattered 4 KiB pages, or a large 3D submit). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024 + 64;
/** Smallest scanout edge the device accepts in configuration. */
export const MIN_SCANOUT_DIMENSION = 16;

/** One display output's configured mode. */
export interface ScanoutConfig {
  width: number;
  height: number;
  /** Connected (reported enabled in GET_DISPLAY_INFO); default true. */
  connected?: boolean;
}

/** Something that keeps what the device executes, to replay it later (see `trace.ts`). */
export interface RequestRecorder {
  /** Guest memory the next request will read, as it is now. */
  memory(addr: bigint, bytes: Uint8Array): void;
  /** A request about to execute on `queueIndex`. */
  request(queueIndex: number, bytes: Uint8Array): void;
  /** A scanout changed size or connection (hot-plug) between requests. */
  displayChanged(scanouts: readonly ScanoutConfig[]): void;
}

/** How to build a {@link VirtioGpuDevice}. */
export interface VirtioGpuDeviceOptions {
  /** Builds the library with the device's fence handler; default: a 2D-only instance. */
  rutabaga?: (fenceHandler: RutabagaFenceHandler) => Rutabaga;
  /** Display outputs, 1..16; default one 1280×800. */
  scanouts?: readonly ScanoutConfig[];
  sink?: DisplaySink;
  /** A parked response went back to the driver outside `processQueue` and the driver wants an interrupt. */
  onQueueNotify?: (queueIndex: number) => void;
  /** `events_read` changed: the transport raises a configuration-change interrupt. */
  onConfigChange?: () => void;
  /** Receives every request (and the guest memory it reads) for trace files. */
  recorder?: RequestRecorder;
  /** Diagnostics about guest misbehaviour (never thrown). */
  log?: (message: string) => void;
}

interface DeviceResource {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly format: number | undefined;
  readonly blob: boolean;
  entries: MemEntry[] | undefined;
  views: Uint8Array[][] | undefined;
}

interface Scanout {
  config: ScanoutConfig;
  resourceId: number;
  rect: GpuRect;
  frame: Uint8Array | undefined;
  format: number;
  /** Row pitch and first-pixel offset of a blob scanout in its backing. */
  blob: { stride: number; offset: number } | undefined;
}

interface ParkedItem {
  queue: SplitVirtqueue;
  queueIndex: number;
  head: number;
  written: number;
}

/** `VIRTIO_GPU_FORMAT_*` values with 4 bytes per pixel, the ones scanouts and 2D resources use. */
const FOUR_BYTE_FORMATS: ReadonlySet<number> = new Set(Object.values(VirtioGpuFormat));

const ERROR_RESPONSES: Partial<Record<RutabagaErrorCode, number>> = {
  InvalidResourceId: R.ErrInvalidResourceId,
  InvalidContextId: R.ErrInvalidContextId,
  OutOfMemory: R.ErrOutOfMemory,
  CheckedRange: R.ErrInvalidParameter,
  CheckedArithmetic: R.ErrInvalidParameter,
  InvalidIovec: R.ErrInvalidParameter,
  Invalid2DInfo: R.ErrInvalidParameter,
  InvalidCommandSize: R.ErrInvalidParameter,
  InvalidCommandBuffer: R.ErrInvalidParameter,
  InvalidCapset: R.ErrInvalidParameter,
};

/** A guest mistake that maps straight to a response type. */
class Refusal {
  readonly response: number;
  readonly why: string;
  constructor(response: number, why: string) {
    this.response = response;
    this.why = why;
  }
}

const refuse = (response: number, why: string): never => {
  throw new Refusal(response, why);
};

const u64ToOffset = (v: bigint, what: string): number =>
  v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : refuse(R.ErrInvalidParameter, `${what} ${v} is too large`);

const rectInside = (r: GpuRect, width: number, height: number) =>
  r.x <= width && r.y <= height && r.width <= width - r.x && r.height <= height - r.y;

/**
 * The virtio-gpu device (virtio 1.3 §5.7): control and cursor queues decoded, checked against device state and
 * executed through the {@link Rutabaga} API; scanouts, EDID, cursor and per-timeline fences. Isomorphic: guest memory
 * comes through {@link GuestMemory}, pictures leave through a {@link DisplaySink}. Nothing a guest sends throws out of
 * it: every failure becomes a `VIRTIO_GPU_RESP_ERR_*` response.
 */
export class VirtioGpuDevice {
  readonly #options: VirtioGpuDeviceOptions;
  #rutabaga: Rutabaga;
  readonly #scanouts: Scanout[];
  #resources = new Map<number, DeviceResource>();
  #cursor: { scanoutId: number; x: number; y: number; hotX: number; hotY: number; resourceId: number } = {
    scanoutId: 0,
    x: 0,
    y: 0,
    hotX: 0,
    hotY: 0,
    resourceId: 0,
  };
  readonly #cursorImage = new Uint8Array(CURSOR_SIZE * CURSOR_SIZE * 4);
  #eventsRead = 0;
  #driverFeatures = 0n;
  readonly #fences = new FenceTimelines<ParkedItem>();
  readonly #encoder = new ResponseEncoder();
  #request = new Uint8Array(4096);
  #requestView = new DataView(this.#request.buffer);
  #processing = false;
  readonly #deferredNotify = new Set<number>();
  readonly #queuesByIndex = new Map<number, SplitVirtqueue>();
  #memory: GuestMemory | undefined;
  /** Chains refused because they were malformed. */
  faultyChains = 0;
  /** Exceptions a display sink threw (swallowed). */
  sinkErrors = 0;

  constructor(options: VirtioGpuDeviceOptions = {}) {
    this.#options = options;
    const configs = options.scanouts ?? [{ width: 1280, height: 800 }];
    if (configs.length < 1 || configs.length > MAX_SCANOUTS) {
      throw new RangeError(`${configs.length} scanouts; 1..${MAX_SCANOUTS} are possible`);
    }
    for (const c of configs) checkScanoutConfig(c);
    this.#scanouts = configs.map((config) => emptyScanout({ ...config }));
    this.#rutabaga = this.#buildRutabaga();
  }

  #buildRutabaga(): Rutabaga {
    const handler: RutabagaFenceHandler = (fence) => this.#fenceCompleted(fence);
    const factory =
      this.#options.rutabaga ??
      ((h: RutabagaFenceHandler) =>
        new RutabagaBuilder(0n, h).setDefaultComponent(RutabagaComponentType.Rutabaga2D).build());
    return factory(handler);
  }

  /** The library instance behind the device. */
  get rutabaga(): Rutabaga {
    return this.#rutabaga;
  }

  /** The number of scanouts. */
  get numScanouts(): number {
    return this.#scanouts.length;
  }

  /** Responses held back behind unfinished fences. */
  get parkedResponses(): number {
    return this.#fences.parkedCount;
  }

  /** virtio-gpu feature bits the device offers (the transport adds its own, like VERSION_1 and EVENT_IDX). */
  deviceFeatures(): bigint {
    let f = (1n << GpuFeature.Edid) | (1n << GpuFeature.ResourceBlob);
    const threeD =
      this.#rutabaga.defaultComponent !== RutabagaComponentType.Rutabaga2D || this.#rutabaga.getNumCapsets() > 0;
    if (threeD) f |= (1n << GpuFeature.Virgl) | (1n << GpuFeature.ContextInit) | (1n << GpuFeature.ResourceUuid);
    return f;
  }

  /** The features the driver accepted. */
  setDriverFeatures(bits: bigint): void {
    this.#driverFeatures = bits & this.deviceFeatures();
  }

  /** The features in force. */
  get driverFeatures(): bigint {
    return this.#driverFeatures;
  }

  /** Reads `virtio_gpu_config` (16 bytes; reads past it are zeros). */
  readConfig(offset: number, length: number): Uint8Array {
    const config = new Uint8Array(GpuWireSize.Config);
    const v = new DataView(config.buffer);
    v.setUint32(GpuConfigOffset.EventsRead, this.#eventsRead, true);
    v.setUint32(GpuConfigOffset.NumScanouts, this.#scanouts.length, true);
    v.setUint32(GpuConfigOffset.NumCapsets, this.#rutabaga.getNumCapsets(), true);
    const out = new Uint8Array(Math.max(0, Math.min(length, 4096)));
    if (offset >= 0 && offset < config.length)
      out.set(config.subarray(offset, Math.min(config.length, offset + out.length)));
    return out;
  }

  /** Writes `virtio_gpu_config`: only `events_clear` is writable; writing its bits clears them from `events_read`. */
  writeConfig(offset: number, data: Uint8Array): void {
    if (offset !== GpuConfigOffset.EventsClear || data.length < 4) return;
    const clear = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
    this.#eventsRead &= ~clear;
  }

  /** The configured display modes. */
  scanoutConfigs(): ScanoutConfig[] {
    return this.#scanouts.map((s) => ({ ...s.config }));
  }

  /**
   * Changes a scanout's mode or connection (a window resized, a monitor plugged in); the driver learns it through the
   * display event and asks GET_DISPLAY_INFO again.
   */
  setScanoutConfig(scanoutId: number, config: ScanoutConfig): void {
    const s = this.#scanouts[scanoutId];
    if (s === undefined) throw new RangeError(`no scanout ${scanoutId}`);
    checkScanoutConfig(config);
    s.config = { ...config };
    this.#options.recorder?.displayChanged(this.scanoutConfigs());
    this.#eventsRead |= GpuEvent.Display;
    this.#options.onConfigChange?.();
  }

  /** Drops every resource, context, scanout binding and fence (virtio device reset). */
  reset(): void {
    for (const s of this.#scanouts) {
      if (s.resourceId !== 0) this.#disableScanout(this.#scanouts.indexOf(s));
    }
    if (this.#cursor.resourceId !== 0) {
      this.#cursor.resourceId = 0;
      this.#notifyCursor();
    }
    this.#rutabaga.destroy();
    this.#resources = new Map();
    this.#fences.clear();
    this.#queuesByIndex.clear();
    this.#eventsRead = 0;
    this.#driverFeatures = 0n;
    this.#rutabaga = this.#buildRutabaga();
  }

  /**
   * Serves every chain available on `queue` (0 control, 1 cursor). Returns true when the driver should get an
   * interrupt now. Responses parked behind fences go back later, through `onQueueNotify`.
   */
  processQueue(queueIndex: number, queue: SplitVirtqueue): boolean {
    this.#processing = true;
    this.#queuesByIndex.set(queueIndex, queue);
    try {
      for (;;) {
        const chain = queue.pop();
        if (chain === undefined) break;
        if (isFaulty(chain)) {
          this.faultyChains++;
          this.#log(`queue ${queueIndex}: refused chain ${chain.head}: ${chain.fault}`);
          queue.pushUsed(chain.head, 0);
          continue;
        }
        let length = chain.readableLength;
        if (length > MAX_REQUEST_BYTES) length = 0;
        const request = this.#requestBuffer(length);
        let at = 0;
        for (const view of chain.readable) {
          if (at >= length) break;
          const take = Math.min(view.length, length - at);
          request.set(take === view.length ? view : view.subarray(0, take), at);
          at += take;
        }
        const { responseLength, hdr, fenced } = this.#execute(queueIndex, length, queue.memory);
        const written = scatter(this.#encoder.bytes, responseLength, chain.writable, chain.writableLength);
        const item: ParkedItem = { queue, queueIndex, head: chain.head, written };
        if (fenced && hdr !== undefined) {
          const timeline = timelineOf(hdr);
          if (!this.#fences.isDone(timeline, hdr.fenceId)) {
            this.#fences.park(timeline, hdr.fenceId, item);
            continue;
          }
        }
        queue.pushUsed(chain.head, written);
      }
    } finally {
      this.#processing = false;
    }
    for (const other of this.#deferredNotify) {
      if (other !== queueIndex) this.#notifyIfWanted(other);
    }
    this.#deferredNotify.clear();
    return queue.needsNotification();
  }

  /**
   * Executes one request given as bytes (for emulators with their own virtqueues, and trace replay) and returns the
   * response bytes (a copy). Fenced responses are returned at once; their fences still go to the library.
   */
  execute(queueIndex: number, request: Uint8Array, memory: GuestMemory): Uint8Array {
    const length = request.length > MAX_REQUEST_BYTES ? 0 : request.length;
    this.#requestBuffer(length).set(request.subarray(0, length));
    const { responseLength } = this.#execute(queueIndex, length, memory);
    return this.#encoder.bytes.slice(0, responseLength);
  }

  #requestBuffer(length: number): Uint8Array {
    if (this.#request.length < length) {
      this.#request = new Uint8Array(Math.max(length, this.#request.length * 2));
      this.#requestView = new DataView(this.#request.buffer);
    }
    return this.#request;
  }

  #log(message: string): void {
    this.#options.log?.(message);
  }

  #sink<K extends keyof DisplaySink>(method: K, ...args: Parameters<NonNullable<DisplaySink[K]>>): void {
    const fn = this.#options.sink?.[method] as ((...a: unknown[]) => void) | undefined;
    if (fn === undefined) return;
    try {
      fn.apply(this.#options.sink, args);
    } catch (e) {
      this.sinkErrors++;
      this.#log(`display sink ${method} threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Runs one request; `fenced` says a fence was created for it, so its response may have to wait. */
  #execute(
    queueIndex: number,
    length: number,
    memory: GuestMemory,
  ): { responseLength: number; hdr: CtrlHeader | undefined; fenced: boolean } {
    this.#memory = memory;
    const bytes = this.#request.subarray(0, length);
    const decoded = decodeCommand(this.#request, this.#requestView, length);
    if (!decoded.ok) {
      this.#log(`queue ${queueIndex}: undecodable request (${decoded.why})`);
      const type =
        decoded.hdr?.type === T.Submit3d && decoded.why === "short-request" ? R.ErrInvalidParameter : R.ErrUnspec;
      return { responseLength: this.#encoder.plain(type, decoded.hdr), hdr: decoded.hdr, fenced: false };
    }
    const { hdr, command } = decoded;
    if (this.#options.recorder !== undefined) this.#record(queueIndex, bytes, command);
    let responseLength: number;
    try {
      this.#rutabaga.forceCtx0();
      responseLength = this.#dispatch(hdr, command);
    } catch (e) {
      responseLength = this.#encoder.plain(this.#errorResponse(hdr, e), hdr);
    }
    let fenced = false;
    if ((hdr.flags & GpuFlags.Fence) !== 0) {
      const fence: RutabagaFence = { flags: hdr.flags, fenceId: hdr.fenceId, ctxId: hdr.ctxId, ringIdx: hdr.ringIdx };
      try {
        this.#rutabaga.createFence(fence);
        fenced = true;
      } catch (e) {
        this.#log(`fence ${hdr.fenceId}: ${e instanceof Error ? e.message : String(e)}`);
        responseLength = this.#encoder.plain(R.ErrUnspec, hdr);
      }
    }
    return { responseLength, hdr, fenced };
  }

  #errorResponse(hdr: CtrlHeader, e: unknown): number {
    const name = `0x${hdr.type.toString(16)}`;
    if (e instanceof Refusal) {
      this.#log(`command ${name}: ${e.why}`);
      return e.response;
    }
    if (isRutabagaError(e)) {
      this.#log(`command ${name}: ${e.message}`);
      return ERROR_RESPONSES[e.code] ?? R.ErrUnspec;
    }
    // Anything else is a bug of ours; the guest still gets an answer and the device keeps serving.
    this.#log(`command ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return R.ErrUnspec;
  }

  #scanout(id: number): Scanout {
    return this.#scanouts[id] ?? refuse(R.ErrInvalidScanoutId, `no scanout ${id}`);
  }

  #resource(id: number): DeviceResource {
    return this.#resources.get(id) ?? refuse(R.ErrInvalidResourceId, `no resource ${id}`);
  }

  #newResourceId(id: number): void {
    if (id === 0) refuse(R.ErrInvalidResourceId, "resource id 0");
    if (this.#resources.has(id)) refuse(R.ErrInvalidResourceId, `resource ${id} already exists`);
  }

  #views(entries: readonly MemEntry[]): Uint8Array[][] {
    const memory = this.#memory ?? refuse(R.ErrUnspec, "no guest memory");
    return entries.map(
      (e) =>
        memory.translate(e.addr, e.length) ??
        refuse(R.ErrUnspec, `entry 0x${e.addr.toString(16)}+${e.length} is outside guest memory`),
    );
  }

  #dispatch(hdr: CtrlHeader, c: GpuCommand): number {
    const enc = this.#encoder;
    const ok = () => enc.plain(R.OkNodata, hdr);
    const rb = this.#rutabaga;
    switch (c.type) {
      case T.GetDisplayInfo:
        return enc.displayInfo(
          hdr,
          this.#scanouts.map((s) => ({
            rect: { x: 0, y: 0, width: s.config.width, height: s.config.height },
            enabled: s.config.connected !== false,
          })),
        );
      case T.GetEdid: {
        const s = this.#scanouts[c.scanoutId] ?? refuse(R.ErrInvalidParameter, `no scanout ${c.scanoutId}`);
        return enc.edid(hdr, buildEdid({ width: s.config.width, height: s.config.height, serial: c.scanoutId }));
      }
      case T.ResourceCreate2d: {
        this.#newResourceId(c.resourceId);
        if (!FOUR_BYTE_FORMATS.has(c.format)) refuse(R.ErrInvalidParameter, `format ${c.format}`);
        rb.resourceCreate3d(c.resourceId, {
          target: 2,
          format: c.format,
          bind: 2,
          width: c.width,
          height: c.height,
          depth: 1,
          arraySize: 1,
          lastLevel: 0,
          nrSamples: 0,
          flags: 0,
        });
        this.#resources.set(c.resourceId, resourceRecord(c.resourceId, c.width, c.height, c.format, false));
        return ok();
      }
      case T.ResourceCreate3d: {
        this.#newResourceId(c.resourceId);
        const { type: _t, resourceId, ...create } = c;
        rb.resourceCreate3d(resourceId, create);
        this.#resources.set(resourceId, resourceRecord(resourceId, c.width, c.height, c.format, false));
        return ok();
      }
      case T.ResourceUnref: {
        const r = this.#resource(c.resourceId);
        this.#scanouts.forEach((s, i) => {
          if (s.resourceId === r.id) this.#disableScanout(i);
        });
        if (this.#cursor.resourceId === r.id) {
          this.#cursor.resourceId = 0;
          this.#notifyCursor();
        }
        rb.unrefResource(r.id);
        this.#resources.delete(r.id);
        return ok();
      }
      case T.ResourceAttachBacking: {
        const r = this.#resource(c.resourceId);
        const views = this.#views(c.entries);
        rb.attachBacking(r.id, views.flat());
        r.entries = c.entries;
        r.views = views;
        return ok();
      }
      case T.ResourceDetachBacking: {
        const r = this.#resource(c.resourceId);
        rb.detachBacking(r.id);
        r.entries = undefined;
        r.views = undefined;
        return ok();
      }
      case T.SetScanout: {
        const s = this.#scanout(c.scanoutId);
        if (c.resourceId === 0) {
          this.#disableScanout(c.scanoutId);
          return ok();
        }
        const r = this.#resource(c.resourceId);
        if (r.blob) refuse(R.ErrInvalidParameter, `resource ${r.id} is a blob: use SET_SCANOUT_BLOB`);
        if (c.rect.width === 0 || c.rect.height === 0 || !rectInside(c.rect, r.width, r.height)) {
          refuse(R.ErrInvalidParameter, `scanout rect ${rectText(c.rect)} outside ${r.width}x${r.height}`);
        }
        rb.setScanout(c.scanoutId, r.id);
        this.#enableScanout(c.scanoutId, s, r.id, c.rect, r.format ?? VirtioGpuFormat.B8G8R8X8Unorm, undefined);
        this.#refreshScanout(c.scanoutId);
        return ok();
      }
      case T.SetScanoutBlob: {
        const s = this.#scanout(c.scanoutId);
        if (c.resourceId === 0) {
          this.#disableScanout(c.scanoutId);
          return ok();
        }
        const r = this.#resource(c.resourceId);
        if (!FOUR_BYTE_FORMATS.has(c.format)) refuse(R.ErrInvalidParameter, `format ${c.format}`);
        const stride = c.strides[0];
        const offset = c.offsets[0];
        if (c.width === 0 || c.height === 0 || stride < c.width * 4) {
          refuse(R.ErrInvalidParameter, `blob scanout ${c.width}x${c.height} stride ${stride}`);
        }
        const end = offset + (c.height - 1) * stride + c.width * 4;
        const backed = r.blob ? rb.resourceInfo(r.id).size : BigInt(r.width * r.height * 4);
        if (BigInt(end) > backed) refuse(R.ErrInvalidParameter, `blob scanout needs ${end} bytes of ${backed}`);
        if (c.rect.width === 0 || c.rect.height === 0 || !rectInside(c.rect, c.width, c.height)) {
          refuse(R.ErrInvalidParameter, `scanout rect ${rectText(c.rect)} outside ${c.width}x${c.height}`);
        }
        rb.setScanout(c.scanoutId, r.id, {
          width: c.width,
          height: c.height,
          drmFourcc: 0,
          strides: c.strides,
          offsets: c.offsets,
          modifier: 0n,
        });
        this.#enableScanout(c.scanoutId, s, r.id, c.rect, c.format, r.blob ? { stride, offset } : undefined);
        this.#refreshScanout(c.scanoutId);
        return ok();
      }
      case T.ResourceFlush: {
        if (c.resourceId === 0) return ok();
        const r = this.#resource(c.resourceId);
        if (!r.blob && !rectInside(c.rect, r.width, r.height)) {
          refuse(R.ErrInvalidParameter, `flush rect ${rectText(c.rect)} outside ${r.width}x${r.height}`);
        }
        // The 2D component has nothing to flush (rutabaga.md §3.5: Unsupported); the copy below is the flush.
        if (rb.defaultComponent !== RutabagaComponentType.Rutabaga2D) rb.resourceFlush(r.id);
        this.#scanouts.forEach((s, i) => {
          if (s.resourceId === r.id) this.#flushScanout(i, s, c.rect);
        });
        return ok();
      }
      case T.TransferToHost2d: {
        const r = this.#resource(c.resourceId);
        if (!r.blob && !rectInside(c.rect, r.width, r.height)) {
          refuse(R.ErrInvalidParameter, `transfer rect ${rectText(c.rect)} outside ${r.width}x${r.height}`);
        }
        const t: Transfer3D = {
          x: c.rect.x,
          y: c.rect.y,
          z: 0,
          w: c.rect.width,
          h: c.rect.height,
          d: 1,
          level: 0,
          stride: 0,
          layerStride: 0,
          offset: u64ToOffset(c.offset, "transfer offset"),
        };
        rb.transferWrite(0, r.id, t);
        return ok();
      }
      case T.TransferToHost3d:
      case T.TransferFromHost3d: {
        const t: Transfer3D = {
          ...c.box,
          level: c.level,
          stride: c.stride,
          layerStride: c.layerStride,
          offset: u64ToOffset(c.offset, "transfer offset"),
        };
        if (c.type === T.TransferToHost3d) rb.transferWrite(hdr.ctxId, c.resourceId, t);
        else rb.transferRead(hdr.ctxId, c.resourceId, t);
        return ok();
      }
      case T.GetCapsetInfo: {
        if (c.capsetIndex >= rb.getNumCapsets()) refuse(R.ErrInvalidParameter, `capset index ${c.capsetIndex}`);
        const info = rb.getCapsetInfo(c.capsetIndex);
        return enc.capsetInfo(hdr, info.capsetId, info.version, info.size);
      }
      case T.GetCapset: {
        let listed = false;
        for (let i = 0; i < rb.getNumCapsets(); i++) listed ||= rb.getCapsetInfo(i).capsetId === c.capsetId;
        if (!listed) refuse(R.ErrInvalidParameter, `capset ${c.capsetId} is not offered`);
        return enc.capset(hdr, rb.getCapset(c.capsetId, c.capsetVersion));
      }
      case T.ResourceAssignUuid: {
        const r = this.#resource(c.resourceId);
        const uuid = new Uint8Array(16);
        new DataView(uuid.buffer).setUint32(12, r.id, false);
        return enc.uuid(hdr, uuid);
      }
      case T.ResourceCreateBlob: {
        this.#newResourceId(c.resourceId);
        const guestBacked = c.blobMem !== 2; // VIRTIO_GPU_BLOB_MEM_HOST3D has no guest pages
        const views = guestBacked ? this.#views(c.entries) : undefined;
        rb.resourceCreateBlob(
          hdr.ctxId,
          c.resourceId,
          { blobMem: c.blobMem, blobFlags: c.blobFlags, blobId: c.blobId, size: c.size },
          views?.flat(),
        );
        const r = resourceRecord(c.resourceId, 0, 0, undefined, true);
        if (views !== undefined) {
          r.entries = c.entries;
          r.views = views;
        }
        this.#resources.set(c.resourceId, r);
        return ok();
      }
      case T.ResourceMapBlob:
        this.#resource(c.resourceId);
        return refuse(R.ErrUnspec, "no host-visible memory region to map blobs into");
      case T.ResourceUnmapBlob:
        this.#resource(c.resourceId);
        return refuse(R.ErrUnspec, `resource ${c.resourceId} is not mapped`);
      case T.CtxCreate:
        rb.createContext(hdr.ctxId, c.contextInit, c.debugName.replace(/\0+$/, "") || undefined);
        return ok();
      case T.CtxDestroy:
        rb.destroyContext(hdr.ctxId);
        return ok();
      case T.CtxAttachResource:
        rb.contextAttachResource(hdr.ctxId, c.resourceId);
        return ok();
      case T.CtxDetachResource:
        rb.contextDetachResource(hdr.ctxId, c.resourceId);
        return ok();
      case T.Submit3d:
        rb.submitCommand(hdr.ctxId, c.commands, []);
        return ok();
      case T.UpdateCursor: {
        this.#scanout(c.scanoutId);
        if (c.resourceId !== 0) {
          const r = this.#resource(c.resourceId);
          const box = { x: 0, y: 0, z: 0, w: CURSOR_SIZE, h: CURSOR_SIZE, d: 1, level: 0, layerStride: 0, offset: 0 };
          if (r.blob) refuse(R.ErrInvalidParameter, "cursor from a blob");
          if (r.width < CURSOR_SIZE || r.height < CURSOR_SIZE) {
            refuse(R.ErrInvalidParameter, `cursor resource ${r.width}x${r.height} is smaller than 64x64`);
          }
          rb.transferRead(0, r.id, { ...box, stride: CURSOR_SIZE * 4 }, this.#cursorImage);
        }
        this.#cursor = { scanoutId: c.scanoutId, x: c.x, y: c.y, hotX: c.hotX, hotY: c.hotY, resourceId: c.resourceId };
        this.#notifyCursor();
        return ok();
      }
      case T.MoveCursor: {
        this.#scanout(c.scanoutId);
        this.#cursor = { ...this.#cursor, scanoutId: c.scanoutId, x: c.x, y: c.y };
        this.#sink("cursorMoved", c.scanoutId, c.x, c.y);
        return ok();
      }
    }
  }

  #notifyCursor(): void {
    const c = this.#cursor;
    const state: CursorState = {
      scanoutId: c.scanoutId,
      x: c.x,
      y: c.y,
      hotX: c.hotX,
      hotY: c.hotY,
      image: c.resourceId === 0 ? undefined : this.#cursorImage,
    };
    this.#sink("cursorChanged", state);
  }

  #enableScanout(
    id: number,
    s: Scanout,
    resourceId: number,
    rect: GpuRect,
    format: number,
    blob: { stride: number; offset: number } | undefined,
  ): void {
    const resized = s.resourceId === 0 || s.rect.width !== rect.width || s.rect.height !== rect.height;
    s.resourceId = resourceId;
    s.rect = { ...rect };
    s.format = format;
    s.blob = blob;
    // Only a blob scanout needs a frame of its own: a 2D resource's host copy is shown where it is.
    if (blob !== undefined && (resized || s.frame === undefined))
      s.frame = new Uint8Array(rect.width * rect.height * 4);
    if (blob === undefined) s.frame = undefined;
    if (resized) this.#sink("scanoutChanged", id, { width: rect.width, height: rect.height });
  }

  #disableScanout(id: number): void {
    const s = this.#scanouts[id]!;
    if (s.resourceId === 0) return;
    s.resourceId = 0;
    s.frame = undefined;
    s.blob = undefined;
    s.rect = { x: 0, y: 0, width: 0, height: 0 };
    this.#sink("scanoutChanged", id, undefined);
  }

  /** Copies the whole visible rectangle after SET_SCANOUT, so the sink starts from what the resource holds. */
  #refreshScanout(id: number): void {
    const s = this.#scanouts[id]!;
    const r = this.#resources.get(s.resourceId);
    if (r === undefined) return;
    this.#flushScanout(id, s, s.rect, true);
  }

  /**
   * Tells the sink `rect` (resource or blob-image coordinates) changed. A 2D resource is shown from its host copy
   * (a window of it, no copy); a blob is read from guest memory into the scanout's own frame first.
   */
  #flushScanout(id: number, s: Scanout, rect: GpuRect, quietErrors = false): void {
    const sw = s.rect.width;
    const sh = s.rect.height;
    const ox = s.rect.x;
    const oy = s.rect.y;
    const x0 = Math.max(rect.x, ox);
    const y0 = Math.max(rect.y, oy);
    const x1 = Math.min(rect.x + rect.width, ox + sw);
    const y1 = Math.min(rect.y + rect.height, oy + sh);
    if (x1 <= x0 || y1 <= y0) return;
    const dirty = { x: x0 - ox, y: y0 - oy, width: x1 - x0, height: y1 - y0 };
    if (s.blob === undefined) {
      const host = this.#rutabaga.hostPixels(s.resourceId);
      const r = this.#resources.get(s.resourceId);
      if (host === undefined || r === undefined) return;
      const stride = r.width * 4;
      const pixels = host.subarray(oy * stride + ox * 4);
      this.#sink("flush", id, dirty, { width: sw, height: sh, stride, format: s.format, pixels });
      return;
    }
    const frame = s.frame!;
    const stride = sw * 4;
    const offset = s.blob.offset + y0 * s.blob.stride + x0 * 4;
    const dst = frame.subarray(dirty.y * stride + dirty.x * 4);
    const box = { x: 0, y: 0, z: 0, w: dirty.width, h: dirty.height, d: 1, level: 0, stride, layerStride: 0, offset };
    try {
      this.#rutabaga.transferRead(0, s.resourceId, box, dst);
    } catch (e) {
      if (!quietErrors) throw e;
      return;
    }
    this.#sink("flush", id, dirty, { width: sw, height: sh, stride, format: s.format, pixels: frame });
  }

  #record(queueIndex: number, bytes: Uint8Array, c: GpuCommand): void {
    const rec = this.#options.recorder!;
    const memory = this.#memory;
    if (memory !== undefined) {
      let range: { resource: DeviceResource; offset: number; length: number } | undefined;
      if (c.type === T.TransferToHost2d) {
        const r = this.#resources.get(c.resourceId);
        if (r !== undefined && c.offset <= BigInt(Number.MAX_SAFE_INTEGER) && c.rect.height > 0) {
          const pitch = r.width * 4;
          range = { resource: r, offset: Number(c.offset), length: (c.rect.height - 1) * pitch + c.rect.width * 4 };
        }
      } else if (c.type === T.TransferToHost3d) {
        const r = this.#resources.get(c.resourceId);
        if (r !== undefined && c.offset <= BigInt(Number.MAX_SAFE_INTEGER)) {
          range = {
            resource: r,
            offset: Number(c.offset),
            length: r.views?.flat().reduce((n, v) => n + v.length, 0) ?? 0,
          };
        }
      } else if (c.type === T.ResourceFlush) {
        const r = this.#resources.get(c.resourceId);
        if (r?.blob) range = { resource: r, offset: 0, length: Number.MAX_SAFE_INTEGER };
      }
      if (range !== undefined && range.resource.entries !== undefined && range.resource.views !== undefined) {
        recordBacking(rec, range.resource.entries, range.resource.views, range.offset, range.length);
      }
    }
    rec.request(queueIndex, bytes);
  }

  #fenceCompleted(fence: RutabagaFence): void {
    const released = this.#fences.complete(timelineOf(fence), fence.fenceId);
    const touched = new Set<number>();
    for (const p of released) {
      p.queue.pushUsed(p.head, p.written);
      touched.add(p.queueIndex);
    }
    for (const qi of touched) {
      if (this.#processing) this.#deferredNotify.add(qi);
      else this.#notifyIfWanted(qi);
    }
  }

  #notifyIfWanted(queueIndex: number): void {
    const q = this.#queuesByIndex.get(queueIndex);
    if (q?.needsNotification()) this.#options.onQueueNotify?.(queueIndex);
  }
}

function timelineOf(f: { flags: number; ctxId: number; ringIdx: number }): TimelineKey {
  return (f.flags & GpuFlags.InfoRingIdx) !== 0 ? ringTimeline(f.ctxId, f.ringIdx) : GLOBAL_TIMELINE;
}

function checkScanoutConfig(c: ScanoutConfig): void {
  const ok = (n: number) => Number.isInteger(n) && n >= MIN_SCANOUT_DIMENSION && n <= EDID_MAX_DIMENSION;
  if (!ok(c.width) || !ok(c.height)) {
    throw new RangeError(
      `scanout ${c.width}x${c.height}: each side must be ${MIN_SCANOUT_DIMENSION}..${EDID_MAX_DIMENSION}`,
    );
  }
}

function emptyScanout(config: ScanoutConfig): Scanout {
  return {
    config,
    resourceId: 0,
    rect: { x: 0, y: 0, width: 0, height: 0 },
    frame: undefined,
    format: 0,
    blob: undefined,
  };
}

function resourceRecord(
  id: number,
  width: number,
  height: number,
  format: number | undefined,
  blob: boolean,
): DeviceResource {
  return { id, width, height, format, blob, entries: undefined, views: undefined };
}

function rectText(r: GpuRect): string {
  return `${r.width}x${r.height}+${r.x}+${r.y}`;
}

/** Writes `length` bytes of `src` across `dst` views; returns how many fit. */
function scatter(src: Uint8Array, length: number, dst: readonly Uint8Array[], capacity: number): number {
  if (capacity < length) {
    // The driver gave too little room: a bare header still tells it something went wrong.
    if (capacity < GpuWireSize.CtrlHdr) return 0;
    new DataView(src.buffer, src.byteOffset).setUint32(0, R.ErrUnspec, true);
    length = GpuWireSize.CtrlHdr;
  }
  let at = 0;
  for (const view of dst) {
    if (at >= length) break;
    const take = Math.min(view.length, length - at);
    view.set(src.subarray(at, at + take));
    at += take;
  }
  return at;
}

/** Hands the recorder the guest bytes behind backing range `[offset, offset + length)`. */
function recordBacking(
  rec: RequestRecorder,
  entries: readonly MemEntry[],
  views: readonly Uint8Array[][],
  offset: number,
  length: number,
): void {
  let pos = 0;
  const end = offset + length;
  for (let i = 0; i < entries.length && pos < end; i++) {
    let entryPos = pos;
    for (const v of views[i]!) {
      const vEnd = entryPos + v.length;
      const from = Math.max(offset, entryPos);
      const to = Math.min(end, vEnd);
      if (from < to) rec.memory(entries[i]!.addr + BigInt(from - pos), v.subarray(from - entryPos, to - entryPos));
      entryPos = vEnd;
    }
    pos += entries[i]!.length;
  }
}
