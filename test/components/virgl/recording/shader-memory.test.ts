import assert from "node:assert/strict";
import { test } from "node:test";
import { glBarrierBits } from "../../../../src/components/virgl/execute/memory.ts";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { PipeShaderType, VirglCmd } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { shaderBufferBinding } from "../../../../src/components/virgl/tgsi/index.ts";
import { transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, RGBA8, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

// Shader buffers, images and counters of draw stages, bound from the renderer's per-stage loop, and the setters'
// and barriers' checks.

const R8 = 64;
const RGBA32F = 31;
const BUFFER_BIND = 1 << 12;
const TRIANGLES = 4;
const VS = `VERT
DCL IN[0]
DCL OUT[0], POSITION
DCL BUFFER[0]
IMM[0] UINT32 {0, 1, 0, 0}
  0: MOV OUT[0], IN[0]
  1: ATOMUADD TEMP[0].x, BUFFER[0], IMM[0].xxxx, IMM[0].yyyy
  2: END
`.replace("DCL BUFFER[0]", "DCL BUFFER[0]\nDCL TEMP[0]");
const FS = `FRAG
DCL OUT[0], COLOR
DCL BUFFER[0]
DCL IMAGE[1], 2D_ARRAY, PIPE_FORMAT_R32G32B32A32_FLOAT, WR
DCL HWATOMIC[0][0]
DCL TEMP[0]
IMM[0] UINT32 {0, 1, 0, 0}
IMM[1] FLT32 { 0.0, 1.0, 0.0, 1.0 }
  0: STORE BUFFER[0].x, IMM[0].xxxx, IMM[0].yyyy
  1: ATOMUADD TEMP[0].x, HWATOMIC[0][0], IMM[0].xxxx, IMM[0].yyyy
  2: STORE IMAGE[1], IMM[0].xxxx, IMM[1], 2D_ARRAY, PIPE_FORMAT_R32G32B32A32_FLOAT
  3: MOV OUT[0], IMM[1]
  4: END
`;

/** A 4×4 target (1), a vertex buffer (2), SSBOs 3 and 4, a 2-layer array texture 5 and the pipeline bound. */
function scene() {
  const v = makeRecordedVirgl();
  createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  const buffer = (id: number, bytes: number, bind = BUFFER_BIND) =>
    createWithBacking(v.rutabaga, id, res({ target: 0, format: R8, bind, width: bytes, height: 1 }), bytes);
  const vb = buffer(2, 48, 1 << 4);
  vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  v.rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
  buffer(3, 64);
  buffer(4, 64);
  createWithBacking(v.rutabaga, 5, res({ target: 7, format: RGBA32F, width: 4, height: 4, arraySize: 2 }), 512);
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, VS)
      .createShader(21, PipeShaderType.Fragment, FS)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment),
  )
    .raw(VirglCmd.SetShaderBuffers, 0, [PipeShaderType.Vertex, 0, 0, 64, 3])
    .raw(VirglCmd.SetShaderBuffers, 0, [PipeShaderType.Fragment, 0, 16, 48, 4])
    // Layer 1 alone of the array texture (first = last = 1).
    .raw(VirglCmd.SetShaderImages, 0, [PipeShaderType.Fragment, 1, RGBA32F, 2, 1 | (1 << 16), 0, 5])
    .raw(VirglCmd.SetAtomicBuffers, 0, [0, 0, 4, 3]);
  v.rutabaga.submitCommand(1, setup.finish());
  v.gl.clearCalls();
  return v;
}

test("a draw binds each stage's shader buffers in its own range, its images and the shared counter buffers", () => {
  const { rutabaga, gl } = scene();
  try {
    rutabaga.submitCommand(1, new VirglEncoder().drawVbo({ count: 3, mode: TRIANGLES }).finish());
    const ranges = gl.calls.filter((c) => c.name === "bindBufferRange").map((c) => c.args);
    const ssbo = ranges.filter((a) => a[0] === GL.SHADER_STORAGE_BUFFER).map((a) => [a[1], a[3], a[4]]);
    assert.deepEqual(ssbo, [
      [shaderBufferBinding("VERT", 0), 0, 64],
      [shaderBufferBinding("FRAG", 0), 16, 48],
    ]);
    assert.deepEqual([shaderBufferBinding("FRAG", 0), shaderBufferBinding("VERT", 0)], [0, 16]);
    const counters = ranges.filter((a) => a[0] === GL.ATOMIC_COUNTER_BUFFER).map((a) => [a[1], a[3], a[4]]);
    assert.deepEqual(counters, [[0, 0, 4]]);
    const images = gl.calls.filter((c) => c.name === "bindImageTexture").map((c) => c.args);
    // FS image slot 0 (declared below slot 1) is left empty; slot 1 binds layer 1 alone, write-only.
    assert.equal(images.length, 2);
    assert.equal(images[0]![0], 0);
    assert.equal(images[0]![1], 0);
    assert.deepEqual([images[1]![0], images[1]![3], images[1]![4], images[1]![5]], [1, false, 1, GL.WRITE_ONLY]);
    const names = gl.callNames();
    assert.ok(names.lastIndexOf("bindImageTexture") < names.indexOf("drawArrays"));
  } finally {
    rutabaga.destroy();
  }
});

test("shader buffer and image slots past ours may only be cleared", () => {
  const { rutabaga } = scene();
  try {
    const clear32 = Array.from({ length: 32 }, () => [0, 0, 0]).flat();
    rutabaga.submitCommand(1, new VirglEncoder().raw(VirglCmd.SetShaderBuffers, 0, [1, 0, ...clear32]).finish());
    assert.throws(
      () => rutabaga.submitCommand(1, new VirglEncoder().raw(VirglCmd.SetShaderBuffers, 0, [1, 16, 0, 4, 3]).finish()),
      /shader buffer slot 16/,
    );
    assert.throws(
      () => rutabaga.submitCommand(1, new VirglEncoder().raw(VirglCmd.SetAtomicBuffers, 0, [20, 0, 4, 3]).finish()),
      /atomic buffer slot 20/,
    );
  } finally {
    rutabaga.destroy();
  }
});

test("MEMORY_BARRIER maps Gallium's flags to GL's barrier bits; TEXTURE_BARRIER calls glTextureBarrier", () => {
  assert.equal(glBarrierBits(1 << 1), 0x2000 | 0x1000);
  assert.equal(glBarrierBits(1 << 8), 0x20);
  assert.equal(glBarrierBits(1 << 20), GL.ALL_BARRIER_BITS);
  const { rutabaga, gl } = scene();
  try {
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .raw(VirglCmd.MemoryBarrier, 0, [0x37ff])
        .raw(VirglCmd.MemoryBarrier, 0, [0])
        .raw(VirglCmd.TextureBarrier, 0, [0])
        .finish(),
    );
    const barriers = gl.calls.filter((c) => c.name === "memoryBarrier").map((c) => c.args[0]);
    assert.equal(barriers.length, 1);
    assert.equal(barriers[0], 0xffef);
    assert.ok(gl.callNames().includes("textureBarrier"));
  } finally {
    rutabaga.destroy();
  }
});
