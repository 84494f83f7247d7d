import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { GlslEmitError } from "../../../../src/components/virgl/tgsi/glsl-emit-error.ts";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import { GLSL_REQUIREMENTS } from "../../../../src/components/virgl/tgsi/glsl-requirements.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import { TgsiParseError } from "../../../../src/components/virgl/tgsi/tgsi-parse-error.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { isRutabagaError } from "../../../../src/index.ts";
import { GlCompiler } from "./gl-compiler.ts";

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

/** Emits, checks the GLSL compiles on the host GL (unless `compile` is false), returns it. */
function glsl(text: string, key: Partial<ShaderKey> = {}, compile = true): string {
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450", ...key });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  if (!compile) return g.glsl;
  const c = gl.compile(r.shader.stage, g.glsl);
  gl.release(c.shader);
  assert.ok(c.ok, `${c.log}\n${g.glsl}`);
  return g.glsl;
}

function has(src: string, ...fragments: string[]): void {
  for (const f of fragments) assert.ok(src.includes(f), `missing ${JSON.stringify(f)} in:\n${src}`);
}

test("VS: attribute n at location n, integer attributes from the key, outputs named by semantic", () => {
  const vs = `VERT
DCL IN[0]
DCL IN[1]
DCL IN[3]
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[5]
DCL OUT[2], COLOR
DCL OUT[3], TEXCOORD[2]
DCL OUT[4], PSIZE
  0: MOV OUT[0], IN[0]
  1: MOV OUT[1], IN[1]
  2: MOV OUT[2], IN[3]
  3: MOV OUT[3], IN[3]
  4: MOV OUT[4], IN[0]
  5: END
`;
  const g = glsl(vs, { vsIntInputs: 0b10, vsUintInputs: 0b1000 });
  has(
    g,
    "layout(location = 0) in vec4 in_0;",
    "layout(location = 1) in ivec4 in_1;",
    "layout(location = 3) in uvec4 in_3;",
    "out vec4 vs_g5;",
    "out vec4 vs_c0;",
    "out vec4 vs_t2;",
    "gl_Position = out0;",
    "gl_PointSize = out4.x;",
    "intBitsToFloat(in_1)",
    "uintBitsToFloat(in_3)",
  );
  const flipped = glsl(vs, { flipY: true, clipPlaneEnable: 0b101 });
  has(
    flipped,
    "gl_Position.y = -gl_Position.y;",
    "out float gl_ClipDistance[3];",
    "gl_ClipDistance[0] = dot(out0, vs_clip_plane[0]);",
    "gl_ClipDistance[1] = 0.0;",
    "gl_ClipDistance[2] = dot(out0, vs_clip_plane[2]);",
    "layout(std140, binding = 15) uniform vs_sysval",
  );
});

test("FS: inputs by producer, interpolation qualifiers, colour outputs, key emulations", () => {
  const fs = `FRAG
PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1
DCL IN[0], GENERIC[1], CONSTANT
DCL IN[1], GENERIC[2], LINEAR, CENTROID
DCL IN[2], COLOR, COLOR
DCL IN[3], TEXCOORD[1], PERSPECTIVE, SAMPLE
DCL IN[4], FACE, CONSTANT
DCL OUT[0], COLOR
  0: ADD OUT[0], IN[0], IN[1]
  1: ADD OUT[0], OUT[0], IN[2]
  2: ADD OUT[0], OUT[0], IN[3]
  3: ADD OUT[0], OUT[0], IN[4]
  4: END
`;
  const g = glsl(fs, { producer: "GEOM" });
  has(
    g,
    "flat in vec4 gs_g1;",
    "noperspective centroid in vec4 gs_g2;",
    "in vec4 gs_c0;",
    "sample in vec4 gs_t1;",
    "layout(location = 0) out vec4 fs_color0;",
    "gl_FrontFacing ? 1.0 : -1.0",
  );
  assert.ok(!g.includes("fs_color1"));
  const k = glsl(fs, {
    nrCbufs: 3,
    fsUintOutputs: 0b100,
    alphaFunc: 4,
    alphaRef: 0.5,
    twoSidedColor: true,
    flatShade: true,
    spriteCoordEnable: 0b10,
    polygonStipple: true,
  });
  has(
    k,
    "layout(location = 1) out vec4 fs_color1;",
    "layout(location = 2) out uvec4 fs_color2;",
    "fs_color2 = floatBitsToUint(out0);",
    "if (!(out0.w > 0.5)) discard;",
    "flat in vec4 vs_c0;",
    "flat in vec4 vs_bc0;",
    "(gl_FrontFacing ? vs_c0 : vs_bc0)",
    "vec4(gl_PointCoord, 0.0, 1.0)",
    "layout(std140, binding = 31) uniform fs_sysval",
    "(0x80000000u >> sp.x)",
  );
  assert.ok(!k.includes("in vec4 vs_t1;"), "a replaced TEXCOORD is not declared");
  has(
    glsl(fs, { nrCbufs: 3, fsAlphaOutputs: 0b10, fsLuminanceAlphaOutputs: 0b100 }),
    "fs_color0 = out0;",
    "fs_color1 = vec4(out0.w, 0.0, 0.0, out0.w);",
    "fs_color2 = vec4(out0.x, out0.w, 0.0, out0.w);",
  );
  const never = glsl(fs, { alphaFunc: 0 });
  has(never, "if (!(false)) discard;");
  const missing = glsl(fs, { producerOutputs: ["GENERIC1", "COLOR0"] });
  assert.ok(!missing.includes("vs_g2") && !missing.includes("vs_t1"), "unwritten varyings read zero");
});

