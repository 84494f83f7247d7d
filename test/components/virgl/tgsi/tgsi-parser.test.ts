import assert from "node:assert/strict";
import { test } from "node:test";
import { TgsiParseError } from "../../../../src/components/virgl/tgsi/tgsi-parse-error.ts";
import { parseTgsi, TGSI_LIMITS } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { isRutabagaError } from "../../../../src/index.ts";

function parseOk(text: string) {
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  return r.shader;
}

function parseErr(text: string): TgsiParseError {
  const r = parseTgsi(text);
  assert.ok(!r.ok, "expected a parse error");
  assert.ok(r.error instanceof TgsiParseError);
  assert.ok(isRutabagaError(r.error, "InvalidCommandBuffer"));
  return r.error;
}

test("declarations: semantics, interpolation, arrays, 2-D, sampler views, images, buffers, memory, system values", () => {
  const s = parseOk(`GEOM
PROPERTY GS_INPUT_PRIMITIVE TRIANGLES
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 3
PROPERTY SOMETHING_NEW 7
DCL IN[][2], GENERIC[2]
DCL OUT[0], POSITION
DCL OUT[1..2], ARRAY(1), GENERIC[1]
DCL CONST[0..3]
DCL CONST[2][0..5]
DCL TEMP[4..7], ARRAY(2), LOCAL
DCL SVIEW[0], 2D_ARRAY, SINT
DCL SVIEW[1], 2D, FLOAT, FLOAT, UINT, FLOAT
DCL SAMP[0]
DCL IMAGE[0], 2D, PIPE_FORMAT_R8G8B8A8_UNORM, WR
DCL BUFFER[0], ATOMIC
DCL MEMORY[0], SHARED
DCL SV[0], INVOCATIONID
  0: END
`);
  assert.equal(s.stage, "GEOM");
  assert.equal(s.properties.get("GS_MAX_OUTPUT_VERTICES"), 3);
  assert.deepEqual(s.info.unknownProperties, ["SOMETHING_NEW"]);
  const d = s.declarations;
  assert.equal(d[0]!.dimension, -1);
  assert.deepEqual(d[0]!.semantic, { name: "GENERIC", index: 2 });
  assert.deepEqual(
    s.info.outputs.map((o) => `${o.register}:${o.semantic.name}${o.semantic.index}`),
    ["0:POSITION0", "1:GENERIC1", "2:GENERIC2"],
  );
  assert.equal(s.info.constantRows, 4);
  assert.deepEqual([...s.info.uniformBuffers], [[2, 6]]);
  assert.equal(d[5]!.arrayId, 2);
  assert.equal(d[5]!.local, true);
  assert.equal(d[6]!.target, "2D_ARRAY");
  assert.deepEqual(d[6]!.returnTypes, ["SINT", "SINT", "SINT", "SINT"]);
  assert.deepEqual(d[7]!.returnTypes, ["FLOAT", "FLOAT", "UINT", "FLOAT"]);
  assert.equal(d[9]!.format, "PIPE_FORMAT_R8G8B8A8_UNORM");
  assert.equal(d[9]!.writable, true);
  assert.equal(d[10]!.atomic, true);
  assert.equal(d[11]!.memoryType, "SHARED");
  assert.deepEqual(s.info.systemValues, [{ register: 0, name: "INVOCATIONID" }]);
  assert.deepEqual(s.info.images, [0]);
  assert.deepEqual(s.info.shaderBuffers, [0]);
  assert.equal(s.info.usesMemory, true);
  assert.deepEqual(
    s.info.samplers.map((x) => [x.unit, x.target, x.returnType]),
    [
      [0, "2D_ARRAY", "SINT"],
      [1, "2D", "FLOAT"],
    ],
  );
});

test("FS info: interpolation, colours written, depth/stencil/samplemask, clip distances, coord properties", () => {
  const s = parseOk(`FRAG
PROPERTY FS_COORD_ORIGIN LOWER_LEFT
PROPERTY FS_COORD_PIXEL_CENTER INTEGER
PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1
DCL IN[0].xy, GENERIC[3], PERSPECTIVE, CENTROID
DCL IN[1], COLOR, COLOR
DCL IN[2].x, PRIM_ID, CONSTANT
DCL OUT[0], COLOR
DCL OUT[1], COLOR[2]
DCL OUT[2], POSITION
DCL OUT[3], STENCIL
DCL OUT[4], SAMPLEMASK
  0: END
`);
  const i = s.info;
  assert.deepEqual(
    i.inputs.map((x) => [x.semantic.name, x.semantic.index, x.interpolation, x.interpLocation, x.usageMask]),
    [
      ["GENERIC", 3, "PERSPECTIVE", "CENTROID", 3],
      ["COLOR", 0, "COLOR", "CENTER", 15],
      ["PRIM_ID", 0, "CONSTANT", "CENTER", 1],
    ],
  );
  assert.equal(i.colorsWritten, 0b101);
  assert.ok(i.writesDepth && i.writesStencil && i.writesSampleMask && i.color0WritesAllCbufs);
  assert.equal(i.fsCoordOrigin, "LOWER_LEFT");
  assert.equal(i.fsCoordPixelCenter, "INTEGER");
  const v = parseOk("VERT\nPROPERTY NUM_CLIPDIST_ENABLED 6\nDCL OUT[0], CLIPDIST\nDCL OUT[1], CLIPDIST[1]\n 0: END\n");
  assert.equal(v.info.numClipDistances, 6);
  const w = parseOk("VERT\nDCL OUT[0].xyz, CLIPDIST\n 0: END\n");
  assert.equal(w.info.numClipDistances, 3);
});

