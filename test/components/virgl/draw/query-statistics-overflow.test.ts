import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { createWithBacking, res } from "../helpers.ts";
import { makeRecordedVirgl } from "../recording/recorded-virgl.ts";

const R8 = 64;
const PIPELINE_STATISTICS = 10;
const SO_OVERFLOW_PREDICATE = 8;
const SO_OVERFLOW_ANY_PREDICATE = 12;

/** `VIRGL_STAT_QUERY_*` index → ARB_pipeline_statistics_query target. */
const STATISTICS: readonly number[] = [
  0x82ee, // VERTICES_SUBMITTED
  0x82ef, // PRIMITIVES_SUBMITTED
  0x82f0, // VERTEX_SHADER_INVOCATIONS
  0x887f, // GEOMETRY_SHADER_INVOCATIONS
  0x82f3, // GEOMETRY_SHADER_PRIMITIVES_EMITTED
  0x82f6, // CLIPPING_INPUT_PRIMITIVES
  0x82f7, // CLIPPING_OUTPUT_PRIMITIVES
  0x82f4, // FRAGMENT_SHADER_INVOCATIONS
  0x82f1, // TESS_CONTROL_SHADER_PATCHES
  0x82f2, // TESS_EVALUATION_SHADER_INVOCATIONS
  0x82f5, // COMPUTE_SHADER_INVOCATIONS
];

test("pipeline statistics queries run on the statistic their index names; index 11 is refused", () => {
  const v = makeRecordedVirgl();
  try {
    createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 256, height: 1 }), 256);
    const e = new VirglEncoder();
    for (let i = 0; i < STATISTICS.length; i++) e.createQuery(40 + i, PIPELINE_STATISTICS, i, 4, i * 16);
    for (let i = 0; i < STATISTICS.length; i++) e.beginQuery(40 + i).endQuery(40 + i);
    v.rutabaga.submitCommand(1, e.finish());
    const begun = v.gl.calls.filter((c) => c.name === "beginQuery");
    assert.deepEqual(
      begun.map((c) => c.args[0]),
      STATISTICS,
    );
    assert.ok(
      begun.every((c) => c.args.length === 2),
      "not indexed",
    );
    assert.throws(
      () => v.rutabaga.submitCommand(1, new VirglEncoder().createQuery(60, PIPELINE_STATISTICS, 11, 4, 0).finish()),
      /index 11/,
    );
  } finally {
    v.rutabaga.destroy();
  }
});

test("a statistic's 64-bit result lands in the host query state with result size 8", () => {
  const v = makeRecordedVirgl();
  try {
    const backing = createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 32, height: 1 }), 32);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder().createQuery(40, PIPELINE_STATISTICS, 7, 4, 16).beginQuery(40).endQuery(40).finish(),
    );
    const query = v.gl.calls.find((c) => c.name === "beginQuery")!.args[1] as number;
    v.gl.setQueryResult(query, 0x1_0000_0002n);
    v.rutabaga.submitCommand(1, new VirglEncoder().getQueryResult(40, false).finish());
    const state = new DataView(backing.buffer, 16, 16);
    assert.equal(state.getUint32(0, true), 1);
    assert.equal(state.getUint32(4, true), 8);
    assert.equal(state.getBigUint64(8, true), 0x1_0000_0002n);
  } finally {
    v.rutabaga.destroy();
  }
});

test("stream-output overflow predicates: one stream by index, any stream unindexed; stream 4 is refused", () => {
  const v = makeRecordedVirgl();
  try {
    createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 64, height: 1 }), 64);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createQuery(40, SO_OVERFLOW_PREDICATE, 2, 4, 0)
        .createQuery(41, SO_OVERFLOW_ANY_PREDICATE, 0, 4, 16)
        .beginQuery(40)
        .beginQuery(41)
        .endQuery(40)
        .endQuery(41)
        .finish(),
    );
    const calls = v.gl.calls.filter((c) => c.name === "beginQuery" || c.name === "endQuery");
    assert.deepEqual(
      calls.map((c) => [c.name, c.args[0], c.name === "beginQuery" ? c.args[2] : c.args[1]]),
      [
        ["beginQuery", 0x82ed, 2],
        ["beginQuery", 0x82ec, undefined],
        ["endQuery", 0x82ed, 2],
        ["endQuery", 0x82ec, undefined],
      ],
    );
    assert.throws(
      () => v.rutabaga.submitCommand(1, new VirglEncoder().createQuery(43, SO_OVERFLOW_PREDICATE, 4, 4, 32).finish()),
      /index 4/,
    );
  } finally {
    v.rutabaga.destroy();
  }
});
