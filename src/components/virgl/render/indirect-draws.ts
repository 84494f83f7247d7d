import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglCmd } from "../protocol/commands.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import type { ResourceLookup } from "./lookup.ts";
import type { VertexReach } from "./vertex-input.ts";

/** Bytes of `DrawArraysIndirectCommand` (count, instanceCount, first, baseInstance). */
export const ARRAYS_RECORD_BYTES = 16;
/** Bytes of `DrawElementsIndirectCommand` (count, instanceCount, firstIndex, baseVertex, baseInstance). */
export const ELEMENTS_RECORD_BYTES = 20;
/** Most records one DRAW_VBO may draw: each is read back for the vertex range check. */
export const MAX_INDIRECT_DRAWS = 1 << 16;
/** Most indices one indexed indirect DRAW_VBO may make the host read back and scan, over all its records. */
export const MAX_INDIRECT_INDICES = 1 << 28;
/** Records are read back in one piece when they span at most this many bytes, else one by one. */
const SPAN_READ_BYTES = 1 << 20;

/** The vertices one indexed record fetches: `first..last` (none when `last < first`), or the refusal. */
export type IndexReach = (
  count: number,
  firstIndex: number,
  baseVertex: number,
) => { first: number; last: number } | VirglRefusal;

/** An indirect draw checked against its buffers: what the GL reads, and the vertices and instances it fetches. */
export interface IndirectPlan {
  readonly buffer: number;
  readonly offset: number;
  readonly stride: number;
  /** Records the draw reads: the draw count, or the guest's count buffer's value clamped to it. */
  readonly drawCount: number;
  /** The count buffer's GL name and offset, when the host reads the count itself. */
  readonly countBuffer: { readonly buffer: number; readonly offset: number } | undefined;
  readonly reaches: readonly VertexReach[];
}

function glBuffer(
  lookup: ResourceLookup,
  handle: number,
  what: string,
): { name: number; width: number } | VirglRefusal {
  const res = lookup(handle);
  if (res instanceof VirglRefusal) return res;
  if (res.state.target !== PipeTextureTarget.Buffer || res.state.glName === 0)
    return invalid(`${what} ${handle} is not a GL buffer`);
  return { name: res.state.glName, width: res.state.width };
}

/**
 * DRAW_VBO with an indirect buffer (GL 4.0 draw_indirect, 4.3 multi_draw_indirect, 4.6 indirect_parameters): the
 * records are read back (the host GL holds the only copy) so the vertex and index ranges they fetch are checked like
 * a direct draw's, then drawn by the host's indirect calls.
 */
