import { CapsOffset } from "./caps.ts";

/** How a caps field of the host must compare with the recorded one for the host to offer at least as much. */
export type CapsRule = "mask" | "max" | "signedMax" | "signedMin" | "floatMax" | "floatMinMax" | "alignment" | "ignore";

/** Each field's rule and its number of 4-byte words (virgl_hw.h `struct virgl_caps_v2`). */
export const CAPS_FIELD_RULES: Readonly<Record<keyof typeof CapsOffset, readonly [CapsRule, number]>> = {
  maxVersion: ["max", 1],
  sampler: ["mask", 16],
  render: ["mask", 16],
  depthStencil: ["mask", 16],
  vertexBuffer: ["mask", 16],
  bset: ["mask", 1],
  glslLevel: ["max", 1],
  maxTextureArrayLayers: ["max", 1],
  maxStreamoutBuffers: ["max", 1],
  maxDualSourceRenderTargets: ["max", 1],
  maxRenderTargets: ["max", 1],
  maxSamples: ["max", 1],
  primMask: ["mask", 1],
  maxTboSize: ["max", 1],
  maxUniformBlocks: ["max", 1],
  maxViewports: ["max", 1],
  maxTextureGatherComponents: ["max", 1],
  // Aliased and smooth point sizes and line widths: (min, max) pairs.
  pointAndLineRanges: ["floatMinMax", 8],
  maxTextureLodBias: ["floatMax", 1],
  maxGeomOutputVertices: ["max", 1],
  maxGeomTotalOutputComponents: ["max", 1],
  maxVertexOutputs: ["max", 1],
  maxVertexAttribs: ["max", 1],
  maxShaderPatchVaryings: ["max", 1],
  minTexelOffset: ["signedMin", 1],
  maxTexelOffset: ["signedMax", 1],
  minTextureGatherOffset: ["signedMin", 1],
  maxTextureGatherOffset: ["signedMax", 1],
  textureBufferOffsetAlignment: ["alignment", 1],
  uniformBufferOffsetAlignment: ["alignment", 1],
  shaderBufferOffsetAlignment: ["alignment", 1],
  capabilityBits: ["mask", 1],
  // Sample positions describe the host's rasteriser; a guest does not depend on them being the same.
  sampleLocations: ["ignore", 8],
  maxVertexAttribStride: ["max", 1],
  maxShaderBufferFragCompute: ["max", 1],
  maxShaderBufferOtherStages: ["max", 1],
  maxShaderImageFragCompute: ["max", 1],
  maxShaderImageOtherStages: ["max", 1],
  maxImageSamples: ["max", 1],
  maxComputeWorkGroupInvocations: ["max", 1],
  maxComputeSharedMemorySize: ["max", 1],
  maxComputeGridSize: ["max", 3],
  maxComputeBlockSize: ["max", 3],
  maxTexture2dSize: ["max", 1],
  maxTexture3dSize: ["max", 1],
  maxTextureCubeSize: ["max", 1],
  maxCombinedShaderBuffers: ["max", 1],
  maxAtomicCounters: ["max", 6],
  maxAtomicCounterBuffers: ["max", 6],
  maxCombinedAtomicCounters: ["max", 1],
  maxCombinedAtomicCounterBuffers: ["max", 1],
  hostFeatureCheckVersion: ["max", 1],
  readback: ["mask", 16],
  scanout: ["mask", 16],
  capabilityBitsV2: ["mask", 1],
  // The video memory size and the renderer string are for display only.
  maxVideoMemory: ["ignore", 1],
  renderer: ["ignore", 16],
  maxAnisotropy: ["floatMax", 1],
  maxTextureImageUnits: ["max", 1],
  multisample: ["mask", 16],
  maxConstBufferSize: ["max", 6],
  // Video decoding caps: this component advertises none.
  numVideoCaps: ["ignore", 129],
  maxUniformBlockSize: ["max", 1],
};

/**
 * Why a host with caps blob `host` would offer a guest less than `recorded` (the blob the guest was given), or
 * `undefined` when it offers at least as much: every recorded mask bit is set, every maximum at least as large, every
 * minimum at most as small, and every alignment divides the recorded one. Both blobs must be the same capset.
 */
export function capsShortfall(host: Uint8Array, recorded: Uint8Array): string | undefined {
  if (host.byteLength !== recorded.byteLength) {
    return `caps of ${recorded.byteLength} bytes recorded, the host's have ${host.byteLength}`;
  }
  const h = new DataView(host.buffer, host.byteOffset, host.byteLength);
  const r = new DataView(recorded.buffer, recorded.byteOffset, recorded.byteLength);
  for (const [field, [rule, words]] of Object.entries(CAPS_FIELD_RULES) as [
    keyof typeof CapsOffset,
    [CapsRule, number],
  ][]) {
    for (let i = 0; i < words; i++) {
      const at = CapsOffset[field] + 4 * i;
      if (at + 4 > host.byteLength) break;
      if (!covers(rule, h, r, at, i)) return `${field}${words > 1 ? `[${i}]` : ""}: the host offers less than recorded`;
    }
  }
  return undefined;
}

function covers(rule: CapsRule, h: DataView, r: DataView, at: number, i: number): boolean {
  switch (rule) {
    case "mask": {
      const want = r.getUint32(at, true);
      return (h.getUint32(at, true) & want) >>> 0 === want;
    }
    case "max":
      return h.getUint32(at, true) >= r.getUint32(at, true);
    case "signedMax":
      return h.getInt32(at, true) >= r.getInt32(at, true);
    case "signedMin":
      return h.getInt32(at, true) <= r.getInt32(at, true);
    case "floatMax":
      return h.getFloat32(at, true) >= r.getFloat32(at, true);
    case "floatMinMax":
      return i % 2 === 0
        ? h.getFloat32(at, true) <= r.getFloat32(at, true)
        : h.getFloat32(at, true) >= r.getFloat32(at, true);
    case "alignment": {
      const host = h.getUint32(at, true);
      const rec = r.getUint32(at, true);
      return host === 0 || (rec !== 0 && rec % host === 0);
    }
    case "ignore":
      return true;
  }
}
