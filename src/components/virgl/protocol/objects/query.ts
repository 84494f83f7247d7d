import { QueryOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** A query object (`VIRGL_OBJ_QUERY_*`): its `PIPE_QUERY_*` type and where its result goes in a resource. */
export interface VirglQueryDesc {
  readonly kind: "query";
  readonly queryType: number;
  readonly index: number;
  readonly offset: number;
  readonly resourceId: number;
}

/** Parses a query object at header index `p` (exactly 4 payload dwords). */
export function parseQuery(r: DwordReader, p: number): VirglQueryDesc {
  const ti = r.u32(p + QueryOffset.TypeIndex);
  return {
    kind: "query",
    queryType: ti & 0xffff,
    index: ti >>> 16,
    offset: r.u32(p + QueryOffset.Offset),
    resourceId: r.u32(p + QueryOffset.Resource),
  };
}