export class IndirectDraws {
  readonly #gl: HostGl;
  #scratch = new ArrayBuffer(0);
  readonly #count = new Uint8Array(4);

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  /** Checks the draw's records against the indirect (and count) buffer and reads the vertex reach of each. */
  plan(
    c: VirglCommandOf<typeof VirglCmd.DrawVbo>,
    lookup: ResourceLookup,
    indexReach: IndexReach | undefined,
  ): IndirectPlan | VirglRefusal {
    const record = c.indexed ? ELEMENTS_RECORD_BYTES : ARRAYS_RECORD_BYTES;
    const stride = c.indirectStride === 0 ? record : c.indirectStride;
    const maxDraws = Math.max(1, c.indirectDrawCount);
    if (maxDraws > MAX_INDIRECT_DRAWS) return invalid(`indirect draw count ${maxDraws} above ${MAX_INDIRECT_DRAWS}`);
    if (c.indirectOffset % 4 !== 0 || stride % 4 !== 0 || (maxDraws > 1 && stride < record))
      return invalid(`indirect offset ${c.indirectOffset} / stride ${stride} not whole, aligned records`);
    const indirect = glBuffer(lookup, c.indirectHandle, "indirect buffer");
    if (indirect instanceof VirglRefusal) return indirect;
    let drawCount = maxDraws;
    let countBuffer: IndirectPlan["countBuffer"];
    if (c.indirectDrawCountHandle !== 0) {
      const cb = glBuffer(lookup, c.indirectDrawCountHandle, "draw count buffer");
      if (cb instanceof VirglRefusal) return cb;
      const at = c.indirectDrawCountOffset;
      if (at % 4 !== 0 || at + 4 > cb.width) return invalid(`draw count at ${at} outside its ${cb.width}-byte buffer`);
      this.#gl.getBufferSubData(cb.name, at, this.#count);
      drawCount = Math.min(new DataView(this.#count.buffer).getUint32(0, true), maxDraws);
      countBuffer = { buffer: cb.name, offset: at };
    }
    const end = c.indirectOffset + (maxDraws - 1) * stride + record;
    if (end > indirect.width)
      return invalid(`${maxDraws} indirect records to byte ${end} of the ${indirect.width}-byte buffer`);
    const reaches: VertexReach[] = [];
    const words = this.#read(indirect.name, c.indirectOffset, drawCount, stride, record);
    const perRecord = record / 4;
    if (c.indexed) {
      let indices = 0;
      for (let i = 0; i < drawCount; i++) if (words[i * perRecord + 1] !== 0) indices += words[i * perRecord]!;
      if (indices > MAX_INDIRECT_INDICES)
        return invalid(`indirect records read ${indices} indices, more than ${MAX_INDIRECT_INDICES}`);
    }
    for (let i = 0; i < drawCount; i++) {
      const w = i * perRecord;
      const count = words[w]!;
      const instances = words[w + 1]!;
      if (count === 0 || instances === 0) continue;
      if (c.indexed) {
        const baseVertex = words[w + 3]! | 0;
        const r = indexReach?.(count, words[w + 2]!, baseVertex) ?? invalid("indexed draw without an index buffer");
        if (r instanceof VirglRefusal) return r;
        reaches.push({
          firstVertex: r.first,
          lastVertex: r.last,
          startInstance: words[w + 4]!,
          instanceCount: instances,
        });
      } else {
        const first = words[w + 2]!;
        reaches.push({
          firstVertex: first,
          lastVertex: first + count - 1,
          startInstance: words[w + 3]!,
          instanceCount: instances,
        });
      }
    }
    return { buffer: indirect.name, offset: c.indirectOffset, stride, drawCount, countBuffer, reaches };
  }

  /**
   * `drawCount` records `stride` bytes apart from `offset`, packed (`record / 4` u32 words each, so a large stride
   * allocates nothing for the gaps): one read of the span when it is small, else one read per record.
   */
  #read(buffer: number, offset: number, drawCount: number, stride: number, record: number): Uint32Array {
    const span = drawCount === 0 ? 0 : (drawCount - 1) * stride + record;
    const packed = drawCount * record;
    const oneRead = span <= SPAN_READ_BYTES;
    const bytes = oneRead ? Math.max(span, packed) : packed;
    if (this.#scratch.byteLength < bytes) this.#scratch = new ArrayBuffer(bytes);
    const out = new Uint8Array(this.#scratch, 0, bytes);
    if (oneRead) {
      if (span > 0) this.#gl.getBufferSubData(buffer, offset, out.subarray(0, span));
      // In place, front to back: record i moves down from i * stride to i * record.
      for (let i = 1; i < drawCount && stride !== record; i++)
        out.copyWithin(i * record, i * stride, i * stride + record);
    } else {
      for (let i = 0; i < drawCount; i++) {
        this.#gl.getBufferSubData(buffer, offset + i * stride, out.subarray(i * record, (i + 1) * record));
      }
    }
    return new Uint32Array(this.#scratch, 0, packed / 4);
  }

  /**
   * Draws a checked plan with the vertex array, program and state bound; `indexType` for indexed draws (the element
   * buffer bound). Without the host's count draws, the count read at planning is drawn.
   */
  draw(plan: IndirectPlan, mode: number, indexType: number | undefined): void {
    const gl = this.#gl;
    if (plan.drawCount === 0) return;
    gl.bindDrawIndirectBuffer(plan.buffer);
    const cb = gl.features.indirectParameters ? plan.countBuffer : undefined;
    if (cb !== undefined) {
      gl.bindParameterBuffer(cb.buffer);
      if (indexType === undefined)
        gl.multiDrawArraysIndirectCount(mode, plan.offset, cb.offset, plan.drawCount, plan.stride);
      else gl.multiDrawElementsIndirectCount(mode, indexType, plan.offset, cb.offset, plan.drawCount, plan.stride);
    } else if (plan.drawCount === 1) {
      if (indexType === undefined) gl.drawArraysIndirect(mode, plan.offset);
      else gl.drawElementsIndirect(mode, indexType, plan.offset);
    } else if (indexType === undefined) {
      gl.multiDrawArraysIndirect(mode, plan.offset, plan.drawCount, plan.stride);
    } else {
      gl.multiDrawElementsIndirect(mode, indexType, plan.offset, plan.drawCount, plan.stride);
    }
  }
}
