import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { GpuCommand, MemEntry } from "./commands.ts";
import type { ScanoutConfig } from "./display-model.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { GpuCommandType } from "./protocol.ts";
import { RequestRanges } from "./trace-ranges.ts";

/** Something that keeps what the device executes, to replay it later (see `trace.ts`). */
export interface RequestRecorder {
  /** Guest memory the next request will read, as it is now. */
  memory(addr: bigint, bytes: Uint8Array): void;
  /** A request about to execute on `queueIndex`. */
  request(queueIndex: number, bytes: Uint8Array): void;
  /** A scanout changed size or connection (hot-plug) between requests. */
  displayChanged(scanouts: readonly ScanoutConfig[]): void;
  /** The virtio-gpu feature bits the device offers (told once it is built, again after a reset). */
  deviceFeatures?(features: bigint): void;
  /** The bytes of capset `capsetId` version `version` a GET_CAPSET answered with. */
  capset?(capsetId: number, version: number, bytes: Uint8Array): void;
}

/** A resource's backing as the guest gave it: its entries, and the views of guest memory made for each. */
export interface GuestBacking {
  readonly entries: readonly MemEntry[];
  readonly views: readonly Uint8Array[][];
}

/**
 * Feeds a {@link RequestRecorder}: each request, preceded by the guest memory it reads (the backing range a transfer
 * or blob flush takes pixels from, and each range a component reports while the request runs, through
 * {@link backingRead}), so a replay sees what the device saw. A request is handed over once it has run
 * ({@link executed}): the ranges a command stream reads are known only then.
 */
export class TraceCapture {
  readonly #recorder: RequestRecorder;
  #backings: ReadonlyMap<number, GuestBacking> | undefined;
  #pendingQueue = 0;
  #pending: Uint8Array | undefined;
  readonly #ranges = new RequestRanges();

  constructor(recorder: RequestRecorder) {
    this.#recorder = recorder;
  }

  /** The device was built (or rebuilt by a reset) offering `features`. */
  deviceBuilt(features: bigint): void {
    this.#recorder.deviceFeatures?.(features);
  }

  /** The guest was given capset `capsetId` version `version`. */
  capsetRead(capsetId: number, version: number, bytes: Uint8Array): void {
    this.#recorder.capset?.(capsetId, version, bytes);
  }

  /**
   * A component is about to read `[offset, offset + length)` of resource `resourceId`'s backing while the request
   * runs; ranges outside the backing the guest gave are ignored (the component refuses those reads).
   */
  backingRead(resourceId: number, offset: number, length: number): void {
    const backing = this.#backings?.get(resourceId);
    if (backing === undefined || this.#pending === undefined) return;
    this.#backingRange(backing, offset, length);
  }

  /** The request handed to {@link request} has run: it goes to the recorder after the memory it read. */
  executed(): void {
    const bytes = this.#pending;
    if (bytes === undefined) return;
    this.#pending = undefined;
    this.#recorder.request(this.#pendingQueue, bytes);
  }

  /**
   * Records the guest memory `bytes` (decoded as `c`, about to run on `queueIndex`) reads; the request itself follows
   * at {@link executed}. `bytes` must stay unchanged until then.
   */
  request(
    queueIndex: number,
    bytes: Uint8Array,
    c: GpuCommand,
    memory: GuestMemory | undefined,
    backings: ReadonlyMap<number, GuestBacking>,
    rutabaga: Rutabaga,
  ): void {
    this.#ranges.clear();
    if (memory !== undefined) {
      let range: { backing: GuestBacking; offset: number; length: number } | undefined;
      if (c.type === GpuCommandType.TransferToHost2d) {
        const backing = backings.get(c.resourceId);
        if (backing !== undefined && c.offset <= BigInt(Number.MAX_SAFE_INTEGER) && c.rect.h > 0) {
          const pitch = rutabaga.resourceInfo(c.resourceId).width * 4;
          range = { backing, offset: Number(c.offset), length: (c.rect.h - 1) * pitch + c.rect.w * 4 };
        }
      } else if (c.type === GpuCommandType.TransferToHost3d) {
        const backing = backings.get(c.resourceId);
        if (backing !== undefined && c.offset <= BigInt(Number.MAX_SAFE_INTEGER)) {
          const length = backing.views.flat().reduce((n, v) => n + v.length, 0);
          range = { backing, offset: Number(c.offset), length };
        }
      } else if (c.type === GpuCommandType.ResourceFlush) {
        const backing = backings.get(c.resourceId);
        if (backing !== undefined && rutabaga.resourceInfo(c.resourceId).blob) {
          range = { backing, offset: 0, length: Number.MAX_SAFE_INTEGER };
        }
      }
      if (range !== undefined) this.#backingRange(range.backing, range.offset, range.length);
    }
    this.#backings = backings;
    this.#pendingQueue = queueIndex;
    this.#pending = bytes;
  }

  /** A scanout's mode changed. */
  displayChanged(scanouts: readonly ScanoutConfig[]): void {
    this.#recorder.displayChanged(scanouts);
  }

  /** Hands the recorder the guest bytes behind backing range `[offset, offset + length)`. */
  #backingRange(backing: GuestBacking, offset: number, length: number): void {
    const { entries, views } = backing;
    let pos = 0;
    const end = offset + length;
    for (let i = 0; i < entries.length && pos < end; i++) {
      let entryPos = pos;
      for (const v of views[i]!) {
        const vEnd = entryPos + v.length;
        const from = Math.max(offset, entryPos);
        const to = Math.min(end, vEnd);
        if (from < to) this.#memory(entries[i]!.addr + BigInt(from - pos), v.subarray(from - entryPos, to - entryPos));
        entryPos = vEnd;
      }
      pos += entries[i]!.length;
    }
  }

  /** Hands the recorder the parts of `bytes` (guest memory at `addr`) not yet recorded for this request. */
  #memory(addr: bigint, bytes: Uint8Array): void {
    for (const [ps, pe] of this.#ranges.take(addr, addr + BigInt(bytes.length))) {
      this.#recorder.memory(ps, bytes.subarray(Number(ps - addr), Number(pe - addr)));
    }
  }
}
