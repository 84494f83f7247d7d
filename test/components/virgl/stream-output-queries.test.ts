import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCmd } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { createWithBacking, res } from "./helpers.ts";
import { streamOutputScene, TRIANGLES } from "./stream-output-scene.ts";

// virgl's query numbering (virgl_protocol.h VIRGL_QUERY_*) and VIRGL_FORMAT_R8_UNORM / VIRGL_BIND_QUERY_BUFFER.
const PRIMITIVES_GENERATED = 5;
const PRIMITIVES_EMITTED = 6;
const SO_STATISTICS = 7;
const SO_OVERFLOW_PREDICATE = 8;
const SO_OVERFLOW_ANY_PREDICATE = 12;
const R8 = 64;
const BIND_QUERY_BUFFER = 1 << 15;
/** `PIPE_QUERY_TYPE_U64` of GET_QUERY_RESULT_QBO. */
const U64 = 3;

test("stream-output queries under a capture that overflows: written, generated, SO_STATISTICS' two values, overflow", () => {
  const v = streamOutputScene();
  try {
    // Results: query i's host state at 16·i of resource 6; SO_STATISTICS' values by QBO into resource 7.
    const states = createWithBacking(
      v.rutabaga,
      6,
      res({ target: 0, format: R8, bind: 0, width: 128, height: 1 }),
      128,
    );
    createWithBacking(v.rutabaga, 7, res({ target: 0, format: R8, bind: BIND_QUERY_BUFFER, width: 32, height: 1 }), 32);
    const kinds = [
      PRIMITIVES_GENERATED,
      PRIMITIVES_EMITTED,
      SO_STATISTICS,
      SO_OVERFLOW_PREDICATE,
      SO_OVERFLOW_ANY_PREDICATE,
    ];
    const e = new VirglEncoder();
    for (const [i, kind] of kinds.entries()) e.createQuery(60 + i, kind, 0, 6, i * 16);
    // The host GL runs one query per target and stream at a time: SO_STATISTICS (written + generated) gets its own
    // pass. A target holds 6 vertices: of three triangles drawn into it, two are written and the third overflows.
    for (const pass of [
      [0, 1],
      [2, 3, 4],
    ]) {
      e.createStreamoutTarget(41, 4, 8, 120);
      for (const i of pass) e.beginQuery(60 + i);
      e.setStreamoutTargets([41]);
      for (let i = 0; i < 3; i++) e.drawVbo({ count: 3, mode: TRIANGLES });
      e.setStreamoutTargets([]);
      for (const i of pass) e.endQuery(60 + i).getQueryResult(60 + i, true);
    }
    e.raw(VirglCmd.GetQueryResultQbo, 0, [62, 7, 1, U64, 0, 0]).raw(VirglCmd.GetQueryResultQbo, 0, [
      62,
      7,
      1,
      U64,
      8,
      1,
    ]);
    e.raw(VirglCmd.GetQueryResultQbo, 0, [62, 7, 1, U64, 16, 0xffffffff]);
    v.rutabaga.submitCommand(1, e.finish());
    v.rutabaga.transferRead(1, 6, transfer2d(0, 0, 128, 1));
    const view = new DataView(states.buffer);
    const result = (i: number) => [view.getUint32(i * 16, true), Number(view.getBigUint64(i * 16 + 8, true))];
    assert.deepEqual(
      kinds.map((_, i) => result(i)),
      [
        [1, 3],
        [1, 2],
        [1, 2], // num_primitives_written: the first field of pipe_query_data_so_statistics, which Mesa reads
        [1, 1],
        [1, 1],
      ],
    );
    const qbo = new Uint8Array(32);
    v.rutabaga.transferRead(1, 7, transfer2d(0, 0, 32, 1), qbo);
    const words = new BigUint64Array(qbo.buffer);
    // index 0: primitives written, 1: primitives storage needed (generated), -1: availability.
    assert.deepEqual([...words.subarray(0, 3)], [2n, 3n, 1n]);
    assert.equal(v.component.context(1)!.unsupported.size, 0);
  } finally {
    v.rutabaga.destroy();
  }
});

test("SO_STATISTICS refuses a QBO index past its two values; other queries keep their single one", () => {
  const v = streamOutputScene();
  try {
    createWithBacking(v.rutabaga, 6, res({ target: 0, format: R8, bind: 0, width: 32, height: 1 }), 32);
    createWithBacking(v.rutabaga, 7, res({ target: 0, format: R8, bind: BIND_QUERY_BUFFER, width: 32, height: 1 }), 32);
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createQuery(60, SO_STATISTICS, 1, 6, 0)
        .createQuery(61, PRIMITIVES_EMITTED, 0, 6, 16)
        .beginQuery(60)
        .endQuery(60)
        .finish(),
    );
    assert.throws(
      () =>
        v.rutabaga.submitCommand(
          1,
          new VirglEncoder().raw(VirglCmd.GetQueryResultQbo, 0, [60, 7, 1, U64, 0, 2]).finish(),
        ),
      /index 2/,
    );
    assert.throws(
      () =>
        v.rutabaga.submitCommand(
          1,
          new VirglEncoder().raw(VirglCmd.GetQueryResultQbo, 0, [61, 7, 1, U64, 0, 1]).finish(),
        ),
      /index 1/,
    );
    assert.throws(
      () => v.rutabaga.submitCommand(1, new VirglEncoder().createQuery(62, SO_STATISTICS, 4, 6, 0).finish()),
      /index 4/,
    );
  } finally {
    v.rutabaga.destroy();
  }
});
