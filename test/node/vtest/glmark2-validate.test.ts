import assert from "node:assert/strict";
import { test } from "node:test";
import { withVtestServer } from "./mesa-namespace.ts";

// glmark2 --validate renders its default scenes (at 800x600) and compares probe pixels with its expectations;
// scenes it has no expectation for say "Unknown" (on the reference server too).
test("glmark2 --validate under Xvfb: every scene validates through our server", { timeout: 420_000 }, async () => {
  const { out, serverLog } = await withVtestServer(
    `Xvfb :73 -screen 0 640x480x24 -nolisten tcp -nolisten local > /dev/null 2>&1 &
trap 'kill %1 2>/dev/null' EXIT
for _ in $(seq 100); do [ -S /tmp/.X11-unix/X73 ] && break; sleep 0.1; done
cd /tmp && DISPLAY=:73 timeout 360 glmark2 --validate 2>&1`,
    400_000,
  );
  const verdicts = [...out.matchAll(/^(\[\w+\] .*): Validation: (\w+)/gm)]
    .map((m) => [m[1]!, m[2]!] as const)
    .filter(([, v]) => v !== "Unknown");
  assert.ok(verdicts.length >= 27, `glmark2's validated scenes ran:\n${out.slice(-4000)}\n${serverLog.slice(-4000)}`);
  const failed = verdicts.filter(([, v]) => v !== "Success").map(([scene, v]) => `${scene}: ${v}`);
  assert.deepEqual(failed, [], out.slice(-4000));
});
