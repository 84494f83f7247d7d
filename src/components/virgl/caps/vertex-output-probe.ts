import { GL } from "../host-gl/gl-constants.ts";
import { drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";

function vertexShader(outputs: number): string {
  const decls: string[] = [];
  const writes: string[] = [];
  for (let i = 0; i < outputs; i++) {
    decls.push(`out vec4 v${i};`);
    writes.push(`v${i} = vec4(${i});`);
  }
  return `#version 330 core\n${decls.join("\n")}\nvoid main() {\n  gl_Position = vec4(0.0);\n  ${writes.join("\n  ")}\n}\n`;
}

function fragmentShader(inputs: number): string {
  const decls: string[] = [];
  const reads: string[] = ["vec4(0.0)"];
  for (let i = 0; i < inputs; i++) {
    decls.push(`in vec4 v${i};`);
    reads.push(`v${i}`);
  }
  return `#version 330 core\n${decls.join("\n")}\nout vec4 color;\nvoid main() {\n  color = ${reads.join(" + ")};\n}\n`;
}

/** Whether a program passing `n` vec4 varyings beside `gl_Position` compiles and links on the host. */
function links(gl: HostGl, n: number): boolean {
  const vs = gl.compileShader(GL.VERTEX_SHADER, vertexShader(n));
  const fs = gl.compileShader(GL.FRAGMENT_SHADER, fragmentShader(n));
  let ok = false;
  if (vs.name !== 0 && fs.name !== 0) {
    const program = gl.linkProgram([vs.name, fs.name]);
    ok = program.name !== 0;
    if (ok) gl.deleteProgram(program.name);
  }
  if (vs.name !== 0) gl.deleteShader(vs.name);
  if (fs.name !== 0) gl.deleteShader(fs.name);
  drainGlErrors(gl);
  return ok;
}

/**
 * The vec4 varyings a guest's vertex shader may write besides `gl_Position`, as the host really links them. Drivers
 * differ in whether `gl_Position` counts against `GL_MAX_VERTEX_OUTPUT_COMPONENTS` (NVIDIA's does, llvmpipe's does
 * not), so the advertised count is tried with a shader that writes them all and lowered by one when that fails.
 * `components` is the host's `GL_MAX_VERTEX_OUTPUT_COMPONENTS` (capped by the fragment inputs it can read).
 */
export function probeVertexOutputs(gl: HostGl, components: number): number {
  const full = components >>> 2;
  if (full <= 1) return full;
  if (links(gl, full)) return full;
  return links(gl, full - 1) ? full - 1 : Math.max(1, full - 2);
}
