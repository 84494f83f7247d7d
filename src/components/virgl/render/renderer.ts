import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { constantsAsUniforms, uniformBlocksPerStage } from "../caps/draw-limits.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { PipeShaderType, type VirglCmd, VirglObject } from "../protocol/commands.ts";
import type { VirglBlendState } from "../protocol/objects/blend.ts";
import type { VirglDsaState } from "../protocol/objects/dsa.ts";
import type { VirglRasterizerState } from "../protocol/objects/rasterizer.ts";
import type { VirglVertexElementsState } from "../protocol/objects/vertex-elements.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { VIRGL_FORMATS } from "../resources/formats.ts";
import type { VirglResourceState } from "../resources/resource.ts";
import { VirglShader } from "../state/shader.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import { type GlslTarget, inputQualifiers, producedVaryings, type ShaderKey, type TgsiShader } from "../tgsi/index.ts";
import { colorTargetBlendBits } from "./color-target-formats.ts";
import { launchGrid } from "./compute.ts";
import { bindSubContextFramebuffer } from "./framebuffer.ts";
import { isCorePrimitive, isSrc1Factor } from "./gallium-to-gl.ts";
import { BufferWrites, IndexRanges } from "./index-ranges.ts";
import { IndirectDraws, type IndirectPlan } from "./indirect-draws.ts";
import type { ResourceLookup } from "./lookup.ts";
import { applyBlend, applyDsa, applyRasterizer, applyScissors, applyViewports } from "./pipeline-state.ts";
import { pointSpriteKey, rasterizesPoints } from "./point-sprite.ts";
import { drawEachPolygonFace } from "./polygon-mode.ts";
import { ProgramCache, type ProgramStage } from "./programs.ts";
import { SampleShading } from "./sample-shading.ts";
import { ShaderMemory } from "./shader-memory.ts";
import { ShaderResources } from "./shader-resources.ts";
import { shadowSwizzleKey } from "./shadow-swizzle.ts";
import { drawCaptureMode, StreamOutput } from "./stream-output.ts";
import { PIPE_PRIM_PATCHES, Tessellation } from "./tessellation.ts";
import { integerKind } from "./vertex-formats.ts";
import { VertexInput } from "./vertex-input.ts";

const INDEX_TYPE: Readonly<Record<number, number>> = { 1: GL.UNSIGNED_BYTE, 2: GL.UNSIGNED_SHORT, 4: GL.UNSIGNED_INT };

/** What the renderer last applied, compared by identity so unchanged state costs no GL call. */
interface Applied {
  sub: VirglSubContext | undefined;
  version: number;
  framebufferVersion: number;
  blend: VirglBlendState | undefined | null;
  dsa: VirglDsaState | undefined | null;
  stencilRef: unknown;
  rasterizer: VirglRasterizerState | undefined | null;
  program: number;
  restart: number;
  alphaTargets: number;
  advancedBlend: boolean;
}

/** The state a draw reads, gathered from the sub-context. */
interface DrawState {
  readonly vs: VirglShader;
  readonly tcs: VirglShader | undefined;
  readonly tes: VirglShader | undefined;
  readonly gs: VirglShader | undefined;
  readonly fs: VirglShader;
  readonly blend: VirglBlendState | undefined;
  readonly dsa: VirglDsaState | undefined;
  readonly rasterizer: VirglRasterizerState | undefined;
  readonly ve: VirglVertexElementsState | undefined;
}

/**
 * Everything {@link VirglRenderer}'s program choice reads, compared by identity: the same inputs choose the same
 * program. Shader, rasterizer, blend, DSA and vertex-elements objects are immutable once created (a handle reused
 * is a new object); of the framebuffer, only the colour buffers' formats matter (Mesa re-sends the same framebuffer
 * state with every command buffer); the view swizzles that shadow samplers read are not here, so draws whose stages
 * have a shadow sampler are never memoized.
 */
interface ProgramMemo extends DrawState {
  readonly sub: VirglSubContext;
  readonly colorFormats: string;
  readonly cacheGeneration: number;
  readonly flipY: boolean;
  readonly points: boolean;
  readonly program: number;
}