test("FS: depth, stencil, sample mask outputs; FragCoord origin follows property and key", () => {
  const fs = `FRAG
PROPERTY FS_COORD_ORIGIN LOWER_LEFT
PROPERTY FS_COORD_PIXEL_CENTER INTEGER
DCL IN[0], POSITION, LINEAR
DCL OUT[0], POSITION
DCL OUT[1], STENCIL
DCL OUT[2], SAMPLEMASK
  0: MOV OUT[0], IN[0]
  1: MOV OUT[1], IN[0]
  2: MOV OUT[2], IN[0]
  3: END
`;
  // The host compiles stencil export only where it has the extension (llvmpipe does, NVIDIA does not).
  const stencilExport = gl.hasExtension("GL_ARB_shader_stencil_export");
  const g = glsl(fs, {}, stencilExport);
  has(
    g,
    "layout(origin_upper_left, pixel_center_integer) in vec4 gl_FragCoord;",
    "gl_FragDepth = out0.z;",
    "#extension GL_ARB_shader_stencil_export : require",
    "gl_FragStencilRefARB = floatBitsToInt(out1.y);",
    "gl_SampleMask[0] = floatBitsToInt(out2.x);",
  );
  has(glsl(fs, { lowerLeftOrigin: false }, stencilExport), "layout(pixel_center_integer) in vec4 gl_FragCoord;");
});

test("constants, UBOs and samplers at the documented bindings", () => {
  const g = glsl(`FRAG
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL CONST[0..3]
DCL CONST[2][0..7]
DCL SAMP[0]
DCL SAMP[3]
DCL SVIEW[0], 2D, FLOAT
DCL SVIEW[3], 2D_ARRAY, UINT
DCL TEMP[0..1]
DCL ADDR[0]
  0: UARL ADDR[0].x, CONST[1].xxxx
  1: MOV TEMP[0], CONST[ADDR[0].x+1]
  2: ADD TEMP[0], TEMP[0], CONST[2][ADDR[0].x+2]
  3: TEX TEMP[1], IN[0], SAMP[0], 2D
  4: TEX TEMP[1], IN[0], SAMP[3], 2D_ARRAY
  5: ADD OUT[0], TEMP[0], TEMP[1]
  6: END
`);
  has(
    g,
    "layout(std140, binding = 16) uniform fs_consts { uvec4 fs_c[4]; };",
    "layout(std140, binding = 17) uniform fs_ubo_block { uvec4 d[8]; } fs_ubo[2];",
    "layout(binding = 16) uniform sampler2D fs_samp0;",
    "layout(binding = 19) uniform usampler2DArray fs_samp3;",
    "fs_c[clamp(addr0.x + 1, 0, 3)]",
    "fs_ubo[1].d[clamp(addr0.x + 2, 0, 7)]",
    "uintBitsToFloat(texture(fs_samp3, vec3((",
  );
});

