import type { VirglCmd } from "../protocol/commands.ts";
import type { Executor } from "./executor.ts";

/** LAUNCH_GRID: a direct or indirect dispatch of the bound compute shader. */
export const executeLaunchGrid: Executor<typeof VirglCmd.LaunchGrid> = (x, c) =>
  x.renderer.launchGrid(x.sub, c, x.lookup);