function sameProgramInputs(
  m: ProgramMemo,
  sub: VirglSubContext,
  d: DrawState,
  colorFormats: string,
  generation: number,
  flipY: boolean,
  points: boolean,
): boolean {
  return (
    m.sub === sub &&
    m.colorFormats === colorFormats &&
    m.cacheGeneration === generation &&
    m.vs === d.vs &&
    m.fs === d.fs &&
    m.gs === d.gs &&
    m.tcs === d.tcs &&
    m.tes === d.tes &&
    m.rasterizer === d.rasterizer &&
    m.blend === d.blend &&
    m.dsa === d.dsa &&
    m.ve === d.ve &&
    m.flipY === flipY &&
    m.points === points
  );
}

/** Program choices remembered per renderer. */
const PROGRAM_MEMOS = 8;

const hasShadowSamplerCache = new WeakMap<TgsiShader, boolean>();

/** Whether `tgsi` declares a shadow sampler (its variant then depends on the bound views' swizzles). */
function hasShadowSampler(tgsi: TgsiShader): boolean {
  let has = hasShadowSamplerCache.get(tgsi);
  if (has === undefined) {
    has = tgsi.info.samplers.some((s) => s.shadow);
    hasShadowSamplerCache.set(tgsi, has);
  }
  return has;
}

function objectOf<T>(sub: VirglSubContext, handle: number, type: number): T | undefined {
  const o = sub.objects.get(handle);
  return o?.type === type ? (o.state as T) : undefined;
}

/**
 * The draw path of one virgl context on its GL context: framebuffer, program variants, fixed-function state,
 * vertex input, shader resources and the draw call. GL objects live until {@link destroy}.
 */
