import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { PipeShaderType, VirglObject } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, PASS_VS, RGBA8, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const BIND_VERTEX_BUFFER = 1 << 4;
const TRIANGLES = 4;
/** Rasterizer S0 bit 0: flat shading. */
const FLATSHADE = 1;
const R8 = 64;
const VS = PASS_VS;
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
      // The sub-context's framebuffer: every colour attachment set (buffer 0 attached, 1..7 emptied), the draw
      // buffers, GL_FRAMEBUFFER_SRGB off (no colour surface is sRGB), depth/stencil emptied, then checked.
      "createFramebuffer",
      ...x("framebufferTexture", 8),
      "framebufferDrawBuffers",
      "disable",
      "framebufferTexture",
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

test("the same framebuffer state sent again attaches nothing again; a changed surface re-attaches its buffer only", () => {
  const { rutabaga, gl } = recordedScene();
  try {
    rutabaga.submitCommand(1, draw());
    gl.clearCalls();
    // Mesa re-sends the framebuffer state with every command buffer.
    rutabaga.submitCommand(
      1,
      new VirglEncoder().setFramebufferState(0, [10]).drawVbo({ count: 3, mode: TRIANGLES }).finish(),
    );
    assert.deepEqual(
      gl.calls.filter((c) => c.name === "framebufferTexture"),
      [],
      "the attachments the framebuffer holds are not set again",
    );
    assert.equal(gl.callNames().at(-2), "drawArrays");
    // A surface on another resource at colour buffer 1: buffer 1 attached, buffer 0 left as it is.
    createWithBacking(rutabaga, 3, res({ width: 4, height: 4 }), 64);
    gl.clearCalls();
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createSurface(11, 3, RGBA8)
        .setFramebufferState(0, [10, 11])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const attached = gl.calls.filter((c) => c.name === "framebufferTexture");
    assert.equal(attached.length, 1, "one attachment changed");
    assert.equal(attached[0]!.args[1], GL.COLOR_ATTACHMENT0 + 1);
    assert.notEqual(attached[0]!.args[2], 0);
    // Surface 11 destroyed and its handle made a surface of resource 1, the colour buffers swapped: buffer 0 still
    // shows resource 1 (through another surface: nothing to do), buffer 1 now shows it too.
    gl.clearCalls();
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .destroyObject(VirglObject.Surface, 11)
        .createSurface(11, 1, RGBA8)
        .setFramebufferState(0, [11, 10])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const swapped = gl.calls.filter((c) => c.name === "framebufferTexture");
    assert.equal(swapped.length, 1, "only colour buffer 1 changed");
    assert.equal(swapped[0]!.args[1], GL.COLOR_ATTACHMENT0 + 1);
    assert.notEqual(swapped[0]!.args[2], attached[0]!.args[2], "buffer 1 no longer shows resource 3");
    assert.notEqual(swapped[0]!.args[2], 0);
  } finally {
    rutabaga.destroy();
  }
});

test("a program chosen before is used again only while every input that chose it is the same", () => {
  const { rutabaga, gl } = recordedScene();
  const programs = () => gl.calls.filter((c) => c.name === "useProgram").map((c) => c.args[0] as number);
  const linked = () => gl.callNames().filter((n) => n === "linkProgram").length;
  try {
    rutabaga.submitCommand(1, draw());
    const [first] = programs();
    // A flat-shading rasterizer changes the fragment shader's variant: a new program, not the remembered one.
    gl.clearCalls();
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createRasterizer(40, (1 << 1) | FLATSHADE)
        .bindObject(VirglObject.Rasterizer, 40)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const [flat] = programs();
    assert.equal(linked(), 1, "the flat variant is built");
    assert.notEqual(flat, first);
    // Back to a plain rasterizer object (another handle, equal state): the first program, nothing built.
    gl.clearCalls();
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createRasterizer(41, 1 << 1)
        .bindObject(VirglObject.Rasterizer, 41)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(programs(), [first]);
    assert.equal(linked(), 0);
    // The vertex shader's handle replaced by another shader while bound: its program, never the remembered one.
    gl.clearCalls();
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .destroyObject(VirglObject.Shader, 20)
        .createShader(20, PipeShaderType.Vertex, VS.replace("MOV OUT[0], IN[0]", "ADD OUT[0], IN[0], IN[0]"))
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.equal(linked(), 1, "the new vertex shader's program is built");
    assert.notEqual(programs()[0], first);
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
