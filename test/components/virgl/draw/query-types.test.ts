import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { createWithBacking, res } from "../helpers.ts";
import { makeRecordedVirgl } from "../recording/recorded-virgl.ts";

const R8 = 64;

/** `VIRGL_QUERY_*` as Mesa's virgl driver sends them → the GL target this component runs them on. */
const WIRE_TYPES: readonly [number, number][] = [
  [0, GL.SAMPLES_PASSED],
  [1, GL.ANY_SAMPLES_PASSED],
  [4, GL.TIME_ELAPSED],
  [5, GL.PRIMITIVES_GENERATED],
  [6, GL.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN],
  [11, GL.ANY_SAMPLES_PASSED_CONSERVATIVE],
];

test("query types follow the virgl numbering: begin/end on the GL target, 2 is a timestamp", () => {
  const v = makeRecordedVirgl();
  try {
    createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 256, height: 1 }), 256);
    const e = new VirglEncoder();
    for (const [i, [type]] of WIRE_TYPES.entries()) {
      e.createQuery(40 + i, type, 0, 4, i * 16)
        .beginQuery(40 + i)
        .endQuery(40 + i);
    }
    e.createQuery(60, 2, 0, 4, 128).endQuery(60);
    v.rutabaga.submitCommand(1, e.finish());
    const begun = v.gl.calls.filter((c) => c.name === "beginQuery").map((c) => c.args[0]);
    assert.deepEqual(
      begun,
      WIRE_TYPES.map(([, target]) => target),
    );
    assert.deepEqual(
      v.gl.calls.filter((c) => c.name === "queryCounter").map((c) => c.args[1]),
      [GL.TIMESTAMP],
    );
  } finally {
    v.rutabaga.destroy();
  }
});

test("primitives queries count the vertex stream of their index (0..3); other indices are refused", () => {
  const v = makeRecordedVirgl();
  try {
    createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 64, height: 1 }), 64);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createQuery(40, 5, 2, 4, 0)
        .createQuery(41, 6, 3, 4, 16)
        .createQuery(42, 0, 1, 4, 32)
        .beginQuery(40)
        .beginQuery(41)
        .beginQuery(42)
        .endQuery(40)
        .endQuery(41)
        .endQuery(42)
        .finish(),
    );
    const calls = v.gl.calls.filter((c) => c.name === "beginQuery" || c.name === "endQuery");
    assert.deepEqual(
      calls.map((c) => [c.name, c.args[0], c.name === "beginQuery" ? c.args[2] : c.args[1]]),
      [
        ["beginQuery", GL.PRIMITIVES_GENERATED, 2],
        ["beginQuery", GL.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN, 3],
        ["beginQuery", GL.SAMPLES_PASSED, undefined],
        ["endQuery", GL.PRIMITIVES_GENERATED, 2],
        ["endQuery", GL.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN, 3],
        ["endQuery", GL.SAMPLES_PASSED, undefined],
      ],
    );
    assert.throws(
      () => v.rutabaga.submitCommand(1, new VirglEncoder().createQuery(43, 5, 4, 4, 48).finish()),
      /index 4/,
    );
  } finally {
    v.rutabaga.destroy();
  }
});
