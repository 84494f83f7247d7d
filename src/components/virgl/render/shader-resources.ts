import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { VirglObject } from "../protocol/commands.ts";
import type { VirglSamplerState } from "../protocol/objects/sampler-state.ts";
import type { VirglSamplerView } from "../protocol/objects/sampler-view.ts";
import { VirglRefusal } from "../protocol/refusal.ts";
import { VIRGL_FORMATS } from "../resources/formats.ts";
import type { VirglResourceState } from "../resources/resource.ts";
import { samplerViewShape, type TextureViewShape, textureViewOf } from "../resources/texture-view.ts";
import { MAX_CONSTANT_BYTES } from "../state/bound-state.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import {
  STAGE_INDEX,
  STAGE_PREFIX,
  SYSVAL_LAYOUT,
  samplerBinding,
  sysvalBinding,
  type TgsiShader,
  uboBinding,
  uboBlockRows,
} from "../tgsi/index.ts";
import { compareFunc, minFilter, SWIZZLE, TEX_WRAP } from "./gallium-to-gl.ts";
import type { ResourceLookup } from "./lookup.ts";
import { readsSrgbRaw, skipSrgbDecode } from "./srgb.ts";

/** A linked program by name, and the program cache generation it belongs to (names are reused after a clear). */
export interface ProgramRef {
  readonly name: number;
  readonly generation: number;
}

/** A program's constant-array locations (-2: not asked yet) and the data last set in them, per stage. */
interface UniformConstants {
  readonly locations: Int32Array;
  readonly uploaded: (Uint32Array | undefined)[];
}

/**
 * Uniform buffers, the sysval block and textures of the bound shaders, per the emitter's binding contract
 * (src/components/virgl/tgsi/README.md): constants at `s*16` (or, with `constantsAsUniforms`, the program's plain
 * `<prefix>_c` array), UBO slot j at `s*16 + j`, sysval at `s*16 + 15`, sampler unit u at texture unit `s*16 + u`.
 */
export class ShaderResources {
  readonly #gl: HostGl;
  readonly #constantsAsUniforms: boolean;
  /** With `constantsAsUniforms`: what each program of {@link #uniformGeneration} holds. */
  readonly #uniformPrograms = new Map<number, UniformConstants>();
  #uniformGeneration = -1;
  #uniformWords = new Uint32Array(0);
  /** Per stage: the GL buffer holding slot-0 constants and the data last uploaded into it. */
  readonly #constantBuffers: number[] = [];
  readonly #uploaded: (Uint32Array | undefined)[] = [];
  #zeroBuffer = 0;
  #tboAlignment = 0;
  /** Buffer-view textures by view object; deleted with the renderer (views are bounded by the object limit). */
  readonly #bufferTextures = new Map<VirglSamplerView, { name: number; key: string }>();
  #sysvalBuffer = 0;
  #sysvalVersion = -1;
  readonly #samplers = new WeakMap<VirglSamplerState, number>();
  /** The same sampler states for views that read an sRGB texture undecoded. */
  readonly #rawSrgbSamplers = new WeakMap<VirglSamplerState, number>();
  readonly #allSamplers: number[] = [];
  readonly #swizzles = new WeakMap<VirglResourceState, string>();
  /** Each view's shape over the resource it was last bound with (a view names its resource by id). */
  readonly #shapes = new WeakMap<
    VirglSamplerView,
    { state: VirglResourceState; shape: TextureViewShape | undefined }
  >();

  /** `constantsAsUniforms`: the shaders were emitted with `ShaderKey.constantsAsUniforms` (caps/draw-limits.ts). */
  constructor(gl: HostGl, constantsAsUniforms = false) {
    this.#gl = gl;
    this.#constantsAsUniforms = constantsAsUniforms;
  }

