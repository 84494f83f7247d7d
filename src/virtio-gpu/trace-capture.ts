import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { GpuCommand, MemEntry } from "./commands.ts";
import type { ScanoutConfig } from "./display-model.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { GpuCommandType } from "./protocol.ts";

/** Something that keeps what the device executes, to replay it later (see `trace.ts`). */
export interface RequestRecorder {
  /** Guest memory the next request will read, as it is now. */
  memory(addr: bigint, bytes: Uint8Array): void;
  /** A request about to execute on `queueIndex`. */
  request(queueIndex: number, bytes: Uint8Array): void;
  /** A scanout changed size or connection (hot-plug) between requests. */
  displayChanged(scanouts: readonly ScanoutConfig[]): void;
}

/** A resource's backing as the guest gave it: its entries, and the views of guest memory made for each. */
export interface GuestBacking {
  readonly entries: readonly MemEntry[];
  readonly views: readonly Uint8Array[][];
}

/**
 * Feeds a {@link RequestRecorder}: each request, preceded by the guest memory it is about to read (the backing range
 * a transfer or blob flush takes pixels from), so a replay sees what the device saw.
 */
export class TraceCapture {
  readonly #recorder: RequestRecorder;

  constructor(recorder: RequestRecorder) {
    this.#recorder = recorder;
  }

  /** Records `bytes` (decoded as `c`) about to run on `queueIndex`, with the guest memory it reads. */
  request(
    queueIndex: number,
    bytes: Uint8Array,
    c: GpuCommand,
    memory: GuestMemory | undefined,
    backings: ReadonlyMap<number, GuestBacking>,
    rutabaga: Rutabaga,
  ): void {
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
    this.#recorder.request(queueIndex, bytes);
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
        if (from < to) {
          this.#recorder.memory(entries[i]!.addr + BigInt(from - pos), v.subarray(from - entryPos, to - entryPos));
        }
        entryPos = vEnd;
      }
      pos += entries[i]!.length;
    }
  }
}
