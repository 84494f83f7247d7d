import assert from "node:assert/strict";
import { test } from "node:test";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import type { VirglBlendState, VirglRtBlend } from "../../../../src/components/virgl/protocol/objects/blend.ts";
import { applyBlend } from "../../../../src/components/virgl/render/pipeline-state.ts";

const GL_MULTIPLY_KHR = 0x9294;
const GL_HSL_LUMINOSITY_KHR = 0x92b0;

function blendWithAlphaSrc(alphaSrcFactor: number): VirglBlendState {
  const off: VirglRtBlend = {
    enable: false,
    rgbFunc: 0,
    rgbSrcFactor: 1,
    rgbDstFactor: 0x11,
    alphaFunc: 0,
    alphaSrcFactor: 1,
    alphaDstFactor: 0x11,
    colorMask: 0xf,
  };
  const rt0: VirglRtBlend = { ...off, enable: true, alphaSrcFactor };
  return {
    kind: "blend",
    independentBlend: false,
    logicOpEnable: false,
    dither: false,
    alphaToCoverage: false,
    alphaToOne: false,
    logicOpFunc: 0,
    rt: [rt0, off, off, off, off, off, off, off],
  };
}

const equations = (gl: RecordingHostGl) =>
  gl.calls.filter((c) => c.name.startsWith("blendEquation")).map((c) => [c.name, ...c.args]);

test("with an advanced-blend fragment shader, colour buffer 0's alpha source factor selects the GL_*_KHR mode", () => {
  const gl = new RecordingHostGl();
  applyBlend(gl, blendWithAlphaSrc(1), 0, true);
  assert.deepEqual(equations(gl)[0], ["blendEquationi", 0, GL_MULTIPLY_KHR]);
  const gl2 = new RecordingHostGl();
  applyBlend(gl2, blendWithAlphaSrc(15), 0, true);
  assert.deepEqual(equations(gl2)[0], ["blendEquationi", 0, GL_HSL_LUMINOSITY_KHR]);
});

test("without the shader property the same field stays a blend factor", () => {
  const gl = new RecordingHostGl();
  applyBlend(gl, blendWithAlphaSrc(1), 0, false);
  const eq = equations(gl);
  assert.equal(eq.length, 8);
  assert.ok(eq.every((e) => e[0] === "blendEquationSeparatei"));
});

test("an out-of-range advanced mode falls back to the separate equations", () => {
  const gl = new RecordingHostGl();
  applyBlend(gl, blendWithAlphaSrc(31), 0, true);
  assert.equal(equations(gl)[0]?.[0], "blendEquationSeparatei");
});
