import { FramebufferSink, type GpuRect, type ScanoutFrame } from "../../../../src/virtio-gpu/index.ts";
import type { TraceReadBack } from "../../../../src/virtio-gpu/trace-readback.ts";
import { packBox } from "../../../node/vtest/readback-box.ts";

/** A sink that keeps a copy of the whole scanout after every flush, and can mark where a restore happened. */
export class FrameRecorder extends FramebufferSink {
  readonly frames: Uint8Array[] = [];
  #mark = 0;

  override flush(scanoutId: number, rect: GpuRect, frame: ScanoutFrame): void {
    super.flush(scanoutId, rect, frame);
    const fb = this.framebuffers[scanoutId];
    if (fb !== undefined) this.frames.push(fb.pixels.slice());
  }

  /** Frames from here on are {@link sinceMark}'s. */
  mark(): void {
    this.#mark = this.frames.length;
  }

  sinceMark(): Uint8Array[] {
    return this.frames.slice(this.#mark);
  }
}

/** Frames and read-backs as one byte string: u32 counts, then u32 length and bytes of each. */
export function encodeCapture(frames: readonly Uint8Array[], readBacks: readonly Uint8Array[]): Uint8Array {
  let n = 8;
  for (const b of [...frames, ...readBacks]) n += 4 + b.byteLength;
  const out = new Uint8Array(n);
  const v = new DataView(out.buffer);
  v.setUint32(0, frames.length, true);
  v.setUint32(4, readBacks.length, true);
  let at = 8;
  for (const b of [...frames, ...readBacks]) {
    v.setUint32(at, b.byteLength, true);
    out.set(b, at + 4);
    at += 4 + b.byteLength;
  }
  return out;
}

/** The inverse of {@link encodeCapture}. */
export function decodeCapture(bytes: Uint8Array): { frames: Uint8Array[]; readBacks: Uint8Array[] } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = [v.getUint32(0, true), v.getUint32(4, true)];
  let at = 8;
  const take = () => {
    const n = v.getUint32(at, true);
    const b = bytes.slice(at + 4, at + 4 + n);
    at += 4 + n;
    return b;
  };
  const frames = Array.from({ length: counts[0]! }, take);
  const readBacks = Array.from({ length: counts[1]! }, take);
  return { frames, readBacks };
}

/** The box a TRANSFER_FROM_HOST_3D read back, packed (the rest of the backing is whatever the guest left there). */
export function readBackBox(r: TraceReadBack): Uint8Array {
  const read = (offset: number, length: number) => r.read(offset, length) ?? new Uint8Array(length);
  return packBox(read, r.transfer, r.width, r.height, r.format);
}
