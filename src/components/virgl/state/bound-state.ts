import { PIPE_SHADER_TYPES, PipeLimits } from "../protocol/commands.ts";
import type { VirglBufferRange, VirglScissor, VirglVertexBuffer, VirglViewport } from "../protocol/typed-commands.ts";
import { VirglMemoryBindings } from "./memory-bindings.ts";

/** Highest sampler view / sampler state slot + 1 per stage this component binds (`SAMPLERS_PER_STAGE` of the emitter). */
export const MAX_SAMPLER_SLOTS = 16;
/** Highest UBO slot + 1 per stage (slot 0 is the constant buffer; the emitter accepts slots 1..14). */
export const MAX_UBO_SLOTS = 15;
/** Most bytes of one stage's constant buffer (64 KiB, GL's minimum `GL_MAX_UNIFORM_BLOCK_SIZE` is 16 KiB; llvmpipe's is 64 KiB). */
export const MAX_CONSTANT_BYTES = 64 << 10;

/** The index buffer binding (`SET_INDEX_BUFFER`). */
export interface VirglIndexBuffer {
  readonly resourceId: number;
  readonly indexSize: number;
  readonly offset: number;
}

/**
 * What a sub-context has bound: object handles (looked up at draw time, so a destroyed object is simply gone),
 * buffers and the setters' values. `version` counts changes so the renderer can skip re-applying state.
 */
export class VirglBoundState {
  blend = 0;
  rasterizer = 0;
  dsa = 0;
  vertexElements = 0;
  /** Shader handle per `PIPE_SHADER_*` stage (0 = none). */
  readonly shaders: number[] = new Array<number>(PIPE_SHADER_TYPES).fill(0);
  vertexBuffers: readonly VirglVertexBuffer[] = [];
  indexBuffer: VirglIndexBuffer | undefined = undefined;
  readonly viewports: (VirglViewport | undefined)[] = new Array(PipeLimits.MaxViewports).fill(undefined);
  readonly scissors: (VirglScissor | undefined)[] = new Array(PipeLimits.MaxViewports).fill(undefined);
  /** Slot-0 constant dwords per stage; `constantsVersion` bumps on every change. */
  readonly constants: Uint32Array[] = Array.from({ length: PIPE_SHADER_TYPES }, () => new Uint32Array(0));
  constantsVersion = 0;
  /** UBO ranges per stage and slot (slot 0 unused). */
  readonly uniformBuffers: (VirglBufferRange | undefined)[][] = Array.from({ length: PIPE_SHADER_TYPES }, () =>
    new Array(MAX_UBO_SLOTS).fill(undefined),
  );
  /** Sampler view and sampler state handles per stage and slot. */
  readonly samplerViews: number[][] = Array.from({ length: PIPE_SHADER_TYPES }, () =>
    new Array<number>(MAX_SAMPLER_SLOTS).fill(0),
  );
  readonly samplerStates: number[][] = Array.from({ length: PIPE_SHADER_TYPES }, () =>
    new Array<number>(MAX_SAMPLER_SLOTS).fill(0),
  );
  blendColor: readonly [number, number, number, number] = [0, 0, 0, 0];
  stencilRef = { front: 0, back: 0 };
  sampleMask = 0xffffffff;
  minSamples = 1;
  /** SET_CLIP_STATE's 8 planes × 4 floats and SET_POLYGON_STIPPLE's 32 rows; `sysvalVersion` bumps on change. */
  readonly clipPlanes = new Float32Array(32);
  readonly stipple = new Uint32Array(32);
  sysvalVersion = 0;
  /** SET_TESS_STATE: the default outer (4) then inner (2) levels, used without a TCS; `tessVersion` bumps on change. */
  readonly tessLevels = new Float32Array([1, 1, 1, 1, 1, 1]);
  tessVersion = 0;
  /** SET_STREAMOUT_TARGETS: target handles per capture buffer (0 = none) and which ones append. */
  streamoutTargets: readonly number[] = [];
  streamoutAppend = 0;
  streamoutVersion = 0;
  /** Shader buffers, images and atomic counter buffers. */
  readonly memory = new VirglMemoryBindings();
  /** Bumps when a fixed-function value changes (viewports, scissors, blend colour, stencil ref, sample mask). */
  version = 0;
}
