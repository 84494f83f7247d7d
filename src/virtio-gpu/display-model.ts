import { isRutabagaError } from "../rutabaga/error.ts";
import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { ScanoutTarget } from "../rutabaga/types.ts";
import type { GpuRect } from "./commands.ts";
import type { CursorState, DisplaySink } from "./display-sink.ts";
import { EDID_MAX_DIMENSION } from "./edid.ts";
import { CURSOR_SIZE, MAX_SCANOUTS } from "./protocol.ts";

/** Smallest scanout edge the device accepts in configuration. */
export const MIN_SCANOUT_DIMENSION = 16;
/** The display a device has when it is given none: one output of this size. */
export const DEFAULT_SCANOUT = { width: 1280, height: 800 } as const;
/** Bytes per pixel of every format a scanout shows (`VIRTIO_GPU_FORMAT_*` are all 4-byte). */
const PIXEL_BYTES = 4;

/** One display output's configured mode. */
export interface ScanoutConfig {
  width: number;
  height: number;
  /** Connected (reported enabled in GET_DISPLAY_INFO); default true. */
  connected?: boolean;
}

/** Where a blob scanout's image starts in its backing (`SET_SCANOUT_BLOB`'s `offsets[0]`). */
interface BlobLayout {
  offset: number;
}

/** A scanout's own frame, for pixels a component copies (a blob, a GL read-back); allocated on first use. */
class ScanoutFrameBuffer implements ScanoutTarget {
  offset = 0;
  stride = 0;
  #rows = 0;
  #bytes: Uint8Array | undefined;

  bytes(): Uint8Array {
    this.#bytes ??= new Uint8Array(this.stride * this.#rows);
    return this.#bytes;
  }

  /** Sizes the frame for `width`×`height`; drops the old one if the size changed. */
  resize(width: number, height: number): void {
    if (this.stride === width * PIXEL_BYTES && this.#rows === height) return;
    this.stride = width * PIXEL_BYTES;
    this.#rows = height;
    this.#bytes = undefined;
  }

  release(): void {
    this.#bytes = undefined;
    this.stride = 0;
    this.#rows = 0;
  }
}

interface Scanout {
  config: ScanoutConfig;
  resourceId: number;
  rect: GpuRect;
  format: number;
  blob: BlobLayout | undefined;
  readonly frame: ScanoutFrameBuffer;
  /** Switched to another resource of the same size (a page flip) and not shown yet: the next flush shows it whole. */
  stale: boolean;
}

interface Cursor {
  scanoutId: number;
  x: number;
  y: number;
  hotX: number;
  hotY: number;
  resourceId: number;
}

/** Throws `RangeError` unless both sides are within the configurable range. */
function checkScanoutConfig(c: ScanoutConfig): void {
  const ok = (n: number) => Number.isInteger(n) && n >= MIN_SCANOUT_DIMENSION && n <= EDID_MAX_DIMENSION;
  if (!ok(c.width) || !ok(c.height)) {
    throw new RangeError(
      `scanout ${c.width}x${c.height}: each side must be ${MIN_SCANOUT_DIMENSION}..${EDID_MAX_DIMENSION}`,
    );
  }
}

/**
 * The display side of the device: the scanouts (configured modes, which resource each shows, where) and the cursor,
 * and everything that goes to the {@link DisplaySink}. Pixels come from the library through one call,
 * `Rutabaga.readScanout`, whatever the component.
 */
export class DisplayModel {
  readonly #sinkTarget: DisplaySink | undefined;
  readonly #log: (message: string) => void;
  readonly #scanouts: Scanout[];
  #cursor: Cursor = { scanoutId: 0, x: 0, y: 0, hotX: 0, hotY: 0, resourceId: 0 };
  readonly #cursorImage = new Uint8Array(CURSOR_SIZE * CURSOR_SIZE * PIXEL_BYTES);
  /** Exceptions the sink threw (swallowed). */
  sinkErrors = 0;