  /** Sets stage `s`'s constants in `program`'s plain array when they are not the data it holds already. */
  #setUniformConstants(sub: VirglSubContext, tgsi: TgsiShader, s: number, program: ProgramRef): void {
    const gl = this.#gl;
    if (program.generation !== this.#uniformGeneration) {
      this.#uniformPrograms.clear();
      this.#uniformGeneration = program.generation;
    }
    let held = this.#uniformPrograms.get(program.name);
    if (held === undefined) {
      held = { locations: new Int32Array(Object.keys(STAGE_INDEX).length).fill(-2), uploaded: [] };
      this.#uniformPrograms.set(program.name, held);
    }
    let location = held.locations[s]!;
    if (location === -2) {
      location = gl.getUniformLocation(program.name, `${STAGE_PREFIX[tgsi.stage]}_c`);
      held.locations[s] = location;
    }
    const data = sub.bound.constants[s]!;
    // -1: the linker dropped an array the shader never reads.
    if (location < 0 || held.uploaded[s] === data) return;
    const words = tgsi.info.constantRows * 4;
    if (this.#uniformWords.length < words) this.#uniformWords = new Uint32Array(words);
    const out = this.#uniformWords.subarray(0, words);
    // Rows past the guest's data read as zero, as the block path's do.
    out.fill(0);
    out.set(data.subarray(0, Math.min(data.length, words)));
    gl.programUniform4uiv(program.name, location, out);
    held.uploaded[s] = data;
  }

  #zero(): number {
    if (this.#zeroBuffer === 0) this.#zeroBuffer = this.#gl.createBuffer(MAX_CONSTANT_BYTES);
    return this.#zeroBuffer;
  }

