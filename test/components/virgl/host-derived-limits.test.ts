import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset } from "../../../src/components/virgl/caps/caps.ts";
import { probeVertexOutputs } from "../../../src/components/virgl/caps/vertex-output-probe.ts";
import { GL } from "../../../src/components/virgl/host-gl/gl-constants.ts";
import type { GlBuildResult } from "../../../src/components/virgl/host-gl/programs.ts";
import { EglHostGl } from "../../../src/node/gl/egl-host-gl.ts";
import { makeVirgl } from "./helpers.ts";

/** A host GL that, like NVIDIA's, counts `gl_Position` in `GL_MAX_VERTEX_OUTPUT_COMPONENTS`: it links at most `limit` vec4 outputs in all. */
class PositionCountingHostGl extends EglHostGl {
  readonly #limit: number;
  #lastVertexOutputs = 0;
  constructor(limit: number) {
    super();
    this.#limit = limit;
  }
  override compileShader(type: number, source: string): GlBuildResult {
    if (type === GL.VERTEX_SHADER) this.#lastVertexOutputs = (source.match(/^out vec4 /gm) ?? []).length + 1;
    return super.compileShader(type, source);
  }
  override linkProgram(shaders: readonly number[], feedbackVaryings?: readonly string[]): GlBuildResult {
    if (this.#lastVertexOutputs > this.#limit) return { name: 0, log: "too many vertex outputs" };
    return super.linkProgram(shaders, feedbackVaryings);
  }
}

test("the advertised vertex outputs are what the host links beside gl_Position", () => {
  const { rutabaga } = makeVirgl();
  try {
    const caps = rutabaga.getCapset(2, 2);
    const outputs = new DataView(caps.buffer, caps.byteOffset).getUint32(CapsOffset.maxVertexOutputs, true);
    // llvmpipe keeps gl_Position apart from its 128 output components (32 varyings); NVIDIA counts it (31).
    const host = new EglHostGl();
    try {
      host.ensureCurrent();
      assert.equal(outputs, probeVertexOutputs(host, host.getInteger(GL.MAX_VERTEX_OUTPUT_COMPONENTS)));
    } finally {
      host.destroy();
    }
    assert.ok(outputs >= 16 && outputs <= 32, `${outputs} vertex outputs`);
  } finally {
    rutabaga.destroy();
  }
  const gl = new PositionCountingHostGl(32);
  try {
    gl.ensureCurrent();
    assert.equal(probeVertexOutputs(gl, 128), 31, "a driver counting gl_Position gets one varying fewer");
    assert.equal(probeVertexOutputs(gl, 64), 16);
  } finally {
    gl.destroy();
  }
});
