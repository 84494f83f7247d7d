/** A compile or link outcome: the GL name (0 on failure) and the driver's log. */
export interface GlBuildResult {
  readonly name: number;
  readonly log: string;
}

/** GLSL shaders and programs. */
export interface HostGlPrograms {
  /** Compiles `source` as a shader of GL `type` (`GL_VERTEX_SHADER`...); a failed shader is deleted, name 0. */
  compileShader(type: number, source: string): GlBuildResult;
  deleteShader(shader: number): void;
  /**
   * Links `shaders` into a program; a failed program is deleted, name 0. The shaders stay the caller's.
   * `feedbackVaryings` (non-empty) are captured by transform feedback in GL_INTERLEAVED_ATTRIBS mode.
   */
  linkProgram(shaders: readonly number[], feedbackVaryings?: readonly string[]): GlBuildResult;
  deleteProgram(program: number): void;
  useProgram(program: number): void;
  /** `glGetUniformLocation`: the location of uniform `name` in `program`, -1 when the program has none. */
  getUniformLocation(program: number, name: string): number;
  /** `glProgramUniform4uiv`: `data.length / 4` uvec4s from `location` of `program` (GL 4.1). */
  programUniform4uiv(program: number, location: number, data: Uint32Array): void;
}
