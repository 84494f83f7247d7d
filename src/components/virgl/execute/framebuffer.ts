import type { VirglCmd } from "../protocol/commands.ts";
import { invalid } from "../protocol/refusal.ts";
import type { Executor } from "./executor.ts";

/** SET_FRAMEBUFFER_STATE: colour and depth/stencil surfaces by handle (0 = none); unknown handles are refused. */
export const executeSetFramebufferState: Executor<typeof VirglCmd.SetFramebufferState> = (x, c) => {
  const sub = x.sub;
  for (const h of c.colorSurfaces) if (h !== 0 && !sub.surfaces.has(h)) return invalid(`no surface ${h}`);
  if (c.zsSurface !== 0 && !sub.surfaces.has(c.zsSurface)) return invalid(`no surface ${c.zsSurface}`);
  sub.colorSurfaces = c.colorSurfaces;
  sub.zsSurface = c.zsSurface;
  sub.framebufferVersion++;
  return undefined;
};

/**
 * SET_FRAMEBUFFER_STATE_NO_ATTACH: the size of a framebuffer without attachments (used while no surface is bound;
 * each field is 16 bits, the host GL refuses what exceeds its `GL_MAX_FRAMEBUFFER_*`).
 */
export const executeSetFramebufferStateNoAttach: Executor<typeof VirglCmd.SetFramebufferStateNoAttach> = (x, c) => {
  x.sub.noAttach = { width: c.width, height: c.height, layers: c.layers, samples: c.samples };
  x.sub.framebufferVersion++;
  return undefined;
};