test("texture opcodes map to the GLSL lookups (all compile on the host GL)", () => {
  const g = glsl(`FRAG
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL SAMP[0..9]
DCL SVIEW[0], 2D, FLOAT
DCL SVIEW[1], SHADOW2D, FLOAT
DCL SVIEW[2], CUBE, FLOAT
DCL SVIEW[3], RECT, FLOAT
DCL SVIEW[4], BUFFER, SINT
DCL SVIEW[5], 3D, FLOAT
DCL SVIEW[6], 2D_MSAA, FLOAT
DCL SVIEW[7], SHADOWCUBE_ARRAY, FLOAT
DCL SVIEW[8], 1D_ARRAY, FLOAT
DCL SVIEW[9], SHADOW2D_ARRAY, FLOAT
DCL TEMP[0..1]
IMM[0] INT32 {1, -1, 2, 0}
  0: TEX TEMP[0], IN[0], SAMP[0], 2D, IMM[0].xyz
  1: TXP TEMP[0], IN[0], SAMP[0], 2D
  2: TXB TEMP[0], IN[0], SAMP[0], 2D
  3: TXL TEMP[0], IN[0], SAMP[5], 3D
  4: TXD TEMP[0], IN[0], IN[0], IN[0], SAMP[0], 2D
  5: TXF TEMP[0], IN[0], SAMP[0], 2D, IMM[0].xyz
  6: TXQ TEMP[1], IN[0], SAMP[0], 2D
  7: TEX TEMP[0], IN[0], SAMP[1], SHADOW2D
  8: TEX TEMP[0], IN[0], SAMP[2], CUBE
  9: TEX TEMP[0], IN[0], SAMP[3], RECT
 10: TXF TEMP[0], IN[0], SAMP[4], BUFFER
 11: TXF TEMP[0], IN[0], SAMP[6], 2D_MSAA
 12: TEX2 TEMP[0], IN[0], IN[0], SAMP[7], SHADOWCUBE_ARRAY
 13: TG4 TEMP[0], IN[0], IMM[0].zzzz, SAMP[0], 2D
 14: LODQ TEMP[0], IN[0], SAMP[8], 1D_ARRAY
 15: TEX_LZ TEMP[0], IN[0], SAMP[0], 2D
 16: TXF_LZ TEMP[0], IN[0], SAMP[0], 2D
 17: TXQ TEMP[1], IN[0], SAMP[3], RECT
 18: TXL2 TEMP[0], IN[0], IN[0], SAMP[2], CUBE
 19: TEX TEMP[0], IN[0], SAMP[9], SHADOW2D_ARRAY
 20: MOV OUT[0], TEMP[0]
 21: END
`);
  has(
    g,
    "textureOffset(fs_samp0, vec2((",
    ", ivec2(1, -1))",
    "textureProj(fs_samp0, ",
    "textureLod(fs_samp5, vec3(",
    "textureGrad(fs_samp0, ",
    "texelFetchOffset(fs_samp0, ivec2((",
    "ivec4(textureSize(fs_samp0, (",
    "textureQueryLevels(fs_samp0)",
    "uniform sampler2DShadow fs_samp1;",
    "tgsi_shadow1(texture(fs_samp1, vec3((",
    "uniform sampler2DRect fs_samp3;",
    "uniform isamplerBuffer fs_samp4;",
    "intBitsToFloat(texelFetch(fs_samp4, int((",
    "uniform samplerCubeArrayShadow fs_samp7;",
    "textureGather(fs_samp0, vec2((",
    ", 2)",
    "textureQueryLod(fs_samp8, float((",
    "ivec4(textureSize(fs_samp3), 0, 1)",
    "uniform sampler2DArrayShadow fs_samp9;",
  );
  has(
    glsl(
      "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], SHADOW2D, FLOAT\n 0: TEX OUT[0], IN[0], SAMP[0], SHADOW2D\n 1: END\n",
      { shadowSwizzle: { 0: [0, 0, 0, 5] } },
    ),
    "return vec4(r, r, r, 1.0);",
  );
});

