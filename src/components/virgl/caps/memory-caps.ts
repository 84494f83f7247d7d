import { GL } from "../host-gl/gl-constants.ts";
import {
  ATOMIC_BUFFER_BINDINGS,
  IMAGES_PER_STAGE,
  MAX_SHARED_MEMORY_BYTES,
  memoryRangeStart,
  SHADER_BUFFERS_PER_STAGE,
} from "../tgsi/index.ts";
import { CapsOffset, type HostGlLimits, VirglCap } from "./caps.ts";

/** Host limits of shader buffers, images, atomic counters and compute beyond those every caps blob reads. */
export const MEMORY_LIMIT_QUERIES = {
  MAX_SHADER_STORAGE_BUFFER_BINDINGS: 0x90dd,
  MAX_GEOMETRY_SHADER_STORAGE_BLOCKS: 0x90d7,
  MAX_TESS_CONTROL_SHADER_STORAGE_BLOCKS: 0x90d8,
  MAX_TESS_EVALUATION_SHADER_STORAGE_BLOCKS: 0x90d9,
  MAX_COMPUTE_SHADER_STORAGE_BLOCKS: 0x90db,
  MAX_IMAGE_UNITS: 0x8f38,
  MAX_GEOMETRY_IMAGE_UNIFORMS: 0x90cd,
  MAX_TESS_CONTROL_IMAGE_UNIFORMS: 0x90cb,
  MAX_TESS_EVALUATION_IMAGE_UNIFORMS: 0x90cc,
  MAX_COMPUTE_IMAGE_UNIFORMS: 0x91bd,
  MAX_ATOMIC_COUNTER_BUFFER_BINDINGS: 0x92dc,
} as const;

/** Atomic counters one buffer binding may declare: the emitter's HWATOMIC register indices 0..31. */
const COUNTERS_PER_BUFFER = 32;

type GraphicsStage = "VERT" | "FRAG" | "GEOM" | "TESS_CTRL" | "TESS_EVAL";
const OTHER_STAGES = ["VERT", "GEOM", "TESS_CTRL", "TESS_EVAL"] as const;

/**
 * Slots of `stage`'s range (`memoryRangeStart`, `perStage` wide) below the host's `bindings`: what the guest may use
 * there. Changing the ranges in glsl-bindings.ts changes what is advertised.
 */
function room(stage: GraphicsStage, perStage: number, bindings: number): number {
  return Math.max(0, Math.min(perStage, bindings - memoryRangeStart(stage, perStage)));
}

/** Capability bits of the memory and compute family the host can execute. */
export function memoryCapabilityBits(limits: HostGlLimits): number {
  const v = limits.glVersion;
  const ext = (name: string) => limits.extensions.has(name);
  let bits = 0;
  if (v >= 43 || ext("GL_ARB_compute_shader")) bits |= VirglCap.ComputeShader;
  if (v >= 42 || ext("GL_ARB_shader_image_load_store")) bits |= VirglCap.MemoryBarrier;
  if (v >= 45 || ext("GL_ARB_texture_barrier") || ext("GL_NV_texture_barrier")) bits |= VirglCap.TextureBarrier;
  return bits;
}

/**
 * Writes the v2 limits of shader buffers, images, atomic counters and compute from the host's queries, each capped
 * by what the emitter's binding contract can name; zero where the host lacks the feature.
 */
