// Preloaded into every test process by run-tests.ts: gives each top-level `test()` that names no timeout of its own a
// default one, so a hanging test fails instead of hanging the run. Node 20's `--test-timeout` cannot do this: there it
// bounds each whole file in the parent process (and a test's own longer timeout cannot lift it).
import { createRequire, syncBuiltinESMExports } from "node:module";
import type { TestOptions } from "node:test";

/** The default per-test limit: `TEST_TIMEOUT_MS` (0 for none), else two minutes. */
export const DEFAULT_TEST_TIMEOUT_MS = 120_000;

const limit = Number(process.env.TEST_TIMEOUT_MS ?? DEFAULT_TEST_TIMEOUT_MS);
const nodeTest = createRequire(import.meta.url)("node:test") as typeof import("node:test");
const original = nodeTest.test;

/** `test(name?, options?, fn?)` with `timeout` filled in when the options do not set one. */
function withTimeout(this: unknown, ...args: unknown[]): unknown {
  const at = args.findIndex((a) => typeof a === "object" && a !== null);
  if (at >= 0) {
    const options = args[at] as TestOptions;
    if (options.timeout === undefined) args[at] = { ...options, timeout: limit };
  } else {
    // The options go after the name when there is one, else first.
    args.splice(typeof args[0] === "string" ? 1 : 0, 0, { timeout: limit });
  }
  return Reflect.apply(original, this, args);
}

if (Number.isFinite(limit) && limit > 0) {
  Object.assign(withTimeout, original);
  nodeTest.test = withTimeout as typeof original;
  syncBuiltinESMExports();
}
