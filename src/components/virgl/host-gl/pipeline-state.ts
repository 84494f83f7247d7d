/** A viewport rectangle with its depth range. */
export interface GlViewport {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly near: number;
  readonly far: number;
}

/** The fixed-function pipeline state: blending, depth/stencil, rasterization, viewports and sample state. */
export interface HostGlPipelineState {
  enablei(cap: number, index: number): void;
  disablei(cap: number, index: number): void;
  blendFuncSeparatei(buffer: number, srcRgb: number, dstRgb: number, srcAlpha: number, dstAlpha: number): void;
  blendEquationSeparatei(buffer: number, rgb: number, alpha: number): void;
  /** One equation for both RGB and alpha; the only entry point that takes a `GL_*_KHR` advanced mode. */
  blendEquationi(buffer: number, mode: number): void;
  colorMaski(buffer: number, r: boolean, g: boolean, b: boolean, a: boolean): void;
  blendColor(r: number, g: number, b: number, a: number): void;
  logicOp(op: number): void;
  depthFunc(func: number): void;
  depthMask(write: boolean): void;
  stencilFuncSeparate(face: number, func: number, ref: number, mask: number): void;
  stencilOpSeparate(face: number, fail: number, zfail: number, zpass: number): void;
  stencilMaskSeparate(face: number, mask: number): void;
  cullFace(face: number): void;
  frontFace(mode: number): void;
  polygonMode(face: number, mode: number): void;
  polygonOffset(factor: number, units: number): void;
  lineWidth(width: number): void;
  pointSize(size: number): void;
  viewportIndexed(index: number, v: GlViewport): void;
  scissorIndexed(index: number, x: number, y: number, w: number, h: number): void;
  clipControl(origin: number, depth: number): void;
  sampleMaski(index: number, mask: number): void;
  primitiveRestartIndex(index: number): void;
  /** `glMinSampleShading`: the fraction (0..1) of samples shaded per fragment while `GL_SAMPLE_SHADING` is on. */
  minSampleShading(value: number): void;
}
