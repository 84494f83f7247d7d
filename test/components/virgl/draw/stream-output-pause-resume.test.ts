import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeShaderType, VirglObject } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { PASS_VS } from "../helpers.ts";
import { createBuffer, recordedScene, TRIANGLES } from "./recorded-scene.ts";

const BIND_STREAM_OUTPUT = 1 << 11;
const GL_TRIANGLES = 0x0004;
const VS = PASS_VS;
/** POSITION captured whole: 4 dwords per vertex into buffer 0. */
const STREAM_OUTPUT = {
  strides: [4, 0, 0, 0],
  outputs: [{ registerIndex: 0, startComponent: 0, numComponents: 4, buffer: 0, dstOffset: 0, stream: 0 }],
};

/** The plain scene drawing with a capturing VS (22); buffers 4 and 5 of 256 bytes; targets 40 (4) and 41 (5). */
function captureScene() {
  const v = recordedScene();
  createBuffer(v, 4, new Uint8Array(256), BIND_STREAM_OUTPUT);
  createBuffer(v, 5, new Uint8Array(192), BIND_STREAM_OUTPUT);
  v.rutabaga.submitCommand(
    1,
    new VirglEncoder()
      .createShader(22, PipeShaderType.Vertex, VS, 0, 0xfff0, STREAM_OUTPUT)
      .bindShader(22, PipeShaderType.Vertex)
      .createStreamoutTarget(40, 4, 0, 256)
      .createStreamoutTarget(41, 5, 0, 192)
      .finish(),
  );
  v.gl.clearCalls();
  return v;
}

const XFB_CALLS =
  /^(bindTransformFeedback|beginTransformFeedback|endTransformFeedback|pause|resume|drawTransformFeedback)/;

test("capture into one target set pauses while another captures, then resumes where it stopped", () => {
  const v = captureScene();
  try {
    const draw = { count: 3, mode: TRIANGLES };
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setStreamoutTargets([40])
        .drawVbo(draw)
        .setStreamoutTargets([])
        .drawVbo(draw)
        .setStreamoutTargets([41])
        .drawVbo(draw)
        .setStreamoutTargets([40])
        .drawVbo(draw)
        .finish(),
    );
    const calls = v.gl.calls.filter((c) => XFB_CALLS.test(c.name)).map((c) => [c.name, ...c.args]);
    const a = calls[0]![1];
    const b = calls[3]![1];
    assert.notEqual(a, b);
    assert.deepEqual(calls, [
      ["bindTransformFeedback", a],
      ["beginTransformFeedback", GL_TRIANGLES],
      ["pauseTransformFeedback"],
      // The draw without targets captures nothing (paused: primitives-written queries do not count it).
      ["bindTransformFeedback", b],
      ["beginTransformFeedback", GL_TRIANGLES],
      ["pauseTransformFeedback"],
      ["bindTransformFeedback", a],
      ["resumeTransformFeedback"],
      ["pauseTransformFeedback"],
    ]);
  } finally {
    v.rutabaga.destroy();
  }
});

test("a draw from stream output finds its source by the buffer size Mesa sends and ends that capture", () => {
  const v = captureScene();
  try {
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setStreamoutTargets([40])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .bindShader(20, PipeShaderType.Vertex)
        .setVertexBuffers([{ stride: 16, offset: 0, resourceId: 4 }])
        .drawVbo({ count: 0, mode: TRIANGLES, countFromSo: 256 })
        .finish(),
    );
    const calls = v.gl.calls.filter((c) => XFB_CALLS.test(c.name)).map((c) => [c.name, ...c.args]);
    const a = calls[0]![1];
    assert.deepEqual(calls.slice(-3), [
      ["bindTransformFeedback", a],
      ["endTransformFeedback"],
      ["drawTransformFeedback", TRIANGLES, a, 1],
    ]);
  } finally {
    v.rutabaga.destroy();
  }
});

test("programs link with no capture bound (GL refuses feedback varyings while a paused capture is bound)", () => {
  const v = captureScene();
  try {
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setStreamoutTargets([40])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .createShader(23, PipeShaderType.Vertex, `${VS}\n`, 0, 0xfff0, STREAM_OUTPUT)
        .bindShader(23, PipeShaderType.Vertex)
        .setStreamoutTargets([41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const names = v.gl.callNames((n) => n === "linkProgram" || n === "bindTransformFeedback");
    const secondLink = names.lastIndexOf("linkProgram");
    assert.equal(names[secondLink - 1], "bindTransformFeedback");
    const unbind = v.gl.calls.filter((c) => c.name === "bindTransformFeedback").at(-2)!;
    assert.deepEqual(unbind.args, [0]);
  } finally {
    v.rutabaga.destroy();
  }
});

test("a capture whose target objects the guest destroyed is ended and its transform feedback object deleted", () => {
  const v = captureScene();
  try {
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setStreamoutTargets([40])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .setStreamoutTargets([])
        .destroyObject(VirglObject.StreamoutTarget, 40)
        .setStreamoutTargets([41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const first = v.gl.calls.find((c) => c.name === "bindTransformFeedback")!.args[0];
    const names = v.gl.calls
      .filter((c) => /TransformFeedback/.test(c.name))
      .map((c) => `${c.name}${c.name === "deleteTransformFeedback" ? `:${c.args[0] === first}` : ""}`);
    const end = names.indexOf("endTransformFeedback");
    const deleted = names.indexOf("deleteTransformFeedback:true");
    assert.ok(end > 0 && deleted > end && deleted < names.lastIndexOf("createTransformFeedback"), names.join(" "));
  } finally {
    v.rutabaga.destroy();
  }
});
