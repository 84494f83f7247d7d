import type { VirglCmd } from "../protocol/commands.ts";
import { invalid } from "../protocol/refusal.ts";
import type { Executor } from "./executor.ts";

/** SET_TESS_STATE: the default outer and inner tessellation levels (used by draws without a TCS). */
export const executeSetTessState: Executor<typeof VirglCmd.SetTessState> = (x, c) => {
  const levels = [...c.outer, ...c.inner];
  if (!levels.every(Number.isFinite)) return invalid("tessellation level not finite");
  const b = x.sub.bound;
  b.tessLevels.set(levels);
  b.tessVersion++;
  return undefined;
};
