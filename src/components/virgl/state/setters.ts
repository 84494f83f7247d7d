import { PipeLimits, VirglCmd, VirglObject } from "../protocol/commands.ts";
import { invalid, type VirglError } from "../protocol/errors.ts";
import type { VirglCommand } from "../protocol/typed-commands.ts";
import { MAX_CONSTANT_BYTES, MAX_SAMPLER_SLOTS, MAX_UBO_SLOTS } from "./bound-state.ts";
import type { VirglSubContext } from "./sub-context.ts";

/** What {@link applySetter} did: handled (maybe with a refusal), or not a setter. */
export type SetterOutcome = { readonly handled: true; readonly error?: VirglError } | { readonly handled: false };

const HANDLED: SetterOutcome = { handled: true };

/** Setters of fixed-function values (viewports, scissors, blend colour, stencil reference, sample mask/count). */
const FIXED_FUNCTION = new Set<number>([
  VirglCmd.SetViewportState,
  VirglCmd.SetScissorState,
  VirglCmd.SetBlendColor,
  VirglCmd.SetStencilRef,
  VirglCmd.SetSampleMask,
  VirglCmd.SetMinSamples,
]);
const refuse = (message: string): SetterOutcome => ({ handled: true, error: invalid(message) });

/** Stores the value of a state-setting command in the sub-context's bound state (no GL; draws apply it). */
export function applySetter(sub: VirglSubContext, c: VirglCommand): SetterOutcome {
  const b = sub.bound;
  switch (c.cmd) {
    case VirglCmd.BindObject: {
      // 0 unbinds; a handle of another type is refused as virglrenderer does.
      if (c.handle !== 0 && sub.objects.get(c.handle)?.type !== c.objectType) {
        return refuse(`bind of missing object ${c.handle} (type ${c.objectType})`);
      }
      if (c.objectType === VirglObject.Blend) b.blend = c.handle;
      else if (c.objectType === VirglObject.Rasterizer) b.rasterizer = c.handle;
      else if (c.objectType === VirglObject.Dsa) b.dsa = c.handle;
      else if (c.objectType === VirglObject.VertexElements) b.vertexElements = c.handle;
      else return refuse(`bind of object type ${c.objectType}`);
      break;
    }
    case VirglCmd.BindShader:
      if (c.handle !== 0 && sub.objects.get(c.handle)?.type !== VirglObject.Shader) {
        return refuse(`bind of missing shader ${c.handle}`);
      }
      b.shaders[c.stage] = c.handle;
      break;
    case VirglCmd.SetViewportState:
      if (c.startSlot + c.viewports.length > b.viewports.length) return refuse(`viewport slot ${c.startSlot}`);
      c.viewports.forEach((v, i) => {
        b.viewports[c.startSlot + i] = v;
      });
      break;
    case VirglCmd.SetScissorState:
      if (c.startSlot + c.scissors.length > b.scissors.length) return refuse(`scissor slot ${c.startSlot}`);
      c.scissors.forEach((s, i) => {
        b.scissors[c.startSlot + i] = s;
      });
      break;
    case VirglCmd.SetVertexBuffers:
      b.vertexBuffers = c.buffers;
      break;
    case VirglCmd.SetIndexBuffer:
      b.indexBuffer =
        c.resourceId === 0 ? undefined : { resourceId: c.resourceId, indexSize: c.indexSize, offset: c.offset };
      if (b.indexBuffer !== undefined && ![1, 2, 4].includes(c.indexSize)) return refuse(`index size ${c.indexSize}`);
      break;
    case VirglCmd.SetConstantBuffer:
      if (c.index !== 0) return { handled: false };
      if (c.data.byteLength > MAX_CONSTANT_BYTES) return refuse(`${c.data.byteLength} bytes of constants`);
      b.constants[c.stage] = c.data;
      b.constantsVersion++;
      break;
    case VirglCmd.SetUniformBuffer:
      if (c.index >= MAX_UBO_SLOTS) return refuse(`uniform buffer slot ${c.index}`);
      b.uniformBuffers[c.stage]![c.index] =
        c.resourceId === 0 ? undefined : { offset: c.offset, length: c.length, resourceId: c.resourceId };
      break;
    case VirglCmd.SetSamplerViews:
    case VirglCmd.BindSamplerStates: {
      const slots = c.cmd === VirglCmd.SetSamplerViews ? b.samplerViews[c.stage]! : b.samplerStates[c.stage]!;
      if (c.startSlot + c.handles.length > MAX_SAMPLER_SLOTS) {
        // Mesa unbinds every slot it knows of at context start and end: slots past ours may only be cleared.
        if (c.handles.some((h, i) => h !== 0 && c.startSlot + i >= MAX_SAMPLER_SLOTS)) {
          return refuse(`sampler slot ${c.startSlot + c.handles.length - 1}`);
        }
      }
      c.handles.forEach((h, i) => {
        if (c.startSlot + i < MAX_SAMPLER_SLOTS) slots[c.startSlot + i] = h;
      });
      break;
    }
    case VirglCmd.SetBlendColor:
      b.blendColor = c.color;
      break;
    case VirglCmd.SetStencilRef:
      b.stencilRef = { front: c.front, back: c.back };
      break;
    case VirglCmd.SetSampleMask:
      b.sampleMask = c.mask;
      break;
    case VirglCmd.SetMinSamples:
      b.minSamples = c.minSamples;
      break;
    case VirglCmd.SetClipState:
      b.clipPlanes.set(c.planes);
      b.sysvalVersion++;
      break;
    case VirglCmd.SetPolygonStipple:
      b.stipple.set(c.pattern);
      b.sysvalVersion++;
      break;
    case VirglCmd.SetStreamoutTargets:
      if (c.handles.length > PipeLimits.MaxSoBuffers) return refuse(`${c.handles.length} streamout targets`);
      for (const h of c.handles) {
        if (h !== 0 && sub.objects.get(h)?.type !== VirglObject.StreamoutTarget)
          return refuse(`no streamout target ${h}`);
      }
      b.streamoutTargets = c.handles;
      b.streamoutAppend = c.appendBitmask;
      b.streamoutVersion++;
      break;
    default:
      return { handled: false };
  }
  // Fixed-function values are re-applied as a group when `version` moves; bindings are compared per draw.
  if (FIXED_FUNCTION.has(c.cmd)) b.version++;
  return HANDLED;
}
