import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFence, RutabagaFenceHandler } from "../../rutabaga/types.ts";
import type { CtrlHeader, GpuCommand, MemEntry } from "../commands.ts";
import { VirtioGpuDevice } from "../device.ts";
import { GuestMemoryRegions } from "../guest-memory-regions.ts";
import type { HostVisibleRegion } from "../host-visible-region.ts";
import { GpuFlags, GpuResponseType } from "../protocol.ts";
import { encodeRequest } from "../request-encoder.ts";

const PAGE = 4096;
const OK_TYPES: ReadonlySet<number> = new Set([
  GpuResponseType.OkNodata,
  GpuResponseType.OkDisplayInfo,
  GpuResponseType.OkCapsetInfo,
  GpuResponseType.OkCapset,
  GpuResponseType.OkEdid,
  GpuResponseType.OkResourceUuid,
  GpuResponseType.OkMapInfo,
]);

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
}

/**
 * A virtio-gpu driver over a {@link VirtioGpuDevice} in the same process: guest RAM of its own (a page allocator),
 * requests encoded as a guest writes them and executed by the device, ring fences awaited through the fence handler.
 */
export class VirtioGpuInProcessDriver implements GpuDriver {
  readonly device: VirtioGpuDevice;
  readonly #ram: Uint8Array;
  readonly #memory: GuestMemoryRegions;
  readonly #base = 0x1_0000_0000n;
  readonly #freePages: number[] = [];
  readonly #waiting = new Map<string, { resolve: () => void }>();
  #nextFence = 1n;

  constructor(options: InProcessDriverOptions) {
    const ramBytes = options.ramBytes ?? 16 * 1024 * 1024;
    this.#ram = new Uint8Array(ramBytes);
    this.#memory = new GuestMemoryRegions([{ guestAddr: this.#base, bytes: this.#ram }]);
    for (let p = ramBytes / PAGE - 1; p >= 0; p--) this.#freePages.push(p);
    this.device = new VirtioGpuDevice({
      rutabaga: (handler) => options.rutabaga((fence) => this.#fenceDone(fence, handler)),
      hostVisible: options.hostVisible,
      log: options.log,
    });
  }

  #fenceDone(fence: RutabagaFence, deviceHandler: RutabagaFenceHandler): void {
    deviceHandler(fence);
    const key = `${fence.ctxId}:${fence.ringIdx}:${fence.fenceId}`;
    const w = this.#waiting.get(key);
    if (w === undefined) return;
    this.#waiting.delete(key);
    // Settled outside the component's fence delivery, never re-entering it.
    queueMicrotask(w.resolve);
  }

  command(command: GpuCommand, hdr: Partial<Omit<CtrlHeader, "type">> = {}): Uint8Array {
    const response = this.device.execute(0, encodeRequest(command, hdr), this.#memory);
    const type = new DataView(response.buffer, response.byteOffset).getUint32(0, true);
    if (!OK_TYPES.has(type)) throw new GpuDriverError(command.type, type);
    return response;
  }

  fenced(command: GpuCommand, ctxId: number, ringIdx: number): Promise<void> {
    const fenceId = this.#nextFence++;
    const done = new Promise<void>((resolve) => this.#waiting.set(`${ctxId}:${ringIdx}:${fenceId}`, { resolve }));
    try {
      this.command(command, { flags: GpuFlags.Fence | GpuFlags.InfoRingIdx, fenceId, ctxId, ringIdx });
    } catch (e) {
      this.#waiting.delete(`${ctxId}:${ringIdx}:${fenceId}`);
      throw e;
    }
    return done;
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
