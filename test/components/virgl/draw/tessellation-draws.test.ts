import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset, encodeVirglCaps, queryHostGlLimits } from "../../../../src/components/virgl/caps/caps.ts";
import { tessellationDrawn } from "../../../../src/components/virgl/caps/draw-limits.ts";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { drawCaptureMode } from "../../../../src/components/virgl/render/stream-output.ts";
import { recordedScene } from "./recorded-scene.ts";

const PATCHES = 14;
const TCS = `TESS_CTRL
PROPERTY TCS_VERTICES_OUT 3
DCL IN[][0], POSITION
DCL OUT[][0], POSITION
DCL OUT[1], TESSOUTER
DCL OUT[2].xy, TESSINNER
IMM[0] FLT32 { 2.0, 2.0, 2.0, 2.0 }
  0: MOV OUT[0], IN[0][0]
  1: MOV OUT[1], IMM[0]
  2: MOV OUT[2].xy, IMM[0]
  3: END
`;
const TES = `TESS_EVAL
PROPERTY TES_PRIM_MODE 4
PROPERTY TES_SPACING 2
PROPERTY TES_VERTEX_ORDER_CW 0
DCL IN[][0], POSITION
DCL SV[0], TESSCOORD
DCL OUT[0], POSITION
DCL TEMP[0]
  0: MUL TEMP[0], IN[0][0], SV[0].xxxx
  1: MAD TEMP[0], IN[1][0], SV[0].yyyy, TEMP[0]
  2: MAD OUT[0], IN[2][0], SV[0].zzzz, TEMP[0]
  3: END
`;

/** The plain scene with TES 23 (and TCS 22 unless `withTcs` is false) bound. */
function tessScene(withTcs = true) {
  const v = recordedScene();
  const e = new VirglEncoder().createShader(23, PipeShaderType.TessEval, TES).bindShader(23, PipeShaderType.TessEval);
  if (withTcs) e.createShader(22, PipeShaderType.TessCtrl, TCS).bindShader(22, PipeShaderType.TessCtrl);
  v.rutabaga.submitCommand(1, e.finish());
  v.gl.clearCalls();
  return v;
}

const tessCalls = (v: ReturnType<typeof recordedScene>) =>
  v.gl.calls
    .filter((c) => c.name.startsWith("patchParameter") || c.name === "drawArrays")
    .map((c) => [c.name, ...c.args.map((a) => (ArrayBuffer.isView(a) ? [...(a as Float32Array)] : a))]);

test("a patch draw links VS, TCS, TES and FS, sets the patch size and SET_TESS_STATE's levels, draws PATCHES", () => {
  const v = tessScene();
  try {
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setTessState([3, 4, 5, 6], [7, 8])
        .drawVbo({ count: 3, mode: PATCHES, verticesPerPatch: 3 })
        .drawVbo({ count: 3, mode: PATCHES, verticesPerPatch: 3 })
        .finish(),
    );
    const types = v.gl.calls.filter((c) => c.name === "compileShader").map((c) => c.args[0]);
    assert.deepEqual(types, [GL.VERTEX_SHADER, GL.TESS_CONTROL_SHADER, GL.TESS_EVALUATION_SHADER, GL.FRAGMENT_SHADER]);
    const tes = v.gl.calls.find((c) => c.args[0] === GL.TESS_EVALUATION_SHADER)!.args[1] as string;
    assert.match(tes, /layout\(triangles, equal_spacing, ccw\) in;/);
    const draw = ["drawArrays", { mode: PATCHES, first: 0, count: 3, instances: 1, baseInstance: 0 }];
    assert.deepEqual(tessCalls(v), [
      ["patchParameteri", GL.PATCH_VERTICES, 3],
      ["patchParameterfv", GL.PATCH_DEFAULT_OUTER_LEVEL, [3, 4, 5, 6]],
      ["patchParameterfv", GL.PATCH_DEFAULT_INNER_LEVEL, [7, 8]],
      draw,
      draw,
    ]);
  } finally {
    v.rutabaga.destroy();
  }
});

test("a TES without a TCS reads the vertex shader's outputs", () => {
  const v = tessScene(false);
  try {
    v.rutabaga.submitCommand(1, new VirglEncoder().drawVbo({ count: 3, mode: PATCHES, verticesPerPatch: 3 }).finish());
    const types = v.gl.calls.filter((c) => c.name === "compileShader").map((c) => c.args[0]);
    assert.deepEqual(types, [GL.VERTEX_SHADER, GL.TESS_EVALUATION_SHADER, GL.FRAGMENT_SHADER]);
    assert.equal(v.gl.callNames((n) => n === "drawArrays").length, 1);
  } finally {
    v.rutabaga.destroy();
  }
});

test("patch sizes outside 1..32 are refused; patches without a TES and other primitives with one are skipped", () => {
  const v = tessScene();
  try {
    const draw = (mode: number, verticesPerPatch: number) =>
      v.rutabaga.submitCommand(1, new VirglEncoder().drawVbo({ count: 3, mode, verticesPerPatch }).finish());
    assert.throws(() => draw(PATCHES, 0), /vertices per patch/);
    assert.throws(() => draw(PATCHES, 33), /vertices per patch/);
    draw(4, 0);
    v.rutabaga.submitCommand(1, new VirglEncoder().bindShader(0, PipeShaderType.TessEval).finish());
    draw(PATCHES, 3);
    v.rutabaga.submitCommand(1, new VirglEncoder().bindShader(0, PipeShaderType.TessCtrl).finish());
    draw(PATCHES, 3);
    assert.deepEqual(
      v.gl.callNames((n) => n.startsWith("draw")),
      [],
    );
  } finally {
    v.rutabaga.destroy();
  }
});

test("captured primitives under tessellation: the GS's, else the TES's (points in point mode)", () => {
  assert.equal(drawCaptureMode(PATCHES, undefined, { tesPrimMode: "4", tesPointMode: false }), GL.TRIANGLES);
  assert.equal(drawCaptureMode(PATCHES, undefined, { tesPrimMode: "QUADS", tesPointMode: false }), GL.TRIANGLES);
  assert.equal(drawCaptureMode(PATCHES, undefined, { tesPrimMode: "1", tesPointMode: false }), GL.LINES);
  assert.equal(drawCaptureMode(PATCHES, undefined, { tesPrimMode: "4", tesPointMode: true }), GL.POINTS);
  assert.equal(
    drawCaptureMode(PATCHES, { gsOutputPrimitive: "LINE_STRIP" }, { tesPrimMode: "4", tesPointMode: false }),
    GL.LINES,
  );
  assert.equal(drawCaptureMode(4, undefined, undefined), GL.TRIANGLES);
});

test("tessellation is advertised (bit, patches primitive) only with room for five stages' binding ranges", () => {
  const limits = (bindings: number) =>
    queryHostGlLimits(
      new RecordingHostGl({
        glVersion: 45,
        ints: new Map([
          [0x8a2f, bindings],
          [0x8b4d, 96],
          [0x8e7d, 32],
          [0x8e7e, 64],
        ]),
      }),
    );
  const HAS_TESS = 1 << 24;
  for (const [bindings, drawn] of [
    [90, true],
    [79, false],
  ] as const) {
    const l = limits(bindings);
    assert.equal(tessellationDrawn(l), drawn);
    const caps = new DataView(encodeVirglCaps(l, 2, 0).buffer);
    assert.equal((caps.getUint32(CapsOffset.bset, true) & HAS_TESS) !== 0, drawn);
    assert.equal((caps.getUint32(CapsOffset.primMask, true) & (1 << PATCHES)) !== 0, drawn);
  }
});
