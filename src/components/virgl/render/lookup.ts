import type { VirglError } from "../protocol/errors.ts";
import type { VirglResource } from "../resources/resource.ts";

/** Finds a resource attached to the executing context, or the refusal to return. */
export type ResourceLookup = (resourceId: number) => VirglResource | VirglError;
