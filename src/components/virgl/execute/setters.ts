import { PipeLimits, type VirglCmd, VirglObject } from "../protocol/commands.ts";
import { invalid } from "../protocol/refusal.ts";
import { MAX_CONSTANT_BYTES, MAX_SAMPLER_SLOTS, MAX_UBO_SLOTS } from "../state/bound-state.ts";
import { type Executor, UNSUPPORTED } from "./executor.ts";

// Setters store values in the current sub-context's bound state; draws apply them (no GL here). Fixed-function
// values (viewports, scissors, blend colour, stencil reference, sample mask/count) bump `version` and are re-applied
// as a group; bindings are compared per draw.

/** BIND_OBJECT: 0 unbinds; a handle of another type is refused as virglrenderer does. */
export const executeBindObject: Executor<typeof VirglCmd.BindObject> = (x, c) => {
  const sub = x.sub;
  const b = sub.bound;
  if (c.handle !== 0 && sub.objects.get(c.handle)?.type !== c.objectType) {
    return invalid(`bind of missing object ${c.handle} (type ${c.objectType})`);
  }
  if (c.objectType === VirglObject.Blend) b.blend = c.handle;
  else if (c.objectType === VirglObject.Rasterizer) b.rasterizer = c.handle;
  else if (c.objectType === VirglObject.Dsa) b.dsa = c.handle;
  else if (c.objectType === VirglObject.VertexElements) b.vertexElements = c.handle;
  else return invalid(`bind of object type ${c.objectType}`);
  return undefined;
};

/** BIND_SHADER: the shader object of one stage (0 unbinds). */
export const executeBindShader: Executor<typeof VirglCmd.BindShader> = (x, c) => {
  const sub = x.sub;
  if (c.handle !== 0 && sub.objects.get(c.handle)?.type !== VirglObject.Shader) {
    return invalid(`bind of missing shader ${c.handle}`);
  }
  sub.bound.shaders[c.stage] = c.handle;
  return undefined;
};

/** SET_VIEWPORT_STATE from a start slot. */
export const executeSetViewportState: Executor<typeof VirglCmd.SetViewportState> = (x, c) => {
  const b = x.sub.bound;
  if (c.startSlot + c.viewports.length > b.viewports.length) return invalid(`viewport slot ${c.startSlot}`);
  for (let i = 0; i < c.viewports.length; i++) b.viewports[c.startSlot + i] = c.viewports[i];
  b.version++;
  return undefined;
};

/** SET_SCISSOR_STATE from a start slot. */
export const executeSetScissorState: Executor<typeof VirglCmd.SetScissorState> = (x, c) => {
  const b = x.sub.bound;
  if (c.startSlot + c.scissors.length > b.scissors.length) return invalid(`scissor slot ${c.startSlot}`);
  for (let i = 0; i < c.scissors.length; i++) b.scissors[c.startSlot + i] = c.scissors[i];
  b.version++;
  return undefined;
};

/** SET_VERTEX_BUFFERS: the whole list replaces the previous one. */
export const executeSetVertexBuffers: Executor<typeof VirglCmd.SetVertexBuffers> = (x, c) => {
  x.sub.bound.vertexBuffers = c.buffers;
  return undefined;
};

/** SET_INDEX_BUFFER: resource 0 unbinds; index sizes are 1, 2 or 4 bytes. */
export const executeSetIndexBuffer: Executor<typeof VirglCmd.SetIndexBuffer> = (x, c) => {
  const b = x.sub.bound;
  b.indexBuffer =
    c.resourceId === 0 ? undefined : { resourceId: c.resourceId, indexSize: c.indexSize, offset: c.offset };
  if (b.indexBuffer !== undefined && ![1, 2, 4].includes(c.indexSize)) return invalid(`index size ${c.indexSize}`);
  return undefined;
};

/** SET_CONSTANT_BUFFER: slot 0 (the constants) is executed, an empty one of slots 1..14 unbinds that UBO; others are counted as unsupported. */
export const executeSetConstantBuffer: Executor<typeof VirglCmd.SetConstantBuffer> = (x, c) => {
  if (c.index !== 0) {
    // Mesa unbinds UBO slot `index` this way (no data): the slot reads nothing until SET_UNIFORM_BUFFER binds it.
    if (c.data.length !== 0 || c.index >= MAX_UBO_SLOTS) return UNSUPPORTED;
    x.sub.bound.uniformBuffers[c.stage]![c.index] = undefined;
    return undefined;
  }
  if (c.data.byteLength > MAX_CONSTANT_BYTES) return invalid(`${c.data.byteLength} bytes of constants`);
  const b = x.sub.bound;
  b.constants[c.stage] = c.data;
  b.constantsVersion++;
  return undefined;
};

