import assert from "node:assert/strict";
import { test } from "node:test";
import { PIGLIT_BIN, withVtestServer } from "./mesa-namespace.ts";

/**
 * Piglit transform feedback tests (with their arguments); all but the last three fail when stream output is not
 * executed.
 */
const SO_PIGLIT = [
  "ext_transform_feedback-position",
  "ext_transform_feedback-position range",
  "ext_transform_feedback-position offset",
  "ext_transform_feedback-position render",
  "ext_transform_feedback-interleaved",
  "ext_transform_feedback-separate",
  "ext_transform_feedback-output-type",
  "ext_transform_feedback-nonflat-integral",
  "ext_transform_feedback-builtin-varyings gl_Position",
  "ext_transform_feedback-builtin-varyings gl_PointSize",
  "ext_transform_feedback-alignment 4",
  "ext_transform_feedback-alignment 8",
  "ext_transform_feedback-intervening-read output",
  "ext_transform_feedback-immediate-reuse",
  "ext_transform_feedback-buffer-usage",
  "ext_transform_feedback-discard-drawarrays",
  "ext_transform_feedback-negative-prims",
  "ext_transform_feedback-generatemipmap buffer",
];

test("piglit's transform feedback tests pass through our vtest server", { timeout: 180_000 }, async () => {
  const script = SO_PIGLIT.map(
    (t) => `echo "@@${t}: $(cd /tmp && timeout 60 ${PIGLIT_BIN}/${t} -auto -fbo 2>&1 | tail -n 1)"`,
  ).join("\n");
  const { out, serverLog } = await withVtestServer(script, 170_000);
  const failed = SO_PIGLIT.filter((t) => !out.includes(`@@${t}: PIGLIT: {"result": "pass" }`));
  assert.deepEqual(failed, [], `${out}\n${serverLog.slice(-20_000)}`);
  assert.doesNotMatch(serverLog, /dropped|SetStreamoutTargets/, serverLog.slice(-20_000));
});