test("GS: primitives, invocations, per-vertex inputs and built-ins, EMIT stores outputs first", () => {
  const g = glsl(`GEOM
PROPERTY GS_INPUT_PRIMITIVE TRIANGLES_ADJACENCY
PROPERTY GS_OUTPUT_PRIMITIVE LINE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 6
PROPERTY GS_INVOCATIONS 4
DCL IN[][0], POSITION
DCL IN[][1], GENERIC[0]
DCL IN[][2], PRIM_ID
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0]
DCL OUT[2], LAYER
DCL SV[0], INVOCATIONID
IMM[0] UINT32 {0, 1, 0, 0}
  0: ADD OUT[0], IN[4][0], IN[2][1]
  1: MOV OUT[1], IN[0][2]
  2: MOV OUT[2], SV[0]
  3: EMIT IMM[0].xxxx
  4: ENDPRIM IMM[0].xxxx
  5: EMIT IMM[0].yyyy
  6: END
`);
  has(
    g,
    "layout(triangles_adjacency) in;",
    "layout(invocations = 4) in;",
    "layout(line_strip, max_vertices = 6) out;",
    "in vec4 vs_g0[];",
    "out vec4 gs_g0;",
    "gl_in[4].gl_Position",
    "vs_g0[2]",
    "gl_PrimitiveIDIn",
    "gl_Layer = floatBitsToInt(out2.x);",
    "store_outputs();\n  EmitVertex();",
    "EndPrimitive();",
    "EmitStreamVertex(1);",
  );
});

test("GS outputs on vertex stream 1 are declared on that stream", () => {
  has(
    glsl(`GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE POINTS
PROPERTY GS_MAX_OUTPUT_VERTICES 2
DCL IN[][0], GENERIC[0]
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0], STREAM(1, 1, 1, 1)
IMM[0] UINT32 {0, 1, 0, 0}
  0: MOV OUT[0], IN[0][0]
  1: MOV OUT[1], IN[0][0]
  2: EMIT IMM[0].xxxx
  3: EMIT IMM[0].yyyy
  4: END
`),
    "layout(stream = 1) out vec4 gs_g0;",
    "EmitStreamVertex(1);",
  );
});

test("tessellation and compute stages compile, and VS+TCS+TES+FS link", () => {
  const vs = glsl(
    "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\n 0: MOV OUT[0], IN[0]\n 1: MOV OUT[1], IN[0]\n 2: END\n",
  );
  const tcs = glsl(`TESS_CTRL
PROPERTY TCS_VERTICES_OUT 3
DCL IN[][0], POSITION
DCL IN[][1], GENERIC[0]
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0]
DCL OUT[2], TESSOUTER
DCL OUT[3], TESSINNER
DCL OUT[4], PATCH[0]
DCL SV[0], INVOCATIONID
DCL TEMP[0]
DCL ADDR[0]
IMM[0] FLT32 {1.0, 2.0, 0.0, 0.0}
  0: UARL ADDR[0].x, SV[0].xxxx
  1: MOV OUT[0], IN[ADDR[0].x][0]
  2: MOV OUT[1], IN[ADDR[0].x][1]
  3: MOV OUT[2], IMM[0].yyyy
  4: MOV OUT[3], IMM[0].yyyy
  5: MOV OUT[4], IMM[0].xxxx
  6: BARRIER
  7: END
`);
  has(
    tcs,
    "layout(vertices = 3) out;",
    "gl_out[gl_InvocationID].gl_Position",
    "out vec4 tc_g0[];",
    "patch out vec4 tc_patch0;",
  );
  const tes = glsl(`TESS_EVAL
PROPERTY TES_PRIM_MODE TRIANGLES
PROPERTY TES_SPACING FRACTIONAL_ODD
PROPERTY TES_VERTEX_ORDER_CW 1
DCL IN[][0], POSITION
DCL IN[][1], GENERIC[0]
DCL IN[2], PATCH[0]
DCL SV[0], TESSCOORD
DCL OUT[0], POSITION
DCL OUT[1], GENERIC[0]
DCL TEMP[0]
  0: MUL TEMP[0], IN[0][0], SV[0].xxxx
  1: MAD TEMP[0], IN[1][0], SV[0].yyyy, TEMP[0]
  2: MAD OUT[0], IN[2][0], SV[0].zzzz, TEMP[0]
  3: ADD OUT[1], IN[0][1], IN[2]
  4: END
`);
  has(tes, "layout(triangles, fractional_odd_spacing, cw) in;", "in vec4 tc_g0[];", "patch in vec4 tc_patch0;");
  const fs = glsl("FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\n 0: MOV OUT[0], IN[0]\n 1: END\n", {
    producer: "TESS_EVAL",
  });
  const shaders = [
    gl.compile("VERT", vs).shader,
    gl.compile("TESS_CTRL", tcs).shader,
    gl.compile("TESS_EVAL", tes).shader,
    gl.compile("FRAG", fs).shader,
  ];
  const l = gl.link(shaders);
  assert.ok(l.ok, l.log);
  has(
    glsl(`COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 8
PROPERTY CS_FIXED_BLOCK_HEIGHT 4
DCL SV[0], THREAD_ID
DCL SV[1], BLOCK_ID
DCL TEMP[0]
  0: UADD TEMP[0], SV[0], SV[1]
  1: BARRIER
  2: END
`),
    "layout(local_size_x = 8, local_size_y = 4, local_size_z = 1) in;",
    "gl_LocalInvocationID",
    "barrier();",
  );
});

