import { StreamoutOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** A stream-output target object (`VIRGL_OBJ_STREAMOUT_*`): a range of a buffer resource. */
export interface VirglStreamoutTarget {
  readonly kind: "streamout-target";
  readonly resourceId: number;
  readonly bufferOffset: number;
  readonly bufferSize: number;
}

/** Parses a stream-output target at header index `p` (exactly 4 payload dwords). */
export function parseStreamoutTarget(r: DwordReader, p: number): VirglStreamoutTarget {
  return {
    kind: "streamout-target",
    resourceId: r.u32(p + StreamoutOffset.Resource),
    bufferOffset: r.u32(p + StreamoutOffset.BufferOffset),
    bufferSize: r.u32(p + StreamoutOffset.BufferSize),
  };
}
