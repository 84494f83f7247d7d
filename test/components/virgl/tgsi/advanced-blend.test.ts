import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

const FS = (property: string) =>
  `FRAG\n${property}DCL OUT[0], COLOR\nIMM[0] FLT32 {0x3f800000, 0, 0, 0x3f000000}\n 0: MOV OUT[0], IMM[0]\n 1: END\n`;

function emit(text: string): string {
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450" });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  return g.glsl;
}

test("FS_BLEND_EQUATION_ADVANCED declares blend support that the host GL compiles", (t) => {
  const glsl = emit(FS("PROPERTY FS_BLEND_EQUATION_ADVANCED 2\n"));
  assert.match(glsl, /#extension GL_KHR_blend_equation_advanced : require/);
  assert.match(glsl, /layout\(blend_support_all_equations\) out;/);
  if (!gl.hasExtension("GL_KHR_blend_equation_advanced")) {
    t.skip("host GL lacks GL_KHR_blend_equation_advanced");
    return;
  }
  const c = gl.compile("FRAG", glsl);
  assert.ok(c.ok, `${c.log}\n${glsl}`);
});

test("a fragment shader without the property declares no blend support", () => {
  const glsl = emit(FS(""));
  assert.doesNotMatch(glsl, /blend_support/);
  assert.doesNotMatch(glsl, /GL_KHR_blend_equation_advanced/);
});
