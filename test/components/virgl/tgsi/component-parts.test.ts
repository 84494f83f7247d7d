import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

// A register declared in component parts (ARB_enhanced_layouts `component` qualifiers): `OUT[1].xy, GENERIC[1]`
// and `OUT[1].zw, GENERIC[2]`. Each part is a varying of its own; a consumer gathers the register from its parts.

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function fb(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

function compile(text: string, key: Partial<ShaderKey> = {}): { shader: number; glsl: string } {
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450", ...key });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  const c = gl.compile(r.shader.stage, g.glsl);
  assert.ok(c.ok, `${c.log}\n${g.glsl}`);
  return { shader: c.shader, glsl: g.glsl };
}

const VS = `VERT
DCL OUT[0], POSITION
DCL OUT[1].xy, GENERIC[1]
DCL OUT[1].zw, GENERIC[2]
IMM[0] FLT32 {0x3f800000, 0x40000000, 0x40400000, 0x40800000}
  0: MOV OUT[0], IMM[0]
  1: MOV OUT[1].xy, IMM[0].xyxx
  2: MOV OUT[1].zw, IMM[0].xxzw
  3: END
`;

test("a producer's component parts are separate varyings carrying their own components", () => {
  const { shader, glsl } = compile(VS);
  assert.match(glsl, /out vec4 vs_g1;/);
  assert.match(glsl, /out vec4 vs_g2;/);
  const words = gl.evaluate(shader, ["vs_g1", "vs_g2"]);
  assert.deepEqual([words[0], words[1]], [fb(1), fb(2)]);
  assert.deepEqual([words[6], words[7]], [fb(3), fb(4)]);
});

test("a consumer gathers a register from its parts (GS reads them back, checked numerically)", () => {
  const gs = compile(`GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE POINTS
PROPERTY GS_MAX_OUTPUT_VERTICES 1
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL IN[][1].xy, GENERIC[1]
DCL IN[][1].zw, GENERIC[2]
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0]
IMM[0] UINT32 {0, 0, 0, 0}
  0: MOV OUT[0], IN[0][0]
  1: MOV OUT[1], IN[0][1].wzyx
  2: EMIT IMM[0].xxxx
  3: END
`);
  const vs = compile(VS);
  const words = gl.evaluate([vs.shader, gs.shader], ["gs_g0"]);
  assert.deepEqual([...words], [fb(4), fb(3), fb(2), fb(1)]);
});

test("an FS declared in parts links with the VS, each part with its own interpolation", () => {
  const fs = compile(`FRAG
DCL IN[0].xy, GENERIC[1], PERSPECTIVE
DCL IN[0].zw, GENERIC[2], CONSTANT
DCL OUT[0], COLOR
  0: MOV OUT[0], IN[0]
  1: END
`);
  assert.match(fs.glsl, /^in vec4 vs_g1;$/m);
  assert.match(fs.glsl, /^flat in vec4 vs_g2;$/m);
  assert.match(fs.glsl, /vec4\(\(vs_g1\)\.x, \(vs_g1\)\.y, \(vs_g2\)\.z, \(vs_g2\)\.w\)/);
  const vs = compile(VS);
  const l = gl.link([vs.shader, fs.shader]);
  assert.ok(l.ok, l.log);
});

test("overlapping parts, parts of built-ins and of VS inputs / FS outputs stay refused as declared twice", () => {
  for (const text of [
    "VERT\nDCL OUT[1].xy, GENERIC[1]\nDCL OUT[1].yz, GENERIC[2]\n 0: END\n",
    "VERT\nDCL OUT[1], GENERIC[1]\nDCL OUT[1].zw, GENERIC[2]\n 0: END\n",
    "VERT\nDCL OUT[0].xy, POSITION\nDCL OUT[0].zw, GENERIC[2]\n 0: END\n",
    "VERT\nDCL IN[0].xy\nDCL IN[0].zw\n 0: END\n",
    "FRAG\nDCL OUT[0].xy, COLOR\nDCL OUT[0].zw, COLOR[1]\n 0: END\n",
  ]) {
    const r = parseTgsi(text);
    assert.ok(!r.ok && /declared twice/.test(r.error.reason), text);
  }
});
