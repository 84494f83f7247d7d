import { PipeShaderType, type VirglCmd, VirglObject } from "../protocol/commands.ts";
import { VirglShader } from "../state/shader.ts";
import type { VirglExecution } from "./execution.ts";
import type { Executor } from "./executor.ts";

/** The stages a draw runs. */
const DRAW_STAGES = [
  PipeShaderType.Vertex,
  PipeShaderType.TessCtrl,
  PipeShaderType.TessEval,
  PipeShaderType.Geometry,
  PipeShaderType.Fragment,
] as const;

/** Whether a bound stage's shader was refused (its TGSI did not parse); warns once per such shader. */
function usesRefusedShader(x: VirglExecution): boolean {
  const sub = x.sub;
  for (const stage of DRAW_STAGES) {
    const handle = sub.bound.shaders[stage]!;
    if (handle === 0) continue;
    const o = sub.objects.get(handle);
    if (o?.type !== VirglObject.Shader || !(o.state instanceof VirglShader) || o.state.parseError === undefined) {
      continue;
    }
    if (!o.state.drawSkipWarned) {
      o.state.drawSkipWarned = true;
      x.warn(`draws with refused shader ${handle} are skipped: ${o.state.parseError}`);
    }
    return true;
  }
  return false;
}

/** DRAW_VBO on the current sub-context's bound state; skipped (counted) while a bound shader is refused. */
export const executeDrawVbo: Executor<typeof VirglCmd.DrawVbo> = (x, c) => {
  if (usesRefusedShader(x)) {
    x.renderer.skippedDraws++;
    return undefined;
  }
  return x.renderer.draw(x.sub, c, x.lookup);
};
