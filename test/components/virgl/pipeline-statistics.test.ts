import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeShaderType, VirglCmd } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { createWithBacking, res } from "./helpers.ts";
import { streamOutputScene, TRIANGLES } from "./stream-output-scene.ts";

// VIRGL_QUERY_PIPELINE_STATISTICS with its index in virgl_hw.h's `virgl_statistics_query_index` order, which is
// Gallium's `pipe_statistics_query_index` and `pipe_query_data_pipeline_statistics` field order.
const PIPELINE_STATISTICS = 10;
const Stat = {
  IaVertices: 0,
  IaPrimitives: 1,
  VsInvocations: 2,
  GsInvocations: 3,
  GsPrimitives: 4,
  CInvocations: 5,
  CPrimitives: 6,
  PsInvocations: 7,
  HsInvocations: 8,
  DsInvocations: 9,
  CsInvocations: 10,
} as const;
const R8 = 64;
const CS =
  "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 8\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\nPROPERTY CS_FIXED_BLOCK_DEPTH 1\n  0: END\n";

/** Runs the 11 statistics over `work` on the host GL and returns their results by index. */
function statistics(work: (e: VirglEncoder) => VirglEncoder): number[] {
  const v = streamOutputScene();
  try {
    const states = createWithBacking(
      v.rutabaga,
      6,
      res({ target: 0, format: R8, bind: 0, width: 176, height: 1 }),
      176,
    );
    const e = new VirglEncoder();
    for (let i = 0; i <= Stat.CsInvocations; i++) e.createQuery(60 + i, PIPELINE_STATISTICS, i, 6, i * 16);
    for (let i = 0; i <= Stat.CsInvocations; i++) e.beginQuery(60 + i);
    work(e);
    for (let i = 0; i <= Stat.CsInvocations; i++) e.endQuery(60 + i).getQueryResult(60 + i, true);
    v.rutabaga.submitCommand(1, e.finish());
    v.rutabaga.transferRead(1, 6, transfer2d(0, 0, 176, 1));
    const view = new DataView(states.buffer);
    return Array.from({ length: 11 }, (_, i) => {
      assert.equal(
        view.getUint32(i * 16, true),
        1,
        `statistic ${i} done: ${[...new Uint32Array(states.buffer)].join(",")}`,
      );
      return Number(view.getBigUint64(i * 16 + 8, true));
    });
  } finally {
    v.rutabaga.destroy();
  }
}

test("pipeline statistics count what their index names: two triangles drawn, then 16 compute invocations", () => {
  // Two draws of one full-screen triangle each into the 4×4 colour buffer.
  const draw = statistics((e) => e.drawVbo({ count: 3, mode: TRIANGLES }).drawVbo({ count: 3, mode: TRIANGLES }));
  assert.equal(draw[Stat.IaVertices], 6, JSON.stringify(draw));
  assert.equal(draw[Stat.IaPrimitives], 2, JSON.stringify(draw));
  // A driver may reuse vertex results, and shade helper fragments: bounds, not exact counts.
  assert.ok(draw[Stat.VsInvocations]! >= 3 && draw[Stat.VsInvocations]! <= 6, JSON.stringify(draw));
  assert.ok(draw[Stat.PsInvocations]! >= 32, JSON.stringify(draw));
  for (const none of [Stat.GsInvocations, Stat.GsPrimitives, Stat.HsInvocations, Stat.DsInvocations])
    assert.equal(draw[none], 0, `statistic ${none}: ${JSON.stringify(draw)}`);
  assert.equal(draw[Stat.CsInvocations], 0, JSON.stringify(draw));
  const compute = statistics((e) =>
    e
      .createShader(50, PipeShaderType.Compute, CS, 0, 0xfff0)
      .bindShader(50, PipeShaderType.Compute)
      .raw(VirglCmd.LaunchGrid, 0, [8, 1, 1, 2, 1, 1, 0, 0]),
  );
  assert.equal(compute[Stat.CsInvocations], 16, JSON.stringify(compute));
  assert.equal(compute[Stat.IaVertices], 0, JSON.stringify(compute));
  assert.equal(compute[Stat.PsInvocations], 0, JSON.stringify(compute));
});
