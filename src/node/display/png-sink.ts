import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Framebuffer, FramebufferSink } from "../../virtio-gpu/framebuffer-sink.ts";
import { encodePng } from "./png.ts";

/** How a {@link PngSink} writes. */
export interface PngSinkOptions {
  /** Also write `scanout-N-flush-K.png` after every flush (K counts from 1 per scanout). */
  everyFlush?: boolean;
}

/**
 * A display sink that keeps each scanout's picture (a {@link FramebufferSink}) and writes it as PNG files into a
 * directory: `scanout-N.png` on {@link PngSink.writeAll}, and with `everyFlush` one file per flush. The directory is
 * created on the first write.
 */
export class PngSink extends FramebufferSink {
  /** Where the files go. */
  readonly dir: string;
  readonly #flushes: number[] = [];
  #made = false;

  constructor(dir: string, options: PngSinkOptions = {}) {
    super();
    this.dir = dir;
    if (options.everyFlush) {
      this.onFlush = (scanoutId) => {
        const k = (this.#flushes[scanoutId] ?? 0) + 1;
        this.#flushes[scanoutId] = k;
        this.#write(`scanout-${scanoutId}-flush-${k}.png`, this.framebuffers[scanoutId]!);
      };
    }
  }

  /** Writes `scanout-N.png` for every scanout that has a picture; returns how many were written. */
  writeAll(): number {
    let written = 0;
    this.framebuffers.forEach((fb, i) => {
      if (fb === undefined) return;
      this.#write(`scanout-${i}.png`, fb);
      written++;
    });
    return written;
  }

  #write(name: string, fb: Framebuffer): void {
    if (!this.#made) mkdirSync(this.dir, { recursive: true });
    this.#made = true;
    const frame = { width: fb.width, height: fb.height, stride: fb.width * 4, format: fb.format, pixels: fb.pixels };
    writeFileSync(join(this.dir, name), encodePng(frame));
  }
}
