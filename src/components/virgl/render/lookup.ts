import type { VirglError } from "../protocol/errors.ts";
import type { VirglResource, VirglResourceState } from "../resources/resource.ts";

/** Finds a resource attached to the executing context, or the refusal to return. */
export type ResourceLookup = (resourceId: number) => VirglResource | VirglError;

/** The destination and source resources of a copy or blit, looked up in that order (the first refusal wins). */
export function lookupDstSrc(
  lookup: ResourceLookup,
  dstId: number,
  srcId: number,
): { dst: VirglResourceState; src: VirglResourceState } | VirglError {
  const dst = lookup(dstId);
  if ("message" in dst) return dst;
  const src = lookup(srcId);
  if ("message" in src) return src;
  return { dst: dst.state, src: src.state };
}