export class VirglRenderer {
  readonly #gl: HostGl;
  readonly #programs: ProgramCache;
  /** What every shader key carries for the host's uniform-block room (caps/draw-limits.ts `constantsAsUniforms`). */
  readonly #constantsKey: Pick<ShaderKey, "constantsAsUniforms">;
  readonly #resources: ShaderResources;
  readonly #memory: ShaderMemory;
  readonly #warn: (message: string) => void;
  readonly #streamOutput: StreamOutput;
  readonly #indirect: IndirectDraws;
  readonly #tessellation: Tessellation;
  readonly #sampleShading: SampleShading;
  #vertexInput: VertexInput | undefined;
  /** The last programs chosen and what chose them, most recent first (a frame often alternates a few states). */
  readonly #programMemos: ProgramMemo[] = [];
  #framebufferFormats: { sub: VirglSubContext; version: number; formats: string } | undefined;
  readonly #bufferWrites: BufferWrites;
  /** Index runs already read back, valid until buffer contents may have changed. */
  readonly #indexRanges: IndexRanges;
  /** Index read-back scratch, grown to the largest indexed draw seen (bounded by the 1 GiB buffer limit). */
  #indexScratch = new ArrayBuffer(0);
  readonly #applied: Applied = {
    sub: undefined,
    version: -1,
    framebufferVersion: -1,
    blend: null,
    dsa: null,
    stencilRef: null,
    rasterizer: null,
    program: -1,
    restart: -2,
    alphaTargets: 0,
    advancedBlend: false,
  };
  /** GLSL ES 3.00 on a GLES/WebGL2 host (VS and FS only), GLSL 4.50 on desktop GL. */
  readonly #glslTarget: GlslTarget;
  /** Draws skipped because a program could not be built, for statistics. */
  skippedDraws = 0;
  /** A draw or dispatch since the last {@link settleShaderWrites} bound buffers, images or counters shaders write. */
  shaderWrites = false;

  constructor(gl: HostGl, warn: (message: string) => void, bufferWrites: BufferWrites = new BufferWrites()) {
    this.#gl = gl;
    this.#glslTarget = gl.glesVersion > 0 ? "glsl300es" : "glsl450";
    this.#bufferWrites = bufferWrites;
    this.#indexRanges = new IndexRanges(bufferWrites);
    const plain = constantsAsUniforms(uniformBlocksPerStage(gl.glVersion, (q) => gl.getInteger(q)));
    this.#constantsKey = plain ? { constantsAsUniforms: true } : {};
    this.#resources = new ShaderResources(gl, plain);
    this.#memory = new ShaderMemory(gl);
    this.#warn = warn;
    this.#streamOutput = new StreamOutput(gl);
    this.#programs = new ProgramCache(gl, warn, () => this.#streamOutput.unbind());
    this.#indirect = new IndirectDraws(gl);
    this.#tessellation = new Tessellation(gl);
    this.#sampleShading = new SampleShading(gl);
  }

  /** Sub-contexts with a stream-output capture in progress (see `StreamOutput.capturing`). */
  get capturingStreamOutput(): number {
    return this.#streamOutput.capturing();
  }

  /** Deletes what the renderer keeps for a destroyed sub-context (current context must be the owner's). */
  forgetSubContext(sub: VirglSubContext): void {
    this.#streamOutput.forget(sub);
    const memos = this.#programMemos;
    for (let i = memos.length - 1; i >= 0; i--) if (memos[i]!.sub === sub) memos.splice(i, 1);
    if (this.#framebufferFormats?.sub === sub) this.#framebufferFormats = undefined;
  }

  /**
   * Before a clear or blit: GL applies scissor, write masks and rasterizer discard to those, Gallium does not.
   * Draw state is re-applied on the next draw.
   */
  prepareForClear(): void {
    const gl = this.#gl;
    const a = this.#applied;
    if (a.sub === undefined) return;
    gl.disable(GL.SCISSOR_TEST);
    gl.disable(GL.RASTERIZER_DISCARD);
    for (let i = 0; i < 8; i++) gl.colorMaski(i, true, true, true, true);
    gl.depthMask(true);
    gl.stencilMaskSeparate(GL.FRONT_AND_BACK, 0xff);
    a.sub = undefined;
    a.blend = null;
    a.dsa = null;
    a.rasterizer = null;
  }

  /** The bound colour buffers' blend layout ({@link colorTargetBlendBits}). */
  #alphaTargets(sub: VirglSubContext): number {
    return colorTargetBlendBits(sub.colorSurfaces.map((h) => sub.surfaces.get(h)?.format ?? 0));
  }

  #gather(sub: VirglSubContext): DrawState | undefined {
    const b = sub.bound;
    const vs = objectOf<VirglShader>(sub, b.shaders[PipeShaderType.Vertex]!, VirglObject.Shader);
    const fs = objectOf<VirglShader>(sub, b.shaders[PipeShaderType.Fragment]!, VirglObject.Shader);
    const gs = objectOf<VirglShader>(sub, b.shaders[PipeShaderType.Geometry]!, VirglObject.Shader);
    const tcs = objectOf<VirglShader>(sub, b.shaders[PipeShaderType.TessCtrl]!, VirglObject.Shader);
    const tes = objectOf<VirglShader>(sub, b.shaders[PipeShaderType.TessEval]!, VirglObject.Shader);
    if (
      !(vs instanceof VirglShader) ||
      !(fs instanceof VirglShader) ||
      vs.tgsi === undefined ||
      fs.tgsi === undefined
    ) {
      return undefined;
    }
    if ([gs, tcs, tes].some((s) => s !== undefined && s.tgsi === undefined)) return undefined;
    // GL draws a TCS only with a TES.
    if (tcs !== undefined && tes === undefined) return undefined;
    return {
      vs,
      fs,
      gs,
      tcs,
      tes,
      blend: objectOf(sub, b.blend, VirglObject.Blend),
      dsa: objectOf(sub, b.dsa, VirglObject.Dsa),
      rasterizer: objectOf(sub, b.rasterizer, VirglObject.Rasterizer),
      ve: objectOf(sub, b.vertexElements, VirglObject.VertexElements),
    };
  }

  /** The formats of the sub-context's colour buffers, in order ("-1" for none), as one string. */
  #colorFormats(sub: VirglSubContext): string {
    const c = this.#framebufferFormats;
    if (c !== undefined && c.sub === sub && c.version === sub.framebufferVersion) return c.formats;
    const formats = sub.colorSurfaces.map((h) => sub.surfaces.get(h)?.format ?? -1).join(",");
    this.#framebufferFormats = { sub, version: sub.framebufferVersion, formats };
    return formats;
  }

  /** The program of this draw's stages and state, or 0 when it cannot be built. */
  #program(sub: VirglSubContext, d: DrawState, mode: number): number {
    const flipY = (sub.bound.viewports[0]?.scale[1] ?? 1) < 0;
    const points = rasterizesPoints(mode, d.gs?.tgsi?.info.gsOutputPrimitive, d.gs !== undefined, d.rasterizer);
    const colorFormats = this.#colorFormats(sub);
    const generation = this.#programs.generation;
    const memos = this.#programMemos;
    for (let i = 0; i < memos.length; i++) {
      const memo = memos[i]!;
      if (!sameProgramInputs(memo, sub, d, colorFormats, generation, flipY, points)) continue;
      if (i > 0) {
        memos.splice(i, 1);
        memos.unshift(memo);
      }
      return memo.program;
    }
    const program = this.#programs.program(this.#stages(sub, d, flipY, points));
    if ([d.vs, d.tcs, d.tes, d.gs, d.fs].some((s) => s !== undefined && hasShadowSampler(s.tgsi!))) return program;
    // Building may have cleared a full cache: what was remembered before names deleted programs.
    if (this.#programs.generation !== generation) memos.length = 0;
    memos.unshift({
      sub,
      colorFormats,
      cacheGeneration: this.#programs.generation,
      vs: d.vs,
      tcs: d.tcs,
      tes: d.tes,
      gs: d.gs,
      fs: d.fs,
      blend: d.blend,
      dsa: d.dsa,
      rasterizer: d.rasterizer,
      ve: d.ve,
      flipY,
      points,
      program,
    });
    if (memos.length > PROGRAM_MEMOS) memos.pop();
    return program;
  }

  #stages(sub: VirglSubContext, d: DrawState, flipY: boolean, points: boolean): ProgramStage[] {
    const rs = d.rasterizer;
    const vsTgsi = d.vs.tgsi!;
    const fsTgsi = d.fs.tgsi!;
    const clipPlaneEnable = rs?.clipPlaneEnable ?? 0;
    const so = (d.gs ?? d.tes ?? d.vs).streamOutput.outputs;
    const last: Partial<ShaderKey> = {
      ...(flipY ? { flipY } : {}),
      ...(clipPlaneEnable !== 0 ? { clipPlaneEnable } : {}),
      ...(so.length > 0
        ? {
            streamOutput: so.map((o) => ({
              register: o.registerIndex,
              startComponent: o.startComponent,
              numComponents: o.numComponents,
              outputBuffer: o.buffer,
              dstOffset: o.dstOffset,
              stream: o.stream,
            })),
          }
        : {}),
    };
    let vsInt = 0;
    let vsUint = 0;
    d.ve?.elements.forEach((e, i) => {
      const k = integerKind(e.format);
      if (k === "sint") vsInt |= 1 << i;
      else if (k === "uint") vsUint |= 1 << i;
    });
    const vsKey: ShaderKey = {
      target: this.#glslTarget,
      ...this.#constantsKey,
      ...(vsInt !== 0 ? { vsIntInputs: vsInt } : {}),
      ...(vsUint !== 0 ? { vsUintInputs: vsUint } : {}),
      ...shadowSwizzleKey(sub, vsTgsi),
      ...(d.gs === undefined && d.tes === undefined ? last : {}),
    };
    const stages: ProgramStage[] = [{ shader: d.vs, tgsi: vsTgsi, key: vsKey }];
    if (d.tcs !== undefined) {
      const tcsKey: ShaderKey = {
        target: this.#glslTarget,
        ...this.#constantsKey,
        ...this.#constantsKey,
        producer: "VERT",
        producerOutputs: producedVaryings(vsTgsi.info.outputs),
        ...shadowSwizzleKey(sub, d.tcs.tgsi!),
      };
      stages.push({ shader: d.tcs, tgsi: d.tcs.tgsi!, key: tcsKey });
    }
    if (d.tes !== undefined) {
      const tesKey: ShaderKey = {
        target: this.#glslTarget,
        ...this.#constantsKey,
        ...this.#constantsKey,
        producer: d.tcs === undefined ? "VERT" : "TESS_CTRL",
        producerOutputs: producedVaryings((d.tcs?.tgsi ?? vsTgsi).info.outputs),
        ...shadowSwizzleKey(sub, d.tes.tgsi!),
        ...(d.gs === undefined ? last : {}),
      };
      stages.push({ shader: d.tes, tgsi: d.tes.tgsi!, key: tesKey });
    }
    if (d.gs !== undefined) {
      const gsKey: ShaderKey = {
        target: this.#glslTarget,
        ...this.#constantsKey,
        ...this.#constantsKey,
        producer: d.tes === undefined ? "VERT" : "TESS_EVAL",
        producerOutputs: producedVaryings((d.tes?.tgsi ?? vsTgsi).info.outputs),
        ...shadowSwizzleKey(sub, d.gs.tgsi!),
        ...last,
      };
      stages.push({ shader: d.gs, tgsi: d.gs.tgsi!, key: gsKey });
    }
    const producer = d.gs?.tgsi ?? d.tes?.tgsi ?? vsTgsi;
    let fsInt = 0;
    let fsUint = 0;
    let fsAlpha = 0;
    let fsLuminanceAlpha = 0;
    sub.colorSurfaces.forEach((h, i) => {
      const format = VIRGL_FORMATS.get(sub.surfaces.get(h)?.format ?? -1);
      if (format?.kind === "sint") fsInt |= 1 << i;
      else if (format?.kind === "uint") fsUint |= 1 << i;
      // Alpha-only and luminance-alpha formats are stored as GL R/RG (their sampling swizzle shows which).
      const sw = format?.swizzle;
      if (sw?.[0] === GL.ZERO && sw[3] === GL.RED) fsAlpha |= 1 << i;
      else if (sw?.[0] === GL.RED && sw[3] === GL.GREEN) fsLuminanceAlpha |= 1 << i;
    });
    const rt0 = d.blend?.rt[0];
    const dual =
      rt0?.enable === true &&
      [rt0.rgbSrcFactor, rt0.rgbDstFactor, rt0.alphaSrcFactor, rt0.alphaDstFactor].some(isSrc1Factor);
    const alpha = d.dsa?.alphaEnabled === true && d.dsa.alphaFunc !== 7;
    const fsKey: ShaderKey = {
      target: this.#glslTarget,
      ...this.#constantsKey,
      ...(d.gs !== undefined
        ? { producer: "GEOM" as const }
        : d.tes !== undefined
          ? { producer: "TESS_EVAL" as const }
          : {}),
      producerOutputs: producedVaryings(producer.info.outputs),
      ...(fsInt !== 0 ? { fsIntOutputs: fsInt } : {}),
      ...(fsUint !== 0 ? { fsUintOutputs: fsUint } : {}),
      ...(fsAlpha !== 0 ? { fsAlphaOutputs: fsAlpha } : {}),
      ...(fsLuminanceAlpha !== 0 ? { fsLuminanceAlphaOutputs: fsLuminanceAlpha } : {}),
      ...(sub.colorSurfaces.length !== 1 ? { nrCbufs: sub.colorSurfaces.length } : {}),
      ...(dual ? { dualSourceBlend: true } : {}),
      ...(alpha ? { alphaFunc: d.dsa!.alphaFunc, alphaRef: d.dsa!.alphaRef } : {}),
      ...(rs?.lightTwoside ? { twoSidedColor: true } : {}),
      ...(rs?.flatshade ? { flatShade: true } : {}),
      ...pointSpriteKey(rs, fsTgsi, points),
      ...(rs?.polyStipple ? { polygonStipple: true } : {}),
      ...shadowSwizzleKey(sub, fsTgsi),
    };
    stages.push({ shader: d.fs, tgsi: fsTgsi, key: fsKey });
    // GLSL ES matches interpolation qualifiers across stages: the VS repeats the FS's (tgsi/README "GLSL ES 3.00").
    if (this.#glslTarget === "glsl300es" && stages.length === 2) {
      const vs = stages[0]!;
      stages[0] = { ...vs, key: { ...vs.key, outputQualifiers: inputQualifiers(fsTgsi, fsKey) } };
    }
    return stages;
  }

  /** DRAW_VBO: refused for bad references; skipped (counted) when its program cannot be built. */
  draw(
    sub: VirglSubContext,
    c: VirglCommandOf<typeof VirglCmd.DrawVbo>,
    lookup: ResourceLookup,
  ): VirglRefusal | undefined {
    const gl = this.#gl;
    if (c.count === 0 && c.indirectHandle === 0 && c.countFromSo === 0) return undefined;
    if (!isCorePrimitive(c.mode)) return invalid(`primitive ${c.mode} (not advertised)`);
    const d = this.#gather(sub);
    // GL draws patches exactly when a TES is bound.
    if (d === undefined || (c.mode === PIPE_PRIM_PATCHES) !== (d.tes !== undefined)) {
      this.skippedDraws++;
      return undefined;
    }
    const a = this.#applied;
    const b = sub.bound;
    const framebufferChanged = a.sub !== sub || a.framebufferVersion !== sub.framebufferVersion;
    if (framebufferChanged) {
      const fb = bindSubContextFramebuffer(gl, sub, lookup);
      if (fb instanceof VirglRefusal) return fb;
      gl.bindFramebuffer(GL.DRAW_FRAMEBUFFER, fb?.fb ?? 0);
      if (fb === undefined || gl.checkFramebufferStatus(fb.fb) !== GL.FRAMEBUFFER_COMPLETE) {
        this.skippedDraws++;
        return undefined;
      }
      a.framebufferVersion = sub.framebufferVersion;
    }
    const program = this.#program(sub, d, c.mode);
    if (program === 0) {
      this.skippedDraws++;
      return undefined;
    }
    if (a.program !== program) {
      gl.useProgram(program);
      a.program = program;
    }
    const stateChanged = a.sub !== sub || a.version !== b.version;
    const alphaTargets = this.#alphaTargets(sub);
    const advancedBlend = (d.fs.tgsi?.info.fsBlendEquationAdvanced ?? 0) !== 0;
    if (stateChanged || a.blend !== d.blend || a.alphaTargets !== alphaTargets || a.advancedBlend !== advancedBlend) {
      applyBlend(gl, d.blend, alphaTargets, advancedBlend);
      a.alphaTargets = alphaTargets;
      a.advancedBlend = advancedBlend;
      gl.blendColor(...b.blendColor);
      a.blend = d.blend;
    }
    if (stateChanged || a.dsa !== d.dsa || a.stencilRef !== b.stencilRef) {
      applyDsa(gl, d.dsa, b.stencilRef);
      a.dsa = d.dsa;
      a.stencilRef = b.stencilRef;
    }
    if (stateChanged || a.rasterizer !== d.rasterizer) {
      applyRasterizer(gl, d.rasterizer);
      a.rasterizer = d.rasterizer;
    }
    if (stateChanged || framebufferChanged) this.#sampleShading.apply(sub, lookup);
    if (stateChanged) {
      applyViewports(gl, b.viewports, d.rasterizer?.clipHalfz === true);
      applyScissors(gl, b.scissors);
      gl.enable(GL.SAMPLE_MASK);
      gl.sampleMaski(0, b.sampleMask);
      a.sub = sub;
      a.version = b.version;
    }
    if (this.#vertexInput === undefined) {
      this.#vertexInput = new VertexInput(gl);
      gl.bindVertexArray(this.#vertexInput.vao);
    }
    const vi = this.#vertexInput;
    const fromSo = c.countFromSo !== 0 ? this.#streamOutput.countSource(sub, c.countFromSo) : undefined;
    if (c.countFromSo !== 0 && fromSo === undefined) {
      this.skippedDraws++;
      return undefined;
    }
    const restartIndex = c.primitiveRestart ? c.restartIndex : -1;
    let indirect: IndirectPlan | undefined;
    let indices: { glName: number; type: number; first: number; last: number } | undefined;
    if (c.indirectHandle !== 0 && fromSo === undefined) {
      const ib = c.indexed ? this.#indexBuffer(b, lookup) : undefined;
      if (ib instanceof VirglRefusal) return ib;
      // GL reads an indirect record's first index from the element buffer's start.
      if (ib !== undefined && b.indexBuffer!.offset !== 0) return invalid("indirect draw with an index buffer offset");
      const plan = this.#indirect.plan(
        c,
        lookup,
        ib === undefined
          ? undefined
          : (count, firstIndex, bias) => this.#indexRange(ib, count, firstIndex * ib.size, bias, restartIndex),
      );
      if (plan instanceof VirglRefusal) return plan;
      indirect = plan;
      if (ib !== undefined) indices = { glName: ib.glName, type: ib.type, first: 0, last: -1 };
    } else if (c.indexed && fromSo === undefined) {
      const ib = this.#indexBuffer(b, lookup);
      if (ib instanceof VirglRefusal) return ib;
      // Mesa folds the draw's start into the index buffer offset (virgl_context.c), so `start` is not added again.
      const range = this.#indexRange(ib, c.count, b.indexBuffer!.offset, c.indexBias, restartIndex);
      if (range instanceof VirglRefusal) return range;
      if (c.instanceCount === 0) range.last = -1;
      indices = { glName: ib.glName, type: ib.type, ...range };
    }
    const failed = vi.apply(
      d.ve,
      b.vertexBuffers,
      lookup,
      indirect?.reaches ?? {
        firstVertex: indices === undefined ? (fromSo === undefined ? c.start : 0) : indices.first,
        lastVertex:
          indices === undefined
            ? fromSo === undefined
              ? c.start + c.count - 1
              : fromSo.maxVertices - 1
            : indices.last,
        startInstance: c.startInstance,
        instanceCount: c.instanceCount,
      },
    );
    if (failed !== undefined) return failed;
    const stipple = d.rasterizer?.polyStipple === true;
    const clip = (d.rasterizer?.clipPlaneEnable ?? 0) !== 0;
    const lastVertex = d.gs ?? d.tes ?? d.vs;
    let writesMemory = false;
    const programRef = { name: program, generation: this.#programs.generation };
    for (const s of [d.vs, d.tcs, d.tes, d.gs, d.fs]) {
      if (s === undefined) continue;
      const usesSysval = (s === d.fs && stipple) || (s === lastVertex && clip);
      this.#resources.bindBuffers(sub, s.tgsi!, usesSysval, lookup, programRef);
      this.#resources.bindTextures(sub, s.tgsi!, lookup);
      if (this.#memory.bind(sub, s.tgsi!, lookup)) writesMemory = true;
    }
    if (writesMemory) this.shaderWrites = true;
    const restart = c.primitiveRestart ? c.restartIndex : -1;
    if (restart !== a.restart) {
      if (restart < 0) gl.disable(GL.PRIMITIVE_RESTART);
      else {
        gl.enable(GL.PRIMITIVE_RESTART);
        gl.primitiveRestartIndex(restart);
      }
      a.restart = restart;
    }
    if (d.tes !== undefined) {
      const failed = this.#tessellation.apply(sub, c.verticesPerPatch);
      if (failed !== undefined) return failed;
    }
    const capturing = lastVertex.streamOutput.outputs.length > 0 ? lastVertex.streamOutput.strides : undefined;
    const mode = drawCaptureMode(c.mode, d.gs?.tgsi?.info, d.tes?.tgsi?.info);
    const so = this.#streamOutput.beforeDraw(sub, program, capturing, mode, lookup);
    if (so !== undefined) return so;
    const once = capturing !== undefined || d.gs !== undefined || d.tes !== undefined;
    drawEachPolygonFace(gl, d.rasterizer, c.mode, once, () => {
      if (fromSo !== undefined) gl.drawTransformFeedback(c.mode, fromSo.xfb, c.instanceCount);
      else if (indirect !== undefined) {
        if (indices !== undefined) vi.elementBuffer(indices.glName);
        this.#indirect.draw(indirect, c.mode, indices?.type);
      } else if (!c.indexed) {
        gl.drawArrays({
          mode: c.mode,
          first: c.start,
          count: c.count,
          instances: c.instanceCount,
          baseInstance: c.startInstance,
        });
      } else {
        vi.elementBuffer(indices!.glName);
        gl.drawElements({
          mode: c.mode,
          count: c.count,
          type: indices!.type,
          offset: b.indexBuffer!.offset,
          instances: c.instanceCount,
          baseVertex: c.indexBias,
          baseInstance: c.startInstance,
        });
      }
    });
    this.#streamOutput.afterDraw(sub, capturing);
    // What the draw wrote (captured vertices, shader memory) may be a later draw's indices.
    if (capturing !== undefined || writesMemory) this.#bufferWrites.bump();
    return undefined;
  }

  /** The bound index buffer's GL name, index type and index size, checked. */
  #indexBuffer(
    b: VirglSubContext["bound"],
    lookup: ResourceLookup,
  ): { state: VirglResourceState; glName: number; type: number; size: number; width: number } | VirglRefusal {
    const ib = b.indexBuffer;
    if (ib === undefined) return invalid("indexed draw without an index buffer");
    const res = lookup(ib.resourceId);
    if (res instanceof VirglRefusal) return res;
    if (res.state.target !== PipeTextureTarget.Buffer || res.state.glName === 0)
      return invalid("index buffer is not a GL buffer");
    const type = INDEX_TYPE[ib.indexSize];
    if (type === undefined) return invalid(`index size ${ib.indexSize}`);
    return { state: res.state, glName: res.state.glName, type, size: ib.indexSize, width: res.state.width };
  }

  /**
   * Checks `count` indices at byte `offset` of the index buffer and reads them back (the host GL holds the only
   * copy) for the lowest and highest vertex they fetch, `bias` added, index `restart` skipped; `last < first` when
   * no vertex is fetched.
   */
  #indexRange(
    ib: { state: VirglResourceState; glName: number; size: number; width: number },
    count: number,
    offset: number,
    bias: number,
    restart: number,
  ): { first: number; last: number } | VirglRefusal {
    const bytes = count * ib.size;
    if (offset + bytes > ib.width)
      return invalid(`indices ${offset}+${count}×${ib.size} past the ${ib.width}-byte index buffer`);
    if (count === 0) return { first: 0, last: -1 };
    const known = this.#indexRanges.find(ib.state, offset, count, ib.size, restart);
    const { min, max } = known ?? this.#readIndexRange(ib, count, offset, restart);
    if (max < 0) return { first: 0, last: -1 };
    const first = min + bias;
    if (first < 0) return invalid(`index ${min} + bias ${bias} is a negative vertex`);
    return { first, last: max + bias };
  }

  /** Reads `count` indices at byte `offset` back from the host and remembers their smallest and largest. */
  #readIndexRange(
    ib: { state: VirglResourceState; glName: number; size: number },
    count: number,
    offset: number,
    restart: number,
  ): { min: number; max: number } {
    const bytes = count * ib.size;
    if (this.#indexScratch.byteLength < bytes) this.#indexScratch = new ArrayBuffer(bytes);
    const raw = new Uint8Array(this.#indexScratch, 0, bytes);
    this.#gl.getBufferSubData(ib.glName, offset, raw);
    const values =
      ib.size === 1
        ? raw
        : ib.size === 2
          ? new Uint16Array(this.#indexScratch, 0, count)
          : new Uint32Array(this.#indexScratch, 0, count);
    let min = Number.POSITIVE_INFINITY;
    let max = -1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === restart) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.#indexRanges.remember(ib.state, offset, count, ib.size, restart, min, max);
    return { min, max };
  }

  /** LAUNCH_GRID: refused for bad references or counts; skipped (counted) when no compute program can be built. */
  launchGrid(
    sub: VirglSubContext,
    c: VirglCommandOf<typeof VirglCmd.LaunchGrid>,
    lookup: ResourceLookup,
  ): VirglRefusal | undefined {
    const parts = {
      gl: this.#gl,
      programs: this.#programs,
      resources: this.#resources,
      memory: this.#memory,
      warn: this.#warn,
      constantsKey: this.#constantsKey,
    };
    const outcome = launchGrid(parts, sub, c, lookup);
    // The compute program replaced the draw program in use.
    this.#applied.program = -1;
    if (outcome === "skipped") this.skippedDraws++;
    else if (outcome === "ran") this.shaderWrites = true;
    else return outcome;
    return undefined;
  }

  /**
   * Before the host reads a resource back: shader writes become visible to buffer and texture reads after a
   * barrier, and to another context's reads only after this context finishes.
   */
  settleShaderWrites(): void {
    if (!this.shaderWrites) return;
    this.#gl.memoryBarrier(GL.ALL_BARRIER_BITS);
    this.#gl.finish();
    this.shaderWrites = false;
  }

  /** Deletes the renderer's GL objects (current context must be the owner's). */
  destroy(): void {
    this.#programs.clear();
    this.#resources.destroy();
    this.#memory.destroy();
    this.#streamOutput.destroy();
    this.#vertexInput?.destroy();
  }
}
