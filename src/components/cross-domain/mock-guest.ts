import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaCapset, RutabagaFenceFlags } from "../../rutabaga/constants.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFence } from "../../rutabaga/types.ts";
import {
  type ChannelRingMessage,
  decodeChannelRing,
  encodeGetImageRequirements,
  encodeInit,
  encodePoll,
  encodeSend,
  encodeWrite,
} from "./guest-encoder.ts";
import {
  type CrossDomainIdentifier,
  type CrossDomainImageRequirements,
  CrossDomainRing,
  decodeImageRequirements,
} from "./protocol.ts";

/** Where a mock guest puts its objects. */
export interface MockGuestLayout {
  ctxId: number;
  queryRingId: number;
  channelRingId: number;
  /** Bytes of each ring (a page in Sommelier). */
  ringSize: number;
}

const DEFAULT_LAYOUT: MockGuestLayout = { ctxId: 1, queryRingId: 1, channelRingId: 2, ringSize: 4096 };

/**
 * A cross-domain guest driver over the Rutabaga API, as Sommelier drives it through virtio-gpu: a context with capset
 * 5, two guest-memory rings, INIT, commands in SUBMIT_3D buffers, ring fences. The builder's fence handler must call
 * {@link fenceCompleted}.
 */
export class MockCrossDomainGuest {
  readonly rutabaga: Rutabaga;
  readonly layout: MockGuestLayout;
  readonly queryRing: Uint8Array;
  readonly channelRing: Uint8Array;
  /** Fence ids completed per ring (0 = query, 1 = channel) and globally (-1). */
  readonly completed = new Map<number, bigint[]>();
  #nextFence = 1n;

  constructor(rutabaga: Rutabaga, layout: Partial<MockGuestLayout> = {}) {
    this.rutabaga = rutabaga;
    this.layout = { ...DEFAULT_LAYOUT, ...layout };
    this.queryRing = new Uint8Array(this.layout.ringSize);
    this.channelRing = new Uint8Array(this.layout.ringSize);
  }

  /** Feed from the builder's fence handler. */
  fenceCompleted(fence: RutabagaFence): void {
    if (fence.ctxId !== this.layout.ctxId && (fence.flags & RutabagaFenceFlags.InfoRingIdx) !== 0) return;
    const ring = (fence.flags & RutabagaFenceFlags.InfoRingIdx) !== 0 ? fence.ringIdx : -1;
    const list = this.completed.get(ring) ?? [];
    list.push(fence.fenceId);
    this.completed.set(ring, list);
  }

  /** True once fence `id` on `ring` completed. */
  isComplete(ring: number, id: bigint): boolean {
    return this.completed.get(ring)?.includes(id) ?? false;
  }

  /** Context, rings (guest-memory blobs with ctx 0, as rutabaga_gfx's C test makes them), attach, INIT. */
  start(channelType: number, initSize: 16 | 20 | 36 = 36): void {
    const { ctxId, queryRingId, channelRingId, ringSize } = this.layout;
    this.rutabaga.createContext(ctxId, RutabagaCapset.CrossDomain, "mock-cross-domain-guest");
    const ring = {
      blobMem: RutabagaBlobMem.Guest,
      blobFlags: RutabagaBlobFlags.UseMappable,
      blobId: 0n,
      size: BigInt(ringSize),
    };
    this.rutabaga.resourceCreateBlob(0, queryRingId, ring, [this.queryRing]);
    this.rutabaga.contextAttachResource(ctxId, queryRingId);
    if (channelRingId !== queryRingId) {
      this.rutabaga.resourceCreateBlob(0, channelRingId, ring, [this.channelRing]);
      this.rutabaga.contextAttachResource(ctxId, channelRingId);
    }
    this.submit(encodeInit(queryRingId, channelRingId, channelType, initSize));
  }

  submit(commands: Uint8Array): void {
    this.rutabaga.submitCommand(this.layout.ctxId, commands);
  }

  /** Creates a fence on a ring of this context; returns its id. */
  fence(ring: number): bigint {
    const fenceId = this.#nextFence++;
    this.rutabaga.createFence({
      flags: RutabagaFenceFlags.Fence | RutabagaFenceFlags.InfoRingIdx,
      fenceId,
      ctxId: this.layout.ctxId,
      ringIdx: ring,
    });
    return fenceId;
  }

  /** GET_IMAGE_REQUIREMENTS, then a query-ring fence, then the ring's answer. */
  imageRequirements(width: number, height: number, drmFormat: number, flags = 0): CrossDomainImageRequirements {
    this.submit(encodeGetImageRequirements(width, height, drmFormat, flags));
    const id = this.fence(CrossDomainRing.Query);
    if (!this.isComplete(CrossDomainRing.Query, id)) throw new Error("query-ring fence did not complete at once");
    return decodeImageRequirements(this.queryRing);
  }

  /** A host blob for an item (image requirements or received memory), attached to the context. */
  createHostBlob(
    resourceId: number,
    blobId: number,
    size: bigint,
    flags = RutabagaBlobFlags.UseMappable | RutabagaBlobFlags.UseShareable,
  ): void {
    this.rutabaga.resourceCreateBlob(this.layout.ctxId, resourceId, {
      blobMem: RutabagaBlobMem.Host3D,
      blobFlags: flags,
      blobId: BigInt(blobId),
      size,
    });
    this.rutabaga.contextAttachResource(this.layout.ctxId, resourceId);
  }

  send(data: Uint8Array, identifiers: readonly CrossDomainIdentifier[] = []): void {
    this.submit(encodeSend(identifiers, data));
  }

  write(identifier: number, data: Uint8Array, hangUp = false): void {
    this.submit(encodeWrite(identifier, data, hangUp));
  }

  /** POLL plus a channel-ring fence (what Sommelier keeps outstanding); returns the fence id. */
  poll(): bigint {
    this.submit(encodePoll());
    return this.fence(CrossDomainRing.Channel);
  }

  /** The channel ring's current message. */
  readChannel(): ChannelRingMessage {
    return decodeChannelRing(this.channelRing);
  }
}
