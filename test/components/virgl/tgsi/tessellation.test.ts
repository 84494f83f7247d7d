import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { producedVaryings } from "../../../../src/components/virgl/tgsi/glsl-bindings.ts";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import type { TgsiShader } from "../../../../src/components/virgl/tgsi/tgsi-ir.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

// Tessellation from Mesa's virgl driver: TCS outputs written straight into GL (patch outputs are shared by the
// patch's invocations), indirect access to separately declared varyings, numeric TES properties.

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

const DIR = join(import.meta.dirname, "gl4-fixtures");

function parse(text: string): TgsiShader {
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  return r.shader;
}

function fixture(file: string): TgsiShader {
  const raw = readFileSync(join(DIR, file), "utf8");
  return parse(raw.slice(raw.indexOf("\n") + 1));
}

function emit(shader: TgsiShader, key: Partial<ShaderKey> = {}): string {
  const g = emitGlsl(shader, { target: "glsl450", ...key });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  return g.glsl;
}

/** Links VS → TCS → TES → FS, each stage's key naming its producer's outputs. */
function link(vs: TgsiShader, tcs: TgsiShader, tes: TgsiShader): string[] {
  const fs = parse(
    "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {0x3f800000, 0, 0, 0x3f800000}\n 0: MOV OUT[0], IMM[0]\n 1: END\n",
  );
  const sources = [
    ["VERT", emit(vs)],
    ["TESS_CTRL", emit(tcs, { producerOutputs: producedVaryings(vs.info.outputs) })],
    ["TESS_EVAL", emit(tes, { producerOutputs: producedVaryings(tcs.info.outputs) })],
    ["FRAG", emit(fs, { producer: "TESS_EVAL", producerOutputs: producedVaryings(tes.info.outputs) })],
  ] as const;
  const shaders = sources.map(([stage, src]) => {
    const c = gl.compile(stage, src);
    assert.ok(c.ok, `${stage}: ${c.log}\n${src}`);
    return c.shader;
  });
  const l = gl.link(shaders);
  assert.ok(l.ok, `${l.log}\n${sources.map((s) => s[1]).join("\n----\n")}`);
  return sources.map((s) => s[1]);
}

const POSITION_VS = parse("VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n 0: MOV OUT[0], IN[0]\n 1: END\n");

test("captured TCS/TES pairs link with a VS and an FS (patch outputs read back, indirect varyings)", () => {
  for (const name of ["sr-barrier-patch", "sr-tcs-output-array-vec4-index-wr", "sr-tes-input-array-vec4-index-rd"])
    link(POSITION_VS, fixture(`${name}-1.tgsi`), fixture(`${name}-2.tgsi`));
  const [, tcs] = link(fixture("sr-1in-1out-1.tgsi"), fixture("sr-1in-1out-2.tgsi"), fixture("sr-1in-1out-3.tgsi"));
  assert.ok(tcs!.includes("[gl_InvocationID]"));
});

test("TCS: outputs are stored where they are written, only by the invocation that writes them", () => {
  const glsl = emit(
    parse(`TESS_CTRL
PROPERTY TCS_VERTICES_OUT 3
DCL IN[][0], POSITION
DCL SV[0], INVOCATIONID
DCL OUT[][0], POSITION
DCL OUT[1], TESSOUTER
DCL OUT[2].xy, TESSINNER
DCL OUT[3], PATCH
DCL OUT[4], PATCH[1]
DCL TEMP[0..1]
DCL ADDR[0]
IMM[0] UINT32 {0, 1065353216, 1, 0}
  0: MOV OUT[0], IN[0][0]
  1: USEQ TEMP[0].x, SV[0].xxxx, IMM[0].xxxx
  2: UIF TEMP[0].xxxx :6
  3:   MOV OUT[1], IMM[0].yyyy
  4:   MOV OUT[2].xy, IMM[0].yyyy
  5:   MOV OUT[3], IMM[0].yyyy
  6: ENDIF
  7: BARRIER
  8: UARL ADDR[0].x, IMM[0].zzzz
  9: MOV OUT[ADDR[0].x+3].y, OUT[3].xxxx
 10: MOV TEMP[1], OUT[ADDR[0].x+2]
 11: END
`),
  );
  assert.match(
    glsl,
    /if \(floatBitsToUint\(temp0\.xxxx\)\.x != 0u\) \{\n\s+\{ vec4 tgsi_v = [^;]+; gl_TessLevelOuter\[0\] = tgsi_v\.x;/,
  );
  assert.match(glsl, /\n\s+tc_patch0 = /);
  assert.match(glsl, /case 4: tc_patch1\.y = tgsi_v\.y; break;/);
  assert.match(glsl, /void store_outputs\(\) \{\n\}/, "nothing left to store at the end");
  const c = gl.compile("TESS_CTRL", glsl);
  gl.release(c.shader);
  assert.ok(c.ok, `${c.log}\n${glsl}`);
});

test("TES: TES_PRIM_MODE and TES_SPACING as tgsi_dump prints them (PIPE_PRIM_*, PIPE_TESS_SPACING_*)", () => {
  for (const [prim, spacing, layout] of [
    [7, 2, "quads, equal_spacing, ccw"],
    [4, 0, "triangles, fractional_odd_spacing, ccw"],
    [1, 1, "isolines, fractional_even_spacing, ccw"],
  ] as const) {
    const glsl = emit(
      parse(
        `TESS_EVAL\nPROPERTY TES_PRIM_MODE ${prim}\nPROPERTY TES_SPACING ${spacing}\nPROPERTY TES_VERTEX_ORDER_CW 0\nDCL OUT[0], POSITION\n 0: END\n`,
      ),
    );
    assert.ok(glsl.includes(`layout(${layout}) in;`), glsl);
  }
});
