/** Kinds of host GL objects the census counts. */
export type GlObjectKind =
  | "display"
  | "context"
  | "texture"
  | "buffer"
  | "framebuffer"
  | "shader"
  | "program"
  | "vertex array"
  | "sampler"
  | "query";

const live = new Map<GlObjectKind, number>();

/**
 * Live host GL objects of this process by kind, counted where {@link EglHostGl} creates and deletes them (the
 * surfaceless display, contexts including each instance's root, textures, buffers, framebuffers, shaders, programs,
 * vertex arrays, samplers, queries). A backend that
 * released everything reports zeros; `rutabaga-ts vhost-user-gpu --verbose` prints it when the front-end goes.
 */
export const glObjectCensus = {
  created(kind: GlObjectKind, n = 1): void {
    live.set(kind, (live.get(kind) ?? 0) + n);
  },
  deleted(kind: GlObjectKind, n = 1): void {
    live.set(kind, (live.get(kind) ?? 0) - n);
  },
  /** Live objects by kind (kinds never created are absent). */
  live(): Record<string, number> {
    return Object.fromEntries(live);
  },
  /** All live objects together. */
  total(): number {
    let n = 0;
    for (const v of live.values()) n += v;
    return n;
  },
};
