import { RutabagaError } from "../../../rutabaga/error.ts";
import type { VirglExecution } from "../execute/execution.ts";
import { PIPE_SHADER_TYPES, VirglObject } from "../protocol/commands.ts";
import { VirglEncoder } from "../protocol/encoder.ts";
import type { VirglQueryDesc } from "../protocol/objects/query.ts";
import { VirglRefusal } from "../protocol/refusal.ts";
import type { SavedQueryValues } from "../render/queries.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import { SectionReader, SectionWriter } from "./section-codec.ts";

/** First word of a virgl context section ("VCX1"). */
const CONTEXT_SECTION_TAG = 0x3158_4356;
/** Longest context name a section may carry (the guest's debug name; virtio-gpu's is 64 bytes). */
const MAX_NAME_BYTES = 4096;

/** A query result a snapshot carries: the query object `handle` of sub-context `subCtx`. */
export interface SavedQueryResult {
  readonly subCtx: number;
  readonly handle: number;
  readonly values: SavedQueryValues;
  /** Running at the snapshot: it goes on counting after the restore, from `values`. */
  readonly active: boolean;
}

/** A context section decoded (not yet executed). */
export interface VirglContextSection {
  readonly name: string;
  readonly attached: readonly number[];
  /** Commands that rebuild the sub-contexts, objects and bindings, each a whole virgl command. */
  readonly commands: readonly Uint8Array[];
  readonly queryResults: readonly SavedQueryResult[];
}

/** Whether `handle` names an object of `type` in `sub` (a binding to a destroyed object is not carried). */
function isObject(sub: VirglSubContext, handle: number, type: number): boolean {
  return handle !== 0 && sub.objects.get(handle)?.type === type;
}

/** Appends commands that make `sub` (current) bind what it binds now; `surfaces` are the surface handles carried. */
function bindingCommands(
  sub: VirglSubContext,
  surfaces: ReadonlySet<number>,
  e: VirglEncoder,
  out: Uint8Array[],
): void {
  const b = sub.bound;
  for (const [type, handle] of [
    [VirglObject.Blend, b.blend],
    [VirglObject.Rasterizer, b.rasterizer],
    [VirglObject.Dsa, b.dsa],
    [VirglObject.VertexElements, b.vertexElements],
  ] as const) {
    if (isObject(sub, handle, type)) out.push(e.bindObject(type, handle).finish());
  }
  b.shaders.forEach((handle, stage) => {
    if (isObject(sub, handle, VirglObject.Shader)) out.push(e.bindShader(handle, stage).finish());
  });
  const carried = (h: number) => (surfaces.has(h) ? h : 0);
  if (sub.colorSurfaces.length > 0 || sub.zsSurface !== 0) {
    out.push(e.setFramebufferState(carried(sub.zsSurface), sub.colorSurfaces.map(carried)).finish());
  }
  const na = sub.noAttach;
  if (na.width !== 0 || na.height !== 0 || na.layers !== 0 || na.samples !== 0) {
    out.push(e.setFramebufferStateNoAttach(na.width, na.height, na.layers, na.samples).finish());
  }
  b.viewports.forEach((v, slot) => {
    if (v !== undefined) out.push(e.setViewports(slot, [v]).finish());
  });
  b.scissors.forEach((s, slot) => {
    if (s !== undefined) out.push(e.setScissors(slot, [s]).finish());
  });
  if (b.vertexBuffers.length > 0) out.push(e.setVertexBuffers(b.vertexBuffers).finish());
  if (b.indexBuffer !== undefined) {
    const ib = b.indexBuffer;
    out.push(e.setIndexBuffer(ib.resourceId, ib.indexSize, ib.offset).finish());
  }
  for (let stage = 0; stage < PIPE_SHADER_TYPES; stage++) {
    const constants = b.constants[stage]!;
    if (constants.length > 0) out.push(e.setConstantWords(stage, 0, constants).finish());
    b.uniformBuffers[stage]!.forEach((u, slot) => {
      if (u !== undefined) out.push(e.setUniformBuffer(stage, slot, u.offset, u.length, u.resourceId).finish());
    });
    const views = b.samplerViews[stage]!.map((h) => (isObject(sub, h, VirglObject.SamplerView) ? h : 0));
    if (views.some((h) => h !== 0)) out.push(e.setSamplerViews(stage, 0, views).finish());
    const states = b.samplerStates[stage]!.map((h) => (isObject(sub, h, VirglObject.SamplerState) ? h : 0));
    if (states.some((h) => h !== 0)) out.push(e.bindSamplerStates(stage, 0, states).finish());
    const m = b.memory;
    m.shaderBuffers[stage]!.forEach((r, slot) => {
      if (r !== undefined) out.push(e.setShaderBuffers(stage, slot, [r]).finish());
    });
    m.images[stage]!.forEach((image, slot) => {
      if (image !== undefined) out.push(e.setShaderImages(stage, slot, [image]).finish());
    });
  }
  b.memory.atomicBuffers.forEach((r, slot) => {
    if (r !== undefined) out.push(e.setAtomicBuffers(slot, [r]).finish());
  });
  out.push(e.setBlendColor(b.blendColor).finish());
  out.push(e.setStencilRef(b.stencilRef.front, b.stencilRef.back).finish());
  out.push(e.setSampleMask(b.sampleMask).finish());
  if (b.minSamples !== 1) out.push(e.setMinSamples(b.minSamples).finish());
  out.push(e.setClipState(b.clipPlanes).finish());
  out.push(e.setPolygonStipple(b.stipple).finish());
  out.push(e.setTessState(Array.from(b.tessLevels.subarray(0, 4)), Array.from(b.tessLevels.subarray(4, 6))).finish());
  const targets = b.streamoutTargets.map((h) => (isObject(sub, h, VirglObject.StreamoutTarget) ? h : 0));
  if (targets.some((h) => h !== 0)) out.push(e.setStreamoutTargets(targets, b.streamoutAppend).finish());
}

