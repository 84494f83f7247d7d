import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { RutabagaError } from "../../../rutabaga/error.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglQueryDesc } from "../protocol/objects/query.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglResource } from "../resources/resource.ts";
import { PipeQuery, queryTarget } from "./gallium-to-gl.ts";
import type { BufferWrites } from "./index-ranges.ts";
import type { ResourceLookup } from "./lookup.ts";

/** virgl_protocol.h `VIRGL_QUERY_STATE_DONE`: the result the guest polls for is in place. */
const VIRGL_QUERY_STATE_DONE = 1;
/** Bytes of `struct virgl_host_query_state { u32 query_state; u32 result_size; u64 result; }`. */
export const HOST_QUERY_STATE_BYTES = 16;

/** Vertex streams a primitives query may count (GL 4.0's `GL_MAX_VERTEX_STREAMS` minimum, Gallium's 4). */
export const MAX_QUERY_STREAMS = 4;

/** `PIPE_QUERY_TYPE_*` of GET_QUERY_RESULT_QBO: I32, U32, I64, U64. */
const QBO_RESULT_BYTES: readonly number[] = [4, 4, 8, 8];

/** Query types whose result is true or false (a carried part and the GL's combine with OR). */
const PREDICATES: ReadonlySet<number> = new Set([
  PipeQuery.OcclusionPredicate,
  PipeQuery.OcclusionPredicateConservative,
  PipeQuery.SoOverflowPredicate,
  PipeQuery.SoOverflowAnyPredicate,
]);

/** A query's results as a snapshot carries them: its result, and for SO_STATISTICS the primitives generated (else 0). */
export type SavedQueryValues = readonly [result: bigint, generated: bigint];

/** A GET_QUERY_RESULT_QBO whose result the GL did not have yet. */
interface QboRequest {
  readonly q: VirglQueryDesc;
  readonly resourceId: number;
  readonly resultType: number;
  readonly offset: number;
  /** Which value: 1 is SO_STATISTICS's primitives_storage_needed, else the query's one result. */
  readonly index: number;
}

/** The vertex stream a query counts: its index for primitives queries, else 0 (GL indexes only those). */
function streamOf(q: VirglQueryDesc): number {
  const perStream =
    q.queryType === PipeQuery.PrimitivesGenerated ||
    q.queryType === PipeQuery.PrimitivesEmitted ||
    q.queryType === PipeQuery.SoStatistics ||
    q.queryType === PipeQuery.SoOverflowPredicate;
  return perStream ? q.index : 0;
}

/**
 * Whether this component executes queries of Gallium type `type` on stream `index` (others are refused at
 * CREATE_OBJECT).
 */
export function isExecutedQuery(type: number, index = 0): boolean {
  if (type === PipeQuery.PipelineStatistics) return queryTarget(type, index) !== undefined;
  return (queryTarget(type) !== undefined || type === PipeQuery.GpuFinished) && index < MAX_QUERY_STREAMS;
}

/**
 * Queries on GL query objects. GET_QUERY_RESULT writes a `virgl_host_query_state` at the query's offset in its
 * resource (backing, what the guest maps, and GL buffer alike) once the GL has the result; nothing here waits for
 * the GL. A result the GL does not have yet is remembered, whatever the command's wait flag, and written by
 * {@link servePending}, which the context runs at its next submit, fence or read-back of that buffer: Mesa 22.3
 * sends GET_QUERY_RESULT without wait at END_QUERY and then only waits for the buffer, as virglrenderer serves it.
 */
export class Queries {
  readonly #gl: HostGl;
  readonly #objects = new Map<VirglQueryDesc, number>();
  /**
   * SO_STATISTICS queries' second GL query (`GL_PRIMITIVES_GENERATED` on the same stream: `primitives_storage_needed`,
   * `pipe_query_data_so_statistics`' second field); their {@link #objects} entry counts the primitives written.
   */
  readonly #generated = new Map<VirglQueryDesc, number>();
  /** GET_QUERY_RESULTs whose result the GL did not have yet. */
  readonly #pending = new Set<VirglQueryDesc>();
  /** GET_QUERY_RESULT_QBOs with wait whose result the GL did not have yet. */
  readonly #pendingQbo = new Set<QboRequest>();
  readonly #state = new Uint8Array(HOST_QUERY_STATE_BYTES);
  readonly #stateView = new DataView(this.#state.buffer);
  /** Queries begun and not ended. */
  readonly #active = new Set<VirglQueryDesc>();
  /** Results carried by a snapshot for queries that have no GL object here (yet). */
  readonly #restored = new Map<VirglQueryDesc, SavedQueryValues>();
  /**
   * What a query running at a snapshot had counted before its current GL run (the GL run was ended and begun again
   * there, or the query was resumed here): combined with the GL's result of the run.
   */
  readonly #carried = new Map<VirglQueryDesc, SavedQueryValues>();
  #conditional = false;

