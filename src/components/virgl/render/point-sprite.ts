import type { VirglRasterizerState } from "../protocol/objects/rasterizer.ts";
import type { ShaderKey, TgsiShader } from "../tgsi/index.ts";

/** PIPE_PRIM_POINTS, and `PIPE_POLYGON_MODE_POINT`. */
const PRIM_POINTS = 0;
const POLYGON_POINT = 2;

/**
 * Whether a draw rasterizes points: its primitive (or its geometry shader's output) is points, or a polygon mode
 * of either face is POINT (the other face's triangles then go through the same program).
 */
export function rasterizesPoints(
  mode: number,
  gsOutputPrimitive: string | undefined,
  hasGs: boolean,
  rs: VirglRasterizerState | undefined,
): boolean {
  if (hasGs ? gsOutputPrimitive === "POINTS" : mode === PRIM_POINTS) return true;
  return rs !== undefined && (rs.fillFront === POLYGON_POINT || rs.fillBack === POLYGON_POINT);
}

/**
 * The fragment shader key's point-sprite part: texture coordinates replaced by the sprite coordinate only where
 * points are rasterized (on other primitives they are the interpolated varyings), and the sprite origin.
 */
export function pointSpriteKey(
  rs: VirglRasterizerState | undefined,
  fs: TgsiShader,
  points: boolean,
): Pick<ShaderKey, "spriteCoordEnable" | "pointCoordFlipY"> {
  if (rs === undefined || !points) return {};
  const enable = rs.spriteCoordEnable;
  const readsPointCoord = enable !== 0 || fs.info.inputs.some((s) => s.semantic.name === "PCOORD");
  // sprite_coord_mode 0 is PIPE_SPRITE_COORD_UPPER_LEFT.
  return {
    ...(enable !== 0 ? { spriteCoordEnable: enable } : {}),
    ...(readsPointCoord && rs.spriteCoordMode === 0 ? { pointCoordFlipY: true } : {}),
  };
}
