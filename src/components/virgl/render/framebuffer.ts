import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import { isLayeredTarget, type VirglResourceState } from "../resources/resource.ts";
import { layerRangeView, textureInFormat } from "../resources/texture-view.ts";
import { type VirglSubContext, ZS_SLOT } from "../state/sub-context.ts";
import type { VirglSurface } from "../state/surface.ts";
import type { ResourceLookup } from "./lookup.ts";
import { applyFramebufferSrgb } from "./srgb.ts";

/** The attachment point of a texture of `state`'s format kind. */
export function attachmentOf(state: VirglResourceState): number {
  const k = state.format!.kind;
  if (k === "depth") return GL.DEPTH_ATTACHMENT;
  if (k === "stencil") return GL.STENCIL_ATTACHMENT;
  if (k === "depthstencil") return GL.DEPTH_STENCIL_ATTACHMENT;
  return GL.COLOR_ATTACHMENT0;
}

/**
 * Attaches one level (and, for layered targets, one layer) of a texture: `texture`, the resource's own or a view
 * of it addressed the same way (default: its own).
 */
export function attachLevel(
  gl: HostGl,
  fb: number,
  attachment: number,
  state: VirglResourceState,
  level: number,
  layer: number,
  wholeLevel: boolean,
  texture = state.glName,
): void {
  if (isLayeredTarget(state.target) && !wholeLevel) {
    gl.framebufferTextureLayer(fb, attachment, texture, level, layer);
  } else {
    gl.framebufferTexture(fb, attachment, texture, level);
  }
}

/**
 * Attaches a surface in its own format at `attachment` of `sub`'s framebuffer (slot `slot` of its record): one
 * layer, or a layered range (the whole level, or a view of the range when it is only part of the layers). The
 * resource's own texture is not attached again where the framebuffer already holds that image (GL revalidates a
 * framebuffer whose attachments change).
 */
function attachSurface(
  gl: HostGl,
  sub: VirglSubContext,
  slot: number,
  attachment: number,
  state: VirglResourceState,
  s: VirglSurface,
): void {
  const fb = sub.fbo;
  const known = sub.fboAttached;
  const layered = s.firstLayer !== s.lastLayer;
  const range = layered ? layerRangeView(gl, state, s.format, s.level, s.firstLayer, s.lastLayer) : undefined;
  const texture = range ?? textureInFormat(gl, state, s.format);
  if (texture !== state.glName) {
    // A view: its name may be deleted and reused while the resource lives, so it is always attached again.
    if (slot === ZS_SLOT) gl.framebufferTexture(fb, GL.DEPTH_STENCIL_ATTACHMENT, 0, 0);
    if (range !== undefined) gl.framebufferTexture(fb, attachment, range, 0);
    else attachLevel(gl, fb, attachment, state, s.level, s.firstLayer, layered, texture);
    known.delete(slot);
    return;
  }
  const layer = isLayeredTarget(state.target) && !layered ? s.firstLayer : -1;
  const had = known.get(slot);
  if (
    had &&
    had.attachment === attachment &&
    had.state === state &&
    had.texture === texture &&
    had.level === s.level &&
    had.layer === layer
  )
    return;
  // Depth and stencil may sit at other points than the new one.
  if (slot === ZS_SLOT && had !== null) gl.framebufferTexture(fb, GL.DEPTH_STENCIL_ATTACHMENT, 0, 0);
  attachLevel(gl, fb, attachment, state, s.level, s.firstLayer, layered, texture);
  known.set(slot, { attachment, state, texture, level: s.level, layer });
}

/** Leaves slot `slot` (a colour buffer index or {@link ZS_SLOT}) of `sub`'s framebuffer empty. */
function detachSlot(gl: HostGl, sub: VirglSubContext, slot: number): void {
  if (sub.fboAttached.get(slot) === null) return;
  gl.framebufferTexture(sub.fbo, slot === ZS_SLOT ? GL.DEPTH_STENCIL_ATTACHMENT : GL.COLOR_ATTACHMENT0 + slot, 0, 0);
  sub.fboAttached.set(slot, null);
}

