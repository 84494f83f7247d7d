import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { RutabagaFenceFlags, transfer2d } from "../../../src/index.ts";
import {
  bindPlainPipeline,
  CONST_COLOR_FS,
  createWithBacking,
  fullScreenTriangle,
  makeVirgl,
  PASS_VS,
  RGBA8,
  readPixels4x4,
  res,
  TRIANGLES,
} from "./helpers.ts";

// virgl_hw.h / p_defines.h values typed here: VIRGL_BIND_INDEX_BUFFER, PIPE_QUERY_OCCLUSION_COUNTER,
// VIRGL_FORMAT_R8_UNORM.
const BIND_INDEX_BUFFER = 1 << 5;
const OCCLUSION_COUNTER = 0;
const R8 = 64;

/** A 4×4 RGBA8 target (resource 1), a vertex buffer (2) with one triangle over the whole target, state bound. */
function scene() {
  const v = makeVirgl();
  const target = createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  fullScreenTriangle(v.rutabaga);
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, PASS_VS)
      .createShader(21, PipeShaderType.Fragment, CONST_COLOR_FS)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment),
  ).clear(PipeClear.Color0, [1, 0, 0, 1]);
  v.rutabaga.submitCommand(1, setup.finish());
  return { ...v, target };
}

const pixels = readPixels4x4;

test("DRAW_VBO runs the translated shaders over the bound state and colours every covered pixel", () => {
  const { rutabaga, target, component } = scene();
  try {
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setConstantBuffer(PipeShaderType.Fragment, 0, [0, 1, 0, 1])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(rutabaga, target), new Array(16).fill([0, 255, 0, 255]));
    // New constants reach the next draw.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setConstantBuffer(PipeShaderType.Fragment, 0, [0, 0, 1, 1])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(rutabaga, target), new Array(16).fill([0, 0, 255, 255]));
    assert.equal(component.context(1)!.unsupported.size, 0);
  } finally {
    rutabaga.destroy();
  }
});

test("indexed DRAW_VBO reads its indices at the index buffer's offset; a bad one is refused", () => {
  const { rutabaga, target } = scene();
  try {
    const ib = createWithBacking(
      rutabaga,
      3,
      res({ target: 0, format: R8, bind: BIND_INDEX_BUFFER, width: 8, height: 1 }),
      8,
    );
    ib.set([9, 9, 9, 9, 9, 0, 1, 2]);
    rutabaga.transferWrite(1, 3, transfer2d(0, 0, 8, 1));
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setConstantBuffer(PipeShaderType.Fragment, 0, [1, 1, 0, 1])
        .setIndexBuffer(3, 1, 5)
        .drawVbo({ count: 3, mode: TRIANGLES, indexed: true, start: 5 })
        .finish(),
    );
    assert.deepEqual(pixels(rutabaga, target), new Array(16).fill([255, 255, 0, 255]));
    assert.throws(
      () =>
        rutabaga.submitCommand(
          1,
          new VirglEncoder().setIndexBuffer(3, 1, 6).drawVbo({ count: 3, mode: TRIANGLES, indexed: true }).finish(),
        ),
      /past the 8-byte index buffer/,
    );
  } finally {
    rutabaga.destroy();
  }
});

test("an occlusion query's result is written DONE into its resource for the guest to read", () => {
  const { rutabaga } = scene();
  try {
    const result = createWithBacking(rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 16, height: 1 }), 16);
    const view = new DataView(result.buffer);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createQuery(40, OCCLUSION_COUNTER, 0, 4)
        .beginQuery(40)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .endQuery(40)
        .getQueryResult(40, false)
        .finish(),
    );
    // A result the GL does not have yet is written by the time the next fence signals (Mesa waits for the buffer).
    rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 1n, ctxId: 0, ringIdx: 0 });
    // struct virgl_host_query_state: query_state (VIRGL_QUERY_STATE_DONE = 1), result_size, result.
    assert.equal(view.getUint32(0, true), 1);
    assert.equal(view.getUint32(4, true), 4);
    assert.equal(view.getBigUint64(8, true), 16n, "4×4 samples passed");
  } finally {
    rutabaga.destroy();
  }
});

