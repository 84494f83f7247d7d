import type { VirglBlendState } from "../protocol/objects/blend.ts";
import type { VirglDsaState } from "../protocol/objects/dsa.ts";
import type { VirglQueryDesc } from "../protocol/objects/query.ts";
import type { VirglRasterizerState } from "../protocol/objects/rasterizer.ts";
import type { VirglSamplerState } from "../protocol/objects/sampler-state.ts";
import type { VirglSamplerView } from "../protocol/objects/sampler-view.ts";
import type { VirglStreamoutTarget } from "../protocol/objects/streamout-target.ts";
import type { VirglVertexElementsState } from "../protocol/objects/vertex-elements.ts";
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

/** A stored object: its `VirglObject` type, its parsed state, and the payload bytes it is charged for. */
export interface VirglStoredObject {
  readonly type: number;
  readonly state: VirglStateObject;
  bytes: number;
}

/** One sub-context: its own object namespace and framebuffer. */
export class VirglSubContext {
  readonly surfaces = new Map<number, VirglSurface>();
  readonly objects = new Map<number, VirglStoredObject>();
  colorSurfaces: readonly number[] = [];
  zsSurface = 0;
  noAttach = { width: 0, height: 0, layers: 0, samples: 0 };
  /** The GL framebuffer of this sub-context (0 until first needed). */
  fbo = 0;
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
