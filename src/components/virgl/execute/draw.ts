import type { VirglCmd } from "../protocol/commands.ts";
import type { Executor } from "./executor.ts";

/** DRAW_VBO on the current sub-context's bound state. */
export const executeDrawVbo: Executor<typeof VirglCmd.DrawVbo> = (x, c) => x.renderer.draw(x.sub, c, x.lookup);
