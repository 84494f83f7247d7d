import { GpuLayout } from "./protocol.ts";

const C = GpuLayout.Config;

/** Most bytes one configuration read returns (reads past `virtio_gpu_config` are zeros). */
const MAX_CONFIG_READ = 4096;

/** `virtio_gpu_config` (virtio 1.3 §5.7.4): pending events, and the counts the device reports. */
export class GpuConfigSpace {
  #eventsRead = 0;

  /** The `events_read` bits pending. */
  get eventsRead(): number {
    return this.#eventsRead;
  }

  /** Sets `events_read` bits (the transport then raises a configuration-change interrupt). */
  raise(events: number): void {
    this.#eventsRead |= events;
  }

  /** Reads `length` bytes at `offset`. */
  read(offset: number, length: number, numScanouts: number, numCapsets: number): Uint8Array {
    const config = new Uint8Array(C.size);
    const v = new DataView(config.buffer);
    v.setUint32(C.eventsRead, this.#eventsRead, true);
    v.setUint32(C.numScanouts, numScanouts, true);
    v.setUint32(C.numCapsets, numCapsets, true);
    const out = new Uint8Array(Math.max(0, Math.min(length, MAX_CONFIG_READ)));
    if (offset >= 0 && offset < config.length) {
      out.set(config.subarray(offset, Math.min(config.length, offset + out.length)));
    }
    return out;
  }

  /** Only `events_clear` is writable; writing its bits clears them from `events_read`. */
  write(offset: number, data: Uint8Array): void {
    if (offset !== C.eventsClear || data.length < 4) return;
    const clear = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
    this.#eventsRead &= ~clear;
  }

  reset(): void {
    this.#eventsRead = 0;
  }
}
