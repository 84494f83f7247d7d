import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { TgsiOpcodeInfo } from "../../../../src/components/virgl/tgsi/tgsi-opcodes.ts";
import { OPCODE_TABLE, TGSI_OPCODES } from "../../../../src/components/virgl/tgsi/tgsi-opcodes.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

// Every non-flow opcode of the table, alone in a shader, emitted and compiled on the host GL: no helper or
// expression template of the emitter goes untried.

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

/** Opcodes the emitter refuses by name (float and wrapping atomics: no GLSL 4.50 equivalent); listed on purpose. */
const EXPECTED_REFUSALS = new Set<string>(["ATOMFADD", "ATOMINC_WRAP", "ATOMDEC_WRAP"]);

/** Texture target an opcode is tried with (the one its GLSL form needs). */
const TEX_TARGET: Record<string, string> = {
  TXQS: "2D_MSAA",
  TEX2: "SHADOWCUBE_ARRAY",
  TXB2: "CUBE_ARRAY",
  TXL2: "CUBE_ARRAY",
};

function shaderFor(op: TgsiOpcodeInfo): { stage: string; text: string } {
  if (op.kind === "gs") {
    return {
      stage: "GEOM",
      text: `GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE POINTS
PROPERTY GS_MAX_OUTPUT_VERTICES 1
DCL OUT[0], POSITION
IMM[0] UINT32 {0, 0, 0, 0}
  0: ${op.name} IMM[0].xxxx
  1: END
`,
    };
  }
  if (op.name === "BARRIER") return { stage: "COMP", text: "COMP\n  0: BARRIER\n  1: END\n" };
  if (op.kind === "memory") {
    const operands =
      op.name === "STORE"
        ? "BUFFER[0].xy, TEMP[1].xxxx, TEMP[2]"
        : ["TEMP[0]", "BUFFER[0]", "TEMP[1].xxxx", "TEMP[2].yyyy", "TEMP[3].zzzz"].slice(0, op.numSrc + 1).join(", ");
    return {
      stage: "COMP",
      text: `COMP\nDCL BUFFER[0]\nDCL TEMP[0..3]\n  0: ${op.name} ${operands}\n  1: END\n`,
    };
  }
  const target = TEX_TARGET[op.name] ?? "2D";
  const dst = op.numDst === 0 ? [] : [op.name === "ARL" || op.name === "UARL" ? "ADDR[0]" : "TEMP[0]"];
  const srcs: string[] = [];
  const plain = op.kind === "tex" ? op.numSrc - 1 : op.numSrc;
  for (let i = 0; i < plain; i++) {
    if (op.name.startsWith("INTERP_") && i === 0) srcs.push("IN[0]");
    else if (op.name === "TG4" && i === 1) srcs.push("IMM[0].xxxx");
    else srcs.push(`TEMP[${i + 1}]`);
  }
  if (op.kind === "tex") srcs.push("SAMP[0]");
  const operands = [...dst, ...srcs].join(", ");
  const tail = op.kind === "tex" ? `, ${target}` : "";
  return {
    stage: "FRAG",
    text: `FRAG
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL TEMP[0..4]
DCL ADDR[0]
DCL SAMP[0]
DCL SVIEW[0], ${target}, FLOAT
IMM[0] UINT32 {1, 2, 3, 0}
  0: MOV TEMP[1], IN[0]
  1: MOV TEMP[2], IN[0].yzwx
  2: MOV TEMP[3], IN[0].zwxy
  3: MOV TEMP[4], IN[0].wxyz
  4: ${op.name}${operands === "" ? "" : ` ${operands}`}${tail}
  5: MOV OUT[0], TEMP[0]
  6: END
`,
  };
}

test("every non-flow opcode emits GLSL that compiles on the host GL", () => {
  let tried = 0;
  for (const op of TGSI_OPCODES.values()) {
    if (op.kind === "flow") continue;
    if (EXPECTED_REFUSALS.has(op.name)) continue;
    const { stage, text } = shaderFor(op);
    const r = parseTgsi(text);
    assert.ok(r.ok, `${op.name}: ${r.ok ? "" : r.error.message}`);
    const g = emitGlsl(r.shader, { target: "glsl450" });
    assert.ok(g.ok, `${op.name}: ${g.ok ? "" : g.error.message}`);
    const c = gl.compile(stage, g.glsl);
    gl.release(c.shader);
    assert.ok(c.ok, `${op.name}:\n${c.log}\n${g.glsl}`);
    tried++;
  }
  assert.ok(tried > 140, `${tried} opcodes`);
});

