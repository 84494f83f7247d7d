import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { PipeShaderType, type VirglCmd, VirglObject } from "../protocol/commands.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import { VirglShader } from "../state/shader.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import type { ShaderKey } from "../tgsi/index.ts";
import type { ResourceLookup } from "./lookup.ts";
import type { ProgramCache } from "./programs.ts";
import type { ShaderMemory } from "./shader-memory.ts";
import type { ShaderResources } from "./shader-resources.ts";

/** Bytes of an indirect dispatch's three u32 work-group counts. */
const INDIRECT_BYTES = 12;

/** What a dispatch uses of the renderer: the GL, its program cache and the per-stage binders. */
export interface ComputeParts {
  readonly gl: HostGl;
  readonly programs: ProgramCache;
  readonly resources: ShaderResources;
  /** The renderer's `constantsAsUniforms` key part. */
  readonly constantsKey: Pick<ShaderKey, "constantsAsUniforms">;
  readonly memory: ShaderMemory;
  readonly warn: (message: string) => void;
}

/** What a dispatch did: ran, skipped (no usable compute shader; counted by the caller), or a refusal. */
export type DispatchOutcome = "ran" | "skipped" | VirglRefusal;

/** The host's largest work-group counts per dimension, read once per GL. */
const gridLimits = new WeakMap<HostGl, readonly number[]>();

function maxGrid(gl: HostGl): readonly number[] {
  let g = gridLimits.get(gl);
  if (g === undefined) {
    g = [0, 1, 2].map((i) => gl.getIntegerIndexed(GL.MAX_COMPUTE_WORK_GROUP_COUNT, i));
    gridLimits.set(gl, g);
  }
  return g;
}

/** The bound compute shader, if it parsed; a refused one is warned about once. */
function computeShader(sub: VirglSubContext, warn: (message: string) => void): VirglShader | undefined {
  const handle = sub.bound.shaders[PipeShaderType.Compute]!;
  const o = sub.objects.get(handle);
  if (o?.type !== VirglObject.Shader || !(o.state instanceof VirglShader)) return undefined;
  const s = o.state;
  if (s.tgsi === undefined || s.tgsi.stage !== "COMP") {
    if (s.parseError !== undefined && !s.drawSkipWarned) {
      s.drawSkipWarned = true;
      warn(`dispatches with refused shader ${handle} are skipped: ${s.parseError}`);
    }
    return undefined;
  }
  return s;
}

/**
 * The work-group counts of a dispatch: the command's, or the three u32 an indirect buffer holds (read back, so a
 * count past the host's limit is refused here rather than left to GL's undefined behaviour).
 */
function gridOf(
  gl: HostGl,
  c: VirglCommandOf<typeof VirglCmd.LaunchGrid>,
  lookup: ResourceLookup,
): readonly number[] | VirglRefusal {
  if (c.indirectHandle === 0) return c.grid;
  const res = lookup(c.indirectHandle);
  if (res instanceof VirglRefusal) return res;
  if (res.state.target !== PipeTextureTarget.Buffer || res.state.glName === 0)
    return invalid("indirect dispatch buffer is not a GL buffer");
  if (c.indirectOffset % 4 !== 0 || c.indirectOffset + INDIRECT_BYTES > res.state.width)
    return invalid(`indirect dispatch at ${c.indirectOffset} of a ${res.state.width}-byte buffer`);
  const bytes = new Uint8Array(INDIRECT_BYTES);
  gl.getBufferSubData(res.state.glName, c.indirectOffset, bytes);
  return Array.from(new Uint32Array(bytes.buffer));
}

/** LAUNCH_GRID on the sub-context's bound compute shader and its buffers, images, counters and textures. */
export function launchGrid(
  p: ComputeParts,
  sub: VirglSubContext,
  c: VirglCommandOf<typeof VirglCmd.LaunchGrid>,
  lookup: ResourceLookup,
): DispatchOutcome {
  const gl = p.gl;
  const grid = gridOf(gl, c, lookup);
  if (grid instanceof VirglRefusal) return grid;
  const limits = maxGrid(gl);
  for (let i = 0; i < 3; i++) {
    if (grid[i]! > limits[i]!) return invalid(`work-group count ${grid[i]} above the host's ${limits[i]}`);
  }
  const shader = computeShader(sub, p.warn);
  if (shader === undefined) return "skipped";
  const tgsi = shader.tgsi!;
  const key: ShaderKey = {
    target: "glsl450",
    ...p.constantsKey,
    ...(shader.sharedMemoryBytes > 0 ? { sharedMemoryBytes: shader.sharedMemoryBytes } : {}),
  };
  const program = p.programs.program([{ shader, tgsi, key }]);
  if (program === 0) return "skipped";
  if (grid[0] === 0 || grid[1] === 0 || grid[2] === 0) return "ran";
  gl.useProgram(program);
  p.resources.bindBuffers(sub, tgsi, false, lookup, { name: program, generation: p.programs.generation });
  p.resources.bindTextures(sub, tgsi, lookup);
  p.memory.bind(sub, tgsi, lookup);
  gl.dispatchCompute(grid[0]!, grid[1]!, grid[2]!);
  return "ran";
}
