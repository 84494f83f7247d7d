import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { PipeQuery } from "../../../../src/components/virgl/render/gallium-to-gl.ts";
import { transfer2d } from "../../../../src/index.ts";
import { createWithBacking, res } from "../helpers.ts";
import { snapshotScene, TRIANGLES } from "../snapshot/scene.ts";

test("a query begun again before its result was read counts the new run only", () => {
  const { rutabaga } = snapshotScene();
  const buffer = createWithBacking(rutabaga, 4, res({ target: 0, format: 64, bind: 0, width: 64, height: 1 }), 64);
  const draw = new VirglEncoder().drawVbo({ mode: TRIANGLES, count: 3 }).finish();
  rutabaga.submitCommand(
    1,
    new VirglEncoder()
      .createQuery(50, PipeQuery.OcclusionCounter, 0, 4, 16)
      .setConstantBuffer(PipeShaderType.Fragment, 0, [0, 0, 0, 0])
      .beginQuery(50)
      .drawVbo({ mode: TRIANGLES, count: 3 })
      .endQuery(50)
      .finish(),
  );
  // The first run's 64 samples are never read; the second run draws twice.
  rutabaga.submitCommand(1, new VirglEncoder().beginQuery(50).finish());
  rutabaga.submitCommand(1, draw);
  rutabaga.submitCommand(1, draw);
  rutabaga.submitCommand(1, new VirglEncoder().endQuery(50).getQueryResult(50, true).finish());
  rutabaga.transferRead(1, 4, transfer2d(0, 0, 64, 1));
  assert.equal(new DataView(buffer.buffer).getBigUint64(24, true), 128n);
  rutabaga.destroy();
});
