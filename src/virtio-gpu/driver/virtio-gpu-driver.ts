import { GUEST_PAGE_SIZE } from "../../rutabaga/constants.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFence, RutabagaFenceHandler } from "../../rutabaga/types.ts";
import type { CtrlHeader, GpuCommand, MemEntry } from "../commands.ts";
import { VirtioGpuDevice } from "../device.ts";
import { GuestMemoryRegions } from "../guest-memory-regions.ts";
import type { HostVisibleRegion } from "../host-visible-region.ts";
import { GpuFlags, GpuResponseType } from "../protocol.ts";
import type { RequestRecorder } from "../trace-capture.ts";

const PAGE = GUEST_PAGE_SIZE;
const OK_TYPES: ReadonlySet<number> = new Set([
  GpuResponseType.OkNodata,
  GpuResponseType.OkDisplayInfo,
  GpuResponseType.OkCapsetInfo,
  GpuResponseType.OkCapset,
  GpuResponseType.OkEdid,
  GpuResponseType.OkResourceUuid,
  GpuResponseType.OkMapInfo,
]);

interface AwaitedFence {
  fenceId: bigint;
  ctxId: number;
  ringIdx: number;
  onDone: () => void;
}

/** A command the device answered with `VIRTIO_GPU_RESP_ERR_*`. */
export class GpuDriverError extends Error {
  readonly responseType: number;
  constructor(command: number, responseType: number) {
    super(`virtio-gpu command 0x${command.toString(16)} answered 0x${responseType.toString(16)}`);
    this.name = "GpuDriverError";
    this.responseType = responseType;
  }
}

/** Guest memory the driver handed out: its pages as mem entries, and a view of it. */
export interface GuestPages {
  entries: MemEntry[];
  bytes: Uint8Array;
}

/** The guest driver's side of virtio-gpu, as a front end in the same process uses it. */
export interface GpuDriver {
  readonly device: VirtioGpuDevice;
  /** Sends one command; returns the response bytes, throws {@link GpuDriverError} on an error response. */
  command(command: GpuCommand, hdr?: Partial<Omit<CtrlHeader, "type">>): Uint8Array;
  /** Sends a command with a ring fence; the promise settles when the fence completes. */
  fenced(command: GpuCommand, ctxId: number, ringIdx: number): Promise<void>;
  /**
   * Sends a command with a ring fence and calls `onDone` as soon as the fence completes (as a guest's fence interrupt
   * would), never while the device executes a command: a fence completed during one is delivered when it returns.
   * `onDone` may send commands. Throws (and never calls `onDone`) when the command is refused.
   */
  whenFenced(command: GpuCommand, ctxId: number, ringIdx: number, onDone: () => void): void;
  /** One zeroed page of guest memory (a ring), until {@link freePages}. */
  allocPage(): GuestPages;
  freePages(pages: GuestPages): void;
}

/** How to build a {@link VirtioGpuInProcessDriver}. */
export interface InProcessDriverOptions {
  rutabaga: (fenceHandler: RutabagaFenceHandler) => Rutabaga;
  hostVisible?: HostVisibleRegion;
  /** Guest RAM the driver hands out pages from (default 16 MiB). */
  ramBytes?: number;
  log?: (message: string) => void;
  /** Records every request as its bytes (encoded only for it), for a trace. */
  recorder?: RequestRecorder;
}

/**
 * A virtio-gpu driver over a {@link VirtioGpuDevice} in the same process: guest RAM of its own (a page allocator),
 * commands handed to the device typed (no request bytes in between, as no boundary separates the two), ring fences
 * awaited through the fence handler.
 */
export class VirtioGpuInProcessDriver implements GpuDriver {
  readonly device: VirtioGpuDevice;
  readonly #ram: Uint8Array;
  readonly #memory: GuestMemoryRegions;
  readonly #base = 0x1_0000_0000n;
  readonly #freePages: number[] = [];
  /** Fences awaited, by fence id as a number (this driver numbers fences itself, so ids never repeat). */
  readonly #waiting = new Map<number, AwaitedFence>();
  /** Completed fences whose callbacks are not called yet. */
  readonly #completed: AwaitedFence[] = [];
  /** Commands executing now (the device may complete fences meanwhile). */
  #executing = 0;
  #delivering = false;
  readonly #log: (message: string) => void;
  #nextFence = 1;
  /** The header of a fenced request, filled per request. */
  readonly #fencedHeader = { flags: GpuFlags.Fence | GpuFlags.InfoRingIdx, fenceId: 0n, ctxId: 0, ringIdx: 0 };