  readonly #bufferWrites: BufferWrites | undefined;

  /** `bufferWrites` moves when a result served late is written into its buffer. */
  constructor(gl: HostGl, bufferWrites?: BufferWrites) {
    this.#gl = gl;
    this.#bufferWrites = bufferWrites;
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
    const target = queryTarget(q.queryType, q.index);
    if (target === undefined || q.queryType === PipeQuery.Timestamp) return undefined;
    // A new run replaces the result a waiting GET_QUERY_RESULT was for; Mesa asks again for the new one.
    this.#pending.delete(q);
    for (const r of this.#pendingQbo) if (r.q === q) this.#pendingQbo.delete(r);
    this.#restored.delete(q);
    this.#carried.delete(q);
    // Each run gets a GL object of its own: llvmpipe (Mesa 22.3) adds a new run to an earlier one whose result was
    // never read. An object a render condition may use is kept.
    const fresh = !this.#conditional && !this.#active.has(q);
    const earlier = this.#objects.get(q);
    if (earlier !== undefined && fresh) {
      this.#gl.deleteQuery(earlier);
      this.#objects.delete(q);
    }
    this.#gl.beginQuery(target, this.#object(q, target), streamOf(q));
    this.#active.add(q);
    if (q.queryType === PipeQuery.SoStatistics) {
      let o = this.#generated.get(q);
      if (o !== undefined && fresh) {
        this.#gl.deleteQuery(o);
        o = undefined;
      }
      if (o === undefined) {
        o = this.#gl.createQuery(GL.PRIMITIVES_GENERATED);
        this.#generated.set(q, o);
      }
      this.#gl.beginQuery(GL.PRIMITIVES_GENERATED, o, streamOf(q));
    }
    return undefined;
  }

  end(q: VirglQueryDesc): VirglRefusal | undefined {
    const target = queryTarget(q.queryType, q.index);
    if (target === undefined) return undefined;
    if (q.queryType === PipeQuery.Timestamp) {
      this.#restored.delete(q);
      this.#gl.queryCounter(this.#object(q, target), target);
    } else if (this.#objects.has(q)) this.#gl.endQuery(target, streamOf(q));
    if (this.#generated.has(q)) this.#gl.endQuery(GL.PRIMITIVES_GENERATED, streamOf(q));
    this.#active.delete(q);
    return undefined;
  }

  /** The query's result buffer, checked: a GL-side buffer holding the 16-byte state at the query's offset. */
  #resultResource(q: VirglQueryDesc, lookup: ResourceLookup): VirglResource | VirglRefusal {
    const res = lookup(q.resourceId);
    if (res instanceof VirglRefusal) return res;
    if (res.state.target !== PipeTextureTarget.Buffer) return invalid(`query resource ${q.resourceId} is not a buffer`);
    if (q.offset + HOST_QUERY_STATE_BYTES > res.state.width) return invalid("query result past its buffer");
    return res;
  }

  /**
   * GET_QUERY_RESULT: writes the result where the guest reads it if the GL has it; otherwise nothing now, and the
   * result is written when {@link servePending} finds it available.
   */
  result(q: VirglQueryDesc, lookup: ResourceLookup): VirglRefusal | undefined {
    const res = this.#resultResource(q, lookup);
    if (res instanceof VirglRefusal) return res;
    const o = this.#objects.get(q);
    if (q.queryType === PipeQuery.GpuFinished || o === undefined) {
      this.#pending.delete(q);
      return this.#write(q, res, q.queryType === PipeQuery.GpuFinished ? 1n : (this.#restored.get(q)?.[0] ?? 0n));
    }
    if (this.#available(q, o)) {
      this.#pending.delete(q);
      return this.#write(q, res, this.#value(q, o, 0));
    }
    this.#pending.add(q);
    return undefined;
  }

  /**
   * GET_QUERY_RESULT_QBO: the result (`index` -1: whether it is available) as `resultType` (`PIPE_QUERY_TYPE_*`,
   * clamped to it) into buffer `qboId` at `offset`. A result the GL has is written from here; one it does not have yet
   * is left to the GL's own query buffer write (GL_QUERY_RESULT with `wait`, else GL_QUERY_RESULT_NO_WAIT).
   */
  resultQbo(
    q: VirglQueryDesc,
    qboId: number,
    resultType: number,
    offset: number,
    index: number,
    wait: boolean,
    lookup: ResourceLookup,
  ): VirglRefusal | undefined {
    const size = QBO_RESULT_BYTES[resultType];
    if (size === undefined) return invalid(`query result type ${resultType}`);
    const values = q.queryType === PipeQuery.SoStatistics ? 2 : 1;
    if (index < -1 || index >= values) return invalid(`query result index ${index}`);
    const res = this.#qboResource(qboId, offset, size, lookup);
    if (res instanceof VirglRefusal) return res;
    const o = index === 1 ? this.#generated.get(q) : this.#objects.get(q);
    const available = o === undefined || this.#available(q, o);
    if (index === -1) return this.#writeQbo(res, offset, resultType, available ? 1n : 0n);
    if (available) {
      const value =
        o === undefined
          ? q.queryType === PipeQuery.GpuFinished
            ? 1n
            : (this.#restored.get(q)?.[index === 1 ? 1 : 0] ?? 0n)
          : this.#value(q, o, index === 1 ? 1 : 0);
      return this.#writeQbo(res, offset, resultType, value);
    }
    // The GL orders its write before the commands that follow, which may read the buffer on the GPU.
    // A carried partial result must be combined here, so such a query waits for the GL instead of the GL writing.
    if (res.state.glName !== 0 && o !== undefined && !this.#carried.has(q))
      this.#gl.queryResultToBuffer(o, res.state.glName, offset, resultType, wait ? 0x8866 : 0x9194);
    else if (wait) this.#pendingQbo.add({ q, resourceId: qboId, resultType, offset, index });
    return undefined;
  }

  /** Whether the GL has `o`'s result, and for SO_STATISTICS both of its queries' (they end together). */
  #available(q: VirglQueryDesc, o: number): boolean {
    if (!this.#gl.isQueryResultAvailable(o)) return false;
    const generated = this.#generated.get(q);
    return generated === undefined || generated === o || this.#gl.isQueryResultAvailable(generated);
  }

  /**
   * The GL's result of `o` (result `index` of `q`: 1 is SO_STATISTICS' primitives generated) with what `q` counted
   * before this GL run: predicates are true when either is, counts add up.
   */
  #value(q: VirglQueryDesc, o: number, index: 0 | 1): bigint {
    const gl = this.#gl.getQueryResult(o);
    const before = this.#carried.get(q)?.[index];
    if (before === undefined) return gl;
    return PREDICATES.has(q.queryType) ? (gl !== 0n || before !== 0n ? 1n : 0n) : gl + before;
  }

  #qboResource(id: number, offset: number, size: number, lookup: ResourceLookup): VirglResource | VirglRefusal {
    const res = lookup(id);
    if (res instanceof VirglRefusal) return res;
    if (res.state.target !== PipeTextureTarget.Buffer) return invalid(`query buffer ${id} is not a buffer`);
    if (offset + size > res.state.width) return invalid("query result past its buffer");
    return res;
  }

  #writeQbo(res: VirglResource, offset: number, resultType: number, value: bigint): VirglRefusal | undefined {
    const view = this.#stateView;
    const size = QBO_RESULT_BYTES[resultType] ?? 4;
    if (size === 8)
      view.setBigUint64(0, resultType === 2 && value > 0x7fff_ffff_ffff_ffffn ? 0x7fff_ffff_ffff_ffffn : value, true);
    else
      view.setUint32(
        0,
        Number(
          value > (resultType === 0 ? 0x7fff_ffffn : 0xffff_ffffn)
            ? resultType === 0
              ? 0x7fff_ffffn
              : 0xffff_ffffn
            : value,
        ),
        true,
      );
    const bytes = this.#state.subarray(0, size);
    const backing = res.record.backing;
    if (backing !== undefined) {
      if (offset + size > backing.totalLength) return new VirglRefusal("iovec", "query buffer backing too short");
      backing.write(offset, bytes, 0, size);
    }
    if (res.state.glName !== 0) this.#gl.bufferSubData(res.state.glName, offset, bytes);
    return undefined;
  }

  /** Whether a remembered GET_QUERY_RESULT writes into resource `resourceId` (any resource when undefined). */
  hasPending(resourceId?: number): boolean {
    if (resourceId === undefined) return this.#pending.size > 0 || this.#pendingQbo.size > 0;
    for (const q of this.#pending) if (q.resourceId === resourceId) return true;
    for (const r of this.#pendingQbo) if (r.resourceId === resourceId) return true;
    return false;
  }

  /**
   * Writes the remembered results the GL has now; with `settle` the GL is first made to finish (`finish`, a host that
   * can block does; one that cannot leaves the rest for a later call). A result whose resource is gone is dropped.
   */
  servePending(lookup: ResourceLookup, settle: boolean): void {
    if (this.#pending.size === 0 && this.#pendingQbo.size === 0) return;
    this.#bufferWrites?.bump();
    if (settle) this.#gl.finish();
    for (const r of [...this.#pendingQbo]) {
      const o = r.index === 1 ? this.#generated.get(r.q) : this.#objects.get(r.q);
      const res = this.#qboResource(r.resourceId, r.offset, QBO_RESULT_BYTES[r.resultType] ?? 8, lookup);
      if (o === undefined || res instanceof VirglRefusal) {
        this.#pendingQbo.delete(r);
        continue;
      }
      if (!this.#available(r.q, o)) continue;
      this.#pendingQbo.delete(r);
      this.#writeQbo(res, r.offset, r.resultType, this.#value(r.q, o, r.index === 1 ? 1 : 0));
    }
    for (const q of [...this.#pending]) {
      const o = this.#objects.get(q);
      const res = this.#resultResource(q, lookup);
      if (o === undefined || res instanceof VirglRefusal) {
        this.#pending.delete(q);
        continue;
      }
      if (!this.#available(q, o)) continue;
      this.#pending.delete(q);
      this.#write(q, res, this.#value(q, o, 0));
    }
  }

  #write(q: VirglQueryDesc, res: VirglResource, value: bigint): VirglRefusal | undefined {
    const timer =
      q.queryType === PipeQuery.Timestamp ||
      q.queryType === PipeQuery.TimeElapsed ||
      q.queryType === PipeQuery.PipelineStatistics;
    const view = this.#stateView;
    view.setUint32(0, VIRGL_QUERY_STATE_DONE, true);
    view.setUint32(4, timer ? 8 : 4, true);
    view.setBigUint64(8, value, true);
    const backing = res.record.backing;
    if (backing !== undefined) {
      if (q.offset + HOST_QUERY_STATE_BYTES > backing.totalLength)
        return new VirglRefusal("iovec", "query backing too short");
      backing.write(q.offset, this.#state, 0, HOST_QUERY_STATE_BYTES);
    }
    if (res.state.glName !== 0) this.#gl.bufferSubData(res.state.glName, q.offset, this.#state);
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

  /**
   * The results a snapshot carries for `q`: the GL's (waiting for them), the ones restored earlier, or `undefined` for
   * a query never run. A query running now is `active`: what it counted so far (its GL run is ended, read, and begun
   * again, the count kept to combine with the new run's). Throws `Unsupported` while a render condition is set.
   */
  savedResult(q: VirglQueryDesc): { readonly values: SavedQueryValues; readonly active: boolean } | undefined {
    if (this.#conditional) throw new RutabagaError("Unsupported", "a render condition is set");
    const o = this.#objects.get(q);
    if (o === undefined) {
      const restored = this.#restored.get(q);
      return restored === undefined ? undefined : { values: restored, active: false };
    }
    const generated = this.#generated.get(q);
    const target = queryTarget(q.queryType, q.index);
    const active = this.#active.has(q) && target !== undefined;
    if (active) {
      // The run so far is ended, its count kept as carried, and a new GL run begun: the guest sees one run.
      this.#gl.endQuery(target, streamOf(q));
      if (generated !== undefined) this.#gl.endQuery(GL.PRIMITIVES_GENERATED, streamOf(q));
    }
    this.#gl.finish();
    if (!this.#available(q, o)) return undefined;
    const values: SavedQueryValues = [
      this.#value(q, o, 0),
      generated === undefined ? 0n : this.#value(q, generated, 1),
    ];
    if (active) {
      this.#carried.set(q, values);
      this.#gl.beginQuery(target, o, streamOf(q));
      if (generated !== undefined) this.#gl.beginQuery(GL.PRIMITIVES_GENERATED, generated, streamOf(q));
    }
    return { values, active };
  }

  /** Gives `q` the results a snapshot carried, served until the query runs again. */
  restoreResult(q: VirglQueryDesc, values: SavedQueryValues): void {
    this.#restored.set(q, values);
  }

  /** Goes on with a query that was running at a snapshot: a new GL run whose result adds to `values`. */
  resumeActive(q: VirglQueryDesc, values: SavedQueryValues): void {
    this.begin(q);
    this.#carried.set(q, values);
  }

  /** Forgets a destroyed query object. */
  forget(q: VirglQueryDesc): void {
    const o = this.#objects.get(q);
    if (o !== undefined && this.#conditional) this.renderCondition(undefined, false, 0);
    if (o !== undefined) this.#gl.deleteQuery(o);
    const generated = this.#generated.get(q);
    if (generated !== undefined) this.#gl.deleteQuery(generated);
    this.#generated.delete(q);
    this.#objects.delete(q);
    this.#pending.delete(q);
    this.#active.delete(q);
    this.#restored.delete(q);
    this.#carried.delete(q);
    for (const r of this.#pendingQbo) if (r.q === q) this.#pendingQbo.delete(r);
  }

  destroy(): void {
    for (const o of [...this.#objects.values(), ...this.#generated.values()]) this.#gl.deleteQuery(o);
    this.#objects.clear();
    this.#generated.clear();
    this.#pending.clear();
    this.#pendingQbo.clear();
    this.#active.clear();
    this.#restored.clear();
    this.#carried.clear();
  }
}
