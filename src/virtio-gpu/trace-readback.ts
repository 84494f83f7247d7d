import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { Transfer3D } from "../rutabaga/types.ts";
import { decodeCommand } from "./codec.ts";
import type { MemEntry } from "./commands.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { GpuCommandType, GpuResponseType } from "./protocol.ts";

/** What a replayed TRANSFER_FROM_HOST_3D read back into guest memory (a vtest client's TRANSFER_GET2). */
export interface TraceReadBack {
  /** Which read-back of the replay this is, from 0. */
  readonly index: number;
  readonly resourceId: number;
  /** The resource's format as created (a virgl / `VIRTIO_GPU_FORMAT_*` number). */
  readonly format: number;
  /** The resource's level-0 size (a stride of 0 means the level's own row pitch). */
  readonly width: number;
  readonly height: number;
  /** Bytes of the resource's backing. */
  readonly backingLength: number;
  /** The box, level, strides and backing offset the request gave. */
  readonly transfer: Transfer3D;
  /** A copy of `length` bytes of the resource's backing from `offset`, or undefined past its end. */
  read(offset: number, length: number): Uint8Array | undefined;
}

/**
 * Follows a replay's backing attachments (decoding each request again) and, after each TRANSFER_FROM_HOST_3D that
 * succeeded, hands `onReadBack` what it wrote to guest memory.
 */
export class ReadBackWatcher {
  readonly #onReadBack: (readBack: TraceReadBack) => void;
  readonly #backings = new Map<number, readonly MemEntry[]>();
  #pending: { resourceId: number; transfer: Transfer3D } | undefined;
  #count = 0;

  constructor(onReadBack: (readBack: TraceReadBack) => void) {
    this.#onReadBack = onReadBack;
  }

  /** Looks at a request about to run. */
  before(bytes: Uint8Array): void {
    this.#pending = undefined;
    const decoded = decodeCommand(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.length);
    if (!decoded.ok) return;
    const c = decoded.command;
    if (c.type === GpuCommandType.ResourceAttachBacking) this.#backings.set(c.resourceId, c.entries);
    else if (c.type === GpuCommandType.ResourceCreateBlob && c.entries.length > 0)
      this.#backings.set(c.resourceId, c.entries);
    else if (c.type === GpuCommandType.ResourceDetachBacking || c.type === GpuCommandType.ResourceUnref)
      this.#backings.delete(c.resourceId);
    else if (c.type === GpuCommandType.TransferFromHost3d && c.offset <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const transfer = {
        ...c.box,
        level: c.level,
        stride: c.stride,
        layerStride: c.layerStride,
        offset: Number(c.offset),
      };
      this.#pending = { resourceId: c.resourceId, transfer };
    }
  }

  /** The request ran and got `responseType`. */
  after(responseType: number, memory: GuestMemory, rutabaga: Rutabaga): void {
    const p = this.#pending;
    this.#pending = undefined;
    if (p === undefined || responseType !== GpuResponseType.OkNodata) return;
    const entries = this.#backings.get(p.resourceId);
    if (entries === undefined) return;
    const info = rutabaga.resourceInfo(p.resourceId);
    this.#onReadBack({
      index: this.#count++,
      resourceId: p.resourceId,
      format: info.format ?? 0,
      width: info.width,
      height: info.height,
      backingLength: info.backingLength,
      transfer: p.transfer,
      read: (offset, length) => gather(memory, entries, offset, length),
    });
  }
}

/** A copy of `[offset, offset + length)` of the backing `entries` describe, or undefined past its end. */
function gather(
  memory: GuestMemory,
  entries: readonly MemEntry[],
  offset: number,
  length: number,
): Uint8Array | undefined {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) return undefined;
  const out = new Uint8Array(length);
  let done = 0;
  let pos = 0;
  for (const e of entries) {
    if (done === length) break;
    const end = pos + e.length;
    const from = offset + done;
    if (from < end) {
      const take = Math.min(end - from, length - done);
      const views = memory.translate(e.addr + BigInt(from - pos), take);
      if (views === undefined) return undefined;
      for (const v of views) {
        out.set(v, done);
        done += v.length;
      }
    }
    pos = end;
  }
  return done === length ? out : undefined;
}
