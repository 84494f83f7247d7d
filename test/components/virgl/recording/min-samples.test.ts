import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { PipeShaderType, VirglCmd } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, PASS_VS, RGBA8, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const BIND_VERTEX_BUFFER = 1 << 4;
const TRIANGLES = 4;
const R8 = 64;
const VS = PASS_VS;
const FS = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/** A 4-sample 4×4 RGBA8 target (1), a vertex buffer (2) and the plain pipeline bound on a recording host GL. */
function multisampleScene() {
  const v = makeRecordedVirgl();
  v.rutabaga.resourceCreate3d(1, res({ width: 4, height: 4, nrSamples: 4 }));
  v.rutabaga.contextAttachResource(1, 1);
  const vb = createWithBacking(
    v.rutabaga,
    2,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
    48,
  );
  vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  v.rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, VS)
      .createShader(21, PipeShaderType.Fragment, FS)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment),
  );
  v.rutabaga.submitCommand(1, setup.finish());
  v.gl.clearCalls();
  return v;
}

const drawWithMinSamples = (n: number) =>
  new VirglEncoder().raw(VirglCmd.SetMinSamples, 0, [n]).drawVbo({ count: 3, mode: TRIANGLES }).finish();

test("SET_MIN_SAMPLES becomes sample shading at that fraction of the framebuffer's samples, and off again at 1", () => {
  const { rutabaga, gl } = multisampleScene();
  try {
    const shading = () =>
      gl.calls
        .filter(
          (c) =>
            c.name === "minSampleShading" ||
            ((c.name === "enable" || c.name === "disable") && c.args[0] === GL.SAMPLE_SHADING),
        )
        .map((c) => `${c.name}${c.name === "minSampleShading" ? ` ${c.args[0]}` : ""}`);
    rutabaga.submitCommand(1, drawWithMinSamples(2));
    assert.deepEqual(shading(), ["enable", "minSampleShading 0.5"]);
    gl.clearCalls();
    rutabaga.submitCommand(1, drawWithMinSamples(2));
    assert.deepEqual(shading(), [], "unchanged: nothing re-sent");
    rutabaga.submitCommand(1, drawWithMinSamples(4));
    assert.deepEqual(shading(), ["enable", "minSampleShading 1"]);
    gl.clearCalls();
    rutabaga.submitCommand(1, drawWithMinSamples(1));
    assert.deepEqual(shading(), ["disable"]);
  } finally {
    rutabaga.destroy();
  }
});
