import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

// fp64 opcodes with a 32-bit result (D2F, D2I, D2U, DSLT, ...) follow tgsi_exec: the k-th channel the write mask
// enables gets double k of the source (xy, then zw), whichever channels those are. Mesa's nir-to-tgsi relies on it:
// it sends `D2F OUT[1].y, TEMP[16]` with the double in TEMP[16].xy.

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

/** TEMP[1] holds the doubles 2.5 (xy) and 7.0 (zw); OUT[0] starts as (9, 9, 9, 9). */
function run(body: string): number[] {
  const text =
    "VERT\nDCL OUT[0], GENERIC[0]\nDCL TEMP[0..3]\n" +
    "IMM[0] UINT32 {0, 1074003968, 0, 1075576832}\nIMM[1] FLT32 {9, 9, 9, 9}\n" +
    ` 0: MOV TEMP[1], IMM[0]\n 1: MOV TEMP[2], IMM[1]\n${body}\n 9: MOV OUT[0], TEMP[2]\n10: END\n`;
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450" });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  const c = gl.compile("VERT", g.glsl);
  assert.ok(c.ok, `${c.log}\n${g.glsl}`);
  return [...gl.evaluate(c.shader, ["vs_g0"], 4)];
}

test("D2F into .y alone converts the first double (xy)", () => {
  assert.deepEqual(run(" 2: D2F TEMP[2].y, TEMP[1]"), [fb(9), fb(2.5), fb(9), fb(9)]);
});

test("D2F into .zw converts the first double into z and the second into w", () => {
  assert.deepEqual(run(" 2: D2F TEMP[2].zw, TEMP[1]"), [fb(9), fb(9), fb(2.5), fb(7)]);
});

test("D2I into .w alone and DSLT into .xz pair channels by order, not position", () => {
  const out = run(" 2: D2I TEMP[2].w, TEMP[1].zwzw\n 3: DSLT TEMP[2].xz, TEMP[1], TEMP[1].zwxy");
  assert.deepEqual(out, [0xffffffff, fb(9), 0, 7]);
});
