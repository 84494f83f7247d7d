import type {
  ComponentInit,
  ComponentRestoreInput,
  PreparedRestore,
  RutabagaContext,
} from "../../rutabaga/component.ts";
import { RutabagaComponentBase } from "../../rutabaga/component-base.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { HostMemoryBudget } from "../../rutabaga/host-memory.ts";
import type { Rect2D } from "../../rutabaga/rect.ts";
import { emptyResource, type RutabagaResource } from "../../rutabaga/resource.ts";
import {
  type BackingReadObserver,
  isEmptyTransfer,
  type ResourceCreate3D,
  type RutabagaFence,
  type RutabagaFenceHandler,
  type ScanoutPixels,
  type ScanoutTarget,
  type Transfer3D,
} from "../../rutabaga/types.ts";
import { capabilityBits } from "./caps/capability-bits.ts";
import { encodeVirglCaps, type HostGlLimits, queryHostGlLimits } from "./caps/caps.ts";
import { uncoveredVirglCaps } from "./caps/caps-coverage.ts";
import { GL } from "./host-gl/gl-constants.ts";
import type { HostGl } from "./host-gl/host-gl.ts";
import { BufferWrites } from "./render/index-ranges.ts";
import { ReadbackScratch } from "./resources/readback-scratch.ts";
import {
  allocateResource,
  planResource,
  type ResourceLimits,
  releaseResource,
  type TransferMemory,
  transferFromHost,
  transferToHost,
  type VirglResource,
} from "./resources/resource.ts";
import { ScanoutReadback } from "./scanout-readback.ts";
import { capsShortfallOf, encodeComponentSection } from "./snapshot/component-snapshot.ts";
import { decodeContextSection } from "./snapshot/context-snapshot.ts";
import { buildVirglResource, planVirglResource, snapshotVirglResource } from "./snapshot/resource-snapshot.ts";
import { VirglContext, type VirglContextHost } from "./virgl-context.ts";

/** Guest memory of a transfer: the caller's buffer when given, else the resource's backing (reads told `onRead`). */
function transferMemory(
  resource: RutabagaResource,
  buf: Uint8Array | undefined,
  onRead?: BackingReadObserver,
): TransferMemory {
  if (buf !== undefined) return { kind: "buffer", bytes: buf };
  if (resource.backing !== undefined) {
    return { kind: "iovecs", list: resource.backing, onRead, resourceId: resource.resourceId };
  }
  throw new RutabagaError("InvalidIovec", `resource ${resource.resourceId} has no backing`);
}

/**
 * The virgl component on a {@link HostGl}: capsets VIRGL/VIRGL2 from the host's limits, resources as GL textures and
 * buffers in one share group, transfers between guest backing and GL, and {@link VirglContext}s decoding the virgl
 * command stream. Everything runs synchronously, so fences signal when created.
 */
export class VirglComponent extends RutabagaComponentBase implements VirglContextHost {
  readonly componentType = RutabagaComponentType.VirglRenderer;
  readonly gl: HostGl;
  readonly fenceHandler: RutabagaFenceHandler;
  /** Receives problems of guest shaders the protocol cannot report (default: dropped). */
  warn: (message: string) => void = () => {};
  /** Told each range of guest backing a submit or a transfer to host is about to read ({@link observeBackingReads}). */
  backingReads: BackingReadObserver | undefined;
  /** The host GL limits the caps were derived from. */
  readonly limits: HostGlLimits;
  readonly #hostMemory: HostMemoryBudget;
  readonly #caps1: Uint8Array;
  readonly #caps2: Uint8Array;
  readonly #resourceLimits: ResourceLimits;
  readonly #contexts = new Map<number, VirglContext>();
  /** This component's resources by id: the library's record and the GL state, one entry each. */
  readonly #resources = new Map<number, VirglResource>();
  /** Where read-backs that cannot land in guest memory or the frame directly land first. */
  readonly readbackScratch = new ReadbackScratch();
  /** Reads scanouts of GL-rendered resources back for the display. */
  readonly scanoutReadback = new ScanoutReadback(this.readbackScratch);
  /** Moves whenever buffer contents may have changed (every context's remembered index ranges check it). */
  readonly bufferWrites = new BufferWrites();
  /** Milliseconds the last restore spent creating and uploading resources, and rebuilding contexts. */
  lastRestoreTimings: { readonly resourcesMs: number; readonly contextsMs: number } | undefined;
  /** The resources a restore is building, which its contexts see instead of the live ones while it runs. */
  #restoring: Map<number, VirglResource> | undefined;
  #destroyed = false;

