import { CapsOffset } from "./caps.ts";

type Field = keyof typeof CapsOffset;

/** How a caps field is compared: `[field, words]` per rule; a field past a blob's end reads 0. */
const MASKS: readonly (readonly [Field, number])[] = [
  ["sampler", 16],
  ["render", 16],
  ["depthStencil", 16],
  ["vertexBuffer", 16],
  ["bset", 1],
  ["primMask", 1],
  ["capabilityBits", 1],
  ["readback", 16],
  ["scanout", 16],
  ["capabilityBitsV2", 1],
  ["multisample", 16],
];

/** Unsigned limits the host must reach (`max_*`, versions, levels). */
const MAXIMA: readonly (readonly [Field, number])[] = [
  ["maxVersion", 1],
  ["glslLevel", 1],
  ["maxTextureArrayLayers", 1],
  ["maxStreamoutBuffers", 1],
  ["maxDualSourceRenderTargets", 1],
  ["maxRenderTargets", 1],
  ["maxSamples", 1],
  ["maxTboSize", 1],
  ["maxUniformBlocks", 1],
  ["maxViewports", 1],
  ["maxTextureGatherComponents", 1],
  ["maxGeomOutputVertices", 1],
  ["maxGeomTotalOutputComponents", 1],
  ["maxVertexOutputs", 1],
  ["maxVertexAttribs", 1],
  ["maxShaderPatchVaryings", 1],
  ["maxVertexAttribStride", 1],
  ["maxShaderBufferFragCompute", 1],
  ["maxShaderBufferOtherStages", 1],
  ["maxShaderImageFragCompute", 1],
  ["maxShaderImageOtherStages", 1],
  ["maxImageSamples", 1],
  ["maxComputeWorkGroupInvocations", 1],
  ["maxComputeSharedMemorySize", 1],
  ["maxComputeGridSize", 3],
  ["maxComputeBlockSize", 3],
  ["maxTexture2dSize", 1],
  ["maxTexture3dSize", 1],
  ["maxTextureCubeSize", 1],
  ["maxCombinedShaderBuffers", 1],
  ["maxAtomicCounters", 6],
  ["maxAtomicCounterBuffers", 6],
  ["maxCombinedAtomicCounters", 1],
  ["maxCombinedAtomicCounterBuffers", 1],
  ["hostFeatureCheckVersion", 1],
  ["maxTextureImageUnits", 1],
  ["maxConstBufferSize", 6],
  ["maxUniformBlockSize", 1],
];

/** Signed texel-offset bounds: the host's range must contain the recorded one. */
const OFFSET_MINIMA: readonly Field[] = ["minTexelOffset", "minTextureGatherOffset"];
const OFFSET_MAXIMA: readonly Field[] = ["maxTexelOffset", "maxTextureGatherOffset"];
/** Alignments the guest rounded its offsets to: the host's must divide the recorded one. */
const ALIGNMENTS: readonly Field[] = [
  "textureBufferOffsetAlignment",
  "uniformBufferOffsetAlignment",
  "shaderBufferOffsetAlignment",
];
/** Float limits the host must reach: the LOD bias, anisotropy, and the upper ends of the point and line ranges. */
const FLOAT_MAXIMA: readonly (readonly [Field, number])[] = [
  ["maxTextureLodBias", 0],
  ["maxAnisotropy", 0],
  ["pointAndLineRanges", 4],
  ["pointAndLineRanges", 12],
  ["pointAndLineRanges", 20],
  ["pointAndLineRanges", 28],
];

/**
 * The fields of a virgl caps blob (capset VIRGL or VIRGL2) in which `host` offers less than `recorded`, by name
 * (`render[3]`, `maxSamples`); empty when the host covers it: every mask bit recorded is set, every limit reached,
 * every offset range contained, every alignment a divisor of the recorded one (when one was recorded). Informational fields (renderer name,
 * video memory, sample positions, video caps) are not compared.
 */
export function uncoveredVirglCaps(recorded: Uint8Array, host: Uint8Array): string[] {
  const r = new DataView(recorded.buffer, recorded.byteOffset, recorded.byteLength);
  const h = new DataView(host.buffer, host.byteOffset, host.byteLength);
  const u32 = (v: DataView, at: number) => (at + 4 <= v.byteLength ? v.getUint32(at, true) : 0);
  const i32 = (v: DataView, at: number) => (at + 4 <= v.byteLength ? v.getInt32(at, true) : 0);
  const f32 = (v: DataView, at: number) => (at + 4 <= v.byteLength ? v.getFloat32(at, true) : 0);
  const name = (field: Field, i: number, words: number) => (words > 1 ? `${field}[${i}]` : field);
  const out: string[] = [];
  for (const [field, words] of MASKS) {
    for (let i = 0; i < words; i++) {
      const at = CapsOffset[field] + i * 4;
      if ((u32(r, at) & ~u32(h, at)) !== 0) out.push(name(field, i, words));
    }
  }
  for (const [field, words] of MAXIMA) {
    for (let i = 0; i < words; i++) {
      const at = CapsOffset[field] + i * 4;
      if (u32(h, at) < u32(r, at)) out.push(name(field, i, words));
    }
  }
  for (const field of OFFSET_MINIMA) if (i32(h, CapsOffset[field]) > i32(r, CapsOffset[field])) out.push(field);
  for (const field of OFFSET_MAXIMA) if (i32(h, CapsOffset[field]) < i32(r, CapsOffset[field])) out.push(field);
  for (const field of ALIGNMENTS) {
    const want = u32(r, CapsOffset[field]);
    const have = u32(h, CapsOffset[field]);
    // 0 recorded: a v1 blob, which tells no alignment.
    if (want !== 0 && have !== 0 && want % have !== 0) out.push(field);
  }
  for (const [field, at] of FLOAT_MAXIMA) {
    const want = f32(r, CapsOffset[field] + at);
    // NaN recorded is no promise the host can be held to; NaN on the host covers nothing.
    if (!(f32(h, CapsOffset[field] + at) >= want) && !Number.isNaN(want)) {
      out.push(at === 0 ? field : `${field}+${at}`);
    }
  }
  return out;
}
