import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { VirglRefusal } from "../protocol/refusal.ts";
import type { VirglBufferRange, VirglImageBinding } from "../protocol/typed-commands.ts";
import { VIRGL_FORMATS } from "../resources/formats.ts";
import type { VirglResourceState } from "../resources/resource.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import { atomicBufferBinding, imageBinding, STAGE_INDEX, shaderBufferBinding, type TgsiShader } from "../tgsi/index.ts";
import type { ResourceLookup } from "./lookup.ts";

/** `GL_R32UI`: the format an empty image unit is bound with (any image format would do). */
const GL_R32UI = 0x8236;
/** Bytes of the scratch buffer bound where the guest left a declared buffer slot empty or out of range. */
const SCRATCH_BYTES = 4096;
/** Buffer-image textures one context keeps before it starts over. */
const MAX_BUFFER_IMAGES = 256;
/** PIPE_IMAGE_ACCESS_READ / _WRITE. */
const ACCESS_READ = 1;
const ACCESS_WRITE = 2;

/** What a shader declares beyond its samplers and constants, derived once per parsed shader. */
interface MemoryUse {
  /** Length of the shader-buffer block array (highest declared slot + 1). */
  readonly buffers: number;
  /** Highest declared image slot + 1. */
  readonly images: number;
  /** Atomic counter buffer → bytes its highest declared counter needs. */
  readonly counters: ReadonlyMap<number, number>;
}

const uses = new WeakMap<TgsiShader, MemoryUse>();

function memoryUse(tgsi: TgsiShader): MemoryUse {
  let u = uses.get(tgsi);
  if (u !== undefined) return u;
  const counters = new Map<number, number>();
  for (const d of tgsi.declarations) {
    if (d.file !== "HWATOMIC") continue;
    const b = d.dimension ?? 0;
    counters.set(b, Math.max(counters.get(b) ?? 0, 4 * (d.last + 1)));
  }
  u = {
    buffers: tgsi.info.shaderBuffers.length === 0 ? 0 : Math.max(...tgsi.info.shaderBuffers) + 1,
    images: tgsi.info.images.length === 0 ? 0 : Math.max(...tgsi.info.images) + 1,
    counters,
  };
  uses.set(tgsi, u);
  return u;
}

/** Whether a shader declares shader buffers, images or atomic counters (it may write memory the GL then holds). */
export function usesShaderMemory(tgsi: TgsiShader): boolean {
  const u = memoryUse(tgsi);
  return u.buffers > 0 || u.images > 0 || u.counters.size > 0;
}

/** `glBindImageTexture` access of PIPE_IMAGE_ACCESS_* bits (none given: both, as the shader's qualifiers decide). */
export function imageAccess(access: number): number {
  const read = (access & ACCESS_READ) !== 0;
  const write = (access & ACCESS_WRITE) !== 0;
  if (read && !write) return GL.READ_ONLY;
  if (write && !read) return GL.WRITE_ONLY;
  return GL.READ_WRITE;
}

/**
 * Shader buffers, images and atomic counter buffers of one stage's shader, per the emitter's binding contract
 * (tgsi/README.md items 12-14): `glBindBufferRange(GL_SHADER_STORAGE_BUFFER | GL_ATOMIC_COUNTER_BUFFER)` and
 * `glBindImageTexture` at the units `shaderBufferBinding`, `imageBinding` and `atomicBufferBinding` name.
 */
export class ShaderMemory {
  readonly #gl: HostGl;
  #scratch = 0;
  #ssboAlignment = 0;
  #tboAlignment = 0;
  readonly #bufferImages = new Map<string, number>();
  /** Buffer identities for the cache keys (a GL name may be reused by a later resource). */
  readonly #bufferIds = new WeakMap<VirglResourceState, number>();
  #nextBufferId = 1;

  constructor(gl: HostGl) {
    this.#gl = gl;
  }

