import type { ComponentInit, RutabagaContext } from "../../rutabaga/component.ts";
import { RutabagaComponentBase } from "../../rutabaga/component-base.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { HostMemoryBudget } from "../../rutabaga/host-memory.ts";
import { emptyResource, ResourceStates, type RutabagaResource } from "../../rutabaga/resource.ts";
import {
  isEmptyTransfer,
  type ResourceCreate3D,
  type RutabagaFence,
  type RutabagaFenceHandler,
  type Transfer3D,
} from "../../rutabaga/types.ts";
import { GL } from "./gl-constants.ts";
import type { HostGl } from "./host-gl.ts";
import { encodeVirglCaps, type HostGlLimits, queryHostGlLimits, VirglCap } from "./virgl-caps.ts";
import { VirglContext, type VirglContextHost } from "./virgl-context.ts";
import {
  allocateResource,
  planResource,
  type ResourceLimits,
  releaseResource,
  type TransferMemory,
  transferFromHost,
  transferToHost,
  type VirglResourceState,
} from "./virgl-resource.ts";

/**
 * `capability_bits`: features of the host GL (by core version or extension, as virglrenderer decides them) plus the
 * commands this component accepts (transfers, copy transfers, tweaks, debug flags).
 */
function capabilityBits(limits: HostGlLimits): number {
  const v = limits.glVersion;
  const ext = (name: string) => limits.extensions.has(name);
  let bits =
    VirglCap.TgsiInvariant |
    VirglCap.SetMinSamples |
    VirglCap.TgsiPrecise |
    VirglCap.AppTweakSupport |
    VirglCap.GuestMayInitLog |
    VirglCap.Transfer |
    VirglCap.CopyTransfer |
    VirglCap.IndirectInputAddr |
    VirglCap.FboMixedColorFormats |
    VirglCap.SrgbWriteControl;
  const byVersion: readonly [number, boolean][] = [
    [VirglCap.FbNoAttach, v >= 43 || ext("GL_ARB_framebuffer_no_attachments")],
    [VirglCap.TextureView, v >= 43 || ext("GL_ARB_texture_view")],
    [VirglCap.CopyImage, v >= 43 || ext("GL_ARB_copy_image")],
    [VirglCap.Txqs, v >= 45 || ext("GL_ARB_shader_texture_image_samples")],
    [VirglCap.MemoryBarrier, v >= 42 || ext("GL_ARB_shader_image_load_store")],
    [VirglCap.ComputeShader, v >= 43 || ext("GL_ARB_compute_shader")],
    [VirglCap.RobustBufferAccess, v >= 43 || ext("GL_ARB_robust_buffer_access_behavior")],
    [VirglCap.TextureBarrier, v >= 45 || ext("GL_ARB_texture_barrier")],
    [VirglCap.TgsiComponents, v >= 44 || ext("GL_ARB_enhanced_layouts")],
    [VirglCap.Qbo, v >= 44 || ext("GL_ARB_query_buffer_object")],
    [VirglCap.BindCommandArgs, v >= 40 || ext("GL_ARB_draw_indirect")],
    [VirglCap.MultiDrawIndirect, v >= 43 || ext("GL_ARB_multi_draw_indirect")],
    [VirglCap.IndirectParams, v >= 46 || ext("GL_ARB_indirect_parameters")],
    [VirglCap.TransformFeedback3, v >= 40 || ext("GL_ARB_transform_feedback3")],
    [VirglCap.ClipHalfz, v >= 45 || ext("GL_ARB_clip_control")],
    [VirglCap.ClearTexture, v >= 44 || ext("GL_ARB_clear_texture")],
    [VirglCap.TgsiFbfetch, ext("GL_EXT_shader_framebuffer_fetch")],
    [VirglCap.ShaderClock, ext("GL_ARB_shader_clock")],
  ];
  for (const [bit, has] of byVersion) if (has) bits |= bit;
  return bits >>> 0;
}

/** Guest memory of a transfer: the caller's buffer when given, else the resource's backing. */
function transferMemory(resource: RutabagaResource, buf: Uint8Array | undefined): TransferMemory {
  if (buf !== undefined) return { kind: "buffer", bytes: buf };
  if (resource.backing !== undefined) return { kind: "iovecs", list: resource.backing };
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
  /** The host GL limits the caps were derived from. */
  readonly limits: HostGlLimits;
  readonly #hostMemory: HostMemoryBudget;
  readonly #caps1: Uint8Array;
  readonly #caps2: Uint8Array;
  readonly #resourceLimits: ResourceLimits;
  readonly #contexts = new Map<number, VirglContext>();
  readonly #resourceStates = new ResourceStates<VirglResourceState>();
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
    this.fenceHandler({ ...fence });
  }

  /** The component state of a resource this component created. */
  stateOf(resource: RutabagaResource): VirglResourceState {
    const s = this.#resourceStates.get(resource);
    if (s === undefined) {
      throw new RutabagaError("InvalidResourceId", `resource ${resource.resourceId} is not a virgl resource`);
    }
    return s;
  }

  override createResource3d(resourceId: number, create: ResourceCreate3D): RutabagaResource {
    const state = planResource(create, this.#resourceLimits);
    this.#hostMemory.charge(state.hostBytes, `virgl resource ${resourceId}`);
    try {
      this.gl.makeCurrent(undefined);
      allocateResource(this.gl, state);
    } catch (e) {
      this.#hostMemory.release(state.hostBytes);
      throw e;
    }
    const resource = emptyResource(resourceId);
    resource.format = create.format;
    resource.componentMask = 1 << RutabagaComponentType.VirglRenderer;
    resource.hostBytes = state.hostBytes;
    this.#resourceStates.set(resource, state);
    return resource;
  }

  override unrefResource(resource: RutabagaResource): void {
    const s = this.#resourceStates.get(resource);
    for (const c of this.#contexts.values()) c.forgetResource(resource.resourceId);
    if (s !== undefined) {
      this.gl.makeCurrent(undefined);
      releaseResource(this.gl, s);
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
    const mem = transferMemory(resource, buf);
    this.gl.makeCurrent(undefined);
    transferToHost(this.gl, this.stateOf(resource), mem, t);
  }

  override transferRead(_ctxId: number, resource: RutabagaResource, t: Transfer3D, buf: Uint8Array | undefined): void {
    if (isEmptyTransfer(t)) return;
    const mem = transferMemory(resource, buf);
    this.gl.makeCurrent(undefined);
    transferFromHost(this.gl, this.stateOf(resource), mem, t);
  }

  /** The live context `ctxId` (for its statistics), if any. */
  context(ctxId: number): VirglContext | undefined {
    return this.#contexts.get(ctxId);
  }

  override createContext(ctxId: number, _contextInit: number, name: string | undefined): RutabagaContext {
    const ctx = new VirglContext(this, ctxId, name === undefined || name === "" ? "gpu_renderer" : name, () => {
      if (this.#contexts.get(ctxId) === ctx) this.#contexts.delete(ctxId);
    });
    this.#contexts.get(ctxId)?.destroy();
    this.#contexts.set(ctxId, ctx);
    return ctx;
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const c of [...this.#contexts.values()]) c.destroy();
    this.gl.destroy();
  }
}