/**
 * The commands that rebuild `x`'s sub-contexts: each sub-context's surfaces and objects as the CREATE_OBJECT
 * commands the guest sent (a surface whose resource is no longer attached is left out, and framebuffer slots naming it
 * become empty), then its bindings as setter commands, then SET_SUB_CTX of the current one.
 */
export function stateCommands(x: VirglExecution): Uint8Array[] {
  const e = new VirglEncoder();
  const out: Uint8Array[] = [];
  let current = 0;
  for (const [id, sub] of x.subs) {
    if (sub === x.sub) current = id;
    if (id !== 0) out.push(e.createSubCtx(id).finish());
    out.push(e.setSubCtx(id).finish());
    const surfaces = new Set<number>();
    for (const [handle, s] of sub.surfaces) {
      if (x.lookup(s.resourceId) instanceof VirglRefusal) continue;
      surfaces.add(handle);
      out.push(s.command);
    }
    for (const o of sub.objects.values()) out.push(...o.commands);
  }
  // Bindings go after every sub-context's objects: SET_SUB_CTX switches between them.
  for (const [id, sub] of x.subs) {
    out.push(e.setSubCtx(id).finish());
    const surfaces = new Set<number>();
    for (const [handle, s] of sub.surfaces) if (!(x.lookup(s.resourceId) instanceof VirglRefusal)) surfaces.add(handle);
    bindingCommands(sub, surfaces, e, out);
  }
  out.push(e.setSubCtx(current).finish());
  return out;
}

/** Results of `x`'s query objects, running ones included (see `Queries.savedResult`). */
function queryResults(x: VirglExecution): SavedQueryResult[] {
  const results: SavedQueryResult[] = [];
  for (const [subCtx, sub] of x.subs) {
    for (const [handle, o] of sub.objects) {
      if (o.state.kind !== "query") continue;
      const saved = x.queries.savedResult(o.state);
      if (saved !== undefined) results.push({ subCtx, handle, ...saved });
    }
  }
  return results;
}

/** A context as a snapshot section: its name, the resources attached to it, its state commands, query results. */
export function encodeContextSection(name: string, attached: Iterable<number>, x: VirglExecution): Uint8Array {
  if (x.renderer.capturingStreamOutput > 0) {
    throw new RutabagaError(
      "Unsupported",
      "a stream-output capture is in progress (unset the targets before a snapshot)",
    );
  }
  const results = queryResults(x);
  const w = new SectionWriter().u32(CONTEXT_SECTION_TAG).string(name);
  const ids = [...attached];
  w.u32(ids.length);
  for (const id of ids) w.u32(id);
  const commands = stateCommands(x);
  w.u32(commands.length);
  for (const c of commands) w.bytes(c);
  w.u32(results.length);
  for (const r of results)
    w.u32(r.subCtx)
      .u32(r.handle)
      .u32(r.active ? 1 : 0)
      .u64(r.values[0])
      .u64(r.values[1]);
  return w.finish();
}

/** Decodes a context section; every count is bounded by the bytes that are there. */
export function decodeContextSection(bytes: Uint8Array, ctxId: number): VirglContextSection {
  const what = `context ${ctxId}'s virgl section`;
  const r = new SectionReader(bytes, what);
  if (r.u32() !== CONTEXT_SECTION_TAG) throw new RutabagaError("SnapshotError", `${what} has no virgl tag`);
  const name = r.string();
  if (name.length > MAX_NAME_BYTES) throw new RutabagaError("SnapshotError", `${what}: name too long`);
  const attached: number[] = [];
  for (let i = r.count(bytes.byteLength / 4, "attached count"); i > 0; i--) attached.push(r.u32());
  const commands: Uint8Array[] = [];
  for (let i = r.count(bytes.byteLength / 4, "command count"); i > 0; i--) commands.push(r.bytes());
  const queryResults: SavedQueryResult[] = [];
  for (let i = r.count(bytes.byteLength / 28, "query result count"); i > 0; i--) {
    const subCtx = r.u32();
    const handle = r.u32();
    const flags = r.u32();
    if (flags > 1) throw new RutabagaError("SnapshotError", `${what}: query flags ${flags}`);
    queryResults.push({ subCtx, handle, active: flags === 1, values: [r.u64(), r.u64()] });
  }
  r.end();
  return { name, attached, commands, queryResults };
}

/** Groups whole commands into submits of at most `maxBytes` each. */
export function groupCommands(commands: readonly Uint8Array[], maxBytes: number): Uint8Array[] {
  const submits: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of batch) {
      out.set(c, at);
      at += c.byteLength;
    }
    submits.push(out);
    batch = [];
    size = 0;
  };
  for (const c of commands) {
    if (size + c.byteLength > maxBytes) flush();
    batch.push(c);
    size += c.byteLength;
  }
  flush();
  return submits;
}

/** Gives restored query objects the results the section carries; a result for no query object is refused. */
export function restoreQueryResults(x: VirglExecution, results: readonly SavedQueryResult[], ctxId: number): void {
  for (const r of results) {
    const o = x.subs.get(r.subCtx)?.objects.get(r.handle);
    if (o === undefined || o.state.kind !== "query") {
      throw new RutabagaError("SnapshotError", `context ${ctxId}: a query result for no query ${r.subCtx}/${r.handle}`);
    }
    if (r.active) x.queries.resumeActive(o.state as VirglQueryDesc, r.values);
    else x.queries.restoreResult(o.state as VirglQueryDesc, r.values);
  }
}
