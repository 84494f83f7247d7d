import type { VirglCmd } from "../protocol/commands.ts";
import { invalid } from "../protocol/refusal.ts";
import { VirglSubContext } from "../state/sub-context.ts";
import type { Executor } from "./executor.ts";

/** Most sub-contexts per context. */
export const MAX_SUB_CTXS = 64;

/** CREATE_SUB_CTX: a new, empty sub-context (creating an existing id does nothing). */
export const executeCreateSubCtx: Executor<typeof VirglCmd.CreateSubCtx> = (x, c) => {
  if (x.subs.has(c.subCtxId)) return undefined;
  if (x.subs.size >= MAX_SUB_CTXS) return invalid(`more than ${MAX_SUB_CTXS} sub-contexts`);
  x.subs.set(c.subCtxId, new VirglSubContext());
  return undefined;
};

/** SET_SUB_CTX: makes an existing sub-context current. */
export const executeSetSubCtx: Executor<typeof VirglCmd.SetSubCtx> = (x, c) => {
  const s = x.subs.get(c.subCtxId);
  if (s === undefined) return invalid(`no sub-context ${c.subCtxId}`);
  x.sub = s;
  return undefined;
};

/** DESTROY_SUB_CTX: frees a sub-context and its objects; 0 and unknown ids are ignored; 0 becomes current if needed. */
export const executeDestroySubCtx: Executor<typeof VirglCmd.DestroySubCtx> = (x, c) => {
  const s = x.subs.get(c.subCtxId);
  if (c.subCtxId === 0 || s === undefined) return undefined;
  if (s.fbo !== 0) x.gl.deleteFramebuffer(s.fbo);
  x.renderer.forgetSubContext(s);
  x.releaseBytes(s.payloadBytes);
  x.subs.delete(c.subCtxId);
  if (x.sub === s) x.sub = x.subs.get(0)!;
  return undefined;
};