  constructor(configs: readonly ScanoutConfig[], sink: DisplaySink | undefined, log: (message: string) => void) {
    if (configs.length < 1 || configs.length > MAX_SCANOUTS) {
      throw new RangeError(`${configs.length} scanouts; 1..${MAX_SCANOUTS} are possible`);
    }
    for (const c of configs) checkScanoutConfig(c);
    this.#sinkTarget = sink;
    this.#log = log;
    this.#scanouts = configs.map((config) => ({
      config: { ...config },
      resourceId: 0,
      rect: { x: 0, y: 0, w: 0, h: 0 },
      format: 0,
      blob: undefined,
      frame: new ScanoutFrameBuffer(),
      stale: false,
    }));
  }

  get count(): number {
    return this.#scanouts.length;
  }

  /** True when `scanoutId` names a scanout. */
  has(scanoutId: number): boolean {
    return scanoutId < this.#scanouts.length;
  }

  /** The configured mode of an existing scanout. */
  config(scanoutId: number): ScanoutConfig {
    return this.#scanouts[scanoutId]!.config;
  }

  configs(): ScanoutConfig[] {
    return this.#scanouts.map((s) => ({ ...s.config }));
  }

  /** Changes a scanout's mode; `RangeError` for a bad id or size. */
  setConfig(scanoutId: number, config: ScanoutConfig): void {
    const s = this.#scanouts[scanoutId];
    if (s === undefined) throw new RangeError(`no scanout ${scanoutId}`);
    checkScanoutConfig(config);
    s.config = { ...config };
  }

  /** `GET_DISPLAY_INFO`'s modes. */
  displayInfo(): { rect: GpuRect; enabled: boolean }[] {
    return this.#scanouts.map((s) => ({
      rect: { x: 0, y: 0, w: s.config.width, h: s.config.height },
      enabled: s.config.connected !== false,
    }));
  }

  /** Shows `rect` of a resource on a scanout (a blob's image from `blob.offset` in its backing), then its pixels. */
  enable(
    rutabaga: Rutabaga,
    id: number,
    resourceId: number,
    rect: GpuRect,
    format: number,
    blob: BlobLayout | undefined,
  ): void {
    const s = this.#scanouts[id]!;
    const resized = s.resourceId === 0 || s.rect.w !== rect.w || s.rect.h !== rect.h;
    s.resourceId = resourceId;
    s.rect = { ...rect };
    s.format = format;
    s.blob = blob;
    s.frame.resize(rect.w, rect.h);
    if (resized) this.#sink("scanoutChanged", id, { width: rect.w, height: rect.h });
    // A new mode starts from what the resource holds (what cannot be read yet shows at the next flush). A page flip
    // is followed by the guest's RESOURCE_FLUSH (Linux always flushes a plane update), which then shows the whole
    // image once: a GL read-back per flip, not two.
    s.stale = !resized;
    if (resized) this.#flush(rutabaga, id, s, s.rect, true);
  }

  disable(id: number): void {
    const s = this.#scanouts[id]!;
    if (s.resourceId === 0) return;
    s.resourceId = 0;
    s.stale = false;
    s.blob = undefined;
    s.rect = { x: 0, y: 0, w: 0, h: 0 };
    s.frame.release();
    this.#sink("scanoutChanged", id, undefined);
  }

  /** Tells the sink of every scanout showing `resourceId` that `rect` (resource or blob-image coordinates) changed. */
  flushResource(rutabaga: Rutabaga, resourceId: number, rect: GpuRect): void {
    this.#scanouts.forEach((s, i) => {
      if (s.resourceId !== resourceId) return;
      const whole = s.stale;
      s.stale = false;
      this.#flush(rutabaga, i, s, whole ? s.rect : rect, false);
    });
  }

  /** The resource went away: scanouts showing it are disabled and a cursor made from it hidden. */
  forgetResource(resourceId: number): void {
    this.#scanouts.forEach((s, i) => {
      if (s.resourceId === resourceId) this.disable(i);
    });
    if (this.#cursor.resourceId === resourceId) {
      this.#cursor.resourceId = 0;
      this.#notifyCursor();
    }
  }

  /** Disables every scanout and hides the cursor (device reset); configured modes stay. */
  reset(): void {
    for (let i = 0; i < this.#scanouts.length; i++) this.disable(i);
    if (this.#cursor.resourceId !== 0) {
      this.#cursor.resourceId = 0;
      this.#notifyCursor();
    }
  }

  /** `UPDATE_CURSOR`: `image` (when the cursor shows a resource) has already been checked by the caller. */
  updateCursor(cursor: Cursor, fill: ((image: Uint8Array) => void) | undefined): void {
    fill?.(this.#cursorImage);
    this.#cursor = { ...cursor };
    this.#notifyCursor();
  }

  /** `MOVE_CURSOR`. */
  moveCursor(scanoutId: number, x: number, y: number): void {
    this.#cursor = { ...this.#cursor, scanoutId, x, y };
    this.#sink("cursorMoved", scanoutId, x, y);
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

  /**
   * Hands the sink the part of `rect` the scanout shows. `quiet` swallows library errors (pixels that cannot be read
   * yet); a component that cannot read scanouts back at all shows nothing.
   */
  #flush(rutabaga: Rutabaga, id: number, s: Scanout, rect: GpuRect, quiet: boolean): void {
    const sw = s.rect.w;
    const sh = s.rect.h;
    const ox = s.rect.x;
    const oy = s.rect.y;
    const x0 = Math.max(rect.x, ox);
    const y0 = Math.max(rect.y, oy);
    const x1 = Math.min(rect.x + rect.w, ox + sw);
    const y1 = Math.min(rect.y + rect.h, oy + sh);
    if (x1 <= x0 || y1 <= y0) return;
    const dirty = { x: x0 - ox, y: y0 - oy, w: x1 - x0, h: y1 - y0 };
    const frame = s.frame;
    frame.offset = dirty.y * frame.stride + dirty.x * PIXEL_BYTES;
    let image: { pixels: Uint8Array; offset: number; stride: number };
    try {
      image = rutabaga.readScanout(s.resourceId, { x: x0, y: y0, w: dirty.w, h: dirty.h }, frame, s.blob?.offset);
    } catch (e) {
      if (quiet || (isRutabagaError(e) && e.code === "Unsupported")) return;
      throw e;
    }
    // The sink gets the frame from the scanout's top-left corner.
    const origin = image.offset - dirty.y * image.stride - dirty.x * PIXEL_BYTES;
    const pixels = origin === 0 ? image.pixels : image.pixels.subarray(origin);
    this.#sink("flush", id, dirty, { width: sw, height: sh, stride: image.stride, format: s.format, pixels });
  }

  #sink<K extends keyof DisplaySink>(method: K, ...args: Parameters<NonNullable<DisplaySink[K]>>): void {
    const fn = this.#sinkTarget?.[method] as ((...a: unknown[]) => void) | undefined;
    if (fn === undefined) return;
    try {
      fn.apply(this.#sinkTarget, args);
    } catch (e) {
      this.sinkErrors++;
      this.#log(`display sink ${method} threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
