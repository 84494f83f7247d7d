import type { VirglCmd } from "../protocol/commands.ts";
import { executeBlit as blit } from "../render/blit.ts";
import { executeCopyRegion as copyRegion } from "../render/copy.ts";
import type { Executor } from "./executor.ts";

/** RESOURCE_COPY_REGION between two attached resources. */
export const executeResourceCopyRegion: Executor<typeof VirglCmd.ResourceCopyRegion> = (x, c) =>
  copyRegion(x.gl, c, x.lookup);

/** BLIT between two attached resources (outside the draw state, like a clear). */
export const executeBlit: Executor<typeof VirglCmd.Blit> = (x, c) => {
  x.renderer.prepareForClear();
  return blit(x.gl, x.blitFbs, c, x.lookup);
};
