import type { VirglCmd } from "../protocol/commands.ts";
import { executeClear as clearFramebuffer } from "../render/clear.ts";
import { executeClearTexture as clearTexture } from "../render/copy.ts";
import type { Executor } from "./executor.ts";

/** CLEAR of the current sub-context's framebuffer (outside the draw state: scissor and masks do not apply). */
export const executeClear: Executor<typeof VirglCmd.Clear> = (x, c) => {
  x.renderer.prepareForClear();
  return clearFramebuffer(x.gl, x.sub, c, x.lookup);
};

/** CLEAR_TEXTURE of a box of one resource level. */
export const executeClearTexture: Executor<typeof VirglCmd.ClearTexture> = (x, c) => clearTexture(x.gl, c, x.lookup);
