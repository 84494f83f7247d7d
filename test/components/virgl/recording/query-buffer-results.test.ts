import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCmd } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { createWithBacking, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const R8 = 64;
const PIPE_BIND_QUERY_BUFFER = 0;

/** GET_QUERY_RESULT_QBO of query 40 into resource 5. */
const qbo = (wait: boolean, resultType: number, offset: number, index: number) =>
  new VirglEncoder()
    .raw(VirglCmd.GetQueryResultQbo, 0, [40, 5, wait ? 1 : 0, resultType, offset, index >>> 0])
    .finish();

/** Query 40 (occlusion counter) begun and ended, state buffer 4, result buffer 5 (64 bytes). */
function setUp(available: boolean) {
  const v = makeRecordedVirgl({ queryResultsAvailable: available });
  createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 32, height: 1 }), 32);
  createWithBacking(
    v.rutabaga,
    5,
    res({ target: 0, format: R8, bind: PIPE_BIND_QUERY_BUFFER, width: 64, height: 1 }),
    64,
  );
  v.rutabaga.submitCommand(1, new VirglEncoder().createQuery(40, 0, 0, 4, 0).beginQuery(40).endQuery(40).finish());
  const query = v.gl.calls.find((c) => c.name === "beginQuery")!.args[1] as number;
  return { ...v, query };
}

test("a result the GL has goes into the buffer from here, clamped to the asked type", () => {
  const v = setUp(true);
  try {
    v.gl.setQueryResult(v.query, 0x1_2345_6789n);
    v.gl.clearCalls();
    v.rutabaga.submitCommand(1, qbo(true, 1, 8, 0));
    v.rutabaga.submitCommand(1, qbo(true, 0, 12, 0));
    v.rutabaga.submitCommand(1, qbo(false, 3, 16, 0));
    v.rutabaga.submitCommand(1, qbo(false, 1, 24, -1));
    const writes = v.gl.calls.filter((c) => c.name === "bufferSubData");
    assert.deepEqual(
      writes.map((c) => [c.args[1], [...(c.args[2] as Uint8Array)]]),
      [
        [8, [0xff, 0xff, 0xff, 0xff]],
        [12, [0xff, 0xff, 0xff, 0x7f]],
        [16, [0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0]],
        [24, [1, 0, 0, 0]],
      ],
    );
    assert.equal(v.gl.callNames((n) => n === "queryResultToBuffer").length, 0);
  } finally {
    v.rutabaga.destroy();
  }
});

test("a result the GL does not have yet is the GL's own query buffer write: RESULT with wait, NO_WAIT without", () => {
  const v = setUp(false);
  try {
    v.gl.clearCalls();
    v.rutabaga.submitCommand(1, qbo(true, 3, 0, 0));
    v.rutabaga.submitCommand(1, qbo(false, 2, 8, 0));
    const calls = v.gl.calls.filter((c) => c.name === "queryResultToBuffer").map((c) => c.args);
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map((a) => [a[0], a[2], a[3], a[4]]),
      [
        [v.query, 0, 3, 0x8866],
        [v.query, 8, 2, 0x9194],
      ],
    );
    assert.equal(v.gl.callNames((n) => n === "getQueryResult").length, 0, "never read before available");
  } finally {
    v.rutabaga.destroy();
  }
});

test("a result type past U64, an index past 0 or a result past the buffer is refused", () => {
  const v = setUp(true);
  try {
    assert.throws(() => v.rutabaga.submitCommand(1, qbo(true, 4, 0, 0)), /result type 4/);
    assert.throws(() => v.rutabaga.submitCommand(1, qbo(true, 3, 0, 1)), /index 1/);
    assert.throws(() => v.rutabaga.submitCommand(1, qbo(true, 3, 60, 0)), /past its buffer/);
  } finally {
    v.rutabaga.destroy();
  }
});
