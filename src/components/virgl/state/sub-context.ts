import type { VirglBlendState } from "../protocol/objects/blend.ts";
import type { VirglDsaState } from "../protocol/objects/dsa.ts";
import type { VirglQueryDesc } from "../protocol/objects/query.ts";
import type { VirglRasterizerState } from "../protocol/objects/rasterizer.ts";
import type { VirglSamplerState } from "../protocol/objects/sampler-state.ts";
import type { VirglSamplerView } from "../protocol/objects/sampler-view.ts";
import type { VirglStreamoutTarget } from "../protocol/objects/streamout-target.ts";
import type { VirglVertexElementsState } from "../protocol/objects/vertex-elements.ts";
import type { VirglResourceState } from "../resources/resource.ts";
import { VirglBoundState } from "./bound-state.ts";
import type { VirglShader } from "./shader.ts";
import type { VirglSurface } from "./surface.ts";

/** A state object as stored after CREATE_OBJECT (surfaces are kept apart, checked against their resource). */
export type VirglStateObject =
  | VirglBlendState
  | VirglRasterizerState
  | VirglDsaState
  | VirglShader
  | VirglVertexElementsState
  | VirglSamplerView
  | VirglSamplerState
  | VirglQueryDesc
  | VirglStreamoutTarget;

/**
 * A stored object: its `VirglObject` type, its parsed state, the payload bytes it is charged for, and the
 * CREATE_OBJECT commands (header and payload, as the guest sent them; a shader's continuation chunks follow its first)
 * that made it: a snapshot carries these, and restore decodes them again.
 */
export interface VirglStoredObject {
  readonly type: number;
  readonly state: VirglStateObject;
  bytes: number;
  readonly commands: Uint8Array[];
}

/** A surface and the CREATE_OBJECT command that made it (for snapshots). */
export interface VirglStoredSurface extends VirglSurface {
  readonly command: Uint8Array;
}

/** The slot of {@link VirglSubContext.fboAttached} for the depth/stencil buffer. */
export const ZS_SLOT = 8;

/** One image attached to a sub-context's framebuffer: a resource's own texture at a level (and layer). */
export interface FboAttachment {
  /** The GL attachment point. */
  readonly attachment: number;
  readonly state: VirglResourceState;
  /** The texture name attached (the state's own). */
  readonly texture: number;
  readonly level: number;
  /** The layer attached alone, or -1 for the whole level. */
  readonly layer: number;
}

/** One sub-context: its own object namespace and framebuffer. */
export class VirglSubContext {
  readonly surfaces = new Map<number, VirglStoredSurface>();
  readonly objects = new Map<number, VirglStoredObject>();
  colorSurfaces: readonly number[] = [];
  zsSurface = 0;
  noAttach = { width: 0, height: 0, layers: 0, samples: 0 };
  /** The GL framebuffer of this sub-context (0 until first needed). */
  fbo = 0;
  /**
   * What `fbo` holds by slot (colour buffer index, or {@link ZS_SLOT}): `null` nothing, an {@link FboAttachment} a
   * resource's own texture (whose name lives as long as the resource's state); absent: not known (a view).
   */
  readonly fboAttached = new Map<number, FboAttachment | null>();
  /** What is bound for drawing. */
  readonly bound = new VirglBoundState();
  /** Bumps when the framebuffer state or a surface changes. */
  framebufferVersion = 0;

  get objectCount(): number {
    return this.surfaces.size + this.objects.size;
  }

  /** Bytes of stored payloads. */
  get payloadBytes(): number {
    let n = 0;
    for (const o of this.objects.values()) n += o.bytes;
    return n;
  }
}