/** A surface with its resource's state, or the refusal. */
export function surfaceState(
  sub: VirglSubContext,
  handle: number,
  lookup: ResourceLookup,
): { surface: VirglSurface; state: VirglResourceState } | VirglRefusal {
  const surface = sub.surfaces.get(handle);
  if (surface === undefined) return invalid(`no surface ${handle}`);
  const res = lookup(surface.resourceId);
  if (res instanceof VirglRefusal) return invalid(`surface ${handle} resource ${surface.resourceId} is gone`);
  const state = res.state;
  if (state.target === PipeTextureTarget.Buffer || state.glName === 0)
    return invalid(`surface ${handle} is not a texture`);
  return { surface, state };
}

/** Format kinds of the attached colour buffers ("" where none) and of the depth/stencil buffer. */
export interface BoundFramebuffer {
  readonly fb: number;
  readonly colorKinds: readonly string[];
  readonly zsKind: string;
}

/** The sub-context's framebuffer with nothing attached, sized by SET_FRAMEBUFFER_STATE_NO_ATTACH (none when 0×0). */
function noAttachmentFramebuffer(gl: HostGl, sub: VirglSubContext): BoundFramebuffer | undefined {
  const n = sub.noAttach;
  if (n.width === 0 || n.height === 0) return undefined;
  if (sub.fbo === 0) sub.fbo = gl.createFramebuffer();
  const fb = sub.fbo;
  for (let i = 0; i < 8; i++) detachSlot(gl, sub, i);
  detachSlot(gl, sub, ZS_SLOT);
  gl.framebufferDrawBuffers(fb, NO_DRAW_BUFFERS);
  gl.framebufferParameteri(fb, GL.FRAMEBUFFER_DEFAULT_WIDTH, n.width);
  gl.framebufferParameteri(fb, GL.FRAMEBUFFER_DEFAULT_HEIGHT, n.height);
  gl.framebufferParameteri(fb, GL.FRAMEBUFFER_DEFAULT_LAYERS, n.layers);
  gl.framebufferParameteri(fb, GL.FRAMEBUFFER_DEFAULT_SAMPLES, n.samples);
  return { fb, colorKinds: [], zsKind: "" };
}

const NO_DRAW_BUFFERS = new Uint32Array(0);

/**
 * Builds the sub-context's GL framebuffer from its current surfaces (rebuilt each time: surfaces may have been
 * recreated); `undefined` when nothing is attached.
 */
export function bindSubContextFramebuffer(
  gl: HostGl,
  sub: VirglSubContext,
  lookup: ResourceLookup,
): BoundFramebuffer | VirglRefusal | undefined {
  if (sub.zsSurface === 0 && sub.colorSurfaces.every((h) => h === 0)) return noAttachmentFramebuffer(gl, sub);
  const resolved = sub.colorSurfaces.map((h) => (h === 0 ? undefined : surfaceState(sub, h, lookup)));
  const zs = sub.zsSurface === 0 ? undefined : surfaceState(sub, sub.zsSurface, lookup);
  for (const r of [...resolved, zs]) if (r instanceof VirglRefusal) return r;
  if (sub.fbo === 0) sub.fbo = gl.createFramebuffer();
  const fb = sub.fbo;
  const drawBuffers = new Uint32Array(sub.colorSurfaces.length);
  const colorKinds: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = resolved[i];
    if (r === undefined || r instanceof VirglRefusal) {
      detachSlot(gl, sub, i);
      if (i < resolved.length) colorKinds.push("");
      continue;
    }
    const { surface, state } = r;
    attachSurface(gl, sub, i, GL.COLOR_ATTACHMENT0 + i, state, surface);
    drawBuffers[i] = GL.COLOR_ATTACHMENT0 + i;
    colorKinds.push(state.format!.kind);
  }
  gl.framebufferDrawBuffers(fb, drawBuffers);
  applyFramebufferSrgb(
    gl,
    resolved.map((r) => (r === undefined || r instanceof VirglRefusal ? undefined : r.surface.format)),
  );
  let zsKind = "";
  if (zs !== undefined && !(zs instanceof VirglRefusal)) {
    const { surface, state } = zs;
    zsKind = state.format!.kind;
    attachSurface(gl, sub, ZS_SLOT, attachmentOf(state), state, surface);
  } else {
    detachSlot(gl, sub, ZS_SLOT);
  }
  return { fb, colorKinds, zsKind };
}