test("immediates keep raw 32-bit words for every type", () => {
  const s = parseOk(`VERT
IMM[0] UINT32 {0, 1065353216, 4294967295, 7}
IMM[1] FLT32 {0x3f800000, -2.5, 1.0, 0.0}
IMM[2] INT32 {-1, 2147483647, -2147483648, 0}
IMM[3] FLT64 {1.0, 0x4000000000000000}
  0: END
`);
  assert.deepEqual([...s.immediates[0]!.words], [0, 1065353216, 4294967295, 7]);
  assert.deepEqual([...s.immediates[1]!.words], [0x3f800000, 0xc0200000, 0x3f800000, 0]);
  assert.deepEqual([...s.immediates[2]!.words], [0xffffffff, 0x7fffffff, 0x80000000, 0]);
  assert.deepEqual([...s.immediates[3]!.words], [0, 0x3ff00000, 0, 0x40000000]);
});

test("instructions: saturate, precise, modifiers, swizzles, masks, indirect and 2-D operands, texture targets, offsets, labels", () => {
  const s = parseOk(`FRAG
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL CONST[0..7]
DCL CONST[1][0..3]
DCL TEMP[0..3]
DCL TEMP[4..7], ARRAY(2)
DCL ADDR[0..1]
DCL SAMP[0]
IMM[0] INT32 {1, -1, 0, 0}
  0: ADD_SAT TEMP[0].xw, -|IN[0].yxzw|, CONST[ADDR[0].x+4].x
  1: MOV_PRECISE TEMP[1], TEMP[ADDR[1].y+5](2)
  2: MOV TEMP[2], CONST[ADDR[1].x+1][3].wzyx
  3: TEX TEMP[3], TEMP[0].xyxx, SAMP[0], 2D, IMM[0].yxz
  4: UIF TEMP[3].xxxx :6
  5:   MOV OUT[0], TEMP[1]
  6: ENDIF
  7: END
`);
  const [add, mov, ubo, tex, uif] = s.instructions as [
    (typeof s.instructions)[0],
    (typeof s.instructions)[0],
    (typeof s.instructions)[0],
    (typeof s.instructions)[0],
    (typeof s.instructions)[0],
  ];
  assert.equal(add.opcode.name, "ADD");
  assert.ok(add.saturate && !add.precise);
  assert.equal(add.dst[0]!.writeMask, 0b1001);
  assert.deepEqual(add.src[0]!.swizzle, [1, 0, 2, 3]);
  assert.ok(add.src[0]!.negate && add.src[0]!.absolute);
  assert.deepEqual(add.src[1]!.index, { index: 4, indirect: { file: "ADDR", index: 0, component: 0, arrayId: 0 } });
  assert.deepEqual(add.src[1]!.swizzle, [0, 0, 0, 0]);
  assert.ok(mov.precise);
  assert.equal(mov.src[0]!.arrayId, 2);
  assert.deepEqual(mov.src[0]!.index.indirect, { file: "ADDR", index: 1, component: 1, arrayId: 0 });
  assert.deepEqual(ubo.src[0]!.dimension, { index: 1, indirect: { file: "ADDR", index: 1, component: 0, arrayId: 0 } });
  assert.equal(ubo.src[0]!.index.index, 3);
  assert.equal(tex.texTarget, "2D");
  assert.equal(tex.texOffsets.length, 1);
  assert.deepEqual(tex.texOffsets[0]!.swizzle, [1, 0, 2, 3]);
  assert.equal(uif.label, 6);
});

