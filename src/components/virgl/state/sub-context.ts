import type { VirglBlendState } from "./blend.ts";
import type { VirglDsaState } from "./dsa.ts";
import type { VirglQueryDesc } from "./query.ts";
import type { VirglRasterizerState } from "./rasterizer.ts";
import type { VirglSamplerState } from "./sampler-state.ts";
import type { VirglSamplerView } from "./sampler-view.ts";
import type { VirglShader } from "./shader.ts";
import type { VirglStreamoutTarget } from "./streamout-target.ts";
import type { VirglSurface } from "./surface.ts";
import type { VirglVertexElementsState } from "./vertex-elements.ts";

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
