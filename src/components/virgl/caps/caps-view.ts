import { CapsOffset, VIRGL_CAPS_V1_SIZE } from "./caps.ts";

/** Bit positions of `struct virgl_caps_bool_set1` (virgl_hw.h), in declaration order. */
export const BoolSetBit = {
  indepBlendEnable: 0,
  indepBlendFunc: 1,
  cubeMapArray: 2,
  shaderStencilExport: 3,
  conditionalRender: 4,
  startInstance: 5,
  primitiveRestart: 6,
  blendEqSep: 7,
  instanceId: 8,
  vertexElementInstanceDivisor: 9,
  seamlessCubeMap: 10,
  occlusionQuery: 11,
  timerQuery: 12,
  streamoutPauseResume: 13,
  textureMultisample: 14,
  fragmentCoordConventions: 15,
  depthClipDisable: 16,
  seamlessCubeMapPerTexture: 17,
  ubo: 18,
  colorClamping: 19,
  polyStipple: 20,
  mirrorClamp: 21,
  textureQueryLod: 22,
  hasFp64: 23,
  hasTessellationShaders: 24,
  hasIndirectDraw: 25,
  hasSampleShading: 26,
  hasCullDistance: 27,
  conditionalRenderInverted: 28,
  derivativeControl: 29,
  polygonOffsetClamp: 30,
  transformFeedbackOverflowQuery: 31,
} as const;

/** A `struct virgl_caps_bool_set1` member name. */
export type BoolSetName = keyof typeof BoolSetBit;

/** `capability_bits_v2` flags (virgl_hw.h `VIRGL_CAP_V2_*`) the guest reads. */
export const VirglCapV2 = { BlendEquation: 1 << 0, PipelineStatisticsQuery: 1 << 13 } as const;

/** Read access to an encoded caps blob (v1 or v2), as a guest driver reads it; v2 fields of a v1 blob read 0. */
export class VirglCapsView {
  readonly #view: DataView;

  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Whether the blob is a v2 one (capset VIRGL2). */
  get isV2(): boolean {
    return this.#view.byteLength > VIRGL_CAPS_V1_SIZE;
  }

  /** The u32 at a {@link CapsOffset} field, 0 past the blob's end. */
  u32(field: keyof typeof CapsOffset): number {
    const at = CapsOffset[field];
    return at + 4 <= this.#view.byteLength ? this.#view.getUint32(at, true) : 0;
  }

  /** One `bset` member. */
  bset(name: BoolSetName): boolean {
    return ((this.u32("bset") >>> BoolSetBit[name]) & 1) === 1;
  }

  /** Whether every bit of `mask` is set in `capability_bits`. */
  cap(mask: number): boolean {
    return (this.u32("capabilityBits") & mask) >>> 0 === mask >>> 0;
  }

  /** Whether every bit of `mask` is set in `capability_bits_v2`. */
  capV2(mask: number): boolean {
    return (this.u32("capabilityBitsV2") & mask) >>> 0 === mask >>> 0;
  }

  /** Whether a virgl format is set in a format mask (`sampler`, `render`, …: 16 u32 words, bit per format). */
  hasFormat(mask: "sampler" | "render" | "depthStencil" | "vertexBuffer" | "multisample", format: number): boolean {
    const at = CapsOffset[mask] + (format >>> 5) * 4;
    return at + 4 <= this.#view.byteLength && ((this.#view.getUint32(at, true) >>> (format & 31)) & 1) === 1;
  }
}