  constructor(options: InProcessDriverOptions) {
    const ramBytes = options.ramBytes ?? 16 * 1024 * 1024;
    this.#ram = new Uint8Array(ramBytes);
    this.#memory = new GuestMemoryRegions([{ guestAddr: this.#base, bytes: this.#ram }]);
    this.#log = options.log ?? (() => {});
    for (let p = ramBytes / PAGE - 1; p >= 0; p--) this.#freePages.push(p);
    this.device = new VirtioGpuDevice({
      rutabaga: (handler) => options.rutabaga((fence) => this.#fenceDone(fence, handler)),
      hostVisible: options.hostVisible,
      log: options.log,
      recorder: options.recorder,
    });
  }

  #fenceDone(fence: RutabagaFence, deviceHandler: RutabagaFenceHandler): void {
    deviceHandler(fence);
    const key = Number(fence.fenceId);
    const w = this.#waiting.get(key);
    if (w === undefined || w.fenceId !== fence.fenceId || w.ctxId !== fence.ctxId || w.ringIdx !== fence.ringIdx)
      return;
    this.#waiting.delete(key);
    this.#completed.push(w);
    this.#deliver();
  }

  /** Calls completed fences' callbacks, in completion order, unless a command executes (it delivers them after). */
  #deliver(): void {
    if (this.#executing > 0 || this.#delivering || this.#completed.length === 0) return;
    this.#delivering = true;
    try {
      for (let done = this.#completed.shift(); done !== undefined; done = this.#completed.shift()) {
        try {
          done.onDone();
        } catch (e) {
          this.#log(`fence callback: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      this.#delivering = false;
    }
  }

  command(command: GpuCommand, hdr: Partial<Omit<CtrlHeader, "type">> = {}): Uint8Array {
    this.#executing++;
    let type: number;
    let response: Uint8Array;
    try {
      type = this.device.executeCommand(0, command, hdr, this.#memory);
      response = this.device.lastResponse.slice();
    } finally {
      this.#executing--;
    }
    this.#deliver();
    if (!OK_TYPES.has(type)) throw new GpuDriverError(command.type, type);
    return response;
  }

  whenFenced(command: GpuCommand, ctxId: number, ringIdx: number, onDone: () => void): void {
    const fenceKey = this.#nextFence++;
    const fenceId = BigInt(fenceKey);
    const awaited: AwaitedFence = { fenceId, ctxId, ringIdx, onDone };
    this.#waiting.set(fenceKey, awaited);
    const hdr = this.#fencedHeader;
    hdr.fenceId = fenceId;
    hdr.ctxId = ctxId;
    hdr.ringIdx = ringIdx;
    this.#executing++;
    let type: number;
    try {
      // Only the response's type matters here: the device keeps the body, nothing is copied.
      type = this.device.executeCommand(0, command, hdr, this.#memory);
    } finally {
      this.#executing--;
    }
    if (!OK_TYPES.has(type)) {
      // A refused command's fence may still complete: its callback is forgotten either way.
      this.#waiting.delete(fenceKey);
      const queued = this.#completed.indexOf(awaited);
      if (queued >= 0) this.#completed.splice(queued, 1);
    }
    this.#deliver();
    if (!OK_TYPES.has(type)) throw new GpuDriverError(command.type, type);
  }

  fenced(command: GpuCommand, ctxId: number, ringIdx: number): Promise<void> {
    return new Promise<void>((resolve) => this.whenFenced(command, ctxId, ringIdx, resolve));
  }

  allocPage(): GuestPages {
    const p = this.#freePages.pop();
    if (p === undefined) throw new RangeError("guest RAM exhausted");
    const bytes = this.#ram.subarray(p * PAGE, (p + 1) * PAGE);
    bytes.fill(0);
    return { entries: [{ addr: this.#base + BigInt(p * PAGE), length: PAGE }], bytes };
  }

  freePages(pages: GuestPages): void {
    for (const e of pages.entries) this.#freePages.push(Number((e.addr - this.#base) / BigInt(PAGE)));
  }

  /** Pages free now. */
  get freePageCount(): number {
    return this.#freePages.length;
  }
}
