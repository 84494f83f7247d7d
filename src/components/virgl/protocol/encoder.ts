import type { Transfer3D } from "../../../rutabaga/types.ts";
import {
  BindShaderOffset,
  BlendOffset,
  BlitOffset,
  BlitSideOffset,
  ClearOffset,
  ClearTextureOffset,
  CopyRegionOffset,
  DrawVboOffset,
  DrawVboSize,
  FramebufferNoAttachOffset,
  FramebufferOffset,
  IndexBufferOffset,
  ObjectOffset,
  QueryCmdOffset,
  RasterizerOffset,
  SamplerStateOffset,
  SamplerViewOffset,
  SHADER_OFFSET_CONTINUATION,
  ShaderOffset,
  StageListOffset,
  StencilRefOffset,
  SubCtxOffset,
  SurfaceOffset,
  TransferOffset,
  ValueOffset,
  VertexBuffersOffset,
  VertexElementsOffset,
  ViewportOffset,
  VirglCmd,
  VirglHeader,
  VirglObject,
  VirglTransferDirection,
} from "./commands.ts";
import type { VirglStreamOutputInfo } from "./objects/shader.ts";
import type {
  VirglBlitSide,
  VirglBufferRange,
  VirglDrawInfo,
  VirglImageBinding,
  VirglScissor,
  VirglVertexBuffer,
  VirglViewport,
} from "./typed-commands.ts";

const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);
/** The bits of a float as a dword. */
export function floatBits(v: number): number {
  f32[0] = v;
  return f32u[0]!;
}

/**
 * Writes virgl command streams the way a guest driver does (the role of Mesa's `virgl_encode.c`): the mock guest
 * for unit tests, fuzzers and benchmarks. Every method appends one command; {@link finish} returns the bytes.
 */
export class VirglEncoder {
  #words = new Uint32Array(1024);
  #used = 0;

