import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { PipeShaderType, VirglCmd } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { createWithBacking, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

// LAUNCH_GRID on the recording host GL: the compute program, its shader buffers, images and counters bound at the
// binding contract's units, and the dispatch.

const R8 = 64;
const RGBA32F = 31;
const BUFFER_BIND = 1 << 12;
const CS = `COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 4
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL BUFFER[0]
DCL BUFFER[1]
DCL IMAGE[0], 2D, PIPE_FORMAT_R32G32B32A32_FLOAT, WR
DCL HWATOMIC[2][0..1]
DCL MEMORY[0], SHARED
DCL TEMP[0]
IMM[0] UINT32 {4, 1, 0, 0}
  0: UMUL TEMP[0].x, SV[0].xxxx, IMM[0].xxxx
  1: STORE MEMORY[0].x, TEMP[0].xxxx, SV[0].xxxx
  2: STORE BUFFER[1].x, TEMP[0].xxxx, SV[0].xxxx
  3: ATOMUADD TEMP[0].x, HWATOMIC[2][1], IMM[0].zzzz, IMM[0].yyyy
  4: STORE IMAGE[0], IMM[0].zzzz, TEMP[0], 2D, PIPE_FORMAT_R32G32B32A32_FLOAT
  5: END
`;

/** A recorded context with buffers 1 (64 bytes), 2 (indirect, 16 bytes), 3 (counters) and texture 4 (2 levels). */
function scene() {
  const v = makeRecordedVirgl({ indexedInts: new Map([[GL.MAX_COMPUTE_WORK_GROUP_COUNT, [8, 8, 8]]]) });
  const buffer = (id: number, bytes: number) =>
    createWithBacking(
      v.rutabaga,
      id,
      res({ target: 0, format: R8, bind: BUFFER_BIND, width: bytes, height: 1 }),
      bytes,
    );
  buffer(1, 64);
  buffer(2, 16);
  buffer(3, 16);
  createWithBacking(v.rutabaga, 4, res({ format: RGBA32F, width: 4, height: 4, lastLevel: 1 }), 256);
  const e = new VirglEncoder()
    .createShader(50, PipeShaderType.Compute, CS, 0, 0xfff0, undefined, 64)
    .bindShader(50, PipeShaderType.Compute)
    .raw(VirglCmd.SetShaderBuffers, 0, [PipeShaderType.Compute, 1, 16, 32, 1])
    // The level word carries junk above its low 8 bits, as Mesa's image views do.
    .raw(VirglCmd.SetShaderImages, 0, [PipeShaderType.Compute, 0, RGBA32F, 3, 0, 0x7f01, 4])
    .raw(VirglCmd.SetAtomicBuffers, 0, [2, 0, 8, 3]);
  v.rutabaga.submitCommand(1, e.finish());
  v.gl.clearCalls();
  return v;
}

const launch = (grid: readonly number[], indirect = 0, offset = 0) =>
  new VirglEncoder().raw(VirglCmd.LaunchGrid, 0, [4, 1, 1, ...grid, indirect, offset]).finish();

test("a dispatch builds the compute program alone, with the shared memory its CREATE_OBJECT asked for", () => {
  const { rutabaga, gl } = scene();
  try {
    rutabaga.submitCommand(1, launch([2, 3, 1]));
    const compile = gl.calls.find((c) => c.name === "compileShader")!;
    assert.equal(compile.args[0], GL.COMPUTE_SHADER);
    assert.match(String(compile.args[1]), /shared uint cs_shared\[16\];/);
    assert.deepEqual(gl.calls.find((c) => c.name === "linkProgram")!.args[1], []);
    assert.deepEqual(gl.calls.filter((c) => c.name === "dispatchCompute")[0]!.args, [2, 3, 1]);
  } finally {
    rutabaga.destroy();
  }
});

test("a dispatch binds the declared buffers, counters and images at the compute units before it runs", () => {
  const { rutabaga, gl } = scene();
  try {
    rutabaga.submitCommand(1, launch([1, 1, 1]));
    const names = gl.callNames();
    const at = (name: string) => names.indexOf(name);
    const ranges = gl.calls.filter((c) => c.name === "bindBufferRange").map((c) => c.args);
    const ssbo = ranges.filter((a) => a[0] === GL.SHADER_STORAGE_BUFFER);
    // Slot 0 was left unbound: the zeroed scratch buffer stands in; slot 1 is the guest's range of resource 1.
    assert.equal(ssbo.length, 2);
    assert.equal(ssbo[0]![1], 0);
    assert.deepEqual(ssbo[1]!.slice(1, 2), [1]);
    assert.deepEqual(ssbo[1]!.slice(3), [16, 32]);
    const counters = ranges.filter((a) => a[0] === GL.ATOMIC_COUNTER_BUFFER);
    assert.deepEqual(
      counters.map((a) => [a[1], a[3], a[4]]),
      [[2, 0, 8]],
    );
    const image = gl.calls.find((c) => c.name === "bindImageTexture")!.args;
    // Unit 0, level 1 (low 8 bits), one layer of a 2D texture: bound layered (GL ignores the layer), read-write.
    assert.equal(image[0], 0);
    assert.equal(image[2], 1);
    assert.equal(image[5], GL.READ_WRITE);
    assert.equal(image[6], 0x8814 /* GL_RGBA32F */);
    assert.ok(at("useProgram") < at("bindImageTexture") && at("bindImageTexture") < at("dispatchCompute"));
  } finally {
    rutabaga.destroy();
  }
});

test("an indirect dispatch reads its counts from the buffer and refuses counts past the host limit", () => {
  const { rutabaga, gl } = scene();
  try {
    rutabaga.transferWrite(
      1,
      2,
      { x: 0, y: 0, z: 0, w: 16, h: 1, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 },
      new Uint8Array(Uint32Array.of(0, 5, 6, 7).buffer),
    );
    rutabaga.submitCommand(1, launch([0, 0, 0], 2, 4));
    assert.deepEqual(gl.calls.filter((c) => c.name === "dispatchCompute")[0]!.args, [5, 6, 7]);
    assert.throws(() => rutabaga.submitCommand(1, launch([0, 0, 0], 2, 8)), /indirect dispatch at 8/);
    assert.throws(() => rutabaga.submitCommand(1, launch([9, 1, 1])), /work-group count 9 above the host's 8/);
  } finally {
    rutabaga.destroy();
  }
});

test("an empty grid builds the program but dispatches nothing", () => {
  const { rutabaga, gl } = scene();
  try {
    rutabaga.submitCommand(1, launch([0, 1, 1]));
    assert.ok(gl.callNames().includes("linkProgram"));
    assert.ok(!gl.callNames().includes("dispatchCompute"));
  } finally {
    rutabaga.destroy();
  }
});

test("reading a resource back after a dispatch orders the shader writes first, in the writing context", () => {
  const { rutabaga, gl } = scene();
  try {
    rutabaga.submitCommand(1, launch([1, 1, 1]));
    gl.clearCalls();
    const out = new Uint8Array(64);
    rutabaga.transferRead(
      1,
      1,
      { x: 0, y: 0, z: 0, w: 64, h: 1, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 },
      out,
    );
    const names = gl.callNames();
    assert.ok(names.indexOf("memoryBarrier") < names.indexOf("finish"));
    assert.ok(names.indexOf("finish") < names.indexOf("getBufferSubData"));
    gl.clearCalls();
    rutabaga.transferRead(
      1,
      1,
      { x: 0, y: 0, z: 0, w: 64, h: 1, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 },
      out,
    );
    assert.ok(!gl.callNames().includes("finish"), "settled once");
  } finally {
    rutabaga.destroy();
  }
});

test("a buffer image binds a texture buffer over the view's byte range, made once per buffer, format and range", () => {
  const { rutabaga, gl } = scene();
  try {
    const cs = `COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 1
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL IMAGE[0], BUFFER, PIPE_FORMAT_R32G32B32A32_FLOAT, WR
IMM[0] UINT32 {0, 0, 0, 0}
  0: STORE IMAGE[0], IMM[0], IMM[0], BUFFER, PIPE_FORMAT_R32G32B32A32_FLOAT
  1: END
`;
    const e = new VirglEncoder()
      .createShader(51, PipeShaderType.Compute, cs)
      .bindShader(51, PipeShaderType.Compute)
      .raw(VirglCmd.SetShaderImages, 0, [PipeShaderType.Compute, 0, RGBA32F, 2, 16, 32, 1])
      .raw(VirglCmd.LaunchGrid, 0, [1, 1, 1, 1, 1, 1, 0, 0])
      .raw(VirglCmd.LaunchGrid, 0, [1, 1, 1, 1, 1, 1, 0, 0]);
    rutabaga.submitCommand(1, e.finish());
    const tbo = gl.calls.filter((c) => c.name === "textureBufferRange").map((c) => c.args.slice(1));
    assert.equal(tbo.length, 1);
    assert.deepEqual([tbo[0]![0], tbo[0]![2], tbo[0]![3]], [0x8814, 16, 32]);
    const images = gl.calls.filter((c) => c.name === "bindImageTexture").map((c) => c.args);
    assert.equal(images.length, 2);
    assert.deepEqual([images[0]![0], images[0]![2], images[0]![3], images[0]![5]], [0, 0, true, GL.WRITE_ONLY]);
    assert.notEqual(images[0]![1], 0);
  } finally {
    rutabaga.destroy();
  }
});
