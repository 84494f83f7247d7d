import { GL } from "../host-gl/gl-constants.ts";
import { checkGl, drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import { PipeClear, type VirglCmd } from "../protocol/commands.ts";
import { VirglRefusal } from "../protocol/refusal.ts";
import type { VirglCommandOf } from "../protocol/typed-commands.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import { storedClearColor } from "./color-target-formats.ts";
import { bindSubContextFramebuffer } from "./framebuffer.ts";
import type { ResourceLookup } from "./lookup.ts";

/** CLEAR: clears the bound colour buffers the mask names, and depth and/or stencil, ignoring scissor and masks. */
export function executeClear(
  gl: HostGl,
  sub: VirglSubContext,
  c: VirglCommandOf<typeof VirglCmd.Clear>,
  lookup: ResourceLookup,
): VirglRefusal | undefined {
  const bound = bindSubContextFramebuffer(gl, sub, lookup);
  if (bound === undefined) return undefined;
  if (bound instanceof VirglRefusal) return bound;
  const { fb, colorKinds, zsKind } = bound;
  // The guest may attach what the host cannot render to; like its draws, its clear then does nothing.
  if (gl.checkFramebufferStatus(fb) !== GL.FRAMEBUFFER_COMPLETE) return undefined;
  drainGlErrors(gl);
  colorKinds.forEach((kind, i) => {
    if (kind === "" || (c.buffers & (PipeClear.Color0 << i)) === 0) return;
    const color = storedClearColor(sub.surfaces.get(sub.colorSurfaces[i]!)?.format ?? 0, c.color.buffer);
    if (kind === "uint") gl.clearBufferuiv(fb, GL.COLOR, i, new Uint32Array(color, 0, 4));
    else if (kind === "sint") gl.clearBufferiv(fb, GL.COLOR, i, new Int32Array(color, 0, 4));
    else gl.clearBufferfv(fb, GL.COLOR, i, new Float32Array(color, 0, 4));
  });
  const wantDepth = (c.buffers & PipeClear.Depth) !== 0 && (zsKind === "depth" || zsKind === "depthstencil");
  const wantStencil = (c.buffers & PipeClear.Stencil) !== 0 && (zsKind === "stencil" || zsKind === "depthstencil");
  const stencil = c.stencil & 0xff;
  if (wantDepth && wantStencil) gl.clearBufferfi(fb, c.depth, stencil);
  else if (wantDepth) gl.clearBufferfv(fb, GL.DEPTH, 0, Float32Array.of(c.depth));
  else if (wantStencil) gl.clearBufferiv(fb, GL.STENCIL, 0, Int32Array.of(stencil));
  checkGl(gl, "clear");
  return undefined;
}
