import {
  AtomicBuffersOffset,
  BindShaderOffset,
  BlendColorOffset,
  BlitOffset,
  BlitSideOffset,
  ClearOffset,
  ClearTextureOffset,
  ConstantBufferOffset,
  CopyRegionOffset,
  DrawVboOffset,
  FramebufferNoAttachOffset,
  FramebufferOffset,
  IndexBufferOffset,
  LaunchGridOffset,
  ObjectOffset,
  PIPE_SHADER_TYPES,
  PipeLimits,
  QueryCmdOffset,
  QueryQboOffset,
  RenderConditionOffset,
  ScissorOffset,
  ShaderResourceListOffset,
  StageListOffset,
  StencilRefOffset,
  StreamoutTargetsOffset,
  SubCtxOffset,
  TransferOffset,
  TweaksOffset,
  UniformBufferOffset,
  ValueOffset,
  VertexBuffersOffset,
  VIRGL_CMD_COUNT,
  VIRGL_CMD_NAMES,
  ViewportOffset,
  VirglCmd,
  VirglHeader,
  VirglObject,
} from "./commands.ts";
import { parseBlend } from "./objects/blend.ts";
import { parseDsa } from "./objects/dsa.ts";
import { parseQuery } from "./objects/query.ts";
import { parseRasterizer } from "./objects/rasterizer.ts";
import { parseSamplerState } from "./objects/sampler-state.ts";
import { parseSamplerView } from "./objects/sampler-view.ts";
import { parseShaderChunk } from "./objects/shader.ts";
import { parseStreamoutTarget } from "./objects/streamout-target.ts";
import { parseSurface } from "./objects/surface.ts";
import { parseVertexElements } from "./objects/vertex-elements.ts";
import { invalid, VirglRefusal } from "./refusal.ts";
import type { DwordReader } from "./stream.ts";
import type {
  VirglBlitSide,
  VirglBufferRange,
  VirglCommand,
  VirglCommandOf,
  VirglObjectDesc,
  VirglResourceBox,
} from "./typed-commands.ts";

/**
 * How many payload dwords a command may have: `min..max`, and for commands carrying a list, `fixed + item × n`
 * dwords with `n ≤ maxItems`. Breaking `min..max` is a size error (checked for the whole submit before anything
 * runs); breaking the list shape is an invalid command (checked when the command is decoded).
 */
export interface LengthRule {
  readonly min: number;
  readonly max: number;
  readonly list?: { readonly fixed: number; readonly item: number; readonly maxItems: number };
}

/** A command's entry: its length rule and its decoder (header index `p`, payload word k at `p + k`). */
export interface CommandRule<C extends number> {
  readonly length: LengthRule;
  readonly decode: (r: DwordReader, p: number, length: number, object: number) => VirglCommandOf<C> | VirglRefusal;
}

const ANY = VirglHeader.MaxLength;
const exactly = (n: number): LengthRule => ({ min: n, max: n });
const atLeast = (n: number): LengthRule => ({ min: n, max: ANY });
const list = (fixed: number, item: number, maxItems: number, min = fixed): LengthRule => ({
  min,
  max: Math.min(ANY, fixed + item * maxItems),
  list: { fixed, item, maxItems },
});

/** Checks `length` against `rule`'s list shape. */
function checkList(rule: LengthRule, length: number, what: string): VirglRefusal | undefined {
  const l = rule.list;
  if (l === undefined) return undefined;
  const n = (length - l.fixed) / l.item;
  if (!Number.isInteger(n) || n > l.maxItems) return invalid(`${what} in ${length} dwords`);
  return undefined;
}

function stageOf(r: DwordReader, index: number): number | VirglRefusal {
  const stage = r.u32(index);
  return stage < PIPE_SHADER_TYPES ? stage : invalid(`shader stage ${stage}`);
}

