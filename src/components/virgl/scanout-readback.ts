import { PipeTextureTarget } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { Rect2D } from "../../rutabaga/rect.ts";
import type { ScanoutPixels, ScanoutTarget } from "../../rutabaga/types.ts";
import { checkGl, drainGlErrors, type HostGl } from "./host-gl/host-gl.ts";
import { ReadbackScratch } from "./resources/readback-scratch.ts";
import type { VirglResourceState } from "./resources/resource.ts";

/** Bytes per pixel of every format a scanout shows. */
const SCANOUT_PIXEL_BYTES = 4;

/**
 * Reads the flushed rectangle of a GL-rendered scanout resource back into the display's frame. Rows come in the
 * order `TRANSFER_FROM_HOST_3D` gives the guest (texture row y is image row y): the scanout shows what the guest
 * would read back itself, whatever orientation the renderer draws in. A full-width rectangle is read straight into
 * the frame; a narrower one through a {@link ReadbackScratch} (by default its own; the component shares its own with
 * guest transfers).
 */
export class ScanoutReadback {
  readonly #scratch: ReadbackScratch;
  /** Read-backs done, the pixels they moved and the milliseconds they took (for per-frame cost figures). */
  reads = 0;
  pixels = 0;
  milliseconds = 0;

  constructor(scratch: ReadbackScratch = new ReadbackScratch()) {
    this.#scratch = scratch;
  }

  read(gl: HostGl, s: VirglResourceState, rect: Rect2D, target: ScanoutTarget): ScanoutPixels {
    const f = s.format;
    if (
      f === undefined ||
      f.compressed ||
      f.blockBytes !== SCANOUT_PIXEL_BYTES ||
      s.samples > 1 ||
      (s.target !== PipeTextureTarget.Texture2D && s.target !== PipeTextureTarget.TextureRect)
    ) {
      throw new RutabagaError("Unsupported", `a ${f?.name ?? "buffer"} resource cannot be shown on a scanout`);
    }
    const bytes = target.bytes();
    const row = rect.w * SCANOUT_PIXEL_BYTES;
    const span = rect.h === 0 ? 0 : (rect.h - 1) * target.stride + row;
    if (target.offset + span > bytes.byteLength) {
      throw new RutabagaError("InvalidIovec", `scanout target of ${bytes.byteLength} bytes is too small`);
    }
    const out: ScanoutPixels = { pixels: bytes, offset: target.offset, stride: target.stride };
    if (rect.w === 0 || rect.h === 0 || s.glName === 0) return out;
    const box = { x: rect.x, y: rect.y, z: 0, w: rect.w, h: rect.h, d: 1 };
    const started = performance.now();
    gl.makeCurrent(undefined);
    drainGlErrors(gl);
    if (row === target.stride) {
      gl.getTextureSubImage(
        s.glName,
        0,
        box,
        f.glFormat,
        f.glType,
        bytes.subarray(target.offset, target.offset + span),
      );
    } else {
      const scratch = this.#scratch.view(row * rect.h);
      gl.getTextureSubImage(s.glName, 0, box, f.glFormat, f.glType, scratch);
      for (let y = 0, src = 0, dst = target.offset; y < rect.h; y++, src += row, dst += target.stride) {
        bytes.set(scratch.subarray(src, src + row), dst);
      }
    }
    checkGl(gl, `reading ${f.name} back for a scanout`);
    this.reads++;
    this.pixels += rect.w * rect.h;
    this.milliseconds += performance.now() - started;
    return out;
  }
}
