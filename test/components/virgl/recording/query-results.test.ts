import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCmd, VirglObject } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { RutabagaFenceFlags, transfer2d } from "../../../../src/index.ts";
import { createWithBacking, res } from "../helpers.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const OCCLUSION_COUNTER = 0;
const R8 = 64;
/** Query 40's result goes to resource 4 at byte 16. */
const OFFSET = 16;

/** A recording host whose query results wait until the test releases them; query 40 begun and ended. */
function pendingQuery() {
  const v = makeRecordedVirgl({ queryResultsAvailable: false });
  const backing = createWithBacking(v.rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 32, height: 1 }), 32);
  v.rutabaga.submitCommand(
    1,
    new VirglEncoder().createQuery(40, OCCLUSION_COUNTER, 0, 4, OFFSET).beginQuery(40).endQuery(40).finish(),
  );
  const query = v.gl.calls.find((c) => c.name === "beginQuery")!.args[1] as number;
  const state = new DataView(backing.buffer, OFFSET, 16);
  return { ...v, query, state };
}

const getResult = (wait: boolean) => new VirglEncoder().getQueryResult(40, wait).finish();
const nop = () => new VirglEncoder().raw(VirglCmd.Nop, 0, []).finish();

test("GET_QUERY_RESULT without wait is remembered too: Mesa asks so at END_QUERY, then waits for the buffer", () => {
  const { rutabaga, gl, query, state } = pendingQuery();
  try {
    rutabaga.submitCommand(1, getResult(false));
    assert.equal(state.getUint32(0, true), 0, "not DONE");
    gl.setQueryResult(query, 1234n);
    rutabaga.submitCommand(1, nop());
    assert.equal(state.getUint32(0, true), 1, "DONE");
    assert.equal(state.getUint32(4, true), 4);
    assert.equal(state.getBigUint64(8, true), 1234n);
  } finally {
    rutabaga.destroy();
  }
});

test("a result the GL already has is written by the GET_QUERY_RESULT itself", () => {
  const { rutabaga, gl, query, state } = pendingQuery();
  try {
    gl.setQueryResult(query, 42n);
    gl.clearCalls();
    rutabaga.submitCommand(1, getResult(false));
    assert.equal(state.getUint32(0, true), 1);
    assert.equal(state.getBigUint64(8, true), 42n);
    assert.deepEqual(
      gl.callNames((n) => n.includes("Query")),
      ["isQueryResultAvailable", "getQueryResult"],
    );
  } finally {
    rutabaga.destroy();
  }
});

test("GET_QUERY_RESULT with wait is remembered and written at the first submit after the GL has the result", () => {
  const { rutabaga, gl, query, state } = pendingQuery();
  try {
    rutabaga.submitCommand(1, getResult(true));
    assert.equal(state.getUint32(0, true), 0);
    rutabaga.submitCommand(1, nop());
    assert.equal(state.getUint32(0, true), 0, "still not available");
    gl.setQueryResult(query, 99n);
    gl.clearCalls();
    rutabaga.submitCommand(1, nop());
    assert.equal(state.getUint32(0, true), 1);
    assert.equal(state.getBigUint64(8, true), 99n);
    // The GL buffer of the resource gets the same 16 bytes at the query's offset.
    const write = gl.calls.find((c) => c.name === "bufferSubData")!;
    assert.equal(write.args[1], OFFSET);
    assert.deepEqual([...(write.args[2] as Uint8Array)], [...new Uint8Array(state.buffer, OFFSET, 16)]);
    // Served once: a later submit writes nothing more.
    gl.clearCalls();
    rutabaga.submitCommand(1, nop());
    assert.deepEqual(
      gl.callNames((n) => n === "bufferSubData" || n === "isQueryResultAvailable"),
      [],
    );
  } finally {
    rutabaga.destroy();
  }
});

test("a fence lets the GL finish and writes waiting results; on a host that cannot block it signals anyway", () => {
  const { rutabaga, gl, query, state, fences } = pendingQuery();
  try {
    rutabaga.submitCommand(1, getResult(true));
    gl.clearCalls();
    rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 1n, ctxId: 0, ringIdx: 0 });
    assert.equal(fences.length, 1, "the fence does not wait for the result");
    assert.ok(gl.callNames().includes("finish"));
    assert.equal(state.getUint32(0, true), 0);
    gl.setQueryResult(query, 7n);
    rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 2n, ctxId: 0, ringIdx: 0 });
    assert.equal(state.getUint32(0, true), 1);
    assert.equal(state.getBigUint64(8, true), 7n);
  } finally {
    rutabaga.destroy();
  }
});

test("reading the query buffer back serves its waiting result first", () => {
  const { rutabaga, gl, query, state } = pendingQuery();
  try {
    rutabaga.submitCommand(1, getResult(true));
    gl.setQueryResult(query, 5n);
    rutabaga.transferRead(1, 4, transfer2d(0, 0, 32, 1));
    assert.equal(state.getUint32(0, true), 1);
    assert.equal(state.getBigUint64(8, true), 5n);
  } finally {
    rutabaga.destroy();
  }
});

test("a waiting result is dropped when its query runs again or is destroyed", () => {
  const { rutabaga, gl, query, state } = pendingQuery();
  try {
    rutabaga.submitCommand(1, new VirglEncoder().getQueryResult(40, true).beginQuery(40).finish());
    // The new run has a GL query of its own (the earlier one, never read, is deleted).
    assert.ok(gl.calls.some((c) => c.name === "deleteQuery" && c.args[0] === query));
    const rerun = gl.calls.filter((c) => c.name === "beginQuery").at(-1)!.args[1] as number;
    assert.notEqual(rerun, query);
    gl.setQueryResult(rerun, 3n);
    rutabaga.submitCommand(1, nop());
    assert.equal(state.getUint32(0, true), 0, "the new run's result was not asked for");
    rutabaga.submitCommand(1, new VirglEncoder().endQuery(40).getQueryResult(40, true).finish());
    assert.equal(state.getUint32(0, true), 0);
    rutabaga.submitCommand(1, new VirglEncoder().destroyObject(VirglObject.Query, 40).finish());
    rutabaga.submitCommand(1, nop());
    assert.equal(state.getUint32(0, true), 0, "nothing written for a destroyed query");
  } finally {
    rutabaga.destroy();
  }
});