function transferBox(r: DwordReader, p: number, offset: number): VirglResourceBox {
  return {
    resourceId: r.u32(p + TransferOffset.Resource),
    box: {
      level: r.u32(p + TransferOffset.Level),
      stride: r.u32(p + TransferOffset.Stride),
      layerStride: r.u32(p + TransferOffset.LayerStride),
      x: r.u32(p + TransferOffset.X),
      y: r.u32(p + TransferOffset.Y),
      z: r.u32(p + TransferOffset.Z),
      w: r.u32(p + TransferOffset.W),
      h: r.u32(p + TransferOffset.H),
      d: r.u32(p + TransferOffset.D),
      offset,
    },
  };
}

function blitSide(r: DwordReader, q: number): VirglBlitSide {
  const i32 = (k: number) => r.u32(q + k) | 0;
  return {
    resourceId: r.u32(q + BlitSideOffset.Resource),
    level: r.u32(q + BlitSideOffset.Level),
    format: r.u32(q + BlitSideOffset.Format),
    x: i32(BlitSideOffset.X),
    y: i32(BlitSideOffset.Y),
    z: i32(BlitSideOffset.Z),
    w: i32(BlitSideOffset.W),
    h: i32(BlitSideOffset.H),
    d: i32(BlitSideOffset.D),
  };
}

function words(r: DwordReader, from: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(r.u32(from + i));
  return out;
}

function bufferRanges(r: DwordReader, from: number, count: number): VirglBufferRange[] {
  const out: VirglBufferRange[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ offset: r.u32(from + 3 * i), length: r.u32(from + 3 * i + 1), resourceId: r.u32(from + 3 * i + 2) });
  }
  return out;
}

/** CREATE_OBJECT payload rules and parsers by object type (`VIRGL_OBJ_*_SIZE`). */
const OBJECT_RULES: ReadonlyMap<
  number,
  {
    readonly length: LengthRule;
    readonly parse: (r: DwordReader, p: number, length: number) => VirglObjectDesc | VirglRefusal;
  }
> = new Map([
  // Mesa always sends all 8 colour buffers; fewer leave the rest disabled.
  [VirglObject.Blend, { length: { min: 3, max: 3 + PipeLimits.MaxColorBufs }, parse: parseBlend }],
  [VirglObject.Rasterizer, { length: exactly(9), parse: parseRasterizer }],
  [VirglObject.Dsa, { length: exactly(5), parse: parseDsa }],
  [VirglObject.Shader, { length: atLeast(3), parse: parseShaderChunk }],
  [VirglObject.VertexElements, { length: list(1, 4, PipeLimits.MaxAttribs), parse: parseVertexElements }],
  [VirglObject.SamplerView, { length: exactly(6), parse: parseSamplerView }],
  [VirglObject.SamplerState, { length: exactly(9), parse: parseSamplerState }],
  [VirglObject.Surface, { length: exactly(5), parse: parseSurface }],
  [VirglObject.Query, { length: exactly(4), parse: parseQuery }],
  [VirglObject.StreamoutTarget, { length: exactly(4), parse: parseStreamoutTarget }],
  [VirglObject.MsaaSurface, { length: exactly(6), parse: parseSurface }],
]);

type Rules = { readonly [K in keyof typeof VirglCmd]: CommandRule<(typeof VirglCmd)[K]> };

