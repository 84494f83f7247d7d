import assert from "node:assert/strict";
import { test } from "node:test";
import { PIGLIT_BIN, withVtestServer } from "./mesa-namespace.ts";

/** Piglit tests that sample buffer textures (buffer sampler views); all but the last two fail without them. */
const TBO_PIGLIT = [
  "arb_texture_buffer_object-subdata-sync",
  "arb_texture_buffer_object-data-sync",
  "arb_texture_buffer_object-indexed",
  "arb_texture_buffer_object-re-init",
  "arb_texture_buffer_range-ranges",
  "arb_texture_buffer_range-ranges-2",
  "arb_texture_buffer_object-fetch-outside-bounds",
  "arb_texture_buffer_object-render-no-bo",
];

test("piglit's texture buffer object tests pass through our vtest server", { timeout: 180_000 }, async () => {
  const script = TBO_PIGLIT.map(
    (t) => `echo "@@${t} $(cd /tmp && timeout 60 ${PIGLIT_BIN}/${t} -auto -fbo 2>&1 | tail -n 1)"`,
  ).join("\n");
  const { out, serverLog } = await withVtestServer(script, 170_000);
  const failed = TBO_PIGLIT.filter((t) => !out.includes(`@@${t} PIGLIT: {"result": "pass" }`));
  assert.deepEqual(failed, [], `${out}\n${serverLog.slice(-20_000)}`);
  assert.doesNotMatch(serverLog, /dropped/, serverLog.slice(-20_000));
});