  #scratchBuffer(): number {
    if (this.#scratch === 0) {
      this.#scratch = this.#gl.createBuffer(SCRATCH_BYTES);
      this.#gl.bufferSubData(this.#scratch, 0, new Uint8Array(SCRATCH_BYTES));
    }
    return this.#scratch;
  }

  #alignment(): number {
    if (this.#ssboAlignment === 0)
      this.#ssboAlignment = Math.max(1, this.#gl.getInteger(GL.SHADER_STORAGE_BUFFER_OFFSET_ALIGNMENT));
    return this.#ssboAlignment;
  }

  /**
   * The GL buffer and byte range of a guest range, clamped to its buffer; a missing, misaligned or empty range
   * gives the zeroed scratch buffer (at least `need` bytes of it).
   */
  #range(
    range: VirglBufferRange | undefined,
    lookup: ResourceLookup,
    alignment: number,
    need: number,
  ): [number, number, number] {
    if (range !== undefined) {
      const res = lookup(range.resourceId);
      if (!(res instanceof VirglRefusal) && res.state.target === PipeTextureTarget.Buffer && res.state.glName !== 0) {
        const size = Math.min(range.length, res.state.width - range.offset);
        if (size >= need && size > 0 && range.offset % alignment === 0) return [res.state.glName, range.offset, size];
      }
    }
    return [this.#scratchBuffer(), 0, Math.max(4, Math.min(SCRATCH_BYTES, need))];
  }

  /** Binds what `tgsi` declares from the sub-context's memory bindings; returns whether anything was bound. */
  bind(sub: VirglSubContext, tgsi: TgsiShader, lookup: ResourceLookup): boolean {
    const u = memoryUse(tgsi);
    if (u.buffers === 0 && u.images === 0 && u.counters.size === 0) return false;
    const gl = this.#gl;
    const s = STAGE_INDEX[tgsi.stage];
    const m = sub.bound.memory;
    for (let j = 0; j < u.buffers; j++) {
      const [buffer, offset, size] = this.#range(m.shaderBuffers[s]![j], lookup, this.#alignment(), 0);
      gl.bindBufferRange(GL.SHADER_STORAGE_BUFFER, shaderBufferBinding(tgsi.stage, j), buffer, offset, size);
    }
    for (const [b, need] of u.counters) {
      const [buffer, offset, size] = this.#range(m.atomicBuffers[b], lookup, 4, need);
      gl.bindBufferRange(GL.ATOMIC_COUNTER_BUFFER, atomicBufferBinding(b), buffer, offset, size);
    }
    for (let i = 0; i < u.images; i++) this.#bindImage(imageBinding(tgsi.stage, i), m.images[s]![i], lookup);
    return true;
  }

  #bindImage(unit: number, view: VirglImageBinding | undefined, lookup: ResourceLookup): void {
    const gl = this.#gl;
    const res = view === undefined ? undefined : lookup(view.resourceId);
    const format = view === undefined ? undefined : VIRGL_FORMATS.get(view.format);
    if (view === undefined || res === undefined || res instanceof VirglRefusal || res.state.glName === 0) {
      gl.bindImageTexture(unit, 0, 0, false, 0, GL.READ_ONLY, GL_R32UI);
      return;
    }
    if (format === undefined || format.compressed) {
      gl.bindImageTexture(unit, 0, 0, false, 0, GL.READ_ONLY, GL_R32UI);
      return;
    }
    const access = imageAccess(view.access);
    const state = res.state;
    if (state.target === PipeTextureTarget.Buffer) {
      const texture = this.#bufferImage(state, format.internalFormat, view.layerOffset, view.levelSize);
      gl.bindImageTexture(unit, texture, 0, true, 0, access, format.internalFormat);
      return;
    }
    // Mesa's pipe_image_view keeps the level in the low 8 bits of this word; the rest is not initialised.
    const level = Math.min(view.levelSize & 0xff, Math.max(0, state.levels - 1));
    const first = view.layerOffset & 0xffff;
    const last = view.layerOffset >>> 16;
    // One layer of a layered texture binds that layer alone; a range binds them all, as GL cannot bind a sub-range.
    const layeredTexture = state.arraySize > 1 || state.depth > 1 || state.target === PipeTextureTarget.TextureCube;
    const layered = !(layeredTexture && first === last);
    gl.bindImageTexture(unit, state.glName, level, layered, layered ? 0 : first, access, format.internalFormat);
  }

  /**
   * A `TEXTURE_BUFFER` texture over bytes `[offset, offset + size)` of a buffer (clamped to it), made once per
   * buffer, format and range; a range outside the buffer or misaligned for the host binds nothing.
   */
  #bufferImage(state: VirglResourceState, internalFormat: number, offset: number, size: number): number {
    const end = Math.min(state.width, offset + size);
    if (this.#tboAlignment === 0)
      this.#tboAlignment = Math.max(1, this.#gl.getInteger(GL.TEXTURE_BUFFER_OFFSET_ALIGNMENT));
    if (offset >= end || offset % this.#tboAlignment !== 0) return 0;
    let id = this.#bufferIds.get(state);
    if (id === undefined) {
      id = this.#nextBufferId++;
      this.#bufferIds.set(state, id);
    }
    const key = `${id}:${internalFormat}:${offset}:${end}`;
    let t = this.#bufferImages.get(key);
    if (t === undefined) {
      if (this.#bufferImages.size >= MAX_BUFFER_IMAGES) this.#dropBufferImages();
      t = this.#gl.createTexture(GL.TEXTURE_BUFFER);
      this.#gl.textureBufferRange(t, internalFormat, state.glName, offset, end - offset);
      this.#bufferImages.set(key, t);
    }
    return t;
  }

  #dropBufferImages(): void {
    for (const t of this.#bufferImages.values()) this.#gl.deleteTexture(t);
    this.#bufferImages.clear();
  }

  /** Deletes the GL objects (current context must be the owner's). */
  destroy(): void {
    this.#dropBufferImages();
    if (this.#scratch !== 0) this.#gl.deleteBuffer(this.#scratch);
    this.#scratch = 0;
  }
}