test("errors are values with line, column and excerpt", () => {
  const e = parseErr("FRAG\nDCL TEMP[0]\n  0: FOO TEMP[0], TEMP[0]\n  1: END\n");
  assert.equal(e.line, 3);
  assert.equal(e.column, 6);
  assert.match(e.reason, /unknown opcode FOO/);
  assert.equal(e.excerpt, "  0: FOO TEMP[0], TEMP[0]");
  assert.match(parseErr("FRAG\nDCL TEMP[0]\n 0: MOV TEMP[1], TEMP[0]\n 1: END\n").reason, /TEMP\[1\] not declared/);
  assert.match(parseErr("FRAG\n 0: ELSE\n 1: END\n").reason, /ELSE without IF/);
  assert.match(parseErr("FRAG\n 0: BGNLOOP\n 1: END\n").reason, /END inside a block/);
  assert.match(parseErr("FRAG\n 0: BRK\n 1: END\n").reason, /BRK outside/);
  assert.match(parseErr("FRAG\nDCL TEMP[0]\n").reason, /missing END/);
  assert.match(parseErr("PIXEL\n 0: END\n").reason, /header/);
  assert.match(parseErr("").reason, /empty/);
  assert.match(parseErr("VERT\nIMM[1] UINT32 {0}\n 0: END\n").reason, /out of order/);
  assert.match(parseErr("VERT\nIMM[0] UINT32 {4294967296}\n 0: END\n").reason, /32-bit/);
  assert.match(parseErr("VERT\nIMM[0] UINT32 {1, 2, 3, 4, 5}\n 0: END\n").reason, /more than 4/);
  assert.match(parseErr("FRAG\nDCL IN[0], GENERIC[0]\nDCL IN[0], GENERIC[1]\n 0: END\n").reason, /declared twice/);
  assert.match(parseErr("FRAG\nDCL IN[0]\n 0: END\n").reason, /needs a semantic/);
  assert.match(parseErr("FRAG\nDCL TEMP[0]\n 0: MOV TEMP[0].yx, TEMP[0]\n 1: END\n").reason, /out of order/);
  assert.match(parseErr("FRAG\nDCL TEMP[0]\n 0: CAL :5\n 1: END\n").reason, /not a BGNSUB/);
  assert.match(parseErr("FRAG\nDCL TEMP[0]\n 0: MOV TEMP[0], TEMP[0].xyz\n 1: END\n").reason, /1 or 4 components/);
  assert.match(parseErr("FRAG\nDCL TEMP[0]\n 0: MOV IMM[0], TEMP[0]\n 1: END\n").reason, /not writable/);
});

test("hostile sizes are refused before anything is allocated", () => {
  const t0 = performance.now();
  assert.match(parseErr("FRAG\nDCL TEMP[0..4000000000]\n 0: END\n").reason, /above the limit 4095/);
  assert.match(parseErr("FRAG\nDCL TEMP[99999999999999999999]\n 0: END\n").reason, /too large/);
  assert.match(parseErr("FRAG\nDCL CONST[40][0]\n 0: END\n").reason, /dimension/);
  assert.match(parseErr("FRAG\nDCL IN[0..200], GENERIC[0]\n 0: END\n").reason, /limit 79/);
  assert.match(parseErr(`FRAG\n${" ".repeat(TGSI_LIMITS.maxTextChars)}`).reason, /text longer/);
  const many = `FRAG\n${" NOP\n".repeat(TGSI_LIMITS.maxInstructions + 1)} END\n`;
  assert.match(parseErr(many).reason, /too many instructions/);
  const deep = `FRAG\n${" BGNLOOP\n".repeat(TGSI_LIMITS.maxNesting + 1)}`;
  assert.match(parseErr(deep).reason, /nesting too deep/);
  assert.ok(performance.now() - t0 < 2000);
});

test("the text ends at the first NUL, as virgl sends it", () => {
  const s = parseOk("FRAG\nDCL OUT[0], COLOR\n  0: END\n\0garbage after NUL");
  assert.equal(s.instructions.length, 1);
});

test("CAL names its BGNSUB or the instruction right after it", () => {
  const body = "DCL TEMP[0]\n 0: CAL :LABEL\n 1: END\n 2: BGNSUB :5\n 3:   MOV TEMP[0], TEMP[0]\n 4: ENDSUB\n";
  for (const label of ["2", "3"]) parseOk(`VERT\n${body.replace("LABEL", label)}`);
  assert.match(parseErr(`VERT\n${body.replace("LABEL", "4")}`).reason, /not a BGNSUB/);
});

test("tgsi_dump's rarer forms: STREAM on GS outputs, CYLWRAP, multi-value properties, inf immediates", () => {
  const s = parseOk(`GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE POINTS
PROPERTY GS_MAX_OUTPUT_VERTICES 2
PROPERTY NEXT_SHADER FRAG, 1
DCL IN[][0], GENERIC[0]
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0], STREAM(1, 1, 1, 1)
IMM[0] FLT32 {inf, -inf, 1.0000, -0.0000}
  0: END
`);
  assert.deepEqual(s.declarations[2]!.streams, [1, 1, 1, 1]);
  assert.equal(s.info.outputs[1]!.stream, 1);
  assert.equal(s.properties.get("NEXT_SHADER"), "FRAG");
  assert.deepEqual([...s.immediates[0]!.words], [0x7f800000, 0xff800000, 0x3f800000, 0x80000000]);
  const f = parseOk("FRAG\nDCL IN[0], TEXCOORD[0], PERSPECTIVE, CYLWRAP_XZ\n 0: END\n");
  assert.equal(f.info.inputs[0]!.interpolation, "PERSPECTIVE");
});
