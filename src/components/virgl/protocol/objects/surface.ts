import { SurfaceOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** A surface object as the guest sent it: a view of one resource level and layer range (or buffer elements). */
export interface VirglSurfaceDesc {
  readonly kind: "surface";
  readonly resourceId: number;
  readonly format: number;
  /** Texture: the level. Buffer: the first element. */
  readonly levelOrFirstElement: number;
  /** Texture: first layer | last layer << 16. Buffer: the last element. */
  readonly layersOrLastElement: number;
  /** MSAA surfaces only; 0 otherwise. */
  readonly samples: number;
}

/** Parses a surface (5 payload dwords) or MSAA surface (6) at header index `p`. */
export function parseSurface(r: DwordReader, p: number, length: number): VirglSurfaceDesc {
  return {
    kind: "surface",
    resourceId: r.u32(p + SurfaceOffset.Resource),
    format: r.u32(p + SurfaceOffset.Format),
    levelOrFirstElement: r.u32(p + SurfaceOffset.LevelOrFirstElement),
    layersOrLastElement: r.u32(p + SurfaceOffset.LayersOrLastElement),
    samples: length >= SurfaceOffset.Samples ? r.u32(p + SurfaceOffset.Samples) : 0,
  };
}
