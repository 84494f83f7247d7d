import assert from "node:assert/strict";
import { test } from "node:test";
import { MESA_GL4_GROUPS } from "./mesa-gl4-list.ts";
import { runGl4List } from "./mesa-gl4-runner.ts";

/** Tests the list records as passing through our server: every one must still pass. */
const PASSING = MESA_GL4_GROUPS.flatMap((g) => g.tests.filter((t) => t.ours === "pass"));

/** Wall time allowed for the whole run (issue 18: this tests add 3-4 minutes to CI). */
const BUDGET_SECONDS = 240;

test("the GL 4.x piglit tests the list records as passing pass through our vtest server", {
  timeout: (BUDGET_SECONDS + 120) * 1000,
}, async () => {
  assert.ok(PASSING.length >= 60, `${PASSING.length} passing tests recorded; the issue asks at least 60`);
  const { outcomes, serverLog, wallSeconds } = await runGl4List(PASSING, "ours");
  const failed = outcomes.filter((o) => o.result !== "pass").map((o) => `${o.result} ${o.test.test} | ${o.tail}`);
  const missing = PASSING.length - outcomes.length;
  assert.deepEqual(failed, [], `${failed.join("\n")}\n${serverLog.slice(-10_000)}`);
  assert.equal(missing, 0, `${missing} tests printed no outcome\n${serverLog.slice(-10_000)}`);
  assert.ok(wallSeconds < BUDGET_SECONDS, `${wallSeconds.toFixed(0)} s for ${PASSING.length} tests`);
  assert.doesNotMatch(serverLog, /dropped/, serverLog.slice(-10_000));
});

test("the passing tests cover every GLES 3.1-level family and both runners", () => {
  const families = MESA_GL4_GROUPS.filter((g) => g.tests.some((t) => t.ours === "pass")).map((g) => g.feature);
  for (const want of ["Compute", "storage buffers", "Image", "Atomic", "Indirect", "Tessellation", "views", "fp64"])
    assert.ok(
      families.some((f) => f.includes(want)),
      `no passing test of "${want}" (families: ${families.join("; ")})`,
    );
  assert.ok(PASSING.some((t) => t.runner === "bin"));
  assert.ok(PASSING.some((t) => t.runner !== "bin"));
});