test("what is not translated yet is a typed Unsupported error, never a throw", () => {
  for (const [text, key, reason] of [
    ["COMP\nDCL MEMORY[0], GLOBAL\n 0: END\n", {}, /GLOBAL memory/],
    ["FRAG\nDCL IMAGE[0], 2D, PIPE_FORMAT_B5G6R5_UNORM, WR\n 0: END\n", {}, /image format/],
    ["COMP\nDCL BUFFER[0]\nDCL TEMP[0]\n 0: ATOMFADD TEMP[0], BUFFER[0], TEMP[0], TEMP[0]\n 1: END\n", {}, /ATOMFADD/],
    ["GEOM\nDCL OUT[0], POSITION\n 0: END\n", {}, /primitive/],
    [
      "GEOM\nPROPERTY GS_INPUT_PRIMITIVE POINTS\nPROPERTY GS_OUTPUT_PRIMITIVE POINTS\n 0: END\n",
      { target: "glsl300es" },
      /GLSL ES/,
    ],
    ["VERT\nDCL CONST[15][0]\n 0: END\n", {}, /UBO slot/],
  ] as const) {
    const r = parseTgsi(text);
    assert.ok(r.ok, r.ok ? "" : r.error.message);
    const g = emitGlsl(r.shader, { target: "glsl450", ...key });
    assert.ok(!g.ok);
    assert.ok(isRutabagaError(g.error, "Unsupported"));
    assert.ok(g.error instanceof GlslEmitError && !(g.error instanceof TgsiParseError));
    assert.match(g.error.reason, reason);
  }
});

test("GLSL ES 3.00 target: version line and precision", () => {
  const r = parseTgsi("FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\n 0: MOV OUT[0], IN[0]\n 1: END\n");
  assert.ok(r.ok);
  const g = emitGlsl(r.shader, { target: "glsl300es" });
  assert.ok(g.ok);
  assert.ok(g.glsl.startsWith("#version 300 es\nprecision highp float;"));
});

test("integer typing in the GLSL: bit casts per opcode type, masked shift counts, guarded division", () => {
  const g = glsl(`VERT
DCL IN[0]
DCL OUT[0], GENERIC[0]
DCL TEMP[0..1]
  0: SHL TEMP[0], IN[0], IN[0]
  1: ISHR TEMP[0], TEMP[0], IN[0]
  2: UDIV TEMP[1], TEMP[0], IN[0]
  3: I2F TEMP[1], TEMP[1]
  4: FSEQ TEMP[0], TEMP[1], IN[0]
  5: MOV OUT[0], TEMP[0]
  6: END
`);
  has(
    g,
    "uintBitsToFloat((floatBitsToUint(in_0) << (floatBitsToUint(in_0) & 31u)))",
    "intBitsToFloat((floatBitsToInt(temp0) >> (floatBitsToInt(in_0) & 31)))",
    "tgsi_udiv(floatBitsToUint(temp0), floatBitsToUint(in_0))",
    "uvec4(0xffffffffu), z)",
    "temp1 = vec4(floatBitsToInt(temp1));",
    "(uvec4(equal(temp1, in_0)) * 0xffffffffu)",
  );
});

