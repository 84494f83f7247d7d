import { VirtioGpuFormat } from "../index.ts";
import type { CursorState, DisplaySink, GpuRect, ScanoutFrame } from "../virtio-gpu/index.ts";
import { CURSOR_SIZE } from "../virtio-gpu/index.ts";
import { convertToRgba, wordsOf } from "./rgba.ts";

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
}

interface Screen {
  readonly ctx: Context2D;
  readonly image: ImageData;
  readonly words: Uint32Array;
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
    canvas.width = width;
    canvas.height = height;
    const ctx = old?.ctx ?? context(canvas);
    const image = ctx.createImageData(width, height);
    const words = wordsOf(new Uint8Array(image.data.buffer));
    words.fill(0xff000000);
    ctx.putImageData(image, 0, 0);
    const screen = { ctx, image, words };
    this.#screens[scanoutId] = screen;
    return screen;
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
    const pitch = frame.stride / 4;
    convertToRgba(
      { words: wordsOf(frame.pixels), first: y * pitch + x, pitch },
      { words: screen.words, first: y * frame.width + x, pitch: frame.width },
      width,
      height,
      frame.format,
    );
    screen.ctx.putImageData(screen.image, 0, 0, x, y, width, height);
    this.flushes++;
    this.pixelsPainted += width * height;
    this.onFlush?.(scanoutId, { x, y, w: width, h: height });
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
