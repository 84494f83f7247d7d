import type { GpuRect } from "./commands.ts";

/** What a scanout shows: a frame of `width`×`height` pixels, `stride` bytes a row, in a virtio-gpu `format`. */
export interface ScanoutFrame {
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  /** `VIRTIO_GPU_FORMAT_*` of the pixels (2, B8G8R8X8, is what Linux uses: bytes B, G, R, X). */
  readonly format: number;
  /** The frame: `height` rows of `width` pixels, `stride` bytes apart; only valid during the call that hands it out. */
  readonly pixels: Uint8Array;
}

/** The cursor as the guest set it. */
export interface CursorState {
  readonly scanoutId: number;
  readonly x: number;
  readonly y: number;
  readonly hotX: number;
  readonly hotY: number;
  /** 64×64 pixels of the cursor resource's format (4 bytes each); `undefined` when the cursor is hidden. */
  readonly image: Uint8Array | undefined;
}

/**
 * Where the device's picture goes: a window, a canvas, a PNG writer, QEMU's display over vhost-user. Every method is
 * optional; none may throw back into the device (exceptions are caught and counted).
 */
export interface DisplaySink {
  /** A scanout started showing a `width`×`height` picture, changed size, or (with `undefined`) was disabled. */
  scanoutChanged?(scanoutId: number, mode: { width: number; height: number } | undefined): void;
  /** `rect` (in scanout coordinates) of the scanout's frame has new pixels. */
  flush?(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void;
  /** The cursor image or hot spot changed, or it was hidden (`image === undefined`). */
  cursorChanged?(cursor: CursorState): void;
  /** The cursor moved without changing its image. */
  cursorMoved?(scanoutId: number, x: number, y: number): void;
}
