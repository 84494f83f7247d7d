import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { createBuffer, glNameOf, recordedScene, TRIANGLES } from "./recorded-scene.ts";

const BIND_COMMAND_ARGS = 1 << 21;
const BIND_INDEX_BUFFER = 1 << 5;
const u32 = (...w: number[]) => new Uint8Array(Uint32Array.from(w).buffer);

function drawCalls(v: ReturnType<typeof recordedScene>) {
  return v.gl.calls
    .filter((c) => /^(draw|multiDraw|bindDrawIndirect|bindParameter)/.test(c.name))
    .map((c) => [c.name, ...c.args]);
}

test("an indirect draw of arrays reads its record at the offset through the host's indirect call", () => {
  const v = recordedScene();
  try {
    createBuffer(v, 5, u32(0, 0, 3, 1, 0, 0), BIND_COMMAND_ARGS);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .drawVbo({ count: 0, mode: TRIANGLES, indirectHandle: 5, indirectOffset: 8, indirectDrawCount: 1 })
        .finish(),
    );
    assert.deepEqual(drawCalls(v), [
      ["bindDrawIndirectBuffer", glNameOf(v, 5)],
      ["drawArraysIndirect", TRIANGLES, 8],
    ]);
  } finally {
    v.rutabaga.destroy();
  }
});

test("indirect records that fetch past a vertex buffer, or lie past their own buffer, are refused before drawing", () => {
  const v = recordedScene();
  try {
    createBuffer(v, 5, u32(3, 1, 1, 0, 4, 1, 0, 0), BIND_COMMAND_ARGS);
    const draw = (over: Parameters<VirglEncoder["drawVbo"]>[0]) => () =>
      v.rutabaga.submitCommand(1, new VirglEncoder().drawVbo(over).finish());
    assert.throws(draw({ count: 0, mode: TRIANGLES, indirectHandle: 5, indirectDrawCount: 1 }), /vertex buffer/);
    assert.throws(
      draw({ count: 0, mode: TRIANGLES, indirectHandle: 5, indirectOffset: 16, indirectDrawCount: 1 }),
      /vertex buffer/,
    );
    assert.throws(
      draw({ count: 0, mode: TRIANGLES, indirectHandle: 5, indirectOffset: 20, indirectDrawCount: 1 }),
      /byte/,
    );
    assert.throws(draw({ count: 0, mode: TRIANGLES, indirectHandle: 5, indirectDrawCount: 3 }), /records/);
    assert.throws(
      draw({ count: 0, mode: TRIANGLES, indirectHandle: 2, indirectOffset: 2, indirectDrawCount: 1 }),
      /aligned/,
    );
    assert.deepEqual(drawCalls(v), []);
  } finally {
    v.rutabaga.destroy();
  }
});

test("multi-draw indirect with a stride and a draw count buffer: the host's count draw, else the count read back", () => {
  for (const indirectParameters of [true, false]) {
    const v = recordedScene(undefined, undefined, { features: { indirectParameters, textureBarrier: false } });
    try {
      // Two 3-vertex records 32 bytes apart, then garbage the count (2) keeps out of reach.
      createBuffer(v, 5, u32(3, 1, 0, 0, 9, 9, 9, 9, 3, 2, 0, 0, 9, 9, 9, 9, 99, 1, 99, 0), BIND_COMMAND_ARGS);
      createBuffer(v, 6, u32(7, 2), BIND_COMMAND_ARGS);
      v.rutabaga.submitCommand(
        1,
        new VirglEncoder()
          .drawVbo({
            count: 0,
            mode: TRIANGLES,
            indirectHandle: 5,
            indirectStride: 32,
            indirectDrawCount: 2,
            indirectDrawCountHandle: 6,
            indirectDrawCountOffset: 4,
          })
          .finish(),
      );
      const name = glNameOf(v, 5);
      assert.deepEqual(
        drawCalls(v),
        indirectParameters
          ? [
              ["bindDrawIndirectBuffer", name],
              ["bindParameterBuffer", glNameOf(v, 6)],
              ["multiDrawArraysIndirectCount", TRIANGLES, 0, 4, 2, 32],
            ]
          : [
              ["bindDrawIndirectBuffer", name],
              ["multiDrawArraysIndirect", TRIANGLES, 0, 2, 32],
            ],
      );
    } finally {
      v.rutabaga.destroy();
    }
  }
});

test("an indexed indirect draw checks each record's indices and draws with the element buffer's type", () => {
  const v = recordedScene();
  try {
    createBuffer(v, 3, new Uint8Array([0, 1, 2, 2, 1, 7]), BIND_INDEX_BUFFER);
    createBuffer(v, 5, u32(3, 1, 0, 0, 0, 3, 1, 3, 0, 0), BIND_COMMAND_ARGS);
    const draw = (offset: number) =>
      new VirglEncoder()
        .setIndexBuffer(3, 1, 0)
        .drawVbo({
          count: 0,
          mode: TRIANGLES,
          indexed: true,
          indirectHandle: 5,
          indirectOffset: offset,
          indirectDrawCount: 1,
        })
        .finish();
    v.rutabaga.submitCommand(1, draw(0));
    assert.deepEqual(drawCalls(v), [
      ["bindDrawIndirectBuffer", glNameOf(v, 5)],
      ["drawElementsIndirect", TRIANGLES, GL.UNSIGNED_BYTE, 0],
    ]);
    assert.throws(() => v.rutabaga.submitCommand(1, draw(20)), /vertex buffer/, "index 7 is past the 3 vertices");
  } finally {
    v.rutabaga.destroy();
  }
});

test("records far apart are read one by one into packed scratch", () => {
  const v = recordedScene();
  try {
    const stride = 2 << 20;
    const data = new Uint32Array((stride + 16) / 4);
    data.set([3, 1, 0, 0]);
    data.set([3, 1, 0, 0], stride / 4);
    createBuffer(v, 5, new Uint8Array(data.buffer), BIND_COMMAND_ARGS);
    v.gl.clearCalls();
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .drawVbo({ count: 0, mode: TRIANGLES, indirectHandle: 5, indirectStride: stride, indirectDrawCount: 2 })
        .finish(),
    );
    const reads = v.gl.calls.filter((c) => c.name === "getBufferSubData" && c.args[0] === glNameOf(v, 5));
    assert.deepEqual(
      reads.map((c) => c.args.slice(1)),
      [
        [0, 16],
        [stride, 16],
      ],
    );
    assert.deepEqual(drawCalls(v).at(-1), ["multiDrawArraysIndirect", TRIANGLES, 0, 2, stride]);
  } finally {
    v.rutabaga.destroy();
  }
});

test("indexed indirect records reading more than 2^28 indices in all are refused before any is read", () => {
  const v = recordedScene();
  try {
    createBuffer(v, 3, new Uint8Array(8), BIND_INDEX_BUFFER);
    const big = 1 << 27;
    createBuffer(v, 5, u32(big, 1, 0, 0, 0, big, 1, 0, 0, 0, 1, 1, 0, 0, 0), BIND_COMMAND_ARGS);
    v.gl.clearCalls();
    const e = new VirglEncoder()
      .setIndexBuffer(3, 1, 0)
      .drawVbo({ count: 0, mode: TRIANGLES, indexed: true, indirectHandle: 5, indirectDrawCount: 3 });
    assert.throws(() => v.rutabaga.submitCommand(1, e.finish()), /more than 268435456/);
    assert.equal(v.gl.calls.filter((c) => c.name === "getBufferSubData" && c.args[0] === glNameOf(v, 3)).length, 0);
  } finally {
    v.rutabaga.destroy();
  }
});
