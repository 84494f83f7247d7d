import type { GpuRect } from "./commands.ts";
import type { CursorState, DisplaySink, ScanoutFrame } from "./display-sink.ts";

/** A scanout's picture as the sink keeps it. */
export interface Framebuffer {
  width: number;
  height: number;
  /** Virtio-gpu format of the pixels (4 bytes each, rows of `width * 4`). */
  format: number;
  pixels: Uint8Array;
}

/**
 * A display sink that keeps each scanout's picture in memory, for tests, headless replay and browsers (draw
 * `pixels` into a canvas after a flush). Counts what it saw.
 */
export class FramebufferSink implements DisplaySink {
  readonly framebuffers: (Framebuffer | undefined)[] = [];
  cursor: CursorState | undefined;
  cursorImage: Uint8Array | undefined;
  flushes = 0;
  modeChanges = 0;
  /** Called after every flush (a browser schedules a repaint from here). */
  onFlush: ((scanoutId: number, rect: GpuRect) => void) | undefined;

  scanoutChanged(scanoutId: number, mode: { width: number; height: number } | undefined): void {
    this.modeChanges++;
    this.framebuffers[scanoutId] =
      mode === undefined
        ? undefined
        : { width: mode.width, height: mode.height, format: 0, pixels: new Uint8Array(mode.width * mode.height * 4) };
  }

  flush(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void {
    const fb = this.framebuffers[scanoutId];
    if (fb === undefined || fb.width !== frame.width || fb.height !== frame.height) return;
    fb.format = frame.format;
    const row = rect.w * 4;
    const stride = fb.width * 4;
    if (rect.x === 0 && rect.w === fb.width && frame.stride === stride) {
      const start = rect.y * stride;
      fb.pixels.set(frame.pixels.subarray(start, start + rect.h * stride), start);
    } else {
      for (let y = rect.y; y < rect.y + rect.h; y++) {
        const src = y * frame.stride + rect.x * 4;
        fb.pixels.set(frame.pixels.subarray(src, src + row), y * stride + rect.x * 4);
      }
    }
    this.flushes++;
    this.onFlush?.(scanoutId, rect);
  }

  cursorChanged(cursor: CursorState): void {
    this.cursor = cursor;
    this.cursorImage = cursor.image?.slice();
  }

  cursorMoved(scanoutId: number, x: number, y: number): void {
    if (this.cursor !== undefined) this.cursor = { ...this.cursor, scanoutId, x, y };
  }
}
