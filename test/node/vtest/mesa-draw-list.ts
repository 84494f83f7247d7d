/**
 * Piglit tests of issue 10's CI list that draw through our server (each passes on virgl_test_server too, except
 * those marked), then issue 18's legacy behaviours the reference emulates on a core context.
 */
export const DRAW_PIGLIT = [
  "glsl-fs-color-matrix",
  "fbo-alpha",
  "fbo-3d",
  "fbo-blit",
  "fbo-readpixels",
  "draw-arrays-colormaterial",
  "draw-elements",
  "clearbuffer-depth-stencil",
  "fs-texelFetch-2D",
  "gl-1.0-readpixsanity",
  "gl-1.1-draw-arrays-start",
  "gl-2.0-vertexattribpointer",
  "gl-3.0-render-integer",
  "vbo-map-remap",
  "getteximage-simple",
  "tex-miplevel-selection",
  "gl-1.0-polygon-line-aa",
  "triangle-rasterization",
  // Point sprites: gl_PointCoord's origin, texture coordinates replaced on points only.
  "gl-3.2-pointsprite-origin",
  "gl-3.2-pointsprite-coord",
  "fbo-gl_pointcoord",
  "arb_point_sprite-checkerboard",
  "arb_point_sprite-interactions",
  // Fails on virgl_test_server (it replaces the coordinates of polygons too).
  "arb_point_sprite-mipmap",
];
