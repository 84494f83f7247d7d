import { GL } from "../host-gl/gl-constants.ts";
import { MAX_UBO_SLOT, SAMPLERS_PER_STAGE, uboBindingsNeeded } from "../tgsi/index.ts";
import type { HostGlLimits } from "./caps.ts";

/** Host GL limits the draw-side caps (uniform blocks, tessellation, indirect draws) derive from. */
export const DrawLimitQuery = {
  MAX_VERTEX_UNIFORM_BLOCKS: GL.MAX_VERTEX_UNIFORM_BLOCKS,
  MAX_GEOMETRY_UNIFORM_BLOCKS: 0x8a2c,
  MAX_FRAGMENT_UNIFORM_BLOCKS: 0x8a2d,
  MAX_TESS_CONTROL_UNIFORM_BLOCKS: 0x8e89,
  MAX_TESS_EVALUATION_UNIFORM_BLOCKS: 0x8e8a,
  MAX_UNIFORM_BUFFER_BINDINGS: 0x8a2f,
  MAX_COMBINED_TEXTURE_IMAGE_UNITS: 0x8b4d,
  MAX_PATCH_VERTICES: 0x8e7d,
  MAX_TESS_GEN_LEVEL: 0x8e7e,
  MAX_VERTEX_UNIFORM_COMPONENTS: 0x8b4a,
  MAX_TESS_CONTROL_UNIFORM_COMPONENTS: 0x8e7f,
  MAX_TESS_EVALUATION_UNIFORM_COMPONENTS: 0x8e80,
  MAX_GEOMETRY_UNIFORM_COMPONENTS: 0x8ddf,
  MAX_FRAGMENT_UNIFORM_COMPONENTS: 0x8b49,
  MAX_COMPUTE_UNIFORM_COMPONENTS: 0x8263,
} as const;

/** The queries of {@link DrawLimitQuery}, for the caps' integer queries. */
export const DRAW_LIMIT_QUERIES: readonly number[] = Object.values(DrawLimitQuery);

const Q = DrawLimitQuery;

/**
 * Whether TCS/TES stages are drawn on this host: GL 4.0, and room for the binding ranges of five graphics stages
 * (16 uniform-buffer points and 16 texture units each, see tgsi/glsl-bindings.ts).
 */
export function tessellationDrawn(limits: HostGlLimits): boolean {
  const int = (q: number) => limits.ints.get(q) ?? 0;
  return (
    limits.glVersion >= 40 &&
    int(Q.MAX_UNIFORM_BUFFER_BINDINGS) >= uboBindingsNeeded(true) &&
    int(Q.MAX_COMBINED_TEXTURE_IMAGE_UNITS) >= 5 * SAMPLERS_PER_STAGE &&
    int(Q.MAX_PATCH_VERTICES) >= 32 &&
    int(Q.MAX_TESS_GEN_LEVEL) >= 64
  );
}

/** The host's uniform blocks per stage: the least over VS, FS, GS and, on GL 4.0, TCS and TES (`int` answers). */
export function uniformBlocksPerStage(glVersion: number, int: (pname: number) => number): number {
  const stages: number[] = [Q.MAX_VERTEX_UNIFORM_BLOCKS, Q.MAX_FRAGMENT_UNIFORM_BLOCKS, Q.MAX_GEOMETRY_UNIFORM_BLOCKS];
  if (glVersion >= 40) stages.push(Q.MAX_TESS_CONTROL_UNIFORM_BLOCKS, Q.MAX_TESS_EVALUATION_UNIFORM_BLOCKS);
  return Math.min(...stages.map(int));
}

/**
 * Whether the default constant buffer is a plain uniform array (`ShaderKey.constantsAsUniforms`) rather than a
 * uniform block: where the host's blocks per stage cannot hold it beside {@link MAX_UBO_SLOT} UBOs (NVIDIA's 14),
 * which GL 4.3 gives a guest. virglrenderer declares it so on every host.
 */
export function constantsAsUniforms(blocksPerStage: number): boolean {
  return blocksPerStage > 0 && blocksPerStage < MAX_UBO_SLOT + 1;
}

/**
 * `max_uniform_blocks`: Mesa's per-stage constant buffers (the default one plus UBOs, so GL 4.3's 14 UBOs need 15).
 * The UBOs the emitter binds (slots 1..{@link MAX_UBO_SLOT}), limited by the host's blocks per stage in every stage
 * drawn (the default one takes one unless {@link constantsAsUniforms}) and by its binding points.
 */
export function uniformBlocksCap(limits: HostGlLimits): number {
  const int = (q: number) => limits.ints.get(q) ?? 0;
  const tess = tessellationDrawn(limits);
  const stages: number[] = [Q.MAX_VERTEX_UNIFORM_BLOCKS, Q.MAX_FRAGMENT_UNIFORM_BLOCKS, Q.MAX_GEOMETRY_UNIFORM_BLOCKS];
  if (tess) stages.push(Q.MAX_TESS_CONTROL_UNIFORM_BLOCKS, Q.MAX_TESS_EVALUATION_UNIFORM_BLOCKS);
  const perStage = Math.min(...stages.map((q) => int(q)));
  if (perStage < 1 || int(Q.MAX_UNIFORM_BUFFER_BINDINGS) < uboBindingsNeeded(tess)) return 0;
  const plain = constantsAsUniforms(uniformBlocksPerStage(limits.glVersion, int));
  return Math.min(MAX_UBO_SLOT, plain ? perStage : perStage - 1) + 1;
}

/** `max_const_buffer_size` per stage (MESA_SHADER_STAGES order: VS, TCS, TES, GS, FS, CS) in bytes. */
export function constantBufferSizes(limits: HostGlLimits): number[] {
  const int = (q: number) => limits.ints.get(q) ?? 0;
  const blockSize = int(0x8a30 /* MAX_UNIFORM_BLOCK_SIZE */);
  if (!constantsAsUniforms(uniformBlocksPerStage(limits.glVersion, int))) return new Array<number>(6).fill(blockSize);
  // A plain uniform array counts against the stage's default-block components (4 bytes each).
  return [
    Q.MAX_VERTEX_UNIFORM_COMPONENTS,
    Q.MAX_TESS_CONTROL_UNIFORM_COMPONENTS,
    Q.MAX_TESS_EVALUATION_UNIFORM_COMPONENTS,
    Q.MAX_GEOMETRY_UNIFORM_COMPONENTS,
    Q.MAX_FRAGMENT_UNIFORM_COMPONENTS,
    Q.MAX_COMPUTE_UNIFORM_COMPONENTS,
  ].map((q) => Math.min(blockSize, int(q) * 4));
}