  #reserve(n: number): void {
    if (this.#used + n <= this.#words.length) return;
    let size = this.#words.length * 2;
    while (size < this.#used + n) size *= 2;
    const grown = new Uint32Array(size);
    grown.set(this.#words.subarray(0, this.#used));
    this.#words = grown;
  }

  /**
   * Appends a command with `payload` (payload word k of virgl_protocol.h is `payload[k - 1]`). The header's length
   * field keeps 16 bits, as a guest's would: longer payloads make a malformed stream on purpose.
   */
  raw(cmd: number, object: number, payload: ArrayLike<number>): this {
    this.#reserve(1 + payload.length);
    this.#words[this.#used++] = cmd | (object << VirglHeader.ObjectShift) | (payload.length << VirglHeader.LengthShift);
    if (payload instanceof Uint32Array) this.#words.set(payload, this.#used);
    else for (let i = 0; i < payload.length; i++) this.#words[this.#used + i] = payload[i]!;
    this.#used += payload.length;
    return this;
  }

  /** Appends a command of `length` payload words set by name: `fields[offset] = value`. */
  #cmd(cmd: number, object: number, length: number, fields: Readonly<Record<number, number>>): this {
    const payload = new Array<number>(length).fill(0);
    for (const [k, v] of Object.entries(fields)) if (Number(k) <= length) payload[Number(k) - 1] = v;
    return this.raw(cmd, object, payload);
  }

  /** The stream so far, as bytes; the encoder is empty afterwards. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#words.buffer.slice(0, this.#used * 4));
    this.#used = 0;
    return out;
  }

  createSubCtx(id: number): this {
    return this.#cmd(VirglCmd.CreateSubCtx, 0, 1, { [SubCtxOffset.Id]: id });
  }
  setSubCtx(id: number): this {
    return this.#cmd(VirglCmd.SetSubCtx, 0, 1, { [SubCtxOffset.Id]: id });
  }
  destroySubCtx(id: number): this {
    return this.#cmd(VirglCmd.DestroySubCtx, 0, 1, { [SubCtxOffset.Id]: id });
  }

  /** CREATE_OBJECT(SURFACE) of a texture level and layer range. */
  createSurface(
    handle: number,
    resourceId: number,
    format: number,
    level = 0,
    firstLayer = 0,
    lastLayer = firstLayer,
  ): this {
    return this.#cmd(VirglCmd.CreateObject, VirglObject.Surface, 5, {
      [ObjectOffset.Handle]: handle,
      [SurfaceOffset.Resource]: resourceId,
      [SurfaceOffset.Format]: format,
      [SurfaceOffset.LevelOrFirstElement]: level,
      [SurfaceOffset.LayersOrLastElement]: firstLayer | (lastLayer << 16),
    });
  }

  /** CREATE_OBJECT(BLEND) with all colour buffers given by their packed S2 words (`rt` shorter → zeros). */
  createBlend(handle: number, s0: number, logicOpFunc: number, rt: readonly number[] = []): this {
    const fields: Record<number, number> = {
      [ObjectOffset.Handle]: handle,
      [BlendOffset.S0]: s0,
      [BlendOffset.S1]: logicOpFunc,
    };
    rt.forEach((w, i) => {
      fields[BlendOffset.Rt0 + i] = w;
    });
    return this.#cmd(VirglCmd.CreateObject, VirglObject.Blend, BlendOffset.Rt0 + 7, fields);
  }

  /** CREATE_OBJECT(RASTERIZER) from its S0 and S3 words and float fields. */
  createRasterizer(
    handle: number,
    s0: number,
    f: { pointSize?: number; lineWidth?: number; spriteCoordEnable?: number; s3?: number } = {},
  ): this {
    return this.#cmd(VirglCmd.CreateObject, VirglObject.Rasterizer, 9, {
      [ObjectOffset.Handle]: handle,
      [RasterizerOffset.S0]: s0,
      [RasterizerOffset.PointSize]: floatBits(f.pointSize ?? 1),
      [RasterizerOffset.SpriteCoordEnable]: f.spriteCoordEnable ?? 0,
      [RasterizerOffset.S3]: f.s3 ?? 0,
      [RasterizerOffset.LineWidth]: floatBits(f.lineWidth ?? 1),
    });
  }

  /** CREATE_OBJECT(DSA) from its three state words and the alpha reference. */
  createDsa(handle: number, s0: number, front: number, back: number, alphaRef = 0): this {
    return this.raw(VirglCmd.CreateObject, VirglObject.Dsa, [handle, s0, front, back, floatBits(alphaRef)]);
  }

  /** CREATE_OBJECT(VERTEX_ELEMENTS). */
  createVertexElements(
    handle: number,
    elements: readonly { srcOffset: number; instanceDivisor: number; vertexBufferIndex: number; format: number }[],
  ): this {
    const payload = new Array<number>(1 + 4 * elements.length).fill(0);
    payload[ObjectOffset.Handle - 1] = handle;
    elements.forEach((e, i) => {
      const b = VertexElementsOffset.First - 1 + 4 * i;
      payload[b + VertexElementsOffset.SrcOffset] = e.srcOffset;
      payload[b + VertexElementsOffset.InstanceDivisor] = e.instanceDivisor;
      payload[b + VertexElementsOffset.VertexBufferIndex] = e.vertexBufferIndex;
      payload[b + VertexElementsOffset.SrcFormat] = e.format;
    });
    return this.raw(VirglCmd.CreateObject, VirglObject.VertexElements, payload);
  }

  /** CREATE_OBJECT(SAMPLER_VIEW) of a texture (levels first..last, layers first..last). */
  createSamplerView(
    handle: number,
    resourceId: number,
    format: number,
    v: {
      firstLayer?: number;
      lastLayer?: number;
      firstLevel?: number;
      lastLevel?: number;
      swizzle?: number;
      target?: number;
    } = {},
  ): this {
    return this.#cmd(VirglCmd.CreateObject, VirglObject.SamplerView, 6, {
      [ObjectOffset.Handle]: handle,
      [SamplerViewOffset.Resource]: resourceId,
      [SamplerViewOffset.Format]: format | ((v.target ?? 0) << 24),
      [SamplerViewOffset.FirstElementOrLayers]: (v.firstLayer ?? 0) | ((v.lastLayer ?? 0) << 16),
      [SamplerViewOffset.LastElementOrLevels]: (v.firstLevel ?? 0) | ((v.lastLevel ?? 0) << 8),
      // PIPE_SWIZZLE_X, Y, Z, W = 0, 1, 2, 3.
      [SamplerViewOffset.Swizzle]: v.swizzle ?? 0 | (1 << 3) | (2 << 6) | (3 << 9),
    });
  }

  /** CREATE_OBJECT(SAMPLER_VIEW) of a buffer resource: elements `first..last` of `format`, target PIPE_BUFFER. */
  createBufferSamplerView(handle: number, resourceId: number, format: number, first: number, last: number): this {
    return this.#cmd(VirglCmd.CreateObject, VirglObject.SamplerView, 6, {
      [ObjectOffset.Handle]: handle,
      [SamplerViewOffset.Resource]: resourceId,
      [SamplerViewOffset.Format]: format,
      [SamplerViewOffset.FirstElementOrLayers]: first,
      [SamplerViewOffset.LastElementOrLevels]: last,
      [SamplerViewOffset.Swizzle]: 0 | (1 << 3) | (2 << 6) | (3 << 9),
    });
  }

  /** CREATE_OBJECT(SAMPLER_STATE) from its S0 word and LOD range. */
  createSamplerState(handle: number, s0: number, minLod = 0, maxLod = 1000): this {
    return this.#cmd(VirglCmd.CreateObject, VirglObject.SamplerState, 9, {
      [ObjectOffset.Handle]: handle,
      [SamplerStateOffset.S0]: s0,
      [SamplerStateOffset.MinLod]: floatBits(minLod),
      [SamplerStateOffset.MaxLod]: floatBits(maxLod),
    });
  }

  /**
   * CREATE_OBJECT(SHADER) with TGSI `text` (NUL-terminated, padded to dwords), split into chunks of at most
   * `chunkWords` text dwords as Mesa splits long shaders.
   */
  createShader(
    handle: number,
    stage: number,
    text: string,
    numTokens = 0,
    chunkWords = 0xfff0,
    streamOutput: VirglStreamOutputInfo = { strides: [], outputs: [] },
    sharedMemoryBytes = 0,
  ): this {
    const bytes = new TextEncoder().encode(`${text}\0`);
    const padded = new Uint8Array((bytes.byteLength + 3) & ~3);
    padded.set(bytes);
    const words = new Uint32Array(padded.buffer);
    for (let at = 0; at === 0 || at < words.length; at += chunkWords) {
      const chunk = words.subarray(at, at + chunkWords);
      // Without stream output the header ends at SoNumOutputs; a continuation's at Offset.
      const so = streamOutput.outputs;
      const first = so.length === 0 ? ShaderOffset.SoNumOutputs : ShaderOffset.SoOutputs - 1 + 2 * so.length;
      const header = new Array<number>(at === 0 ? first : ShaderOffset.Offset).fill(0);
      if (at === 0 && so.length > 0) {
        header[ShaderOffset.SoNumOutputs - 1] = so.length;
        streamOutput.strides.forEach((stride, i) => {
          header[ShaderOffset.SoStride0 - 1 + i] = stride;
        });
        so.forEach((o, i) => {
          header[ShaderOffset.SoOutputs - 1 + 2 * i] =
            (o.registerIndex |
              (o.startComponent << 8) |
              (o.numComponents << 10) |
              (o.buffer << 13) |
              (o.dstOffset << 16)) >>>
            0;
          header[ShaderOffset.SoOutputs + 2 * i] = o.stream;
        });
      }
      header[ObjectOffset.Handle - 1] = handle;
      header[ShaderOffset.Type - 1] = stage;
      header[ShaderOffset.Offset - 1] = at === 0 ? bytes.byteLength : ((at * 4) | SHADER_OFFSET_CONTINUATION) >>> 0;
      if (at === 0) header[ShaderOffset.NumTokens - 1] = numTokens;
      // A compute shader's first chunk carries its shared memory size where others carry stream output.
      if (at === 0 && so.length === 0 && sharedMemoryBytes !== 0)
        header[ShaderOffset.SoNumOutputs - 1] = sharedMemoryBytes;
      const payload = new Uint32Array(header.length + chunk.length);
      payload.set(header);
      payload.set(chunk, header.length);
      this.raw(VirglCmd.CreateObject, VirglObject.Shader, payload);
    }
    return this;
  }

  /** CREATE_OBJECT(STREAMOUT_TARGET): bytes `[offset, offset + size)` of buffer `resourceId`. */
  createStreamoutTarget(handle: number, resourceId: number, offset: number, size: number): this {
    return this.raw(VirglCmd.CreateObject, VirglObject.StreamoutTarget, [handle, resourceId, offset, size]);
  }

  /** SET_STREAMOUT_TARGETS: target handle per capture buffer; bit i of `appendBitmask` appends to target i. */
  setStreamoutTargets(handles: readonly number[], appendBitmask = 0): this {
    return this.raw(VirglCmd.SetStreamoutTargets, 0, [appendBitmask, ...handles]);
  }

  /** CREATE_OBJECT(QUERY) of `PIPE_QUERY_*` `queryType`, its result at `offset` in `resourceId`. */
  createQuery(handle: number, queryType: number, index: number, resourceId: number, offset = 0): this {
    return this.raw(VirglCmd.CreateObject, VirglObject.Query, [handle, queryType | (index << 16), offset, resourceId]);
  }

  bindObject(objectType: number, handle: number): this {
    return this.#cmd(VirglCmd.BindObject, objectType, 1, { [ObjectOffset.Handle]: handle });
  }
  destroyObject(objectType: number, handle: number): this {
    return this.#cmd(VirglCmd.DestroyObject, objectType, 1, { [ObjectOffset.Handle]: handle });
  }
  bindShader(handle: number, stage: number): this {
    return this.#cmd(VirglCmd.BindShader, 0, 2, { [BindShaderOffset.Handle]: handle, [BindShaderOffset.Type]: stage });
  }

  setFramebufferState(zsSurface: number, colorSurfaces: readonly number[]): this {
    const fields: Record<number, number> = {
      [FramebufferOffset.NrCbufs]: colorSurfaces.length,
      [FramebufferOffset.ZsurfHandle]: zsSurface,
    };
    colorSurfaces.forEach((h, i) => {
      fields[FramebufferOffset.Cbuf0 + i] = h;
    });
    return this.#cmd(VirglCmd.SetFramebufferState, 0, 2 + colorSurfaces.length, fields);
  }

  /** SET_FRAMEBUFFER_STATE_NO_ATTACH: width/height and layers/samples packed 16/16 bits. */
  setFramebufferStateNoAttach(width: number, height: number, layers: number, samples: number): this {
    return this.#cmd(VirglCmd.SetFramebufferStateNoAttach, 0, 2, {
      [FramebufferNoAttachOffset.WidthHeight]: ((height << 16) | width) >>> 0,
      [FramebufferNoAttachOffset.LayersSamples]: ((samples << 16) | layers) >>> 0,
    });
  }
  setViewports(startSlot: number, viewports: readonly VirglViewport[]): this {
    const fields: Record<number, number> = { [ViewportOffset.StartSlot]: startSlot };
    viewports.forEach((v, i) => {
      [...v.scale, ...v.translate].forEach((x, k) => {
        fields[ViewportOffset.First + 6 * i + k] = floatBits(x);
      });
    });
    return this.#cmd(VirglCmd.SetViewportState, 0, 1 + 6 * viewports.length, fields);
  }

  setVertexBuffers(buffers: readonly VirglVertexBuffer[]): this {
    const fields: Record<number, number> = {};
    buffers.forEach((b, i) => {
      fields[VertexBuffersOffset.First + 3 * i] = b.stride;
      fields[VertexBuffersOffset.First + 3 * i + 1] = b.offset;
      fields[VertexBuffersOffset.First + 3 * i + 2] = b.resourceId;
    });
    return this.#cmd(VirglCmd.SetVertexBuffers, 0, 3 * buffers.length, fields);
  }

  setIndexBuffer(resourceId: number, indexSize: number, offset: number): this {
    return this.#cmd(VirglCmd.SetIndexBuffer, 0, 3, {
      [IndexBufferOffset.Handle]: resourceId,
      [IndexBufferOffset.IndexSize]: indexSize,
      [IndexBufferOffset.Offset]: offset,
    });
  }

  /** SET_CONSTANT_BUFFER of float constants for `stage` slot `index`. */
  setConstantBuffer(stage: number, index: number, constants: readonly number[]): this {
    return this.raw(VirglCmd.SetConstantBuffer, 0, [stage, index, ...constants.map(floatBits)]);
  }

  setSamplerViews(stage: number, startSlot: number, handles: readonly number[]): this {
    return this.#stageList(VirglCmd.SetSamplerViews, stage, startSlot, handles);
  }
  bindSamplerStates(stage: number, startSlot: number, handles: readonly number[]): this {
    return this.#stageList(VirglCmd.BindSamplerStates, stage, startSlot, handles);
  }
  #stageList(cmd: number, stage: number, startSlot: number, handles: readonly number[]): this {
    const fields: Record<number, number> = {
      [StageListOffset.ShaderType]: stage,
      [StageListOffset.StartSlot]: startSlot,
    };
    handles.forEach((h, i) => {
      fields[StageListOffset.First + i] = h;
    });
    return this.#cmd(cmd, 0, 2 + handles.length, fields);
  }

  setBlendColor(rgba: readonly [number, number, number, number]): this {
    return this.raw(VirglCmd.SetBlendColor, 0, rgba.map(floatBits));
  }
  setSampleMask(mask: number): this {
    return this.#cmd(VirglCmd.SetSampleMask, 0, 1, { [ValueOffset.Value]: mask });
  }
  setUniformBuffer(stage: number, index: number, offset: number, length: number, resourceId: number): this {
    return this.raw(VirglCmd.SetUniformBuffer, 0, [stage, index, offset, length, resourceId]);
  }

  /** CLEAR with a float colour (or, with `rawColor`, the colour's four dwords as given). */
  clear(buffers: number, rgba: readonly number[], depth = 0, stencil = 0, rawColor = false): this {
    const d = new Uint32Array(Float64Array.of(depth).buffer);
    return this.#cmd(VirglCmd.Clear, 0, 8, {
      [ClearOffset.Buffers]: buffers,
      [ClearOffset.Color0]: rawColor ? rgba[0]! : floatBits(rgba[0]!),
      [ClearOffset.Color0 + 1]: rawColor ? rgba[1]! : floatBits(rgba[1]!),
      [ClearOffset.Color0 + 2]: rawColor ? rgba[2]! : floatBits(rgba[2]!),
      [ClearOffset.Color0 + 3]: rawColor ? rgba[3]! : floatBits(rgba[3]!),
      [ClearOffset.Depth]: d[0]!,
      [ClearOffset.Depth + 1]: d[1]!,
      [ClearOffset.Stencil]: stencil,
    });
  }

  /** CLEAR_TEXTURE with one texel's packed bytes (up to 16). */
  clearTexture(
    resourceId: number,
    level: number,
    box: Omit<Transfer3D, "level" | "stride" | "layerStride" | "offset">,
    texel: Uint8Array,
  ): this {
    const t = new Uint8Array(16);
    t.set(texel.subarray(0, 16));
    const tw = new Uint32Array(t.buffer);
    const o = ClearTextureOffset;
    return this.#cmd(VirglCmd.ClearTexture, 0, 12, {
      [o.Resource]: resourceId,
      [o.Level]: level,
      [o.X]: box.x,
      [o.Y]: box.y,
      [o.Z]: box.z,
      [o.W]: box.w,
      [o.H]: box.h,
      [o.D]: box.d,
      [o.Data]: tw[0]!,
      [o.Data + 1]: tw[1]!,
      [o.Data + 2]: tw[2]!,
      [o.Data + 3]: tw[3]!,
    });
  }

  /** RESOURCE_COPY_REGION of a `w × h × d` box. */
  copyRegion(
    dst: { resourceId: number; level: number; x: number; y: number; z: number },
    src: { resourceId: number; level: number; x: number; y: number; z: number },
    w: number,
    h: number,
    d: number,
  ): this {
    const o = CopyRegionOffset;
    return this.#cmd(VirglCmd.ResourceCopyRegion, 0, 13, {
      [o.DstResource]: dst.resourceId,
      [o.DstLevel]: dst.level,
      [o.DstX]: dst.x,
      [o.DstY]: dst.y,
      [o.DstZ]: dst.z,
      [o.SrcResource]: src.resourceId,
      [o.SrcLevel]: src.level,
      [o.SrcX]: src.x,
      [o.SrcY]: src.y,
      [o.SrcZ]: src.z,
      [o.W]: w,
      [o.H]: h,
      [o.D]: d,
    });
  }

  /** BLIT; `filter` is `PIPE_TEX_FILTER_*`, `mask` `PIPE_MASK_*`. */
  blit(
    dst: VirglBlitSide,
    src: VirglBlitSide,
    mask: number,
    filter = 0,
    scissor?: { minX: number; minY: number; maxX: number; maxY: number },
  ): this {
    const fields: Record<number, number> = {
      [BlitOffset.S0]: mask | (filter << 8) | (scissor !== undefined ? 1 << 10 : 0),
      [BlitOffset.ScissorMin]: scissor === undefined ? 0 : scissor.minX | (scissor.minY << 16),
      [BlitOffset.ScissorMax]: scissor === undefined ? 0 : scissor.maxX | (scissor.maxY << 16),
    };
    for (const [base, s] of [
      [BlitOffset.Dst, dst],
      [BlitOffset.Src, src],
    ] as const) {
      const o = BlitSideOffset;
      fields[base + o.Resource] = s.resourceId;
      fields[base + o.Level] = s.level;
      fields[base + o.Format] = s.format;
      fields[base + o.X] = s.x;
      fields[base + o.Y] = s.y;
      fields[base + o.Z] = s.z;
      fields[base + o.W] = s.w;
      fields[base + o.H] = s.h;
      fields[base + o.D] = s.d;
    }
    return this.#cmd(VirglCmd.Blit, 0, 21, fields);
  }

  #box(resourceId: number, b: Transfer3D): Record<number, number> {
    const o = TransferOffset;
    return {
      [o.Resource]: resourceId,
      [o.Level]: b.level,
      [o.Stride]: b.stride,
      [o.LayerStride]: b.layerStride,
      [o.X]: b.x,
      [o.Y]: b.y,
      [o.Z]: b.z,
      [o.W]: b.w,
      [o.H]: b.h,
      [o.D]: b.d,
    };
  }

  /** TRANSFER3D between the resource's backing (from `box.offset`) and the host. */
  transfer3d(resourceId: number, box: Transfer3D, direction: number = VirglTransferDirection.ToHost): this {
    return this.#cmd(VirglCmd.Transfer3D, 0, 13, {
      ...this.#box(resourceId, box),
      [TransferOffset.DataOffset]: box.offset,
      [TransferOffset.Direction]: direction,
    });
  }

  /** COPY_TRANSFER3D from a staging buffer's backing at `box.offset`. */
  copyTransfer3d(resourceId: number, box: Transfer3D, srcResourceId: number, synchronized = 0): this {
    return this.#cmd(VirglCmd.CopyTransfer3D, 0, 14, {
      ...this.#box(resourceId, box),
      [TransferOffset.CopySrcResource]: srcResourceId,
      [TransferOffset.CopySrcOffset]: box.offset,
      [TransferOffset.CopySynchronized]: synchronized,
    });
  }

  /** RESOURCE_INLINE_WRITE of `data` (padded to dwords) into a box. */
  inlineWrite(resourceId: number, box: Transfer3D, data: Uint8Array): this {
    const padded = new Uint8Array((data.byteLength + 3) & ~3);
    padded.set(data);
    const head = new Array<number>(11).fill(0);
    for (const [k, v] of Object.entries(this.#box(resourceId, box))) head[Number(k) - 1] = v;
    return this.raw(VirglCmd.ResourceInlineWrite, 0, [...head, ...new Uint32Array(padded.buffer)]);
  }

  /**
   * DRAW_VBO; fields left out are 0 (`instanceCount` 1). The tessellation or indirect length is sent when a field of
   * it is non-zero.
   */
  drawVbo(d: Partial<VirglDrawInfo> & { count: number; mode: number }): this {
    const o = DrawVboOffset;
    const indirect = (d.indirectHandle ?? 0) !== 0 || (d.indirectDrawCountHandle ?? 0) !== 0;
    const size = indirect
      ? DrawVboSize.Indirect
      : (d.verticesPerPatch ?? 0) !== 0 || (d.drawId ?? 0) !== 0
        ? DrawVboSize.Tess
        : DrawVboSize.Plain;
    const fields: Record<number, number> = {
      [o.Start]: d.start ?? 0,
      [o.Count]: d.count,
      [o.Mode]: d.mode,
      [o.Indexed]: d.indexed ? 1 : 0,
      [o.InstanceCount]: d.instanceCount ?? 1,
      [o.IndexBias]: d.indexBias ?? 0,
      [o.StartInstance]: d.startInstance ?? 0,
      [o.PrimitiveRestart]: d.primitiveRestart ? 1 : 0,
      [o.RestartIndex]: d.restartIndex ?? 0,
      [o.MinIndex]: d.minIndex ?? 0,
      [o.MaxIndex]: d.maxIndex ?? 0xffffffff,
      [o.CountFromSo]: d.countFromSo ?? 0,
      [o.VerticesPerPatch]: d.verticesPerPatch ?? 0,
      [o.DrawId]: d.drawId ?? 0,
      [o.IndirectHandle]: d.indirectHandle ?? 0,
      [o.IndirectOffset]: d.indirectOffset ?? 0,
      [o.IndirectStride]: d.indirectStride ?? 0,
      [o.IndirectDrawCount]: d.indirectDrawCount ?? 0,
      [o.IndirectDrawCountOffset]: d.indirectDrawCountOffset ?? 0,
      [o.IndirectDrawCountHandle]: d.indirectDrawCountHandle ?? 0,
    };
    return this.#cmd(VirglCmd.DrawVbo, 0, size, fields);
  }

  /** SET_CONSTANT_BUFFER of raw dwords for `stage` slot `index`. */
  setConstantWords(stage: number, index: number, words: Uint32Array): this {
    return this.raw(VirglCmd.SetConstantBuffer, 0, [stage, index, ...words]);
  }

  /** SET_SCISSOR_STATE from `startSlot`: each rectangle as min and max x/y packed 16/16 bits. */
  setScissors(startSlot: number, scissors: readonly VirglScissor[]): this {
    const payload = [startSlot];
    for (const s of scissors) payload.push(((s.minY << 16) | s.minX) >>> 0, ((s.maxY << 16) | s.maxX) >>> 0);
    return this.raw(VirglCmd.SetScissorState, 0, payload);
  }

  /** SET_STENCIL_REF: front reference in bits 0–7, back in bits 8–15. */
  setStencilRef(front: number, back: number): this {
    return this.#cmd(VirglCmd.SetStencilRef, 0, 1, { [StencilRefOffset.Ref]: (front & 0xff) | ((back & 0xff) << 8) });
  }

  /** SET_CLIP_STATE: 8 planes of 4 floats. */
  setClipState(planes: Float32Array): this {
    return this.raw(VirglCmd.SetClipState, 0, new Uint32Array(Float32Array.from(planes).buffer));
  }

  /** SET_POLYGON_STIPPLE: 32 rows of 32 bits. */
  setPolygonStipple(pattern: ArrayLike<number>): this {
    return this.raw(VirglCmd.SetPolygonStipple, 0, pattern);
  }

  /** SET_MIN_SAMPLES. */
  setMinSamples(minSamples: number): this {
    return this.#cmd(VirglCmd.SetMinSamples, 0, 1, { [ValueOffset.Value]: minSamples });
  }

  /** SET_SHADER_BUFFERS of `stage` from `startSlot` (resource 0 unbinds a slot). */
  setShaderBuffers(stage: number, startSlot: number, buffers: readonly VirglBufferRange[]): this {
    const payload = [stage, startSlot];
    for (const b of buffers) payload.push(b.offset, b.length, b.resourceId);
    return this.raw(VirglCmd.SetShaderBuffers, 0, payload);
  }

  /** SET_SHADER_IMAGES of `stage` from `startSlot` (resource 0 unbinds a slot). */
  setShaderImages(stage: number, startSlot: number, images: readonly VirglImageBinding[]): this {
    const payload = [stage, startSlot];
    for (const i of images) payload.push(i.format, i.access, i.layerOffset, i.levelSize, i.resourceId);
    return this.raw(VirglCmd.SetShaderImages, 0, payload);
  }

  /** SET_ATOMIC_BUFFERS from `startSlot` (resource 0 unbinds a slot). */
  setAtomicBuffers(startSlot: number, buffers: readonly VirglBufferRange[]): this {
    const payload = [startSlot];
    for (const b of buffers) payload.push(b.offset, b.length, b.resourceId);
    return this.raw(VirglCmd.SetAtomicBuffers, 0, payload);
  }

  /** SET_TESS_STATE: default outer (4) and inner (2) levels. */
  setTessState(outer: readonly number[], inner: readonly number[]): this {
    const words = new Uint32Array(Float32Array.from([...outer, ...inner]).buffer);
    return this.raw(VirglCmd.SetTessState, 0, [...words]);
  }

  beginQuery(handle: number): this {
    return this.#cmd(VirglCmd.BeginQuery, 0, 1, { [QueryCmdOffset.Handle]: handle });
  }
  endQuery(handle: number): this {
    return this.#cmd(VirglCmd.EndQuery, 0, 1, { [QueryCmdOffset.Handle]: handle });
  }
  getQueryResult(handle: number, wait: boolean): this {
    return this.#cmd(VirglCmd.GetQueryResult, 0, 2, {
      [QueryCmdOffset.Handle]: handle,
      [QueryCmdOffset.Wait]: wait ? 1 : 0,
    });
  }
}
