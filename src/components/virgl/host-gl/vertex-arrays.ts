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

/** Vertex array objects: attribute formats, vertex buffer bindings and the element buffer. */
export interface HostGlVertexArrays {
  createVertexArray(): number;
  deleteVertexArray(vao: number): void;
  bindVertexArray(vao: number): void;
  enableVertexArrayAttrib(vao: number, index: number, enable: boolean): void;
  vertexArrayAttribFormat(vao: number, index: number, format: GlVertexAttribFormat): void;
  vertexArrayAttribBinding(vao: number, index: number, binding: number): void;
  vertexArrayVertexBuffer(vao: number, binding: number, buffer: number, offset: number, stride: number): void;
  vertexArrayBindingDivisor(vao: number, binding: number, divisor: number): void;
  vertexArrayElementBuffer(vao: number, buffer: number): void;
}