  constructor(init: ComponentInit, gl: HostGl) {
    super();
    this.gl = gl;
    this.fenceHandler = init.fenceHandler;
    this.#hostMemory = init.hostMemory;
    gl.makeCurrent(undefined);
    this.limits = queryHostGlLimits(gl);
    const bits = capabilityBits(this.limits);
    this.#caps1 = encodeVirglCaps(this.limits, 1, bits);
    this.#caps2 = encodeVirglCaps(this.limits, 2, bits);
    const int = (q: number) => this.limits.ints.get(q) ?? 0;
    this.#resourceLimits = {
      max2d: int(GL.MAX_TEXTURE_SIZE),
      max3d: int(GL.MAX_3D_TEXTURE_SIZE),
      maxCube: int(GL.MAX_CUBE_MAP_TEXTURE_SIZE),
      maxLayers: int(GL.MAX_ARRAY_TEXTURE_LAYERS),
      maxSamples: int(GL.MAX_SAMPLES),
      render: this.limits.render,
      depthStencil: this.limits.depthStencil,
      sampler: this.limits.sampler,
    };
  }

  override getCapsetInfo(capsetId: number): { version: number; size: number } {
    if (capsetId === 1) return { version: 1, size: this.#caps1.byteLength };
    if (capsetId === 2) return { version: 2, size: this.#caps2.byteLength };
    return { version: 0, size: 0 };
  }

  override getCapset(capsetId: number, _version: number): Uint8Array {
    if (capsetId === 1) return this.#caps1.slice();
    if (capsetId === 2) return this.#caps2.slice();
    return new Uint8Array(0);
  }

  override createFence(fence: RutabagaFence): void {
    for (const c of this.#contexts.values()) c.serveQueryResults();
    this.fenceHandler({ ...fence });
  }

  /** The resource `resourceId` this component created, if it still exists (during a restore: the restored one). */
  resource(resourceId: number): VirglResource | undefined {
    return (this.#restoring ?? this.#resources).get(resourceId);
  }

  /** The component's record of `resource` (every resource the library hands this component was made by it). */
  #own(resource: RutabagaResource): VirglResource {
    const r = this.#resources.get(resource.resourceId);
    if (r === undefined) {
      throw new RutabagaError("InvalidResourceId", `resource ${resource.resourceId} is not a virgl resource`);
    }
    return r;
  }

  override createResource3d(resourceId: number, create: ResourceCreate3D): RutabagaResource {
    const state = planResource(create, this.#resourceLimits);
    this.#hostMemory.charge(state.hostBytes, `virgl resource ${resourceId}`);
    try {
      this.gl.ensureCurrent();
      allocateResource(this.gl, state);
    } catch (e) {
      this.#hostMemory.release(state.hostBytes);
      throw e;
    }
    const resource = emptyResource(resourceId);
    resource.format = create.format;
    resource.componentMask = 1 << RutabagaComponentType.VirglRenderer;
    resource.hostBytes = state.hostBytes;
    this.#resources.set(resourceId, { record: resource, state, create: { ...create } });
    return resource;
  }

  override unrefResource(resource: RutabagaResource): void {
    const own = this.#resources.get(resource.resourceId);
    for (const c of this.#contexts.values()) c.forgetResource(resource.resourceId);
    if (own !== undefined && own.record === resource) {
      this.#resources.delete(resource.resourceId);
      this.gl.ensureCurrent();
      releaseResource(this.gl, own.state);
    }
    this.#hostMemory.release(resource.hostBytes);
    resource.hostBytes = 0;
  }

  /**
   * Guest → host. Unlike rutabaga_gfx's virgl wrapper, a caller buffer is accepted as the source (laid out like the
   * backing, from `offset`), which vtest's inline TRANSFER_PUT needs.
   */
  override transferWrite(_ctxId: number, resource: RutabagaResource, t: Transfer3D, buf: Uint8Array | undefined): void {
    if (isEmptyTransfer(t)) return;
    const mem = transferMemory(resource, buf, this.backingReads);
    this.bufferWrites.bump();
    this.gl.ensureCurrent();
    transferToHost(this.gl, this.#own(resource).state, mem, t);
  }

  override transferRead(_ctxId: number, resource: RutabagaResource, t: Transfer3D, buf: Uint8Array | undefined): void {
    if (isEmptyTransfer(t)) return;
    const mem = transferMemory(resource, buf);
    for (const c of this.#contexts.values()) {
      c.serveQueryResults(resource.resourceId);
      c.settleShaderWrites();
    }
    this.gl.ensureCurrent();
    transferFromHost(this.gl, this.#own(resource).state, mem, t, this.readbackScratch);
  }

  /** The flushed rectangle of a scanout resource, read back from the GL (see {@link ScanoutReadback}). */
  override readScanout(
    resource: RutabagaResource,
    rect: Rect2D,
    target: ScanoutTarget,
    _offset: number,
  ): ScanoutPixels {
    for (const c of this.#contexts.values()) c.settleShaderWrites();
    return this.scanoutReadback.read(this.gl, this.#own(resource).state, rect, target);
  }

  /** The live context `ctxId` (for its statistics), if any. */
  context(ctxId: number): VirglContext | undefined {
    return this.#contexts.get(ctxId);
  }

  observeBackingReads(observer: BackingReadObserver | undefined): void {
    this.backingReads = observer;
  }

  /** Field by field (see {@link uncoveredVirglCaps}); a capset other than VIRGL and VIRGL2 is not offered. */
  capsetShortfall(capsetId: number, version: number, recorded: Uint8Array): string[] {
    const host = this.getCapset(capsetId, version);
    return host.length === 0 ? ["not offered"] : uncoveredVirglCaps(recorded, host);
  }

  override createContext(ctxId: number, _contextInit: number, name: string | undefined): RutabagaContext {
    const ctx = new VirglContext(this, ctxId, name === undefined || name === "" ? "gpu_renderer" : name, () => {
      if (this.#contexts.get(ctxId) === ctx) this.#contexts.delete(ctxId);
    });
    this.#contexts.get(ctxId)?.destroy();
    this.#contexts.set(ctxId, ctx);
    return ctx;
  }

  /** The capsets the guest was given (`snapshot/component-snapshot.ts`): a restoring host must cover them. */
  override snapshot(): Uint8Array {
    return encodeComponentSection(this.#caps1, this.#caps2);
  }

  override snapshotResource(resource: RutabagaResource): Uint8Array {
    const own = this.#own(resource);
    for (const c of this.#contexts.values()) {
      c.serveQueryResults(resource.resourceId);
      c.settleShaderWrites();
    }
    return snapshotVirglResource(this.gl, own, this.readbackScratch);
  }

  /**
   * Builds a snapshot's resources (checked like a guest's creates, then uploaded), then its contexts (their state
   * commands run through the guest-stream decoder and executors, seeing the new resources), beside the live ones.
   */
  override prepareRestore(input: ComponentRestoreInput): PreparedRestore {
    if (input.state !== undefined) {
      const shortfall = capsShortfallOf(input.state, this.#caps1, this.#caps2);
      if (shortfall !== undefined) throw new RutabagaError("SnapshotError", shortfall);
    }
    const planned = input.resources.map(({ resource, state }) => {
      if (state === undefined) {
        throw new RutabagaError("SnapshotError", `resource ${resource.resourceId} has no virgl section`);
      }
      if (resource.componentMask !== 1 << RutabagaComponentType.VirglRenderer) {
        throw new RutabagaError("SnapshotError", `resource ${resource.resourceId} is not a virgl resource`);
      }
      const plan = planVirglResource(state, resource.resourceId, this.#resourceLimits);
      if (resource.format !== plan.create.format) {
        throw new RutabagaError("SnapshotError", `resource ${resource.resourceId}'s format differs from its section`);
      }
      return { resource, plan };
    });
    let live = 0;
    for (const r of this.#resources.values()) live += r.record.hostBytes;
    const needed = planned.reduce((n, p) => n + p.plan.state.hostBytes, 0);
    if (needed > this.#hostMemory.limit - this.#hostMemory.used + live) {
      throw new RutabagaError("OutOfMemory", `snapshot resources need ${needed} host bytes, over the limit`);
    }
    const staged = new Map<number, VirglResource>();
    const contexts = new Map<number, VirglContext>();
    const discard = () => {
      for (const ctx of contexts.values()) ctx.destroy();
      this.gl.ensureCurrent();
      for (const r of staged.values()) releaseResource(this.gl, r.state);
    };
    this.#restoring = staged;
    const started = performance.now();
    let built = started;
    try {
      this.gl.ensureCurrent();
      for (const { resource, plan } of planned) {
        buildVirglResource(this.gl, plan);
        resource.hostBytes = plan.state.hostBytes;
        staged.set(resource.resourceId, { record: resource, state: plan.state, create: plan.create });
      }
      built = performance.now();
      for (const saved of input.contexts) {
        const section = decodeContextSection(saved.state, saved.ctxId);
        const ctx: VirglContext = new VirglContext(this, saved.ctxId, section.name, () => {
          if (this.#contexts.get(saved.ctxId) === ctx) this.#contexts.delete(saved.ctxId);
        });
        contexts.set(saved.ctxId, ctx);
        ctx.restoreState(section);
      }
    } catch (e) {
      discard();
      throw e;
    } finally {
      this.#restoring = undefined;
    }
    this.lastRestoreTimings = { resourcesMs: built - started, contextsMs: performance.now() - built };
    return {
      contexts,
      commit: () => {
        for (const [id, r] of staged) this.#resources.set(id, r);
        for (const [id, ctx] of contexts) this.#contexts.set(id, ctx);
      },
      discard,
    };
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const c of [...this.#contexts.values()]) c.destroy();
    this.gl.destroy();
  }
}
