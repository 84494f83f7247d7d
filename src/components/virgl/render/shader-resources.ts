import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { VirglObject } from "../protocol/commands.ts";
import type { VirglSamplerState } from "../protocol/objects/sampler-state.ts";
import type { VirglSamplerView } from "../protocol/objects/sampler-view.ts";
import { VirglRefusal } from "../protocol/refusal.ts";
import { VIRGL_FORMATS } from "../resources/formats.ts";
import type { VirglResourceState } from "../resources/resource.ts";
import { MAX_CONSTANT_BYTES } from "../state/bound-state.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import {
  STAGE_INDEX,
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
import { DEPTH_STENCIL_TEXTURE_MODE, depthStencilTextureMode } from "./stencil-view.ts";

/**
 * Uniform buffers, the sysval block and textures of the bound shaders, per the emitter's binding contract
 * (src/components/virgl/tgsi/README.md): constants at `s*12`, UBO slot j at `s*12 + j`, sysval at `s*12 + 11`,
 * sampler unit u at texture unit `s*16 + u`.
 */
export class ShaderResources {
  readonly #gl: HostGl;
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

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  #zero(): number {
    if (this.#zeroBuffer === 0) this.#zeroBuffer = this.#gl.createBuffer(MAX_CONSTANT_BYTES);
    return this.#zeroBuffer;
  }

  /** Binds constants, UBOs and (when a variant reads it) the sysval block of one stage's shader. */
  bindBuffers(sub: VirglSubContext, tgsi: TgsiShader, usesSysval: boolean, lookup: ResourceLookup): void {
    const gl = this.#gl;
    const s = STAGE_INDEX[tgsi.stage];
    const info = tgsi.info;
    if (info.constantRows > 0) {
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
          texture = res.state.glName;
          this.#swizzle(res.state, view, sampler.shadow);
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
   * The view's swizzle (composed with the format's emulation swizzle; not for depth comparisons) and level range,
   * set on the texture when they change.
   */
  #swizzle(state: VirglResourceState, view: VirglSamplerView, shadow: boolean): void {
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
    const want = shadow ? [...base] : view.swizzle.map(pick);
    // Texture views name a level range (first | last << 8); multisample and rectangle textures have one level.
    const levels = state.samples <= 1 && state.target !== PipeTextureTarget.TextureRect;
    const maxLevel = Math.max(0, state.levels - 1);
    const first = Math.min(view.lastElementOrLevels & 0xff, maxLevel);
    const last = Math.min(Math.max((view.lastElementOrLevels >>> 8) & 0xff, first), maxLevel);
    const dsMode = depthStencilTextureMode(state, view.format);
    const key = `${want.join(",")}:${levels ? `${first}-${last}` : ""}:${dsMode ?? ""}`;
    if (this.#swizzles.get(state) === key) return;
    if (dsMode !== undefined) this.#gl.textureParameteri(state.glName, DEPTH_STENCIL_TEXTURE_MODE, dsMode);
    this.#gl.textureParameteriv(state.glName, GL.TEXTURE_SWIZZLE_RGBA, Int32Array.from(want));
    if (levels) {
      this.#gl.textureParameteri(state.glName, GL.TEXTURE_BASE_LEVEL, first);
      this.#gl.textureParameteri(state.glName, GL.TEXTURE_MAX_LEVEL, last);
    }
    this.#swizzles.set(state, key);
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