test("a waiting GET_QUERY_RESULT is written by the time the fence after it signals", () => {
  const { rutabaga, fences } = scene();
  try {
    const result = createWithBacking(rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 16, height: 1 }), 16);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createQuery(40, OCCLUSION_COUNTER, 0, 4)
        .beginQuery(40)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .endQuery(40)
        .getQueryResult(40, true)
        .finish(),
    );
    rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 1n, ctxId: 0, ringIdx: 0 });
    assert.equal(fences.length, 1);
    const view = new DataView(result.buffer);
    assert.equal(view.getUint32(0, true), 1);
    assert.equal(view.getBigUint64(8, true), 16n);
  } finally {
    rutabaga.destroy();
  }
});

test("a draw that would read past a bound vertex buffer is refused; draws inside it still run", () => {
  const { rutabaga, target } = scene();
  try {
    const ib = createWithBacking(
      rutabaga,
      3,
      res({ target: 0, format: R8, bind: BIND_INDEX_BUFFER, width: 8, height: 1 }),
      8,
    );
    // The 48-byte vertex buffer holds vertices 0..2; index 3 and a bias of 1 over index 2 reach vertex 3.
    ib.set([0, 1, 3, 3, 0, 1, 2, 0]);
    rutabaga.transferWrite(1, 3, transfer2d(0, 0, 8, 1));
    const refused = (e: VirglEncoder) => assert.throws(() => rutabaga.submitCommand(1, e.finish()), /vertex buffer/);
    refused(new VirglEncoder().drawVbo({ count: 4, mode: TRIANGLES }));
    refused(new VirglEncoder().drawVbo({ start: 1, count: 3, mode: TRIANGLES }));
    refused(new VirglEncoder().setIndexBuffer(3, 1, 0).drawVbo({ count: 3, mode: TRIANGLES, indexed: true }));
    refused(
      new VirglEncoder().setIndexBuffer(3, 1, 5).drawVbo({ count: 3, mode: TRIANGLES, indexed: true, indexBias: 1 }),
    );
    // Primitive restart's index is not a vertex.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setConstantBuffer(PipeShaderType.Fragment, 0, [0, 1, 1, 1])
        .setIndexBuffer(3, 1, 3)
        .drawVbo({ count: 4, mode: TRIANGLES, indexed: true, primitiveRestart: true, restartIndex: 3 })
        .finish(),
    );
    assert.deepEqual(pixels(rutabaga, target), new Array(16).fill([0, 255, 255, 255]));
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setConstantBuffer(PipeShaderType.Fragment, 0, [1, 0, 1, 1])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(rutabaga, target), new Array(16).fill([255, 0, 255, 255]));
  } finally {
    rutabaga.destroy();
  }
});

test("a buffer sampler view is fetched as a GL texture buffer over its element range", () => {
  const { rutabaga, target } = scene();
  try {
    // Eight RGBA8 texels: 0..3 red, 4..7 green; the view starts at element 4 (16 bytes, the host's alignment or a
    // multiple of it on llvmpipe).
    const tb = createWithBacking(rutabaga, 4, res({ target: 0, format: R8, bind: 1 << 3, width: 32, height: 1 }), 32);
    for (let i = 0; i < 8; i++) tb.set(i < 4 ? [255, 0, 0, 255] : [0, 255, 0, 255], i * 4);
    rutabaga.transferWrite(1, 4, transfer2d(0, 0, 32, 1));
    const fs =
      "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], BUFFER, FLOAT\n" +
      "IMM[0] INT32 {1, 0, 0, 0}\n  0: TXF OUT[0], IMM[0].xxxx, SAMP[0], BUFFER\n  1: END\n";
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createShader(22, PipeShaderType.Fragment, fs)
        .bindShader(22, PipeShaderType.Fragment)
        .createBufferSamplerView(40, 4, RGBA8, 4, 7)
        .setSamplerViews(PipeShaderType.Fragment, 0, [40])
        .createSamplerState(41, 0)
        .bindSamplerStates(PipeShaderType.Fragment, 0, [41])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(rutabaga, target), new Array(16).fill([0, 255, 0, 255]));
  } finally {
    rutabaga.destroy();
  }
});
