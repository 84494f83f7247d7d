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
  // sRGB: GL_FRAMEBUFFER_SRGB per surface format, undecoded views, blits between sRGB and linear formats.
  "framebuffer-srgb",
  "tex-srgb",
  "arb_sampler_objects-srgb-decode",
  "arb_framebuffer_srgb-fast-clear-blend",
  "arb_framebuffer_srgb-srgb_conformance",
  "arb_framebuffer_srgb-blit texture linear_to_srgb single_sampled enabled render",
  "arb_framebuffer_srgb-blit texture srgb_to_linear single_sampled enabled clear",
  "arb_framebuffer_srgb-blit renderbuffer linear_to_srgb scaled enabled render",
  // Clears and blending per colour format (alpha-only, formats without alpha, snorm, float).
  "fbo-clear-formats",
  "fbo-blending-formats",
  "fbo-blending-formats GL_EXT_texture_snorm",
  // Fails on virgl_test_server (intensity formats).
  "fbo-blending-formats GL_ARB_texture_float",
  // Stencil through glCopyPixels / glDrawPixels (stencil views of depth-stencil textures).
  "copy-pixels",
  "gl-1.0-drawpixels-stencil-test",
  "stencil-drawpixels",
  // Two-sided stencil, depth texture modes.
  "gl-2.0-two-sided-stencil",
  "stencil-twoside",
  "depth-tex-modes",
  "depth-tex-modes-glsl",
];
