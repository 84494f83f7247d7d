import { encodeInit, encodePoll } from "../../components/cross-domain/guest-encoder.ts";
import { CrossDomainRing } from "../../components/cross-domain/protocol.ts";
import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaCapset, RutabagaChannelType } from "../../rutabaga/constants.ts";
import type { GpuCommand } from "../../virtio-gpu/commands.ts";
import type { GuestPages } from "../../virtio-gpu/driver/virtio-gpu-driver.ts";
import { GpuCommandType } from "../../virtio-gpu/protocol.ts";
import { messageOf, NotCarried, type ProxyShared } from "./proxy-shared.ts";

/** The POLL command (the device copies it from the request: one instance serves every session). */
const POLL = encodePoll();
/** The SUBMIT_3D that carries {@link POLL}: the same every time, so made once. */
const POLL_SUBMIT: GpuCommand = { type: GpuCommandType.Submit3d, commands: POLL, numInFences: 0 };

/** A host blob mapped into the device's host-visible region. */
export interface MappedBlob {
  resourceId: number;
  /** Where MAP_BLOB placed it in the host-visible region. */
  offset: bigint;
  /** Its bytes there. */
  host: Uint8Array;
}

/**
 * One session's cross-domain context, driven by the commands a guest driver sends: CTX_CREATE with capset 5, two
 * guest-page rings (query and channel), INIT, SUBMIT_3D, host blobs mapped into the host-visible region, and a POLL
 * with a ring-1 fence always outstanding.
 */
export class ProxyContext {
  readonly shared: ProxyShared;
  readonly ctxId: number;
  readonly #ctx: { ctxId: number };
  readonly #rings: { resourceId: number; pages: GuestPages; view: DataView }[] = [];
  #polling = false;
  #onChannel: () => void = () => {};
  #onError: (e: unknown) => void = () => {};

  constructor(shared: ProxyShared) {
    this.shared = shared;
    this.ctxId = shared.nextContextId();
    this.#ctx = { ctxId: this.ctxId };
  }

  /** Creates the context and its rings and sends INIT (a Wayland channel). On failure what was made is left to {@link destroy}. */
  create(): void {
    this.command({
      type: GpuCommandType.CtxCreate,
      contextInit: RutabagaCapset.CrossDomain,
      debugName: "wayland-proxy",
    });
    for (let i = 0; i < 2; i++) {
      const pages = this.shared.driver.allocPage();
      const resourceId = this.shared.nextResourceId();
      const view = new DataView(pages.bytes.buffer, pages.bytes.byteOffset, pages.bytes.byteLength);
      this.#rings.push({ resourceId, pages, view });
      const blob = {
        blobMem: RutabagaBlobMem.Guest,
        blobFlags: RutabagaBlobFlags.UseMappable,
        blobId: 0n,
        size: 4096n,
      };
      this.command({ type: GpuCommandType.ResourceCreateBlob, resourceId, ...blob, entries: pages.entries });
      this.command({ type: GpuCommandType.CtxAttachResource, resourceId });
    }
    this.submit(encodeInit(this.#rings[0]!.resourceId, this.#rings[1]!.resourceId, RutabagaChannelType.Wayland, 20));
  }

  /** The query ring (answers such as GET_IMAGE_REQUIREMENTS'). */
  get queryRing(): Uint8Array {
    return this.#rings[0]!.pages.bytes;
  }

  /** The channel ring (one message per POLL completion). */
  get channelRing(): Uint8Array {
    return this.#rings[1]!.pages.bytes;
  }

  /** A view of {@link channelRing}. */
  get channelRingView(): DataView {
    return this.#rings[1]!.view;
  }

  /** One control command on this context. */
  command(command: GpuCommand): void {
    this.shared.driver.command(command, this.#ctx);
  }

  /** Cross-domain commands in one SUBMIT_3D. */
  submit(commands: Uint8Array): void {
    this.shared.driver.command({ type: GpuCommandType.Submit3d, commands, numInFences: 0 }, this.#ctx);
  }

  /**
   * Keeps one POLL with a ring-1 fence outstanding: `onChannel` runs at each completion (the channel ring holds one
   * message, to be read before the next POLL lets the host write it again); failures go to `onError`.
   */
  poll(onChannel: () => void, onError: (e: unknown) => void): void {
    this.#onChannel = onChannel;
    this.#onError = onError;
    this.#polling = true;
    this.#armPoll();
  }

  #armPoll(): void {
    if (!this.#polling) return;
    try {
      this.shared.driver.whenFenced(POLL_SUBMIT, this.ctxId, CrossDomainRing.Channel, this.#onPollFence);
    } catch (e) {
      if (this.#polling) this.#onError(e);
    }
  }

  readonly #onPollFence = (): void => {
    if (!this.#polling) return;
    this.#onChannel();
    this.#armPoll();
  };

  /**
   * A host3d blob (`blobId` as the component names it), mapped into the host-visible region; `attach` attaches it to
   * the context first. On failure nothing stays.
   */
  mapHostBlob(blobId: bigint, size: bigint, blobFlags: number, attach: boolean): MappedBlob {
    const resourceId = this.shared.nextResourceId();
    this.command({
      type: GpuCommandType.ResourceCreateBlob,
      resourceId,
      blobMem: RutabagaBlobMem.Host3D,
      blobFlags,
      blobId,
      size,
      entries: [],
    });
    const offset = this.shared.regionAllocator.alloc(size);
    try {
      if (offset === undefined) throw new NotCarried("host-visible region full");
      if (attach) this.command({ type: GpuCommandType.CtxAttachResource, resourceId });
      this.command({ type: GpuCommandType.ResourceMapBlob, resourceId, offset });
    } catch (e) {
      if (offset !== undefined) this.shared.regionAllocator.free(offset);
      this.command({ type: GpuCommandType.ResourceUnref, resourceId });
      throw e;
    }
    return { resourceId, offset, host: this.shared.region.viewAt(offset)!.subarray(0, Number(size)) };
  }

  /** Unrefs a blob of {@link mapHostBlob} (the device unmaps it first) and frees its place in the region. */
  releaseHostBlob(blob: MappedBlob): void {
    try {
      this.command({ type: GpuCommandType.ResourceUnref, resourceId: blob.resourceId });
    } catch (e) {
      this.shared.log(`releasing blob ${blob.resourceId}: ${messageOf(e)}`);
    }
    this.shared.regionAllocator.free(blob.offset);
  }

  /** Stops polling and destroys the context (its channel to the compositor); a failure is logged. */
  destroy(): void {
    this.#polling = false;
    this.#quietly(() => this.command({ type: GpuCommandType.CtxDestroy }));
  }

  /** Unrefs and frees the rings (after {@link destroy}); failures are logged. */
  freeRings(): void {
    for (const ring of this.#rings) {
      this.#quietly(() => this.command({ type: GpuCommandType.ResourceUnref, resourceId: ring.resourceId }));
      this.shared.driver.freePages(ring.pages);
    }
    this.#rings.length = 0;
  }

  #quietly(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.shared.log(`teardown of context ${this.ctxId}: ${messageOf(e)}`);
    }
  }
}
