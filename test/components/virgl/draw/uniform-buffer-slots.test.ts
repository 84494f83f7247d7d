import assert from "node:assert/strict";
import { test } from "node:test";
import { type HostGlLimits, queryHostGlLimits } from "../../../../src/components/virgl/caps/caps.ts";
import { uniformBlocksCap } from "../../../../src/components/virgl/caps/draw-limits.ts";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { sysvalBinding, uboBinding } from "../../../../src/components/virgl/tgsi/index.ts";
import { createBuffer, glNameOf, recordedScene, TRIANGLES } from "./recorded-scene.ts";

const BIND_CONSTANT_BUFFER = 1 << 6;

test("UBO slots: 16 binding points per graphics stage, slot 15 the sysval block, compute from 0", () => {
  assert.equal(uboBinding("VERT", 14), 14);
  assert.equal(sysvalBinding("VERT"), 15);
  assert.equal(uboBinding("FRAG", 1), 17);
  assert.equal(uboBinding("TESS_EVAL", 14), 78);
  assert.equal(sysvalBinding("TESS_EVAL"), 79);
  assert.equal(uboBinding("COMP", 0), 0);
  assert.equal(uboBinding("COMP", 14), 14);
});

function limits(perStage: number, bindings: number, glVersion = 45): HostGlLimits {
  const ints = new Map<number, number>([
    [0x8a2b, perStage],
    [0x8a2c, perStage],
    [0x8a2d, perStage],
    [0x8e89, perStage],
    [0x8e8a, perStage],
    [0x8a2f, bindings],
    [0x8b4d, 96],
    [0x8e7d, 32],
    [0x8e7e, 64],
  ]);
  return queryHostGlLimits(new RecordingHostGl({ glVersion, ints }));
}

test("max_uniform_blocks counts the UBOs bound (14 at most) plus the default block, within the host's", () => {
  assert.equal(uniformBlocksCap(limits(15, 90)), 15, "llvmpipe: 14 UBOs");
  assert.equal(uniformBlocksCap(limits(36, 90)), 15, "no more than the emitter binds");
  // Below 15 the default constant buffer is a plain uniform array: every host block holds a UBO.
  assert.equal(uniformBlocksCap(limits(14, 84)), 15, "NVIDIA: 14 UBOs beside the plain constants");
  assert.equal(uniformBlocksCap(limits(12, 90)), 13, "the host's per-stage blocks, all of them UBOs");
  assert.equal(uniformBlocksCap(limits(15, 72)), 15, "72 points hold three stages' ranges (no tessellation)");
  assert.equal(uniformBlocksCap(limits(15, 40)), 0, "binding points for fewer than three stages: none");
});

test("SET_UNIFORM_BUFFER slots 14 (vertex) and 1 (fragment) bind at their stage's binding points", () => {
  const vs =
    "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL CONST[14][0]\n  0: ADD OUT[0], IN[0], CONST[14][0]\n  1: END\n";
  const fs = "FRAG\nDCL OUT[0], COLOR\nDCL CONST[1][0]\n  0: MOV OUT[0], CONST[1][0]\n  1: END\n";
  const v = recordedScene(vs, fs);
  try {
    createBuffer(v, 3, new Uint8Array(64), BIND_CONSTANT_BUFFER);
    const name = glNameOf(v, 3);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setUniformBuffer(PipeShaderType.Vertex, 14, 16, 16, 3)
        .setUniformBuffer(PipeShaderType.Fragment, 1, 32, 16, 3)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const ubos = v.gl.calls
      .filter((c) => c.name === "bindBufferRange" && c.args[0] === GL.UNIFORM_BUFFER)
      .map((c) => c.args.slice(1));
    assert.deepEqual(
      ubos.filter((u) => u[1] === name),
      [
        [14, name, 16, 16],
        [17, name, 32, 16],
      ],
    );
    assert.equal(ubos.length, 15, "vertex slots 1..14 (unset ones read zeros) and fragment slot 1");
    assert.equal(v.gl.callNames((n) => n.startsWith("draw")).length, 1);
  } finally {
    v.rutabaga.destroy();
  }
});

test("a UBO slot past 14 is refused", () => {
  const v = recordedScene();
  try {
    assert.throws(() =>
      v.rutabaga.submitCommand(1, new VirglEncoder().setUniformBuffer(PipeShaderType.Vertex, 15, 0, 16, 2).finish()),
    );
  } finally {
    v.rutabaga.destroy();
  }
});

test("an empty SET_CONSTANT_BUFFER of slots 1..14 (how Mesa unbinds a UBO) clears the slot; it then reads zeros", () => {
  const vs = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL CONST[2][0]\n  0: ADD OUT[0], IN[0], CONST[2][0]\n  1: END\n";
  const v = recordedScene(vs);
  try {
    createBuffer(v, 3, new Uint8Array(64), BIND_CONSTANT_BUFFER);
    const name = glNameOf(v, 3);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setUniformBuffer(PipeShaderType.Vertex, 2, 0, 16, 3)
        .setConstantBuffer(PipeShaderType.Vertex, 2, [])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const slot2 = v.gl.calls.filter((c) => c.name === "bindBufferRange" && c.args[1] === 2);
    assert.equal(slot2.length, 1);
    assert.notEqual(slot2[0]!.args[2], name);
    assert.equal(v.component.context(1)!.unsupported.size, 0);
  } finally {
    v.rutabaga.destroy();
  }
});
