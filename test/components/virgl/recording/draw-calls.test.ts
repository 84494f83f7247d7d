import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, RGBA8, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const BIND_VERTEX_BUFFER = 1 << 4;
const TRIANGLES = 4;
const R8 = 64;
const VS = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n  1: END\n";
const FS = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/** A 4×4 RGBA8 target (1), a vertex buffer (2) and the plain pipeline bound on a recording host GL. */
function recordedScene() {
  const v = makeRecordedVirgl();
  createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
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

const draw = () => new VirglEncoder().drawVbo({ count: 3, mode: TRIANGLES }).finish();

test("a first draw binds the framebuffer, builds the program, applies every piece of state once, then draws", () => {
  const { rutabaga, gl } = recordedScene();
  try {
    rutabaga.submitCommand(1, draw());
    const x = (name: string, n: number) => Array<string>(n).fill(name);
    const eachColorBuffer = Array.from({ length: 8 }, () => ["disablei", "colorMaski"]).flat();
    assert.deepEqual(gl.callNames(), [
      "makeCurrent",
      // The sub-context's framebuffer: every colour attachment and depth/stencil set, then checked.
      "createFramebuffer",
      ...x("framebufferTexture", 10),
      "framebufferDrawBuffers",
      // GL_FRAMEBUFFER_SRGB off: no colour surface is sRGB.
      "disable",
      "bindFramebuffer",
      "checkFramebufferStatus",
      // The program for this stage set and key.
      "compileShader",
      "compileShader",
      "linkProgram",
      "useProgram",
      // Blend (per colour buffer, logic op, alpha-to-coverage/one, dual source), blend colour.
      ...eachColorBuffer,
      ...x("disable", 3),
      "blendColor",
      // Depth/stencil/alpha.
      "disable",
      "depthFunc",
      "depthMask",
      "disable",
      // Rasterizer.
      "disable",
      "frontFace",
      "polygonMode",
      ...x("disable", 9),
      "pointSize",
      "lineWidth",
      "clipControl",
      ...x("disable", 8),
      // Viewports, scissors, sample mask.
      "viewportIndexed",
      "enable",
      "sampleMaski",
      // Vertex input: the context's vertex array, attribute 0 from binding 0.
      "createVertexArray",
      "bindVertexArray",
      "enableVertexArrayAttrib",
      "vertexArrayAttribBinding",
      "vertexArrayAttribFormat",
      "vertexArrayVertexBuffer",
      "vertexArrayBindingDivisor",
      // Primitive restart off, the draw, the submit's flush.
      "disable",
      "drawArrays",
      "flush",
    ]);
    const drawCall = gl.calls.at(-2)!;
    assert.deepEqual(drawCall.args, [{ mode: TRIANGLES, first: 0, count: 3, instances: 1, baseInstance: 0 }]);
    const vertexBuffer = gl.calls.find((c) => c.name === "vertexArrayVertexBuffer")!;
    assert.deepEqual(vertexBuffer.args.slice(1), [0, vertexBuffer.args[2], 0, 16]);
    const [fbCall] = gl.calls.filter((c) => c.name === "bindFramebuffer");
    assert.equal(fbCall!.args[0], GL.DRAW_FRAMEBUFFER);
  } finally {
    rutabaga.destroy();
  }
});

test("a second identical draw re-sends no state: no framebuffer, program, blend, depth or viewport call", () => {
  const { rutabaga, gl } = recordedScene();
  try {
    rutabaga.submitCommand(1, draw());
    gl.clearCalls();
    rutabaga.submitCommand(1, draw());
    const names = gl.callNames();
    assert.equal(names.at(-2), "drawArrays");
    const resent = names.filter((n) =>
      /Framebuffer|Program|Shader|blend|depth|stencil|cull|frontFace|polygon|viewport|scissor|sampleMask|enable|disable/i.test(
        n,
      ),
    );
    assert.deepEqual(resent, []);
    // A changed viewport is re-sent, the rest is not.
    gl.clearCalls();
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setViewports(0, [{ scale: [1, 1, 0.5], translate: [1, 1, 0.5] }])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const after = gl.callNames();
    assert.ok(after.includes("viewportIndexed"));
    assert.ok(!after.includes("useProgram") && !after.includes("compileShader") && !after.includes("linkProgram"));
  } finally {
    rutabaga.destroy();
  }
});

test("the recording host's objects are all released when the library goes", () => {
  const { rutabaga, gl } = recordedScene();
  rutabaga.submitCommand(1, draw());
  rutabaga.destroy();
  assert.deepEqual([...gl.live()], []);
  assert.equal(gl.contextCount, 0);
  assert.ok(gl.destroyed);
});