/** SET_UNIFORM_BUFFER: a buffer range as UBO slot `index` of a stage (resource 0 unbinds). */
export const executeSetUniformBuffer: Executor<typeof VirglCmd.SetUniformBuffer> = (x, c) => {
  if (c.index >= MAX_UBO_SLOTS) return invalid(`uniform buffer slot ${c.index}`);
  x.sub.bound.uniformBuffers[c.stage]![c.index] =
    c.resourceId === 0 ? undefined : { offset: c.offset, length: c.length, resourceId: c.resourceId };
  return undefined;
};

/** Stores sampler view or sampler state handles from `startSlot`; slots past ours may only be cleared. */
function bindSamplerSlots(slots: number[], startSlot: number, handles: readonly number[]) {
  if (startSlot + handles.length > MAX_SAMPLER_SLOTS) {
    // Mesa unbinds every slot it knows of at context start and end.
    if (handles.some((h, i) => h !== 0 && startSlot + i >= MAX_SAMPLER_SLOTS)) {
      return invalid(`sampler slot ${startSlot + handles.length - 1}`);
    }
  }
  for (let i = 0; i < handles.length && startSlot + i < MAX_SAMPLER_SLOTS; i++) slots[startSlot + i] = handles[i]!;
  return undefined;
}

/** SET_SAMPLER_VIEWS of one stage. */
export const executeSetSamplerViews: Executor<typeof VirglCmd.SetSamplerViews> = (x, c) =>
  bindSamplerSlots(x.sub.bound.samplerViews[c.stage]!, c.startSlot, c.handles);

/** BIND_SAMPLER_STATES of one stage. */
export const executeBindSamplerStates: Executor<typeof VirglCmd.BindSamplerStates> = (x, c) =>
  bindSamplerSlots(x.sub.bound.samplerStates[c.stage]!, c.startSlot, c.handles);

/** SET_BLEND_COLOR. */
export const executeSetBlendColor: Executor<typeof VirglCmd.SetBlendColor> = (x, c) => {
  const b = x.sub.bound;
  b.blendColor = c.color;
  b.version++;
  return undefined;
};

/** SET_STENCIL_REF: front and back reference values. */
export const executeSetStencilRef: Executor<typeof VirglCmd.SetStencilRef> = (x, c) => {
  const b = x.sub.bound;
  b.stencilRef = { front: c.front, back: c.back };
  b.version++;
  return undefined;
};

/** SET_SAMPLE_MASK. */
export const executeSetSampleMask: Executor<typeof VirglCmd.SetSampleMask> = (x, c) => {
  const b = x.sub.bound;
  b.sampleMask = c.mask;
  b.version++;
  return undefined;
};

/** SET_MIN_SAMPLES. */
export const executeSetMinSamples: Executor<typeof VirglCmd.SetMinSamples> = (x, c) => {
  const b = x.sub.bound;
  b.minSamples = c.minSamples;
  b.version++;
  return undefined;
};

/** SET_CLIP_STATE: 8 user clip planes (read by shaders as system values). */
export const executeSetClipState: Executor<typeof VirglCmd.SetClipState> = (x, c) => {
  const b = x.sub.bound;
  b.clipPlanes.set(c.planes);
  b.sysvalVersion++;
  return undefined;
};

/** SET_POLYGON_STIPPLE: 32 rows of 32 bits (read by fragment shaders as system values). */
export const executeSetPolygonStipple: Executor<typeof VirglCmd.SetPolygonStipple> = (x, c) => {
  const b = x.sub.bound;
  b.stipple.set(c.pattern);
  b.sysvalVersion++;
  return undefined;
};

/** SET_STREAMOUT_TARGETS: target handles per capture buffer (0 = none) and which ones append. */
export const executeSetStreamoutTargets: Executor<typeof VirglCmd.SetStreamoutTargets> = (x, c) => {
  const sub = x.sub;
  const b = sub.bound;
  if (c.handles.length > PipeLimits.MaxSoBuffers) return invalid(`${c.handles.length} streamout targets`);
  for (const h of c.handles) {
    if (h !== 0 && sub.objects.get(h)?.type !== VirglObject.StreamoutTarget) return invalid(`no streamout target ${h}`);
  }
  b.streamoutTargets = c.handles;
  b.streamoutAppend = c.appendBitmask;
  b.streamoutVersion++;
  return undefined;
};