test("extension requirements come from the table: one #extension line each, refused where the target has none", () => {
  const vs = `VERT
DCL IN[0]
DCL OUT[0], POSITION
DCL OUT[1], LAYER
DCL SV[0], BASEVERTEX
DCL TEMP[0]
  0: MOV OUT[0], IN[0]
  1: MOV TEMP[0], SV[0].xxxx
  2: MOV OUT[1], TEMP[0]
  3: END
`;
  const src = glsl(vs);
  for (const req of ["drawParameters", "viewportLayerArray"] as const)
    assert.equal(src.split(`#extension ${GLSL_REQUIREMENTS[req].glsl450} : require`).length, 2, req);
  assert.ok(!src.includes(GLSL_REQUIREMENTS.stencilExport.glsl450));
  const gs = glsl(`GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE POINTS
PROPERTY GS_MAX_OUTPUT_VERTICES 1
DCL OUT[0], POSITION
DCL OUT[1], LAYER
IMM[0] UINT32 {0, 0, 0, 0}
  0: MOV OUT[1], IMM[0]
  1: EMIT IMM[0].xxxx
  2: END
`);
  assert.ok(!gs.includes("#extension"), "a GS writes gl_Layer in core GLSL");
  const r = parseTgsi(vs);
  assert.ok(r.ok);
  const es = emitGlsl(r.shader, { target: "glsl300es" });
  assert.ok(!es.ok && es.error instanceof GlslEmitError);
});

test("TG4 with a constant offset, a register offset and four offsets; LODQ; TXQS", () => {
  const fs = (body: string, target = "2D"): string =>
    glsl(`FRAG
DCL IN[0], GENERIC[0], PERSPECTIVE
DCL OUT[0], COLOR
DCL SAMP[0]
DCL SVIEW[0], ${target}, FLOAT
DCL TEMP[0..2]
IMM[0] INT32 {1, -2, 3, 0}
  0: MOV TEMP[0], IN[0]
  1: F2I TEMP[1], IN[0]
${body}
  9: MOV OUT[0], TEMP[2]
 10: END
`);
  has(
    fs("  2: TG4 TEMP[2], TEMP[0].xyxx, IMM[0].zzzz, SAMP[0], 2D, IMM[0].xyz"),
    "textureGatherOffset(fs_samp0, vec2((temp0.xyxx).xy), ivec2(1, -2), 3)",
  );
  has(
    fs("  2: TG4 TEMP[2], TEMP[0].xyxx, IMM[0].xxxx, SAMP[0], 2D, TEMP[1].xyz"),
    "textureGatherOffset(fs_samp0, vec2((temp0.xyxx).xy), ivec2((floatBitsToInt(temp1)).xy), 1)",
  );
  has(
    fs("  2: TG4 TEMP[2], TEMP[0], IMM[0].wwww, SAMP[0], 2D, IMM[0].xyz, IMM[0].yxz, IMM[0].zzz, IMM[0].www"),
    "textureGatherOffsets(fs_samp0, vec2((temp0).xy), ivec2[4](ivec2(1, -2), ivec2(-2, 1), ivec2(3, 3), ivec2(0, 0)), 0)",
  );
  has(fs("  2: LODQ TEMP[2], TEMP[0], SAMP[0], 2D"), "textureQueryLod(fs_samp0, vec2((temp0).xy))");
  has(fs("  2: TXQS TEMP[2], SAMP[0], 2D_MSAA", "2D_MSAA"), "textureSamples(fs_samp0)");
  has(fs("  2: TG4 TEMP[2], TEMP[0], IMM[0].xxxx, SAMP[0], CUBEARRAY", "CUBE_ARRAY"), "samplerCubeArray fs_samp0");
  const r = parseTgsi(
    "FRAG\nDCL SAMP[0]\nDCL TEMP[0]\nIMM[0] INT32 {1, 2, 3, 0}\n 0: TEX TEMP[0], TEMP[0], SAMP[0], 2D, IMM[0].xyz, IMM[0].xyz\n 1: END\n",
  );
  assert.ok(r.ok);
  const g = emitGlsl(r.shader, { target: "glsl450" });
  assert.ok(!g.ok && /2 texel offsets/.test(g.error.reason));
});
