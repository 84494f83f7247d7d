import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { VirglRefusal } from "../protocol/refusal.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import type { ResourceLookup } from "./lookup.ts";

/** Samples per pixel of the sub-context's framebuffer: its first attachment's, or the no-attachment size's. */
export function framebufferSamples(sub: VirglSubContext, lookup: ResourceLookup): number {
  for (const h of [...sub.colorSurfaces, sub.zsSurface]) {
    if (h === 0) continue;
    const surface = sub.surfaces.get(h);
    if (surface === undefined) continue;
    const res = lookup(surface.resourceId);
    if (!(res instanceof VirglRefusal)) return Math.max(1, res.state.samples);
  }
  return Math.max(1, sub.noAttach.samples);
}

/**
 * SET_MIN_SAMPLES as GL takes it: Gallium names a sample count, `glMinSampleShading` a fraction of the
 * framebuffer's samples; sample shading is on only when more than one sample is asked for. Remembers what it set.
 */
export class SampleShading {
  readonly #gl: HostGl;
  /** GL starts with sample shading off. */
  #applied = 0;

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  apply(sub: VirglSubContext, lookup: ResourceLookup): void {
    const min = sub.bound.minSamples;
    const fraction = min > 1 ? Math.min(1, min / framebufferSamples(sub, lookup)) : 0;
    if (fraction === this.#applied) return;
    if (fraction === 0) this.#gl.disable(GL.SAMPLE_SHADING);
    else {
      this.#gl.enable(GL.SAMPLE_SHADING);
      this.#gl.minSampleShading(fraction);
    }
    this.#applied = fraction;
  }
}
