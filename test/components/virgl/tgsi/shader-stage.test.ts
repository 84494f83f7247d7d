import assert from "node:assert/strict";
import { test } from "node:test";
import {
  SHADER_STAGES,
  STAGE_INDEX,
  STAGE_PREFIX,
  stageOfHeader,
} from "../../../../src/components/virgl/tgsi/shader-stage.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";

test("one stage table: virgl's numbering, prefixes, and the header words the parser accepts", () => {
  assert.deepEqual(STAGE_INDEX, { VERT: 0, FRAG: 1, GEOM: 2, TESS_CTRL: 3, TESS_EVAL: 4, COMP: 5 });
  assert.deepEqual(STAGE_PREFIX, { VERT: "vs", FRAG: "fs", GEOM: "gs", TESS_CTRL: "tc", TESS_EVAL: "te", COMP: "cs" });
  for (const s of SHADER_STAGES) {
    assert.equal(stageOfHeader(s.header), s.header);
    const r = parseTgsi(`${s.header}\n  0: END\n`);
    assert.ok(r.ok && r.shader.stage === s.header);
  }
  assert.equal(stageOfHeader("PIXEL"), undefined);
  assert.ok(!parseTgsi("PIXEL\n  0: END\n").ok);
});
