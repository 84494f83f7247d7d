import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglRasterizerState } from "../protocol/objects/rasterizer.ts";
import { POLYGON_MODE } from "./gallium-to-gl.ts";

/** PIPE_PRIM_* that rasterize as polygons: triangles, strips, fans, quads, quad strips, polygons, adjacency triangles. */
const POLYGON_PRIMS = new Set([4, 5, 6, 7, 8, 9, 12, 13]);
/** PIPE_FACE_NONE / FRONT / BACK. */
const FACE_NONE = 0;
const FACE_FRONT = 1;

/**
 * The one polygon mode a core host applies to both faces: the front's, or the back's when front faces are culled
 * (the faces that remain are all back faces).
 */
export function polygonModeOf(rs: VirglRasterizerState | undefined): number {
  if (rs === undefined) return GL.FILL;
  return POLYGON_MODE[rs.cullFace === FACE_FRONT ? rs.fillBack : rs.fillFront]!;
}

/**
 * Runs `draw` once, or, where front and back faces of a polygon draw have different polygon modes and neither is
 * culled, once per face: core GL has one mode for both, so each pass culls the other face. Draws that capture
 * stream output (or go through a geometry shader) run once with the front's mode, as they would count twice.
 */
export function drawEachPolygonFace(
  gl: HostGl,
  rs: VirglRasterizerState | undefined,
  mode: number,
  once: boolean,
  draw: () => void,
): void {
  if (
    rs === undefined ||
    once ||
    rs.fillFront === rs.fillBack ||
    rs.cullFace !== FACE_NONE ||
    !POLYGON_PRIMS.has(mode)
  ) {
    draw();
    return;
  }
  gl.enable(GL.CULL_FACE);
  gl.cullFace(GL.BACK);
  draw();
  gl.cullFace(GL.FRONT);
  gl.polygonMode(GL.FRONT_AND_BACK, POLYGON_MODE[rs.fillBack]!);
  draw();
  gl.polygonMode(GL.FRONT_AND_BACK, POLYGON_MODE[rs.fillFront]!);
  gl.disable(GL.CULL_FACE);
}