/** Flow opcodes in the smallest well-nested body that uses them (TEMP[1] holds a value to test). */
const FLOW_BODY: Record<string, string[]> = {
  IF: ["IF TEMP[1].xxxx", "MOV TEMP[0], TEMP[2]", "ENDIF"],
  UIF: ["UIF TEMP[1].xxxx", "MOV TEMP[0], TEMP[2]", "ENDIF"],
  ELSE: ["UIF TEMP[1].xxxx", "MOV TEMP[0], TEMP[2]", "ELSE", "MOV TEMP[0], TEMP[3]", "ENDIF"],
  ENDIF: ["IF TEMP[1].xxxx", "ENDIF"],
  BGNLOOP: ["BGNLOOP", "BRK", "ENDLOOP"],
  ENDLOOP: ["BGNLOOP", "BRK", "ENDLOOP"],
  BRK: ["BGNLOOP", "BRK", "ENDLOOP"],
  CONT: ["BGNLOOP", "UIF TEMP[1].xxxx", "BRK", "ENDIF", "CONT", "ENDLOOP"],
  SWITCH: ["SWITCH TEMP[1].xxxx", "CASE IMM[0].xxxx", "BRK", "DEFAULT", "BRK", "ENDSWITCH"],
  CASE: ["SWITCH TEMP[1].xxxx", "CASE IMM[0].xxxx", "BRK", "ENDSWITCH"],
  DEFAULT: ["SWITCH TEMP[1].xxxx", "DEFAULT", "BRK", "ENDSWITCH"],
  ENDSWITCH: ["SWITCH TEMP[1].xxxx", "DEFAULT", "BRK", "ENDSWITCH"],
  RET: ["UIF TEMP[1].xxxx", "RET", "ENDIF"],
};
function flowShader(name: string): string {
  const sub = name === "CAL" || name === "BGNSUB" || name === "ENDSUB";
  const body = sub ? ["CAL :6"] : name === "END" ? [] : FLOW_BODY[name]!;
  const lines = ["MOV TEMP[1], IN[0]", "MOV TEMP[2], IN[0].yzwx", "MOV TEMP[3], IN[0].zwxy", ...body];
  lines.push("MOV OUT[0], TEMP[0]", "END");
  if (sub) lines.push("BGNSUB", "MOV TEMP[0], TEMP[2]", "RET", "ENDSUB");
  const numbered = lines.map((l, i) => `${String(i).padStart(3)}: ${l}`).join("\n");
  return `FRAG
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL TEMP[0..4]
IMM[0] UINT32 {1, 2, 3, 0}
${numbered}
`;
}

test("the opcode table: every row is well formed and the parser accepts exactly its names", () => {
  for (const [name, op] of TGSI_OPCODES) {
    assert.equal(op.name, name);
    assert.equal(op.srcTypes.length, op.numSrc, name);
    for (const t of op.srcTypes) assert.ok(["f", "i", "u", "d", "raw"].includes(t), `${name}: ${t}`);
    if (op.kind === "tex") assert.equal(op.srcTypes[op.numSrc - 1], "raw", `${name}: the sampler is untyped`);
  }
  assert.equal(TGSI_OPCODES.size, Object.keys(OPCODE_TABLE).length);
  const r = parseTgsi("FRAG\nDCL TEMP[0]\n  0: FROB TEMP[0], TEMP[0]\n  1: END\n");
  assert.ok(!r.ok && r.error.reason === "unknown opcode FROB");
});

test("every opcode the parser accepts is emitted (and compiles) or refused by name", () => {
  for (const op of TGSI_OPCODES.values()) {
    const { stage, text } = op.kind === "flow" ? { stage: "FRAG", text: flowShader(op.name) } : shaderFor(op);
    const r = parseTgsi(text);
    assert.ok(r.ok, `${op.name}: ${r.ok ? "" : r.error.message}`);
    const g = emitGlsl(r.shader, { target: "glsl450" });
    if (EXPECTED_REFUSALS.has(op.name)) {
      assert.ok(!g.ok && g.error.message.includes(op.name), `${op.name} refused by name`);
      continue;
    }
    assert.ok(g.ok, `${op.name}: ${g.ok ? "" : g.error.message}`);
    const c = gl.compile(stage, g.glsl);
    gl.release(c.shader);
    assert.ok(c.ok, `${op.name}:\n${c.log}\n${g.glsl}`);
  }
});
