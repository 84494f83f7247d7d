import assert from "node:assert/strict";
import { test } from "node:test";
import { MESA_GL4_TESTS } from "./mesa-gl4-list.ts";
import { runGl4List } from "./mesa-gl4-runner.ts";
import { withVtestServer } from "./mesa-namespace.ts";

/** The extensions of compute, shader buffers, images, atomic counters and barriers Mesa's virpipe derives from our caps. */
const EXTENSIONS = [
  "GL_ARB_compute_shader",
  "GL_ARB_shader_storage_buffer_object",
  "GL_ARB_shader_image_load_store",
  "GL_ARB_shader_image_size",
  "GL_ARB_shader_atomic_counters",
  "GL_ARB_texture_barrier",
];

/** One piglit test per command of the family, both runners: dispatch (direct, indirect), SSBOs, images, counters. */
const TESTS = [
  "arb_compute_shader-indirect-compute",
  "tests/spec/arb_compute_shader/execution/shared-atomicCompSwap-int.shader_test",
  "tests/spec/arb_compute_shader/execution/basic-texelFetch.shader_test",
  "arb_shader_storage_buffer_object-rendering",
  "arb_shader_image_load_store-level",
  "tests/spec/arb_shader_image_load_store/execution/basic-imageStore-from-uniform.shader_test",
  "arb_shader_atomic_counters-array-indexing",
];

test("Mesa's virpipe gets the compute and memory extensions through our vtest server", {
  timeout: 120_000,
}, async () => {
  const { out, serverLog } = await withVtestServer(
    "cd /tmp && wflinfo --platform surfaceless_egl --api gl --profile core --verbose 2>&1 | grep -E '^OpenGL extensions'",
    100_000,
  );
  const missing = EXTENSIONS.filter((e) => !new RegExp(`\\b${e}\\b`).test(out));
  assert.deepEqual(missing, [], `${out}\n${serverLog.slice(-5000)}`);
});

test("piglit's compute, shader buffer, image and atomic counter tests pass through our vtest server", {
  timeout: 180_000,
}, async () => {
  const tests = MESA_GL4_TESTS.filter((t) => TESTS.some((n) => t.test.startsWith(n)));
  assert.equal(tests.length, TESTS.length);
  const { outcomes, serverLog } = await runGl4List(tests, "ours", 2);
  const failed = outcomes.filter((o) => o.result !== "pass").map((o) => `${o.test.test}: ${o.result} ${o.tail}`);
  assert.deepEqual(failed, [], serverLog.slice(-10_000));
  assert.doesNotMatch(serverLog, /dropped/, serverLog.slice(-10_000));
});
