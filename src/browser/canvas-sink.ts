import { VirtioGpuFormat } from "../index.ts";
import type { CursorState, DisplaySink, GpuRect, ScanoutFrame } from "../virtio-gpu/index.ts";
import { CURSOR_SIZE } from "../virtio-gpu/index.ts";
import { convertToRgba, type WordRect, wordsOf } from "./rgba.ts";
import { SIMD_PIXELS_AT, SimdPixels } from "./simd-shuffle.ts";

/** A canvas a {@link CanvasSink} paints: in the page, or handed to a worker. */
export type SinkCanvas = HTMLCanvasElement | OffscreenCanvas;

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Where the cursor is, for a page that places the cursor layer itself. */
export interface CursorPlacement {
  readonly scanoutId: number;
  /** Top-left corner of the cursor image in scanout pixels (the position minus the hot spot). */
  readonly left: number;
  readonly top: number;
  readonly visible: boolean;
}

/** Options of a {@link CanvasSink}. */
export interface CanvasSinkOptions {
  /**
   * The cursor layer: a canvas (made 64×64) the cursor image is painted on, with its alpha. An `HTMLCanvasElement` is
   * also moved (CSS `transform`, relative to the scanout canvas's top-left corner) and hidden with the cursor.
   */
  cursor?: SinkCanvas;
  /** `VIRTIO_GPU_FORMAT_*` of cursor images (the device does not say); default B8G8R8A8, Linux's ARGB8888. */
  cursorFormat?: number;
  /** Called when the cursor moves, appears or hides. */
  onCursor?: (placement: CursorPlacement) => void;
  /**
   * Convert with WebAssembly SIMD where the browser has it and the page may compile it (default true); false, or
   * where it is missing, converts in JavaScript.
   */
  simd?: boolean;
}

/** A {@link WordRect} whose fields the sink sets at each flush. */
type MutableWordRect = { -readonly [K in keyof WordRect]: WordRect[K] };

interface Screen {
  readonly ctx: Context2D;
  readonly image: ImageData;
  readonly words: Uint32Array;
  /** The `ImageData`'s pixels in a WebAssembly memory, converted there; undefined: converted in JavaScript. */
  readonly simd: SimdPixels | undefined;
}

function context(canvas: SinkCanvas): Context2D {
  const ctx = canvas.getContext("2d", { alpha: false }) as Context2D | null;
  if (ctx === null) throw new Error("the canvas has no 2D context (is another kind of context in use?)");
  return ctx;
}

/**
 * A display sink painting scanouts onto canvases: one `ImageData` per scanout, only the flushed rectangle converted
 * (from any virtio-gpu format to opaque RGBA) and put each flush, so the frame is copied out of the device (or out
 * of shared memory, which `ImageData` cannot wrap) once per flush. The cursor is a separate layer.
 */
export class CanvasSink implements DisplaySink {
  readonly #canvases: readonly SinkCanvas[];
  readonly #screens: (Screen | undefined)[] = [];
  readonly #options: CanvasSinkOptions;
  #cursor: { ctx: Context2D; image: ImageData; words: Uint32Array } | undefined;
  #placement: CursorPlacement = { scanoutId: 0, left: 0, top: 0, visible: false };
  #hot = { x: 0, y: 0 };
  #sourceBuffer: ArrayBufferLike | undefined;
  readonly #from: MutableWordRect = { words: new Uint32Array(0), first: 0, pitch: 0 };
  readonly #to: MutableWordRect = { words: new Uint32Array(0), first: 0, pitch: 0 };
  /** Flushes painted. */
  flushes = 0;
  /** Pixels converted and put, over all flushes. */
  pixelsPainted = 0;
  /** Called after every painted flush. */
  onFlush: ((scanoutId: number, rect: GpuRect) => void) | undefined;

  /** Paints scanout 0 on `canvas`, or scanout `i` on `canvas[i]` (scanouts without a canvas are ignored). */
  constructor(canvas: SinkCanvas | readonly SinkCanvas[], options: CanvasSinkOptions = {}) {
    this.#canvases = Array.isArray(canvas) ? [...(canvas as readonly SinkCanvas[])] : [canvas as SinkCanvas];
    this.#options = options;
    if (options.cursor !== undefined) {
      const c = options.cursor;
      c.width = CURSOR_SIZE;
      c.height = CURSOR_SIZE;
      const ctx = c.getContext("2d") as Context2D | null;
      if (ctx === null) throw new Error("the cursor canvas has no 2D context");
      const image = ctx.createImageData(CURSOR_SIZE, CURSOR_SIZE);
      this.#cursor = { ctx, image, words: wordsOf(new Uint8Array(image.data.buffer)) };
      this.#place();
    }
  }

  /** The cursor's current placement. */
  get cursor(): CursorPlacement {
    return this.#placement;
  }

  scanoutChanged(scanoutId: number, mode: { width: number; height: number } | undefined): void {
    const canvas = this.#canvases[scanoutId];
    if (canvas === undefined) return;
    if (mode === undefined) {
      // A disabled output shows black, as a monitor without signal.
      const ctx = this.#screens[scanoutId]?.ctx ?? context(canvas);
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      this.#screens[scanoutId] = undefined;
      return;
    }
    this.#screen(scanoutId, canvas, mode.width, mode.height);
  }

