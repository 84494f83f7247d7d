import { RutabagaBuilder } from "../rutabaga/builder.ts";
import { RutabagaComponentType } from "../rutabaga/constants.ts";
import { RutabagaError } from "../rutabaga/error.ts";
import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../rutabaga/types.ts";
import { CommandDispatcher } from "./command-dispatch.ts";
import type { CtrlHeader, GpuCommand } from "./commands.ts";
import { GpuConfigSpace } from "./config-space.ts";
import { decodeDeviceSnapshot, encodeDeviceSnapshot } from "./device-snapshot.ts";
import { DEFAULT_SCANOUT, DisplayModel, type ScanoutConfig } from "./display-model.ts";
import type { DisplaySink } from "./display-sink.ts";
import type { GuestMemory } from "./guest-memory.ts";
import type { HostVisibleRegion } from "./host-visible-region.ts";
import { GpuEvent, GpuFeature } from "./protocol.ts";
import { QueueService } from "./queue-service.ts";
import type { RequestHeader } from "./request-encoder.ts";
import { type RequestRecorder, TraceCapture } from "./trace-capture.ts";
import type { SplitVirtqueue } from "./virtqueue.ts";

export { DEFAULT_SCANOUT, MIN_SCANOUT_DIMENSION, type ScanoutConfig } from "./display-model.ts";
export { MAX_REQUEST_BYTES } from "./queue-service.ts";
export type { RequestRecorder } from "./trace-capture.ts";

/** How to build a {@link VirtioGpuDevice}. */
export interface VirtioGpuDeviceOptions {
  /** Builds the library with the device's fence handler; default: a 2D-only instance. */
  rutabaga?: (fenceHandler: RutabagaFenceHandler) => Rutabaga;
  /** Display outputs, 1..16; default one {@link DEFAULT_SCANOUT}. */
  scanouts?: readonly ScanoutConfig[];
  sink?: DisplaySink;
  /**
   * A response held back by a fence went to the used ring outside `processQueue` (see `drainCompletions`) and the
   * driver wants an interrupt.
   */
  onQueueNotify?: (queueIndex: number) => void;
  /** `events_read` changed: the transport raises a configuration-change interrupt. */
  onConfigChange?: () => void;
  /** Receives every request (and the guest memory it reads) for trace files. */
  recorder?: RequestRecorder;
  /**
   * The virtio-gpu feature bits to offer (`1n << GpuFeature.*`) instead of the default set; a front end that
   * mirrors another device (QEMU's virtio-gpu-gl offers VIRGL and EDID) names them here.
   */
  features?: bigint;
  /** Diagnostics about guest misbehaviour (never thrown). */
  log?: (message: string) => void;
  /** The host-visible shared memory region `RESOURCE_MAP_BLOB` places blobs in; without one it is refused. */
  hostVisible?: HostVisibleRegion;
}

/**
 * The virtio-gpu device (virtio 1.3 §5.7), put together from its jobs: the queue service (chains in, responses out,
 * fenced responses held), command dispatch (requests through the {@link Rutabaga} API), the display model (scanouts,
 * cursor, the sink), trace capture and the configuration space. Isomorphic: guest memory comes through
 * {@link GuestMemory}, pictures leave through a {@link DisplaySink}. Nothing a guest sends throws out of it: every
 * failure becomes a `VIRTIO_GPU_RESP_ERR_*` response.
 */
export class VirtioGpuDevice {
  readonly #options: VirtioGpuDeviceOptions;
  readonly #display: DisplayModel;
  readonly #config = new GpuConfigSpace();
  readonly #capture: TraceCapture | undefined;
  readonly #dispatcher: CommandDispatcher;
  readonly #queues: QueueService;
  #driverFeatures = 0n;

