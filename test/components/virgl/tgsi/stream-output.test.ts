import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import { type StreamOutputEntry, transformFeedbackVaryings } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

function so(register: number, startComponent: number, numComponents: number, outputBuffer: number, dstOffset: number) {
  return { register, startComponent, numComponents, outputBuffer, dstOffset, stream: 0 } satisfies StreamOutputEntry;
}

test("transform feedback names: gaps become gl_SkipComponents, buffer changes gl_NextBuffer", () => {
  assert.deepEqual(transformFeedbackVaryings([so(1, 1, 2, 0, 1), so(0, 0, 1, 0, 3), so(0, 0, 4, 0, 9)]), [
    "gl_SkipComponents1",
    "tfout0",
    "tfout1",
    "gl_SkipComponents4",
    "gl_SkipComponents1",
    "tfout2",
  ]);
  assert.deepEqual(transformFeedbackVaryings([so(0, 0, 4, 0, 0), so(1, 0, 4, 2, 0)]), [
    "tfout0",
    "gl_NextBuffer",
    "gl_NextBuffer",
    "tfout1",
  ]);
});

test("transform feedback names with strides: each buffer is padded with skips up to its stride", () => {
  assert.deepEqual(transformFeedbackVaryings([so(0, 0, 2, 0, 0), so(1, 0, 1, 1, 1)], [7, 3]), [
    "tfout0",
    "gl_SkipComponents4",
    "gl_SkipComponents1",
    "gl_NextBuffer",
    "gl_SkipComponents1",
    "tfout1",
    "gl_SkipComponents1",
  ]);
});

test("stream-output entries capture the chosen components of OUT registers on the host GL", () => {
  const r = parseTgsi(`VERT
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0]
IMM[0] FLT32 {1.0, 2.0, 3.0, 4.0}
IMM[1] FLT32 {5.0, 6.0, 7.0, 8.0}
  0: MOV OUT[1], IMM[0]
  1: MOV OUT[0], IMM[1]
  2: END
`);
  assert.ok(r.ok);
  const entries = [so(1, 1, 2, 0, 1), so(0, 0, 1, 0, 3), so(1, 3, 1, 0, 4)];
  const g = emitGlsl(r.shader, { target: "glsl450", streamOutput: entries, flipY: true });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  assert.ok(g.glsl.includes("out vec2 tfout0;") && g.glsl.includes("tfout0 = out1.yz;"), g.glsl);
  const c = gl.compile("VERT", g.glsl);
  assert.ok(c.ok, c.log);
  const words = gl.evaluate(c.shader, transformFeedbackVaryings(entries), 5);
  assert.deepEqual([...new Float32Array(words.buffer).slice(1)], [2, 3, 5, 4]);
});

test("stream-output entries that do not fit the shader are typed errors", () => {
  const r = parseTgsi("VERT\nDCL OUT[0], POSITION\n 0: END\n");
  assert.ok(r.ok);
  for (const bad of [[so(3, 0, 4, 0, 0)], [so(0, 2, 3, 0, 0)], [so(0, 0, 4, 9, 0)]]) {
    const g = emitGlsl(r.shader, { target: "glsl450", streamOutput: bad });
    assert.ok(!g.ok);
    assert.equal(g.error.code, "Unsupported");
  }
  const f = parseTgsi("FRAG\nDCL OUT[0], COLOR\n 0: END\n");
  assert.ok(f.ok);
  assert.ok(!emitGlsl(f.shader, { target: "glsl450", streamOutput: [so(0, 0, 4, 0, 0)] }).ok);
});
