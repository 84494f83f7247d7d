import {
  type CursorState,
  type DisplaySink,
  decodeTrace,
  type GpuRect,
  GpuResponseType,
  type ScanoutFrame,
  SparseGuestMemory,
  type TraceHeader,
  type TraceRecord,
  VirtioGpuDevice,
} from "../virtio-gpu/index.ts";
import type { ReplayOptions } from "../virtio-gpu/trace.ts";

/**
 * A trace replayed step by step on the calling thread (a player's scrubber): requests run through a device sized as
 * recorded (2D, or on the library given), as `replayTrace` runs them, until a given number of flushes reached `sink`.
 */
export class TraceStepper {
  readonly header: TraceHeader;
  readonly records: readonly TraceRecord[];
  /** Requests in the whole trace. */
  readonly requestCount: number;
  readonly #sink: DisplaySink;
  #device!: VirtioGpuDevice;
  #memory!: SparseGuestMemory;
  #at = 0;
  /** Requests executed since the start. */
  requestsDone = 0;
  /** Flushes that reached the sink since the start. */
  flushesDone = 0;
  /** Error responses since the start, by type. */
  errors = new Map<number, number>();

  readonly #rutabaga: ReplayOptions["rutabaga"];

  /**
   * Decodes `trace` (throws `TraceError`) and readies a device whose display goes to `sink`, on the library
   * `rutabaga` builds for each (re)start (a 3D trace needs a virgl one: `buildWebGl2Rutabaga`), else 2D.
   */
  constructor(trace: Uint8Array, sink: DisplaySink, rutabaga?: ReplayOptions["rutabaga"]) {
    this.#rutabaga = rutabaga;
    const { header, records } = decodeTrace(trace);
    this.header = header;
    this.records = records;
    this.requestCount = records.reduce((n, r) => n + (r.kind === "request" ? 1 : 0), 0);
    const counted: DisplaySink = {
      scanoutChanged: (id, mode) => sink.scanoutChanged?.(id, mode),
      flush: (id: number, rect: GpuRect, frame: ScanoutFrame) => {
        this.flushesDone++;
        sink.flush?.(id, rect, frame);
      },
      cursorChanged: (cursor: CursorState) => sink.cursorChanged?.(cursor),
      cursorMoved: (id, x, y) => sink.cursorMoved?.(id, x, y),
    };
    this.#sink = counted;
    this.restart();
  }

  /** The device now (its scanouts, resources). */
  get device(): VirtioGpuDevice {
    return this.#device;
  }

  /** Every record has run. */
  get done(): boolean {
    return this.#at >= this.records.length;
  }

  /** Back to before the first record, with a new device. */
  restart(): void {
    // A library of the caller's holds host GL objects: the old device gives them back before the new one starts.
    if (this.#rutabaga !== undefined) this.#device?.destroy();
    this.#memory = new SparseGuestMemory();
    this.#device = new VirtioGpuDevice({
      scanouts: this.header.scanouts,
      sink: this.#sink,
      ...(this.#rutabaga !== undefined ? { rutabaga: this.#rutabaga } : {}),
      ...(this.header.features !== undefined ? { features: this.header.features } : {}),
    });
    this.#at = 0;
    this.requestsDone = 0;
    this.flushesDone = 0;
    this.errors = new Map();
  }

  /** Runs records until `flushes` more flushes have happened, or to the end; returns how many happened. */
  advance(flushes = Number.POSITIVE_INFINITY): number {
    const target = this.flushesDone + flushes;
    const start = this.flushesDone;
    while (this.#at < this.records.length && this.flushesDone < target) {
      const r = this.records[this.#at++]!;
      if (r.kind === "memory") this.#memory.write(r.addr, r.bytes);
      else if (r.kind === "display") {
        r.scanouts.forEach((s, i) => {
          if (i < this.#device.numScanouts) this.#device.setScanoutConfig(i, s);
        });
      } else {
        this.requestsDone++;
        const type = this.#device.executeForType(r.queueIndex, r.bytes, this.#memory);
        if (type >= GpuResponseType.ErrUnspec) this.errors.set(type, (this.errors.get(type) ?? 0) + 1);
      }
    }
    return this.flushesDone - start;
  }

  /** Shows the state after flush `frame` (0: before the first flush), replaying from the start when going back. */
  seek(frame: number): void {
    if (frame < this.flushesDone) this.restart();
    if (frame > this.flushesDone) this.advance(frame - this.flushesDone);
  }
}