  #screen(scanoutId: number, canvas: SinkCanvas, width: number, height: number): Screen {
    const old = this.#screens[scanoutId];
    if (old !== undefined && old.image.width === width && old.image.height === height) return old;
    // Resizing clears the canvas; what no flush has painted yet shows black. The ImageData's own pixels are never
    // put outside a converted rectangle, so they start as they are.
    canvas.width = width;
    canvas.height = height;
    const ctx = old?.ctx ?? context(canvas);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, width, height);
    const simd = this.#options.simd === false ? undefined : SimdPixels.create(width * height * 4);
    const image = simd === undefined ? ctx.createImageData(width, height) : new ImageData(simd.clamped, width, height);
    const words = simd === undefined ? wordsOf(new Uint8Array(image.data.buffer)) : simd.words;
    const screen = { ctx, image, words, simd };
    this.#screens[scanoutId] = screen;
    return screen;
  }

  /**
   * Points the source rectangle at a word view of the buffer under `pixels` and returns the index of their first
   * word: a view made once per buffer (a resource's pixels stay in one buffer for its life), or a copy when the
   * pixels are not 4-byte aligned.
   */
  #sourceWords(pixels: Uint8Array): number {
    if (pixels.byteOffset % 4 !== 0) {
      this.#sourceBuffer = undefined;
      this.#from.words = wordsOf(pixels);
      return 0;
    }
    if (pixels.buffer !== this.#sourceBuffer) {
      this.#sourceBuffer = pixels.buffer;
      this.#from.words = new Uint32Array(pixels.buffer, 0, pixels.buffer.byteLength >>> 2);
    }
    return pixels.byteOffset >>> 2;
  }

  flush(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void {
    const canvas = this.#canvases[scanoutId];
    if (canvas === undefined || frame.stride % 4 !== 0) return;
    const screen = this.#screen(scanoutId, canvas, frame.width, frame.height);
    const x = Math.min(rect.x, frame.width);
    const y = Math.min(rect.y, frame.height);
    const width = Math.min(rect.w, frame.width - x);
    const height = Math.min(rect.h, frame.height - y);
    if (width === 0 || height === 0) return;
    const simd = screen.simd;
    if (simd !== undefined && frame.stride === frame.width * 4 && frame.pixels.length >= (y + height) * frame.stride) {
      // The rows' whole width in one copy (only `rect` of them is put), converted in place four pixels a step.
      const start = y * frame.stride;
      simd.bytes.set(frame.pixels.subarray(start, start + height * frame.stride), SIMD_PIXELS_AT + start);
      const count = height * frame.width;
      const tail = simd.convert(start, count, frame.format, false);
      if (tail > 0) {
        const last = this.#to;
        last.words = simd.words;
        last.first = (start >>> 2) + count - tail;
        last.pitch = tail;
        convertToRgba(last, last, tail, 1, frame.format);
      }
    } else this.#convert(screen, x, y, width, height, frame);
    screen.ctx.putImageData(screen.image, 0, 0, x, y, width, height);
    this.flushes++;
    this.pixelsPainted += width * height;
    this.onFlush?.(scanoutId, { x, y, w: width, h: height });
  }

  /** Converts `width`×`height` pixels at (x, y) of `frame` into the screen's pixels, in JavaScript. */
  #convert(screen: Screen, x: number, y: number, width: number, height: number, frame: ScanoutFrame): void {
    // The two rectangles are objects made once, their fields set per flush.
    const src = this.#from;
    const pitch = frame.stride >>> 2;
    src.first = this.#sourceWords(frame.pixels) + y * pitch + x;
    src.pitch = pitch;
    const dst = this.#to;
    dst.words = screen.words;
    dst.first = y * frame.width + x;
    dst.pitch = frame.width;
    convertToRgba(src, dst, width, height, frame.format);
  }

  cursorChanged(cursor: CursorState): void {
    this.#hot = { x: cursor.hotX, y: cursor.hotY };
    const layer = this.#cursor;
    const visible = cursor.image !== undefined;
    if (layer !== undefined && cursor.image !== undefined && cursor.image.length >= CURSOR_SIZE * CURSOR_SIZE * 4) {
      const src = { words: wordsOf(cursor.image), first: 0, pitch: CURSOR_SIZE };
      const dst = { words: layer.words, first: 0, pitch: CURSOR_SIZE };
      const format = this.#options.cursorFormat ?? VirtioGpuFormat.B8G8R8A8Unorm;
      convertToRgba(src, dst, CURSOR_SIZE, CURSOR_SIZE, format, true);
      layer.ctx.putImageData(layer.image, 0, 0);
    }
    this.#placement = {
      scanoutId: cursor.scanoutId,
      left: cursor.x - this.#hot.x,
      top: cursor.y - this.#hot.y,
      visible,
    };
    this.#place();
  }

  cursorMoved(scanoutId: number, x: number, y: number): void {
    this.#placement = { ...this.#placement, scanoutId, left: x - this.#hot.x, top: y - this.#hot.y };
    this.#place();
  }

  #place(): void {
    const c = this.#options.cursor;
    if (c !== undefined && "style" in c) {
      c.style.visibility = this.#placement.visible ? "visible" : "hidden";
      c.style.transform = `translate(${this.#placement.left}px, ${this.#placement.top}px)`;
    }
    this.#options.onCursor?.(this.#placement);
  }
}
