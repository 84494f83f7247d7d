import { GL } from "../host-gl/gl-constants.ts";
import type { VirglCmd } from "../protocol/commands.ts";
import { invalid } from "../protocol/refusal.ts";
import type { VirglBufferRange, VirglImageBinding } from "../protocol/typed-commands.ts";
import { type Executor, UNSUPPORTED } from "./executor.ts";

/** GL barrier bits of each Gallium `PIPE_BARRIER_*` bit (p_defines.h), in bit order. */
const BARRIER_BITS: readonly number[] = [
  0x4000 | 0x200, // MAPPED_BUFFER: client-mapped and buffer-update
  0x2000 | 0x1000, // SHADER_BUFFER: shader storage and atomic counters
  0x8000, // QUERY_BUFFER
  0x1, // VERTEX_BUFFER
  0x2, // INDEX_BUFFER
  0x4, // CONSTANT_BUFFER
  0x40, // INDIRECT_BUFFER
  0x8, // TEXTURE
  0x20, // IMAGE
  0x400, // FRAMEBUFFER
  0x800, // STREAMOUT_BUFFER
  0x2000, // GLOBAL_BUFFER
  0x200 | 0x80, // UPDATE_BUFFER: buffer-update and pixel-buffer
  0x100, // UPDATE_TEXTURE
];

/** The `glMemoryBarrier` bits of Gallium barrier flags; a bit we do not know orders everything. */
export function glBarrierBits(flags: number): number {
  let bits = 0;
  for (let i = 0; i < 32; i++) {
    if (((flags >>> i) & 1) === 0) continue;
    const b = BARRIER_BITS[i];
    if (b === undefined) return GL.ALL_BARRIER_BITS;
    bits |= b;
  }
  return bits >>> 0;
}

/**
 * Stores `items` from `startSlot` into `slots`; slots past ours may only be cleared (Mesa resets every slot it
 * knows of at context start and end).
 */
function storeSlots<T extends { readonly resourceId: number }>(
  slots: (T | undefined)[],
  startSlot: number,
  items: readonly T[],
  what: string,
) {
  for (let i = 0; i < items.length; i++) {
    const slot = startSlot + i;
    const item = items[i]!;
    if (slot >= slots.length) {
      if (item.resourceId !== 0) return invalid(`${what} slot ${slot}`);
      continue;
    }
    slots[slot] = item.resourceId === 0 ? undefined : item;
  }
  return undefined;
}

/** SET_SHADER_BUFFERS: shader storage buffer ranges of one stage (resource 0 unbinds). */
export const executeSetShaderBuffers: Executor<typeof VirglCmd.SetShaderBuffers> = (x, c) =>
  storeSlots<VirglBufferRange>(x.sub.bound.memory.shaderBuffers[c.stage]!, c.startSlot, c.buffers, "shader buffer");

/** SET_SHADER_IMAGES: image views of one stage (resource 0 unbinds). */
export const executeSetShaderImages: Executor<typeof VirglCmd.SetShaderImages> = (x, c) =>
  storeSlots<VirglImageBinding>(x.sub.bound.memory.images[c.stage]!, c.startSlot, c.images, "image");

/** SET_ATOMIC_BUFFERS: atomic counter buffer ranges, shared by every stage (resource 0 unbinds). */
export const executeSetAtomicBuffers: Executor<typeof VirglCmd.SetAtomicBuffers> = (x, c) =>
  storeSlots<VirglBufferRange>(x.sub.bound.memory.atomicBuffers, c.startSlot, c.buffers, "atomic buffer");

/** MEMORY_BARRIER: `glMemoryBarrier` with the GL bits of the Gallium flags (none: nothing to order). */
export const executeMemoryBarrier: Executor<typeof VirglCmd.MemoryBarrier> = (x, c) => {
  const bits = glBarrierBits(c.flags);
  if (bits !== 0) x.gl.memoryBarrier(bits);
  return undefined;
};

/** p_defines.h `PIPE_TEXTURE_BARRIER_SAMPLER`: texels drawn before are sampled after. */
const TEXTURE_BARRIER_SAMPLER = 1 << 0;
/**
 * p_defines.h `PIPE_TEXTURE_BARRIER_FRAMEBUFFER`: what Mesa sends for `glBlendBarrier` (and framebuffer-fetch
 * barriers): advanced-blend draws after it see the colours drawn before.
 */
const TEXTURE_BARRIER_FRAMEBUFFER = 1 << 1;

/**
 * TEXTURE_BARRIER: `glTextureBarrier` for the sampler bit, `glBlendBarrierKHR` for the framebuffer bit (a host
 * without coherent advanced blending needs it between overlapping advanced-blend draws; the caps advertise advanced
 * blending only where the host has it). A framebuffer barrier on a host without it falls back to `glTextureBarrier`,
 * which also orders framebuffer writes before later reads. Unsupported only when no requested barrier can run.
 */
export const executeTextureBarrier: Executor<typeof VirglCmd.TextureBarrier> = (x, c) => {
  const { textureBarrier, blendBarrier } = x.gl.features;
  const framebuffer = (c.flags & TEXTURE_BARRIER_FRAMEBUFFER) !== 0;
  // Flags naming neither barrier are taken as a sampler barrier, the stronger of the two on a GL host.
  const sampler = (c.flags & TEXTURE_BARRIER_SAMPLER) !== 0 || !framebuffer;
  let done = false;
  if (framebuffer && blendBarrier) {
    x.gl.blendBarrier();
    done = true;
  }
  if (textureBarrier && (sampler || (framebuffer && !done))) {
    x.gl.textureBarrier();
    done = true;
  }
  return done ? undefined : UNSUPPORTED;
};
