import { VirglRefusal } from "../protocol/refusal.ts";
import type { VirglResource, VirglResourceState } from "../resources/resource.ts";

/** Finds a resource attached to the executing context, or the refusal to return. */
export type ResourceLookup = (resourceId: number) => VirglResource | VirglRefusal;

/** The destination and source resources of a copy or blit, looked up in that order (the first refusal wins). */
export function lookupDstSrc(
  lookup: ResourceLookup,
  dstId: number,
  srcId: number,
): { dst: VirglResourceState; src: VirglResourceState } | VirglRefusal {
  const dst = lookup(dstId);
  if (dst instanceof VirglRefusal) return dst;
  const src = lookup(srcId);
  if (src instanceof VirglRefusal) return src;
  return { dst: dst.state, src: src.state };
}