/** The command table, keyed by `VirglCmd`: every length rule and decoder of the virgl stream. */
export const VIRGL_COMMANDS: Rules = {
  // Mesa pads with NOP and END_TRANSFERS (22.3 sends ~1000 ignored dwords); their payloads are ignored.
  Nop: { length: atLeast(0), decode: () => ({ cmd: VirglCmd.Nop }) },
  CreateObject: {
    length: atLeast(1),
    decode: (r, p, length, object) => {
      const rule = OBJECT_RULES.get(object);
      if (rule === undefined) return invalid(`object type ${object}`);
      if (length < rule.length.min || length > rule.length.max) {
        return new VirglRefusal("size", `object type ${object} in ${length} dwords`);
      }
      const shape = checkList(rule.length, length, `object type ${object}`);
      if (shape !== undefined) return shape;
      const handle = r.u32(p + ObjectOffset.Handle);
      if (handle === 0) return invalid("object handle 0");
      const desc = rule.parse(r, p, length);
      if (desc instanceof VirglRefusal) return desc;
      return { cmd: VirglCmd.CreateObject, objectType: object, handle, desc, bytes: (length - 1) * 4 };
    },
  },
  BindObject: {
    length: exactly(1),
    decode: (r, p, _l, object) => {
      if (object === VirglObject.Null || object >= VirglObject.Query) return invalid(`bind of object type ${object}`);
      return { cmd: VirglCmd.BindObject, objectType: object, handle: r.u32(p + ObjectOffset.Handle) };
    },
  },
  DestroyObject: {
    length: exactly(1),
    decode: (r, p, _l, object) => ({
      cmd: VirglCmd.DestroyObject,
      objectType: object,
      handle: r.u32(p + ObjectOffset.Handle),
    }),
  },
  SetViewportState: {
    length: list(1, 6, PipeLimits.MaxViewports),
    decode: (r, p, length) => {
      const viewports = [];
      for (let i = 0; i < (length - 1) / 6; i++) {
        const v = p + ViewportOffset.First + 6 * i;
        viewports.push({
          scale: [r.f32(v), r.f32(v + 1), r.f32(v + 2)] as const,
          translate: [r.f32(v + 3), r.f32(v + 4), r.f32(v + 5)] as const,
        });
      }
      return { cmd: VirglCmd.SetViewportState, startSlot: r.u32(p + ViewportOffset.StartSlot), viewports };
    },
  },
  SetFramebufferState: {
    length: { min: 2, max: 2 + PipeLimits.MaxColorBufs },
    decode: (r, p, length) => {
      const nr = r.u32(p + FramebufferOffset.NrCbufs);
      if (nr > PipeLimits.MaxColorBufs || length !== nr + 2) {
        return invalid(`framebuffer with ${nr} colour buffers in ${length} dwords`);
      }
      return {
        cmd: VirglCmd.SetFramebufferState,
        zsSurface: r.u32(p + FramebufferOffset.ZsurfHandle),
        colorSurfaces: words(r, p + FramebufferOffset.Cbuf0, nr),
      };
    },
  },
  SetVertexBuffers: {
    length: list(0, 3, PipeLimits.MaxAttribs),
    decode: (r, p, length) => {
      const buffers = [];
      for (let i = 0; i < length / 3; i++) {
        const b = p + VertexBuffersOffset.First + 3 * i;
        buffers.push({ stride: r.u32(b), offset: r.u32(b + 1), resourceId: r.u32(b + 2) });
      }
      return { cmd: VirglCmd.SetVertexBuffers, buffers };
    },
  },
  Clear: {
    length: exactly(8),
    decode: (r, p) => ({
      cmd: VirglCmd.Clear,
      buffers: r.u32(p + ClearOffset.Buffers),
      color: r.bytes(p + ClearOffset.Color0, 4).slice(),
      depth: r.f64(p + ClearOffset.Depth),
      stencil: r.u32(p + ClearOffset.Stencil),
    }),
  },
  DrawVbo: {
    length: { min: 12, max: 20 },
    decode: (r, p, length) => {
      const w = (k: number) => (k <= length ? r.u32(p + k) : 0);
      const o = DrawVboOffset;
      return {
        cmd: VirglCmd.DrawVbo,
        start: w(o.Start),
        count: w(o.Count),
        mode: w(o.Mode),
        indexed: w(o.Indexed) !== 0,
        instanceCount: w(o.InstanceCount),
        indexBias: w(o.IndexBias) | 0,
        startInstance: w(o.StartInstance),
        primitiveRestart: w(o.PrimitiveRestart) !== 0,
        restartIndex: w(o.RestartIndex),
        minIndex: w(o.MinIndex),
        maxIndex: w(o.MaxIndex),
        countFromSo: w(o.CountFromSo),
        verticesPerPatch: w(o.VerticesPerPatch),
        drawId: w(o.DrawId),
        indirectHandle: w(o.IndirectHandle),
        indirectOffset: w(o.IndirectOffset),
        indirectStride: w(o.IndirectStride),
        indirectDrawCount: w(o.IndirectDrawCount),
        indirectDrawCountOffset: w(o.IndirectDrawCountOffset),
        indirectDrawCountHandle: w(o.IndirectDrawCountHandle),
      };
    },
  },
  ResourceInlineWrite: {
    length: atLeast(11),
    decode: (r, p, length) => ({
      cmd: VirglCmd.ResourceInlineWrite,
      ...transferBox(r, p, 0),
      data: r.bytes(p + TransferOffset.InlineData, length - 11),
    }),
  },
  SetSamplerViews: {
    length: list(2, 1, PipeLimits.MaxSamplerViews),
    decode: (r, p, length) => {
      const stage = stageOf(r, p + StageListOffset.ShaderType);
      if (typeof stage !== "number") return stage;
      return {
        cmd: VirglCmd.SetSamplerViews,
        stage,
        startSlot: r.u32(p + StageListOffset.StartSlot),
        handles: words(r, p + StageListOffset.First, length - 2),
      };
    },
  },
  SetIndexBuffer: {
    // One word unbinds; three bind (handle, index size, offset).
    length: list(1, 2, 1),
    decode: (r, p, length) => ({
      cmd: VirglCmd.SetIndexBuffer,
      resourceId: r.u32(p + IndexBufferOffset.Handle),
      indexSize: length === 3 ? r.u32(p + IndexBufferOffset.IndexSize) : 0,
      offset: length === 3 ? r.u32(p + IndexBufferOffset.Offset) : 0,
    }),
  },
  SetConstantBuffer: {
    length: atLeast(2),
    decode: (r, p, length) => {
      const stage = stageOf(r, p + ConstantBufferOffset.ShaderType);
      if (typeof stage !== "number") return stage;
      const bytes = r.bytes(p + ConstantBufferOffset.Data, length - 2).slice();
      return {
        cmd: VirglCmd.SetConstantBuffer,
        stage,
        index: r.u32(p + ConstantBufferOffset.Index),
        data: new Uint32Array(bytes.buffer),
      };
    },
  },
  SetStencilRef: {
    length: exactly(1),
    decode: (r, p) => {
      const v = r.u32(p + StencilRefOffset.Ref);
      return { cmd: VirglCmd.SetStencilRef, front: v & 0xff, back: (v >>> 8) & 0xff };
    },
  },
  SetBlendColor: {
    length: exactly(4),
    decode: (r, p) => {
      const c = p + BlendColorOffset.Rgba;
      return { cmd: VirglCmd.SetBlendColor, color: [r.f32(c), r.f32(c + 1), r.f32(c + 2), r.f32(c + 3)] };
    },
  },
  SetScissorState: {
    length: list(1, 2, PipeLimits.MaxViewports),
    decode: (r, p, length) => {
      const scissors = [];
      for (let i = 0; i < (length - 1) / 2; i++) {
        const min = r.u32(p + ScissorOffset.First + 2 * i);
        const max = r.u32(p + ScissorOffset.First + 2 * i + 1);
        scissors.push({ minX: min & 0xffff, minY: min >>> 16, maxX: max & 0xffff, maxY: max >>> 16 });
      }
      return { cmd: VirglCmd.SetScissorState, startSlot: r.u32(p + ScissorOffset.StartSlot), scissors };
    },
  },
  Blit: {
    length: exactly(21),
    decode: (r, p) => {
      const s0 = r.u32(p + BlitOffset.S0);
      const min = r.u32(p + BlitOffset.ScissorMin);
      const max = r.u32(p + BlitOffset.ScissorMax);
      return {
        cmd: VirglCmd.Blit,
        mask: s0 & 0xff,
        filter: (s0 >>> 8) & 0x3,
        scissorEnable: ((s0 >>> 10) & 1) === 1,
        renderConditionEnable: ((s0 >>> 11) & 1) === 1,
        alphaBlend: ((s0 >>> 12) & 1) === 1,
        scissor: { minX: min & 0xffff, minY: min >>> 16, maxX: max & 0xffff, maxY: max >>> 16 },
        dst: blitSide(r, p + BlitOffset.Dst),
        src: blitSide(r, p + BlitOffset.Src),
      };
    },
  },
  ResourceCopyRegion: {
    length: exactly(13),
    decode: (r, p) => {
      const o = CopyRegionOffset;
      const w = (k: number) => r.u32(p + k);
      return {
        cmd: VirglCmd.ResourceCopyRegion,
        dst: { resourceId: w(o.DstResource), level: w(o.DstLevel), x: w(o.DstX), y: w(o.DstY), z: w(o.DstZ) },
        src: { resourceId: w(o.SrcResource), level: w(o.SrcLevel), x: w(o.SrcX), y: w(o.SrcY), z: w(o.SrcZ) },
        w: w(o.W),
        h: w(o.H),
        d: w(o.D),
      };
    },
  },
  BindSamplerStates: {
    length: list(2, 1, PipeLimits.MaxSamplerViews),
    decode: (r, p, length) => {
      const stage = stageOf(r, p + StageListOffset.ShaderType);
      if (typeof stage !== "number") return stage;
      return {
        cmd: VirglCmd.BindSamplerStates,
        stage,
        startSlot: r.u32(p + StageListOffset.StartSlot),
        handles: words(r, p + StageListOffset.First, length - 2),
      };
    },
  },
  BeginQuery: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.BeginQuery, handle: r.u32(p + QueryCmdOffset.Handle) }),
  },
  EndQuery: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.EndQuery, handle: r.u32(p + QueryCmdOffset.Handle) }),
  },
  GetQueryResult: {
    length: exactly(2),
    decode: (r, p) => ({
      cmd: VirglCmd.GetQueryResult,
      handle: r.u32(p + QueryCmdOffset.Handle),
      wait: r.u32(p + QueryCmdOffset.Wait) !== 0,
    }),
  },
  SetPolygonStipple: {
    length: exactly(32),
    decode: (r, p) => ({ cmd: VirglCmd.SetPolygonStipple, pattern: Uint32Array.from(words(r, p + 1, 32)) }),
  },
  SetClipState: {
    length: exactly(32),
    decode: (r, p) => {
      const planes = new Float32Array(32);
      for (let i = 0; i < 32; i++) planes[i] = r.f32(p + 1 + i);
      return { cmd: VirglCmd.SetClipState, planes };
    },
  },
  SetSampleMask: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.SetSampleMask, mask: r.u32(p + ValueOffset.Value) }),
  },
  SetStreamoutTargets: {
    length: list(1, 1, PipeLimits.MaxSoBuffers),
    decode: (r, p, length) => ({
      cmd: VirglCmd.SetStreamoutTargets,
      appendBitmask: r.u32(p + StreamoutTargetsOffset.AppendBitmask),
      handles: words(r, p + StreamoutTargetsOffset.First, length - 1),
    }),
  },
  SetRenderCondition: {
    length: exactly(3),
    decode: (r, p) => ({
      cmd: VirglCmd.SetRenderCondition,
      handle: r.u32(p + RenderConditionOffset.Handle),
      condition: r.u32(p + RenderConditionOffset.Condition) !== 0,
      mode: r.u32(p + RenderConditionOffset.Mode),
    }),
  },
  SetUniformBuffer: {
    length: exactly(5),
    decode: (r, p) => {
      const stage = stageOf(r, p + UniformBufferOffset.ShaderType);
      if (typeof stage !== "number") return stage;
      return {
        cmd: VirglCmd.SetUniformBuffer,
        stage,
        index: r.u32(p + UniformBufferOffset.Index),
        offset: r.u32(p + UniformBufferOffset.Offset),
        length: r.u32(p + UniformBufferOffset.Length),
        resourceId: r.u32(p + UniformBufferOffset.Resource),
      };
    },
  },
  SetSubCtx: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.SetSubCtx, subCtxId: r.u32(p + SubCtxOffset.Id) }),
  },
  CreateSubCtx: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.CreateSubCtx, subCtxId: r.u32(p + SubCtxOffset.Id) }),
  },
  DestroySubCtx: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.DestroySubCtx, subCtxId: r.u32(p + SubCtxOffset.Id) }),
  },
  BindShader: {
    length: exactly(2),
    decode: (r, p) => {
      const stage = stageOf(r, p + BindShaderOffset.Type);
      if (typeof stage !== "number") return stage;
      return { cmd: VirglCmd.BindShader, handle: r.u32(p + BindShaderOffset.Handle), stage };
    },
  },
  SetTessState: {
    length: exactly(6),
    decode: (r, p) => ({
      cmd: VirglCmd.SetTessState,
      outer: [r.f32(p + 1), r.f32(p + 2), r.f32(p + 3), r.f32(p + 4)],
      inner: [r.f32(p + 5), r.f32(p + 6)],
    }),
  },
  SetMinSamples: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.SetMinSamples, minSamples: r.u32(p + ValueOffset.Value) }),
  },
  SetShaderBuffers: {
    length: list(2, 3, PipeLimits.MaxShaderBuffers),
    decode: (r, p, length) => {
      const stage = stageOf(r, p + ShaderResourceListOffset.ShaderType);
      if (typeof stage !== "number") return stage;
      return {
        cmd: VirglCmd.SetShaderBuffers,
        stage,
        startSlot: r.u32(p + ShaderResourceListOffset.StartSlot),
        buffers: bufferRanges(r, p + ShaderResourceListOffset.First, (length - 2) / 3),
      };
    },
  },
  SetShaderImages: {
    length: list(2, 5, PipeLimits.MaxShaderImages),
    decode: (r, p, length) => {
      const stage = stageOf(r, p + ShaderResourceListOffset.ShaderType);
      if (typeof stage !== "number") return stage;
      const images = [];
      for (let i = 0; i < (length - 2) / 5; i++) {
        const q = p + ShaderResourceListOffset.First + 5 * i;
        images.push({
          format: r.u32(q),
          access: r.u32(q + 1),
          layerOffset: r.u32(q + 2),
          levelSize: r.u32(q + 3),
          resourceId: r.u32(q + 4),
        });
      }
      return { cmd: VirglCmd.SetShaderImages, stage, startSlot: r.u32(p + ShaderResourceListOffset.StartSlot), images };
    },
  },
  MemoryBarrier: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.MemoryBarrier, flags: r.u32(p + ValueOffset.Value) }),
  },
  LaunchGrid: {
    length: exactly(8),
    decode: (r, p) => ({
      cmd: VirglCmd.LaunchGrid,
      block: words(r, p + LaunchGridOffset.Block, 3),
      grid: words(r, p + LaunchGridOffset.Grid, 3),
      indirectHandle: r.u32(p + LaunchGridOffset.IndirectHandle),
      indirectOffset: r.u32(p + LaunchGridOffset.IndirectOffset),
    }),
  },
  SetFramebufferStateNoAttach: {
    length: exactly(2),
    decode: (r, p) => {
      const wh = r.u32(p + FramebufferNoAttachOffset.WidthHeight);
      const ls = r.u32(p + FramebufferNoAttachOffset.LayersSamples);
      return {
        cmd: VirglCmd.SetFramebufferStateNoAttach,
        width: wh & 0xffff,
        height: wh >>> 16,
        layers: ls & 0xffff,
        samples: (ls >>> 16) & 0xff,
      };
    },
  },
  TextureBarrier: {
    length: exactly(1),
    decode: (r, p) => ({ cmd: VirglCmd.TextureBarrier, flags: r.u32(p + ValueOffset.Value) }),
  },
  SetAtomicBuffers: {
    length: list(1, 3, PipeLimits.MaxAtomicBuffers),
    decode: (r, p, length) => ({
      cmd: VirglCmd.SetAtomicBuffers,
      startSlot: r.u32(p + AtomicBuffersOffset.StartSlot),
      buffers: bufferRanges(r, p + AtomicBuffersOffset.First, (length - 1) / 3),
    }),
  },
  SetDebugFlags: {
    length: atLeast(2),
    decode: (r, p) => ({ cmd: VirglCmd.SetDebugFlags, flags: r.u32(p + ValueOffset.Value) }),
  },
  GetQueryResultQbo: {
    length: exactly(6),
    decode: (r, p) => ({
      cmd: VirglCmd.GetQueryResultQbo,
      handle: r.u32(p + QueryQboOffset.Handle),
      qboHandle: r.u32(p + QueryQboOffset.Qbo),
      wait: r.u32(p + QueryQboOffset.Wait) !== 0,
      resultType: r.u32(p + QueryQboOffset.ResultType),
      offset: r.u32(p + QueryQboOffset.Offset),
      index: r.u32(p + QueryQboOffset.Index) | 0,
    }),
  },
  Transfer3D: {
    length: exactly(13),
    decode: (r, p) => ({
      cmd: VirglCmd.Transfer3D,
      ...transferBox(r, p, r.u32(p + TransferOffset.DataOffset)),
      direction: r.u32(p + TransferOffset.Direction),
    }),
  },
  // Mesa pads its transfer buffer with it; payload ignored.
  EndTransfers: { length: atLeast(0), decode: () => ({ cmd: VirglCmd.EndTransfers }) },
  CopyTransfer3D: {
    length: exactly(14),
    decode: (r, p) => ({
      cmd: VirglCmd.CopyTransfer3D,
      ...transferBox(r, p, r.u32(p + TransferOffset.CopySrcOffset)),
      srcResourceId: r.u32(p + TransferOffset.CopySrcResource),
    }),
  },
  SetTweaks: {
    length: atLeast(2),
    decode: (r, p) => ({
      cmd: VirglCmd.SetTweaks,
      id: r.u32(p + TweaksOffset.Id),
      value: r.u32(p + TweaksOffset.Value),
    }),
  },
  ClearTexture: {
    length: exactly(12),
    decode: (r, p) => {
      const o = ClearTextureOffset;
      const w = (k: number) => r.u32(p + k);
      return {
        cmd: VirglCmd.ClearTexture,
        resourceId: w(o.Resource),
        level: w(o.Level),
        x: w(o.X),
        y: w(o.Y),
        z: w(o.Z),
        w: w(o.W),
        h: w(o.H),
        d: w(o.D),
        data: r.bytes(p + o.Data, 4).slice(),
      };
    },
  },
  PipeResourceCreate: { length: exactly(11), decode: () => ({ cmd: VirglCmd.PipeResourceCreate }) },
  PipeResourceSetType: { length: atLeast(8), decode: () => ({ cmd: VirglCmd.PipeResourceSetType }) },
  GetMemoryInfo: { length: exactly(1), decode: () => ({ cmd: VirglCmd.GetMemoryInfo }) },
  SendStringMarker: { length: atLeast(1), decode: () => ({ cmd: VirglCmd.SendStringMarker }) },
  LinkShader: { length: atLeast(1), decode: () => ({ cmd: VirglCmd.LinkShader }) },
};

/** The table by numeric id, for the per-command lookup. */
const RULES_BY_ID: readonly CommandRule<number>[] = Array.from(
  { length: VIRGL_CMD_COUNT },
  (_, cmd) => VIRGL_COMMANDS[VIRGL_CMD_NAMES[cmd] as keyof Rules] as CommandRule<number>,
);

/** The table entry of command id `cmd` (`undefined` for ids past the protocol). */
export function commandRule(cmd: number): CommandRule<number> | undefined {
  return RULES_BY_ID[cmd];
}

/** Decodes the command framed at header index `p`: its list shape, then its fields. */
export function decodeCommand(
  r: DwordReader,
  p: number,
  cmd: number,
  object: number,
  length: number,
): VirglCommand | VirglRefusal {
  const rule = commandRule(cmd);
  if (rule === undefined) return invalid(`unknown virgl command ${cmd}`);
  const shape = checkList(rule.length, length, VIRGL_CMD_NAMES[cmd]!);
  if (shape !== undefined) return shape;
  return rule.decode(r, p, length, object);
}
