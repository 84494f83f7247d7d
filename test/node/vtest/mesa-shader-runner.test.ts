import assert from "node:assert/strict";
import { test } from "node:test";
import { withVtestServer } from "./mesa-namespace.ts";
import { SHADER_RUNNER_TESTS } from "./mesa-shader-runner-list.ts";

const PIGLIT = "/usr/lib/x86_64-linux-gnu/piglit";

test("piglit shader_runner tests pass through our vtest server", { timeout: 300_000 }, async () => {
  // Three clients at a time: each is its own vtest connection (own context) on the one server.
  const script = `
printf '%s\\n' ${SHADER_RUNNER_TESTS.map((t) => `'${t}'`).join(" ")} |
  xargs -P 3 -I{} sh -c 'echo "@@{} $(cd /tmp && timeout 60 ${PIGLIT}/bin/shader_runner ${PIGLIT}/{} -auto -fbo 2>&1 | tail -n 1)"'
`;
  const { out, serverLog } = await withVtestServer(script, 280_000);
  const failed = SHADER_RUNNER_TESTS.filter((t) => !out.includes(`@@${t} PIGLIT: {"result": "pass" }`));
  assert.deepEqual(failed, [], `${out}\n${serverLog.slice(-20_000)}`);
  assert.doesNotMatch(serverLog, /dropped/, serverLog.slice(-20_000));
});