  /** Binds constants, UBOs and (when a variant reads it) the sysval block of one stage's shader in `program`. */
  bindBuffers(
    sub: VirglSubContext,
    tgsi: TgsiShader,
    usesSysval: boolean,
    lookup: ResourceLookup,
    program: ProgramRef,
  ): void {
    const gl = this.#gl;
    const s = STAGE_INDEX[tgsi.stage];
    const info = tgsi.info;
    if (info.constantRows > 0 && this.#constantsAsUniforms) this.#setUniformConstants(sub, tgsi, s, program);
    else if (info.constantRows > 0) {
      let buf = this.#constantBuffers[s] ?? 0;
      if (buf === 0) {
        buf = gl.createBuffer(MAX_CONSTANT_BYTES);
        this.#constantBuffers[s] = buf;
      }
      const data = sub.bound.constants[s]!;
      const previous = this.#uploaded[s];
      if (previous !== data) {
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        gl.bufferSubData(buf, 0, bytes);
        // Rows the new data does not cover read as zero, as a fresh buffer would.
        if (previous !== undefined && previous.byteLength > bytes.byteLength) {
          gl.bufferSubData(buf, bytes.byteLength, new Uint8Array(previous.byteLength - bytes.byteLength));
        }
        this.#uploaded[s] = data;
      }
      gl.bindBufferRange(
        GL.UNIFORM_BUFFER,
        uboBinding(tgsi.stage, 0),
        buf,
        0,
        Math.min(MAX_CONSTANT_BYTES, info.constantRows * 16),
      );
    }
    if (info.uniformBuffers.size > 0) {
      const rows = uboBlockRows(info);
      const slots = Math.max(...info.uniformBuffers.keys());
      for (let j = 1; j <= slots; j++) {
        const range = sub.bound.uniformBuffers[s]![j];
        const need = rows * 16;
        let buffer = this.#zero();
        let offset = 0;
        if (range !== undefined) {
          const res = lookup(range.resourceId);
          if (
            !(res instanceof VirglRefusal) &&
            res.state.target === PipeTextureTarget.Buffer &&
            res.state.glName !== 0
          ) {
            // A range shorter than the block reads zeros past its end in GL only with robust access; stay inside.
            if (range.offset + need <= res.state.width) {
              buffer = res.state.glName;
              offset = range.offset;
            }
          }
        }
        gl.bindBufferRange(
          GL.UNIFORM_BUFFER,
          uboBinding(tgsi.stage, j),
          buffer,
          offset,
          Math.min(need, MAX_CONSTANT_BYTES),
        );
      }
    }
    if (usesSysval) {
      if (this.#sysvalBuffer === 0) this.#sysvalBuffer = gl.createBuffer(SYSVAL_LAYOUT.size);
      if (this.#sysvalVersion !== sub.bound.sysvalVersion) {
        const b = sub.bound;
        gl.bufferSubData(this.#sysvalBuffer, SYSVAL_LAYOUT.clipPlanes, new Uint8Array(b.clipPlanes.buffer.slice(0)));
        gl.bufferSubData(this.#sysvalBuffer, SYSVAL_LAYOUT.stipple, new Uint8Array(b.stipple.buffer.slice(0)));
        this.#sysvalVersion = b.sysvalVersion;
      }
      gl.bindBufferRange(GL.UNIFORM_BUFFER, sysvalBinding(tgsi.stage), this.#sysvalBuffer, 0, SYSVAL_LAYOUT.size);
    }
  }

  /** Binds each sampler unit the shader declares: the view's texture and the sampler state. */
  bindTextures(sub: VirglSubContext, tgsi: TgsiShader, lookup: ResourceLookup): void {
    const gl = this.#gl;
    const s = STAGE_INDEX[tgsi.stage];
    for (const sampler of tgsi.info.samplers) {
      const unit = samplerBinding(tgsi.stage, sampler.unit);
      const viewObj = sub.objects.get(sub.bound.samplerViews[s]![sampler.unit] ?? 0);
      const view = viewObj?.type === VirglObject.SamplerView ? (viewObj.state as VirglSamplerView) : undefined;
      let texture = 0;
      let rawSrgb = false;
      if (view !== undefined) {
        const res = lookup(view.resourceId);
        if (res instanceof VirglRefusal || res.state.glName === 0) texture = 0;
        else if (res.state.target === PipeTextureTarget.Buffer) texture = this.#bufferTexture(res.state, view);
        else {
          texture = this.#texture(res.state, view, sampler.shadow);
          rawSrgb = readsSrgbRaw(gl, res.state.format?.virgl, view.format);
        }
      }
      gl.bindTextureUnit(unit, texture);
      const stateObj = sub.objects.get(sub.bound.samplerStates[s]![sampler.unit] ?? 0);
      const state = stateObj?.type === VirglObject.SamplerState ? (stateObj.state as VirglSamplerState) : undefined;
      gl.bindSampler(unit, state === undefined ? 0 : this.#sampler(state, rawSrgb));
    }
  }

  /**
   * A `TEXTURE_BUFFER` texture over a buffer view's elements `first..last` (bytes clamped to the buffer; a range
   * outside it or misaligned for the host binds nothing, so the shader reads zeros), made once per view.
   */
  #bufferTexture(state: VirglResourceState, view: VirglSamplerView): number {
    const format = VIRGL_FORMATS.get(view.format);
    if (format === undefined || format.compressed) return 0;
    const offset = view.firstElementOrLayers * format.blockBytes;
    const end = Math.min(state.width, (view.lastElementOrLevels + 1) * format.blockBytes);
    if (offset >= end || offset % this.#bufferOffsetAlignment() !== 0) return 0;
    const key = `${state.glName}:${format.internalFormat}:${offset}:${end}`;
    let t = this.#bufferTextures.get(view);
    if (t === undefined) {
      t = { name: this.#gl.createTexture(GL.TEXTURE_BUFFER), key: "" };
      this.#bufferTextures.set(view, t);
    }
    if (t.key !== key) {
      this.#gl.textureBufferRange(t.name, format.internalFormat, state.glName, offset, end - offset);
      t.key = key;
    }
    return t.name;
  }

  #bufferOffsetAlignment(): number {
    if (this.#tboAlignment === 0)
      this.#tboAlignment = Math.max(1, this.#gl.getInteger(GL.TEXTURE_BUFFER_OFFSET_ALIGNMENT));
    return this.#tboAlignment;
  }

  /**
   * The texture a sampler view samples: the resource's own (its swizzle and level range set on it) or, for another
   * format, target or layer range, or stencil sampling, a texture view kept with the resource. `shadow`: the unit
   * compares, its GL swizzle stays identity.
   */
  #texture(state: VirglResourceState, view: VirglSamplerView, shadow: boolean): number {
    const levels = { first: view.lastElementOrLevels & 0xff, last: (view.lastElementOrLevels >>> 8) & 0xff };
    let memo = this.#shapes.get(view);
    if (memo?.state !== state) {
      const layers = { first: view.firstElementOrLayers & 0xffff, last: view.firstElementOrLayers >>> 16 };
      memo = { state, shape: samplerViewShape(state, view.format, view.target, levels, layers) };
      this.#shapes.set(view, memo);
    }
    const shape = memo.shape;
    const want = this.#swizzleOf(state, view, shadow);
    if (shape !== undefined) {
      const v = textureViewOf(this.#gl, state, shape);
      if (v === undefined) return 0;
      const key = want.join(",");
      if (v.applied !== key) {
        this.#gl.textureParameteriv(v.name, GL.TEXTURE_SWIZZLE_RGBA, Int32Array.from(want));
        v.applied = key;
      }
      return v.name;
    }
    // Multisample and rectangle textures have one level.
    const hasLevels = state.samples <= 1 && state.target !== PipeTextureTarget.TextureRect;
    const maxLevel = Math.max(0, state.levels - 1);
    const first = Math.min(levels.first, maxLevel);
    const last = Math.min(Math.max(levels.last, first), maxLevel);
    const key = `${want.join(",")}:${hasLevels ? `${first}-${last}` : ""}`;
    if (this.#swizzles.get(state) === key) return state.glName;
    this.#gl.textureParameteriv(state.glName, GL.TEXTURE_SWIZZLE_RGBA, Int32Array.from(want));
    if (hasLevels) {
      this.#gl.textureParameteri(state.glName, GL.TEXTURE_BASE_LEVEL, first);
      this.#gl.textureParameteri(state.glName, GL.TEXTURE_MAX_LEVEL, last);
    }
    this.#swizzles.set(state, key);
    return state.glName;
  }

  /** The view's swizzle composed with its format's emulation swizzle (or the resource format's); not for depth comparisons. */
  #swizzleOf(state: VirglResourceState, view: VirglSamplerView, shadow: boolean): number[] {
    const formatSwizzle = VIRGL_FORMATS.get(view.format)?.swizzle ?? state.format?.swizzle;
    const base = formatSwizzle ?? [GL.RED, GL.GREEN, GL.BLUE, GL.ALPHA];
    const pick = (p: number) => {
      const g = SWIZZLE[p] ?? GL.ZERO;
      if (g === GL.RED) return base[0];
      if (g === GL.GREEN) return base[1];
      if (g === GL.BLUE) return base[2];
      if (g === GL.ALPHA) return base[3];
      return g;
    };
    // A depth comparison's swizzle is the shader's (shadowSwizzle): GLSL returns only the first component.
    return shadow ? [...base] : view.swizzle.map(pick);
  }

  #sampler(state: VirglSamplerState, rawSrgb: boolean): number {
    const cache = rawSrgb ? this.#rawSrgbSamplers : this.#samplers;
    let s = cache.get(state);
    if (s !== undefined) return s;
    const gl = this.#gl;
    s = gl.createSampler();
    gl.samplerParameteri(s, GL.TEXTURE_WRAP_S, TEX_WRAP[state.wrapS]!);
    gl.samplerParameteri(s, GL.TEXTURE_WRAP_T, TEX_WRAP[state.wrapT]!);
    gl.samplerParameteri(s, GL.TEXTURE_WRAP_R, TEX_WRAP[state.wrapR]!);
    gl.samplerParameteri(s, GL.TEXTURE_MIN_FILTER, minFilter(state.minImgFilter, state.minMipFilter));
    gl.samplerParameteri(s, GL.TEXTURE_MAG_FILTER, state.magImgFilter === 1 ? GL.LINEAR : GL.NEAREST);
    gl.samplerParameterf(s, GL.TEXTURE_MIN_LOD, state.minLod);
    gl.samplerParameterf(s, GL.TEXTURE_MAX_LOD, state.maxLod);
    gl.samplerParameterf(s, GL.TEXTURE_LOD_BIAS, state.lodBias);
    gl.samplerParameteri(s, GL.TEXTURE_COMPARE_MODE, state.compareMode === 1 ? GL.COMPARE_REF_TO_TEXTURE : GL.NONE);
    gl.samplerParameteri(s, GL.TEXTURE_COMPARE_FUNC, compareFunc(state.compareFunc));
    gl.samplerParameterfv(s, GL.TEXTURE_BORDER_COLOR, new Float32Array(state.borderColor.buffer.slice(0)));
    if (rawSrgb) skipSrgbDecode(gl, s);
    cache.set(state, s);
    this.#allSamplers.push(s);
    return s;
  }

  /** Deletes the GL objects (current context must be the owner's). */
  destroy(): void {
    const gl = this.#gl;
    for (const b of this.#constantBuffers) if (b !== undefined && b !== 0) gl.deleteBuffer(b);
    if (this.#zeroBuffer !== 0) gl.deleteBuffer(this.#zeroBuffer);
    for (const t of this.#bufferTextures.values()) gl.deleteTexture(t.name);
    this.#bufferTextures.clear();
    if (this.#sysvalBuffer !== 0) gl.deleteBuffer(this.#sysvalBuffer);
    for (const s of this.#allSamplers) gl.deleteSampler(s);
  }
}