export function encodeMemoryCaps(v: DataView, limits: HostGlLimits, capabilityBits: number): void {
  const int = (q: number) => limits.ints.get(q) ?? 0;
  const O = CapsOffset;
  const Q = MEMORY_LIMIT_QUERIES;
  const ssboBindings = int(Q.MAX_SHADER_STORAGE_BUFFER_BINDINGS);
  const S = SHADER_BUFFERS_PER_STAGE;
  const ssboFragCompute = Math.min(
    room("FRAG", S, ssboBindings),
    int(GL.MAX_FRAGMENT_SHADER_STORAGE_BLOCKS),
    int(Q.MAX_COMPUTE_SHADER_STORAGE_BLOCKS),
  );
  const ssboOthers = Math.min(
    ...OTHER_STAGES.map((st) => room(st, S, ssboBindings)),
    int(GL.MAX_VERTEX_SHADER_STORAGE_BLOCKS),
    int(Q.MAX_GEOMETRY_SHADER_STORAGE_BLOCKS),
    int(Q.MAX_TESS_CONTROL_SHADER_STORAGE_BLOCKS),
    int(Q.MAX_TESS_EVALUATION_SHADER_STORAGE_BLOCKS),
  );
  v.setUint32(O.maxShaderBufferFragCompute, Math.max(0, ssboFragCompute), true);
  v.setUint32(O.maxShaderBufferOtherStages, Math.max(0, ssboOthers), true);
  v.setUint32(O.maxCombinedShaderBuffers, Math.min(int(GL.MAX_COMBINED_SHADER_STORAGE_BLOCKS), ssboBindings), true);

  const imageUnits = int(Q.MAX_IMAGE_UNITS);
  const I = IMAGES_PER_STAGE;
  const imagesFragCompute = Math.min(
    room("FRAG", I, imageUnits),
    int(GL.MAX_FRAGMENT_IMAGE_UNIFORMS),
    int(Q.MAX_COMPUTE_IMAGE_UNIFORMS),
  );
  const imagesOthers = Math.min(
    ...OTHER_STAGES.map((st) => room(st, I, imageUnits)),
    int(GL.MAX_VERTEX_IMAGE_UNIFORMS),
    int(Q.MAX_GEOMETRY_IMAGE_UNIFORMS),
    int(Q.MAX_TESS_CONTROL_IMAGE_UNIFORMS),
    int(Q.MAX_TESS_EVALUATION_IMAGE_UNIFORMS),
  );
  v.setUint32(O.maxShaderImageFragCompute, Math.max(0, imagesFragCompute), true);
  v.setUint32(O.maxShaderImageOtherStages, Math.max(0, imagesOthers), true);
  v.setUint32(O.maxImageSamples, int(GL.MAX_IMAGE_SAMPLES), true);

  const counterBindings = Math.min(ATOMIC_BUFFER_BINDINGS, int(Q.MAX_ATOMIC_COUNTER_BUFFER_BINDINGS));
  const perStage: readonly [number, number][] = [
    [GL.MAX_VERTEX_ATOMIC_COUNTERS, GL.MAX_VERTEX_ATOMIC_COUNTER_BUFFERS],
    [GL.MAX_FRAGMENT_ATOMIC_COUNTERS, GL.MAX_FRAGMENT_ATOMIC_COUNTER_BUFFERS],
    [GL.MAX_GEOMETRY_ATOMIC_COUNTERS, GL.MAX_GEOMETRY_ATOMIC_COUNTER_BUFFERS],
    [GL.MAX_TESS_CONTROL_ATOMIC_COUNTERS, GL.MAX_TESS_CONTROL_ATOMIC_COUNTER_BUFFERS],
    [GL.MAX_TESS_EVALUATION_ATOMIC_COUNTERS, GL.MAX_TESS_EVALUATION_ATOMIC_COUNTER_BUFFERS],
    [GL.MAX_COMPUTE_ATOMIC_COUNTERS, GL.MAX_COMPUTE_ATOMIC_COUNTER_BUFFERS],
  ];
  perStage.forEach(([counters, buffers], s) => {
    const b = Math.min(counterBindings, int(buffers));
    v.setUint32(O.maxAtomicCounters + 4 * s, b > 0 ? Math.min(int(counters), b * COUNTERS_PER_BUFFER) : 0, true);
    v.setUint32(O.maxAtomicCounterBuffers + 4 * s, b, true);
  });
  const combinedBuffers = Math.min(counterBindings, int(GL.MAX_COMBINED_ATOMIC_COUNTER_BUFFERS));
  v.setUint32(
    O.maxCombinedAtomicCounters,
    combinedBuffers > 0 ? Math.min(int(GL.MAX_COMBINED_ATOMIC_COUNTERS), combinedBuffers * COUNTERS_PER_BUFFER) : 0,
    true,
  );
  v.setUint32(O.maxCombinedAtomicCounterBuffers, combinedBuffers, true);

  if ((capabilityBits & VirglCap.ComputeShader) === 0) return;
  v.setUint32(O.maxComputeWorkGroupInvocations, int(GL.MAX_COMPUTE_WORK_GROUP_INVOCATIONS), true);
  v.setUint32(
    O.maxComputeSharedMemorySize,
    Math.min(MAX_SHARED_MEMORY_BYTES, int(GL.MAX_COMPUTE_SHARED_MEMORY_SIZE)),
    true,
  );
  for (let i = 0; i < 3; i++) {
    v.setUint32(O.maxComputeGridSize + 4 * i, limits.computeGrid[i] ?? 0, true);
    v.setUint32(O.maxComputeBlockSize + 4 * i, limits.computeBlock[i] ?? 0, true);
  }
}
