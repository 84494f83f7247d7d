import type { CursorState, DisplaySink, GpuRect, ScanoutFrame } from "../virtio-gpu/index.ts";

/** What a {@link SharedFrameSink} posts to the page; hand each to {@link SharedFrameReceiver.receive}. */
export type DisplayMessage =
  | { kind: "mode"; scanoutId: number; width: number; height: number; frame: SharedArrayBuffer }
  | { kind: "disabled"; scanoutId: number }
  | { kind: "flush"; scanoutId: number; rect: GpuRect; format: number }
  | { kind: "cursor"; cursor: CursorState }
  | { kind: "cursor-moved"; scanoutId: number; x: number; y: number };

/** Is this a {@link DisplayMessage}? (The page shares its worker's message port with other traffic.) */
export function isDisplayMessage(data: unknown): data is DisplayMessage {
  const kind = (data as { kind?: unknown } | null)?.kind;
  return kind === "mode" || kind === "disabled" || kind === "flush" || kind === "cursor" || kind === "cursor-moved";
}

/**
 * The device side of a display split across threads: each scanout's frame lives in a `SharedArrayBuffer` (width×4
 * bytes a row) the flushed rectangle is copied into, and every event is posted as a {@link DisplayMessage}. Runs
 * in the device's worker; the page paints from the shared frame with a {@link SharedFrameReceiver}.
 */
export class SharedFrameSink implements DisplaySink {
  readonly #post: (message: DisplayMessage, transfer?: ArrayBuffer[]) => void;
  readonly #frames: (Uint8Array | undefined)[] = [];

  /**
   * `post` sends a message to the page (a worker's `postMessage`); `transfer` names buffers made for the message
   * alone, which the page may take over instead of copying.
   */
  constructor(post: (message: DisplayMessage, transfer?: ArrayBuffer[]) => void) {
    this.#post = post;
  }

  scanoutChanged(scanoutId: number, mode: { width: number; height: number } | undefined): void {
    if (mode === undefined) {
      this.#frames[scanoutId] = undefined;
      this.#post({ kind: "disabled", scanoutId });
      return;
    }
    const frame = new SharedArrayBuffer(mode.width * mode.height * 4);
    this.#frames[scanoutId] = new Uint8Array(frame);
    this.#post({ kind: "mode", scanoutId, width: mode.width, height: mode.height, frame });
  }

  flush(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void {
    const shared = this.#frames[scanoutId];
    const pitch = frame.width * 4;
    if (shared === undefined || shared.length !== pitch * frame.height) return;
    if (frame.stride === pitch) {
      // The rows' whole width in one copy (the page paints only `rect` of them): no view per row.
      const start = rect.y * pitch;
      shared.set(frame.pixels.subarray(start, start + rect.h * pitch), start);
    } else {
      const row = rect.w * 4;
      for (let y = rect.y; y < rect.y + rect.h; y++) {
        const src = y * frame.stride + rect.x * 4;
        shared.set(frame.pixels.subarray(src, src + row), y * pitch + rect.x * 4);
      }
    }
    this.#post({ kind: "flush", scanoutId, rect, format: frame.format });
  }

  cursorChanged(cursor: CursorState): void {
    const image = cursor.image?.slice();
    this.#post({ kind: "cursor", cursor: { ...cursor, image } }, image === undefined ? [] : [image.buffer]);
  }

  cursorMoved(scanoutId: number, x: number, y: number): void {
    this.#post({ kind: "cursor-moved", scanoutId, x, y });
  }
}

/** The page side of a {@link SharedFrameSink}: replays its messages into any display sink (a `CanvasSink`). */
export class SharedFrameReceiver {
  readonly #sink: DisplaySink;
  /** Per scanout, the frame handed to the sink at each flush: made at the mode change, only its format updated. */
  readonly #frames: ({ -readonly [K in keyof ScanoutFrame]: ScanoutFrame[K] } | undefined)[] = [];

  constructor(sink: DisplaySink) {
    this.#sink = sink;
  }

  receive(message: DisplayMessage): void {
    switch (message.kind) {
      case "mode":
        this.#frames[message.scanoutId] = {
          width: message.width,
          height: message.height,
          stride: message.width * 4,
          format: 0,
          pixels: new Uint8Array(message.frame),
        };
        this.#sink.scanoutChanged?.(message.scanoutId, { width: message.width, height: message.height });
        break;
      case "disabled":
        this.#frames[message.scanoutId] = undefined;
        this.#sink.scanoutChanged?.(message.scanoutId, undefined);
        break;
      case "flush": {
        const frame = this.#frames[message.scanoutId];
        if (frame === undefined) return;
        frame.format = message.format;
        this.#sink.flush?.(message.scanoutId, message.rect, frame);
        break;
      }
      case "cursor":
        this.#sink.cursorChanged?.(message.cursor);
        break;
      case "cursor-moved":
        this.#sink.cursorMoved?.(message.scanoutId, message.x, message.y);
        break;
    }
  }
}
