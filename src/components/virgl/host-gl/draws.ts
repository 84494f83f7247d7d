/** How one vertex attribute reads its buffer (`glVertexArrayAttrib{,I,L}Format`). */
export interface GlVertexAttribFormat {
  /** Components, 1..4, or `GL_BGRA`. */
  readonly size: number;
  readonly type: number;
  readonly normalized: boolean;
  /** "float" (converted), "int" (pure integer, `I` variant), "double" (`L` variant). */
  readonly kind: "float" | "int" | "double";
  readonly relativeOffset: number;
}

/** A non-indexed draw (`glDrawArraysInstancedBaseInstance`). */
export interface GlDrawArrays {
  readonly mode: number;
  readonly first: number;
  readonly count: number;
  readonly instances: number;
  readonly baseInstance: number;
}

/** An indexed draw (`glDrawElementsInstancedBaseVertexBaseInstance`); `offset` is a byte offset in the element buffer. */
export interface GlDrawElements {
  readonly mode: number;
  readonly count: number;
  readonly type: number;
  readonly offset: number;
  readonly instances: number;
  readonly baseVertex: number;
  readonly baseInstance: number;
}

/** A viewport rectangle with its depth range. */
export interface GlViewport {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly near: number;
  readonly far: number;
}

/** Vertex arrays, the fixed-function pipeline state, bindings and draw calls. */
export interface HostGlDraws {
  createVertexArray(): number;
  deleteVertexArray(vao: number): void;
  bindVertexArray(vao: number): void;
  enableVertexArrayAttrib(vao: number, index: number, enable: boolean): void;
  vertexArrayAttribFormat(vao: number, index: number, format: GlVertexAttribFormat): void;
  vertexArrayAttribBinding(vao: number, index: number, binding: number): void;
  vertexArrayVertexBuffer(vao: number, binding: number, buffer: number, offset: number, stride: number): void;
  vertexArrayBindingDivisor(vao: number, binding: number, divisor: number): void;
  vertexArrayElementBuffer(vao: number, buffer: number): void;
  drawArrays(d: GlDrawArrays): void;
  drawElements(d: GlDrawElements): void;

  bindBufferRange(target: number, index: number, buffer: number, offset: number, size: number): void;
  bindTextureUnit(unit: number, texture: number): void;
  createSampler(): number;
  deleteSampler(sampler: number): void;
  samplerParameteri(sampler: number, pname: number, value: number): void;
  samplerParameterf(sampler: number, pname: number, value: number): void;
  samplerParameterfv(sampler: number, pname: number, values: Float32Array): void;
  bindSampler(unit: number, sampler: number): void;

  enablei(cap: number, index: number): void;
  disablei(cap: number, index: number): void;
  blendFuncSeparatei(buffer: number, srcRgb: number, dstRgb: number, srcAlpha: number, dstAlpha: number): void;
  blendEquationSeparatei(buffer: number, rgb: number, alpha: number): void;
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

  createQuery(target: number): number;
  deleteQuery(query: number): void;
  beginQuery(target: number, query: number): void;
  endQuery(target: number): void;
  queryCounter(query: number, target: number): void;
  beginConditionalRender(query: number, mode: number): void;
  endConditionalRender(): void;
  /** `glGetQueryObjectui64v(query, GL_QUERY_RESULT)`: waits for the GL to finish the query. */
  getQueryResult(query: number): bigint;

  createTransformFeedback(): number;
  deleteTransformFeedback(xfb: number): void;
  /** `glBindTransformFeedback(GL_TRANSFORM_FEEDBACK, xfb)`. */
  bindTransformFeedback(xfb: number): void;
  /** Points capture buffer `index` of `xfb` at bytes `[offset, offset + size)` (offset and size multiples of 4). */
  transformFeedbackBufferRange(xfb: number, index: number, buffer: number, offset: number, size: number): void;
  /** `mode` is GL_POINTS, GL_LINES or GL_TRIANGLES. */
  beginTransformFeedback(mode: number): void;
  endTransformFeedback(): void;
  pauseTransformFeedback(): void;
  resumeTransformFeedback(): void;
  /** Draws the vertices `xfb` captured (stream 0) in its last begin..end (`glDrawTransformFeedbackInstanced`). */
  drawTransformFeedback(mode: number, xfb: number, instances: number): void;
}
