import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglQueryDesc } from "../protocol/objects/query.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import { PipeQuery, queryTarget } from "./gallium-to-gl.ts";
import type { ResourceLookup } from "./lookup.ts";

/** virgl_protocol.h `VIRGL_QUERY_STATE_DONE`: the result the guest polls for is in place. */
const VIRGL_QUERY_STATE_DONE = 1;
/** Bytes of `struct virgl_host_query_state { u32 query_state; u32 result_size; u64 result; }`. */
export const HOST_QUERY_STATE_BYTES = 16;

/** Whether this component executes queries of Gallium type `type` (others are refused at CREATE_OBJECT). */
export function isExecutedQuery(type: number): boolean {
  return queryTarget(type) !== undefined || type === PipeQuery.GpuFinished;
}

/**
 * Queries on GL query objects. Results are read when the guest asks (GET_QUERY_RESULT waits for the GL, which has
 * run every earlier command by then) and written as a `virgl_host_query_state` at the query's offset in its
 * resource: backing (what the guest maps) and GL buffer alike, so the guest never waits on a state we do not write.
 */
export class Queries {
  readonly #gl: HostGl;
  readonly #objects = new Map<VirglQueryDesc, number>();
  #conditional = false;

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  #object(q: VirglQueryDesc, target: number): number {
    let o = this.#objects.get(q);
    if (o === undefined) {
      o = this.#gl.createQuery(target);
      this.#objects.set(q, o);
    }
    return o;
  }

  begin(q: VirglQueryDesc): VirglRefusal | undefined {
    const target = queryTarget(q.queryType);
    if (target === undefined || q.queryType === PipeQuery.Timestamp) return undefined;
    this.#gl.beginQuery(target, this.#object(q, target));
    return undefined;
  }

  end(q: VirglQueryDesc): VirglRefusal | undefined {
    const target = queryTarget(q.queryType);
    if (target === undefined) return undefined;
    if (q.queryType === PipeQuery.Timestamp) this.#gl.queryCounter(this.#object(q, target), target);
    else if (this.#objects.has(q)) this.#gl.endQuery(target);
    return undefined;
  }

  /** Writes the query's result where the guest reads it. */
  result(q: VirglQueryDesc, lookup: ResourceLookup): VirglRefusal | undefined {
    const res = lookup(q.resourceId);
    if (res instanceof VirglRefusal) return res;
    if (res.state.target !== PipeTextureTarget.Buffer) return invalid(`query resource ${q.resourceId} is not a buffer`);
    if (q.offset + HOST_QUERY_STATE_BYTES > res.state.width) return invalid("query result past its buffer");
    const o = this.#objects.get(q);
    let value = 0n;
    if (q.queryType === PipeQuery.GpuFinished) value = 1n;
    else if (o !== undefined) value = this.#gl.getQueryResult(o);
    const timer = q.queryType === PipeQuery.Timestamp || q.queryType === PipeQuery.TimeElapsed;
    const bytes = new Uint8Array(HOST_QUERY_STATE_BYTES);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, VIRGL_QUERY_STATE_DONE, true);
    view.setUint32(4, timer ? 8 : 4, true);
    view.setBigUint64(8, value, true);
    const backing = res.record.backing;
    if (backing !== undefined) {
      if (q.offset + HOST_QUERY_STATE_BYTES > backing.totalLength)
        return new VirglRefusal("iovec", "query backing too short");
      backing.write(q.offset, bytes, 0, HOST_QUERY_STATE_BYTES);
    }
    if (res.state.glName !== 0) this.#gl.bufferSubData(res.state.glName, q.offset, bytes);
    return undefined;
  }

  /**
   * SET_RENDER_CONDITION: draws, clears and blits run only when the query's result is non-zero (zero when
   * `inverted`); `mode` is `PIPE_RENDER_COND_*` (WAIT, NO_WAIT, BY_REGION_WAIT, BY_REGION_NO_WAIT). No query ends it.
   */
  renderCondition(q: VirglQueryDesc | undefined, inverted: boolean, mode: number): void {
    if (this.#conditional) {
      this.#gl.endConditionalRender();
      this.#conditional = false;
    }
    const o = q === undefined ? undefined : this.#objects.get(q);
    if (o === undefined) return;
    // GL_QUERY_WAIT .. GL_QUERY_BY_REGION_NO_WAIT, then their _INVERTED forms (GL 4.5).
    this.#gl.beginConditionalRender(o, (inverted ? 0x8e17 : 0x8e13) + (mode & 3));
    this.#conditional = true;
  }

  /** Forgets a destroyed query object. */
  forget(q: VirglQueryDesc): void {
    const o = this.#objects.get(q);
    if (o !== undefined && this.#conditional) this.renderCondition(undefined, false, 0);
    if (o !== undefined) this.#gl.deleteQuery(o);
    this.#objects.delete(q);
  }

  destroy(): void {
    for (const o of this.#objects.values()) this.#gl.deleteQuery(o);
    this.#objects.clear();
  }
}