  constructor(options: VirtioGpuDeviceOptions = {}) {
    this.#options = options;
    const log = (message: string) => options.log?.(message);
    this.#display = new DisplayModel(options.scanouts ?? [{ ...DEFAULT_SCANOUT }], options.sink, log);
    this.#capture = options.recorder === undefined ? undefined : new TraceCapture(options.recorder);
    // The fence handler is bound before the queue service exists; completions only arrive once requests run.
    this.#dispatcher = new CommandDispatcher(
      this.#buildRutabaga(),
      this.#display,
      this.#capture,
      log,
      options.hostVisible,
    );
    this.#queues = new QueueService(this.#dispatcher, options.onQueueNotify, log);
    this.#capture?.deviceBuilt(this.deviceFeatures());
  }

  #buildRutabaga(): Rutabaga {
    const handler: RutabagaFenceHandler = (fence) => this.#queues.fenceCompleted(fence);
    const factory =
      this.#options.rutabaga ??
      ((h: RutabagaFenceHandler) =>
        new RutabagaBuilder(0n, h).setDefaultComponent(RutabagaComponentType.Rutabaga2D).build());
    const rutabaga = factory(handler);
    const capture = this.#capture;
    // Only a recording device asks for the backing ranges command streams read.
    if (capture !== undefined)
      rutabaga.observeBackingReads((id, offset, length) => capture.backingRead(id, offset, length));
    return rutabaga;
  }

  /** The library instance behind the device. */
  get rutabaga(): Rutabaga {
    return this.#dispatcher.rutabaga;
  }

  /** The number of scanouts. */
  get numScanouts(): number {
    return this.#display.count;
  }

  /** Responses held back behind unfinished fences. */
  get parkedResponses(): number {
    return this.#queues.parkedCount;
  }

  /** Chains refused because they were malformed. */
  get faultyChains(): number {
    return this.#queues.faultyChains;
  }

  /** Exceptions a display sink threw (swallowed). */
  get sinkErrors(): number {
    return this.#display.sinkErrors;
  }

  /** virtio-gpu feature bits the device offers (the transport adds its own, like VERSION_1 and EVENT_IDX). */
  deviceFeatures(): bigint {
    if (this.#options.features !== undefined) return this.#options.features;
    let f = (1n << GpuFeature.Edid) | (1n << GpuFeature.ResourceBlob);
    const rb = this.rutabaga;
    const threeD = rb.defaultComponent !== RutabagaComponentType.Rutabaga2D || rb.getNumCapsets() > 0;
    if (threeD) f |= (1n << GpuFeature.Virgl) | (1n << GpuFeature.ContextInit) | (1n << GpuFeature.ResourceUuid);
    return f;
  }

  /** The features the driver accepted. */
  setDriverFeatures(bits: bigint): void {
    this.#driverFeatures = bits & this.deviceFeatures();
  }

  /** The features in force. */
  get driverFeatures(): bigint {
    return this.#driverFeatures;
  }

  /** Reads `virtio_gpu_config` (16 bytes; reads past it are zeros). */
  readConfig(offset: number, length: number): Uint8Array {
    return this.#config.read(offset, length, this.#display.count, this.rutabaga.getNumCapsets());
  }

  /** Writes `virtio_gpu_config`: only `events_clear` is writable; writing its bits clears them from `events_read`. */
  writeConfig(offset: number, data: Uint8Array): void {
    this.#config.write(offset, data);
  }

  /** The configured display modes. */
  scanoutConfigs(): ScanoutConfig[] {
    return this.#display.configs();
  }

  /**
   * Changes a scanout's mode or connection (a window resized, a monitor plugged in); the driver learns it through the
   * display event and asks GET_DISPLAY_INFO again.
   */
  setScanoutConfig(scanoutId: number, config: ScanoutConfig): void {
    this.#display.setConfig(scanoutId, config);
    this.#capture?.displayChanged(this.scanoutConfigs());
    this.#config.raise(GpuEvent.Display);
    this.#options.onConfigChange?.();
  }

  /** Drops every resource, context, scanout binding and fence (virtio device reset). */
  reset(): void {
    this.#display.reset();
    this.rutabaga.destroy();
    this.#dispatcher.reset();
    this.#queues.reset();
    this.#config.reset();
    this.#driverFeatures = 0n;
    this.#dispatcher.rutabaga = this.#buildRutabaga();
    this.#capture?.deviceBuilt(this.deviceFeatures());
  }

  /**
   * The device's state as bytes (`device-snapshot.ts`): the features in force, scanout modes, pending config events,
   * each resource's backing as guest addresses, the requests that show the scanouts and cursor, and the library's
   * snapshot. Virtqueue positions are the transport's. Throws `RutabagaError` (`Unsupported`) while responses wait on
   * fences or blobs are mapped, and whatever the library's snapshot refuses.
   */
  snapshot(): Uint8Array {
    if (this.#queues.parkedCount > 0) {
      throw new RutabagaError("Unsupported", `${this.#queues.parkedCount} responses wait on fences`);
    }
    return encodeDeviceSnapshot({
      driverFeatures: this.#driverFeatures,
      scanouts: this.scanoutConfigs(),
      eventsRead: this.#config.eventsRead,
      dispatch: this.#dispatcher.snapshotState(),
      library: this.rutabaga.snapshot(),
    });
  }

  /**
   * Loads a {@link snapshot} into this device, which must hold no resource yet (new, or just reset): the library's
   * state, then the backings (views of `memory` at the saved guest addresses) and the display requests, which the
   * sink sees as a guest's. Throws `SnapshotError` (or the library's error); the device is then as it was, empty.
   */
  restore(bytes: Uint8Array, memory: GuestMemory): void {
    const s = decodeDeviceSnapshot(bytes);
    const fail = (why: string): never => {
      throw new RutabagaError("SnapshotError", why);
    };
    if (this.rutabaga.resourceIds().length > 0) fail("the device already holds resources");
    if (s.scanouts.length !== this.#display.count) {
      fail(`the snapshot has ${s.scanouts.length} scanouts, this device ${this.#display.count}`);
    }
    if ((s.driverFeatures & ~this.deviceFeatures()) !== 0n) fail("the snapshot's features are not all offered here");
    const configs = this.scanoutConfigs();
    this.rutabaga.restore(s.library);
    try {
      s.scanouts.forEach((config, i) => {
        try {
          this.#display.setConfig(i, config);
        } catch (e) {
          fail(`scanout ${i}: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
      this.#dispatcher.restoreState(s.dispatch, memory);
    } catch (e) {
      this.reset();
      configs.forEach((config, i) => {
        this.#display.setConfig(i, config);
      });
      throw e;
    }
    this.#driverFeatures = s.driverFeatures;
    this.#config.raise(s.eventsRead);
  }

  /** Releases the library instance (every resource, context and host object) for good; the device is unusable after. */
  destroy(): void {
    this.#display.reset();
    this.rutabaga.destroy();
    this.#dispatcher.reset();
    this.#queues.reset();
  }

  /**
   * Serves every chain available on `queue` (0 control, 1 cursor). Returns true when the driver should get an
   * interrupt now. Responses parked behind fences go back later, through `onQueueNotify`.
   */
  processQueue(queueIndex: number, queue: SplitVirtqueue): boolean {
    return this.#queues.processQueue(queueIndex, queue);
  }

  /**
   * Returns responses whose fences completed outside `processQueue` (a GPU fence seen after `eventPoll`, a host
   * socket) to their used rings and notifies the driver through `onQueueNotify`. A microtask does the same after any
   * completion; a front end calls this to have it done at once.
   */
  drainCompletions(): void {
    this.#queues.drainCompletions();
  }

  /**
   * Executes one request given as bytes (for emulators with their own virtqueues, and trace replay) and returns the
   * response bytes (a copy). Fenced responses are returned at once; their fences still go to the library.
   */
  execute(queueIndex: number, request: Uint8Array, memory: GuestMemory): Uint8Array {
    return this.#queues.executeCopy(queueIndex, request, memory);
  }

  /**
   * Executes one request given as bytes like {@link execute} and returns only the response's type
   * (`VIRTIO_GPU_RESP_*`): for a driver in the same process that needs no response body, no copy is made.
   */
  executeForType(queueIndex: number, request: Uint8Array, memory: GuestMemory): number {
    return this.#queues.executeForType(queueIndex, request, memory);
  }

  /**
   * Executes one command a driver in the same process holds typed (no request bytes are encoded or decoded; a trace
   * recorder still gets the bytes) and returns the response's type (`VIRTIO_GPU_RESP_*`); the response's bytes are
   * {@link lastResponse} until the next request. The header's absent fields are 0.
   */
  executeCommand(queueIndex: number, command: GpuCommand, hdr: RequestHeader, memory: GuestMemory): number {
    const header: CtrlHeader = {
      type: command.type,
      flags: hdr.flags ?? 0,
      fenceId: hdr.fenceId ?? 0n,
      ctxId: hdr.ctxId ?? 0,
      // One byte on the wire (virtio_gpu_ctrl_hdr.ring_idx).
      ringIdx: (hdr.ringIdx ?? 0) & 0xff,
    };
    return this.#queues.executeTyped(queueIndex, header, command, memory);
  }

  /** The response to the last request run by {@link execute}, {@link executeForType} or {@link executeCommand}. */
  get lastResponse(): Uint8Array {
    return this.#queues.lastResponse;
  }
}
