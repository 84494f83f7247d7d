import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import { GL } from "../host-gl/gl-constants.ts";
import { drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import { STENCIL_VIEW_OF, VIRGL_FORMATS, type VirglFormatInfo } from "./formats.ts";
import { glTextureTarget, type VirglResourceState } from "./resource.ts";

/** `GL_DEPTH_STENCIL_TEXTURE_MODE` (ARB_stencil_texturing) and the value that samples stencil. */
const DEPTH_STENCIL_TEXTURE_MODE = 0x90ea;

/** Views kept per resource; the oldest is deleted past this (a draw binds fewer than this many units). */
export const MAX_VIEWS_PER_RESOURCE = 64;

/** What a GL texture view shows of its resource's storage. */
export interface TextureViewShape {
  readonly glTarget: number;
  readonly internalFormat: number;
  readonly minLevel: number;
  readonly numLevels: number;
  readonly minLayer: number;
  readonly numLayers: number;
  /** Samples the stencil of a depth-stencil format (`DEPTH_STENCIL_TEXTURE_MODE` = `STENCIL_INDEX`). */
  readonly stencil: boolean;
}

/** A GL view of a resource; `applied` is the sampling state last set on it by its user (swizzle). */
export interface TextureView {
  readonly name: number;
  applied: string;
}

/** GL's RGBA sized formats and their RGB siblings of the same channel type (GL_RGBA8 → GL_RGB8, ...). */
const RGB_OF_RGBA: ReadonlyMap<number, number> = new Map([
  [0x8058, 0x8051],
  [0x8c43, 0x8c41],
  [0x8f97, 0x8f96],
  [0x8d7c, 0x8d7d],
  [0x8d8e, 0x8d8f],
  [0x805b, 0x8054],
  [0x8f9b, 0x8f9a],
  [0x881a, 0x881b],
  [0x8d76, 0x8d77],
  [0x8d88, 0x8d89],
  [0x8814, 0x8815],
  [0x8d70, 0x8d71],
  [0x8d82, 0x8d83],
]);
const RGBA_OF_RGB: ReadonlyMap<number, number> = new Map([...RGB_OF_RGBA].map(([rgba, rgb]) => [rgb, rgba]));

/**
 * The internal format a view in `view`'s format takes of storage in `own`'s. A guest stores one GL RGB format with
 * three channels and another with four (R8G8B8_UINT beside R8G8B8X8_UNORM, as the caps allow), while GL views only
 * within one texel size: a view across the two takes its format's sibling of the storage's size.
 */
export function viewInternalFormat(own: VirglFormatInfo, view: VirglFormatInfo): number {
  if (own.compressed || view.compressed || own.blockBytes === view.blockBytes) return view.internalFormat;
  if (view.blockBytes * 3 === own.blockBytes * 4) return RGB_OF_RGBA.get(view.internalFormat) ?? view.internalFormat;
  if (view.blockBytes * 4 === own.blockBytes * 3) return RGBA_OF_RGB.get(view.internalFormat) ?? view.internalFormat;
  return view.internalFormat;
}

const cache = new WeakMap<VirglResourceState, Map<string, TextureView>>();

/** Layers GL addresses in `state` as view layers (array layers and cube faces; 3D slices are not layers). */
function viewableLayers(state: VirglResourceState): number {
  return state.target === PipeTextureTarget.Texture3D ? 1 : state.arraySize;
}

/**
 * The view a sampler view of `format`, Gallium `target` (0: the resource's), levels and layers needs of `state`, or
 * `undefined` when the resource's own texture shows the same (its format, target and every layer; levels are then
 * set on the texture). Ranges are clamped to the resource.
 */
export function samplerViewShape(
  state: VirglResourceState,
  format: number,
  target: number,
  levels: { first: number; last: number },
  layers: { first: number; last: number },
): TextureViewShape | undefined {
  const own = state.format;
  if (own === undefined) return undefined;
  const stencil = STENCIL_VIEW_OF.has(format) && own.kind === "depthstencil";
  const viewFormat = stencil ? own : (VIRGL_FORMATS.get(format) ?? own);
  const glTarget = (target !== 0 ? glTextureTarget(target, state.samples) : 0) || state.glTarget;
  const maxLevel = Math.max(0, state.levels - 1);
  const minLevel = Math.min(levels.first, maxLevel);
  const lastLevel = Math.min(Math.max(levels.last, minLevel), maxLevel);
  const total = viewableLayers(state);
  const minLayer = Math.min(layers.first, total - 1);
  const lastLayer = Math.min(Math.max(layers.last, minLayer), total - 1);
  const allLayers = minLayer === 0 && lastLayer === total - 1;
  const internalFormat = viewInternalFormat(own, viewFormat);
  if (!stencil && internalFormat === own.internalFormat && glTarget === state.glTarget && allLayers) return undefined;
  return {
    glTarget,
    internalFormat,
    minLevel,
    numLevels: lastLevel - minLevel + 1,
    minLayer: allLayers ? 0 : minLayer,
    numLayers: allLayers ? total : lastLayer - minLayer + 1,
    stencil,
  };
}

/**
 * A GL texture view of `state` shaped as `shape`, made once and kept with the resource until
 * {@link releaseTextureViews}; `undefined` when the host refuses the view (incompatible format or target): the
 * user binds nothing.
 */
export function textureViewOf(gl: HostGl, state: VirglResourceState, shape: TextureViewShape): TextureView | undefined {
  if (state.glName === 0 || state.glTarget === 0) return undefined;
  const key = `${shape.glTarget}:${shape.internalFormat}:${shape.minLevel}+${shape.numLevels}:${shape.minLayer}+${shape.numLayers}:${shape.stencil ? "s" : ""}`;
  let views = cache.get(state);
  const hit = views?.get(key);
  if (hit !== undefined) return hit;
  drainGlErrors(gl);
  const name = gl.createTextureName();
  if (name === 0) return undefined;
  gl.textureView(name, shape.glTarget, state.glName, shape.internalFormat, shape);
  if (gl.getError() !== GL.NO_ERROR) {
    gl.deleteTexture(name);
    drainGlErrors(gl);
    return undefined;
  }
  const multisample =
    shape.glTarget === GL.TEXTURE_2D_MULTISAMPLE || shape.glTarget === GL.TEXTURE_2D_MULTISAMPLE_ARRAY;
  if (!multisample && shape.glTarget !== GL.TEXTURE_RECTANGLE) {
    gl.textureParameteri(name, GL.TEXTURE_BASE_LEVEL, 0);
    gl.textureParameteri(name, GL.TEXTURE_MAX_LEVEL, shape.numLevels - 1);
  }
  if (state.format?.kind === "depthstencil") {
    gl.textureParameteri(name, DEPTH_STENCIL_TEXTURE_MODE, shape.stencil ? GL.STENCIL_INDEX : GL.DEPTH_COMPONENT);
  }
  drainGlErrors(gl);
  if (views === undefined) {
    views = new Map();
    cache.set(state, views);
  }
  if (views.size >= MAX_VIEWS_PER_RESOURCE) {
    const [oldestKey, oldest] = views.entries().next().value!;
    gl.deleteTexture(oldest.name);
    views.delete(oldestKey);
  }
  const view: TextureView = { name, applied: "" };
  views.set(key, view);
  return view;
}

/** How many views `state` keeps (for tests and statistics). */
export function textureViewCount(state: VirglResourceState): number {
  return cache.get(state)?.size ?? 0;
}

/** Deletes the views of `state` (before its texture; current context must be the host's). */
export function releaseTextureViews(gl: HostGl, state: VirglResourceState): void {
  const views = cache.get(state);
  if (views === undefined) return;
  for (const v of views.values()) gl.deleteTexture(v.name);
  cache.delete(state);
}

/**
 * The texture a surface or blit in virgl `format` reads or writes of `state`: the resource's own when the format is
 * stored as the resource's, else a view of every level and layer in that format (same addressing), or 0 when the
 * host refuses it.
 */
export function textureInFormat(gl: HostGl, state: VirglResourceState, format: number): number {
  const own = state.format;
  const f = VIRGL_FORMATS.get(format);
  if (own === undefined || f === undefined) return state.glName;
  const internalFormat = viewInternalFormat(own, f);
  if (internalFormat === own.internalFormat) return state.glName;
  if (own.kind === "depth" || own.kind === "depthstencil" || own.kind === "stencil") return state.glName;
  const view = textureViewOf(gl, state, {
    glTarget: state.glTarget,
    internalFormat,
    minLevel: 0,
    numLevels: state.levels,
    minLayer: 0,
    numLayers: viewableLayers(state),
    stencil: false,
  });
  return view?.name ?? 0;
}

/**
 * What a layered surface (layers `first..last` of `level`, several) attaches: the whole level when it covers every
 * layer, else a view of just those layers (as a 2D array for cube faces) whose level 0 is `level`; `undefined`
 * when it covers every layer (or is of a 3D texture, whose slices GL cannot view apart) or the host refuses the view.
 */
export function layerRangeView(
  gl: HostGl,
  state: VirglResourceState,
  format: number,
  level: number,
  first: number,
  last: number,
): number | undefined {
  const total = viewableLayers(state);
  if (state.target === PipeTextureTarget.Texture3D || (first === 0 && last >= total - 1) || first > last) {
    return undefined;
  }
  if (last >= total || level >= state.levels) return undefined;
  const own = state.format;
  const f = VIRGL_FORMATS.get(format) ?? own;
  if (own === undefined || f === undefined) return undefined;
  const cube = state.glTarget === GL.TEXTURE_CUBE_MAP || state.glTarget === GL.TEXTURE_CUBE_MAP_ARRAY;
  const view = textureViewOf(gl, state, {
    glTarget: cube ? GL.TEXTURE_2D_ARRAY : state.glTarget,
    internalFormat:
      own.kind === "unorm" || own.kind === "float" || own.kind === "uint" || own.kind === "sint"
        ? viewInternalFormat(own, f)
        : own.internalFormat,
    minLevel: level,
    numLevels: 1,
    minLayer: first,
    numLayers: last - first + 1,
    stencil: false,
  });
  return view?.name;
}
