// Runs every test/**/*.test.ts file with node:test through tsx (Node 20's --test does not expand globs). Each test
// that names no timeout gets test-timeout.ts's default (TEST_TIMEOUT_MS, 0 for none).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildIfStale } from "./build-if-stale.mjs";

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path));
    else if (entry.name.endsWith(".test.ts")) out.push(path);
  }
  return out.sort();
}

// Tests run the CLI as users do (bin/, which runs dist/): build the sources under test first.
buildIfStale();
const filter = process.argv.slice(2);
const files = findTests("test").filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)));
const timeout = pathToFileURL(join(import.meta.dirname, "test-timeout.ts")).href;
const args = ["--import", "tsx", "--import", timeout, "--test", "--test-force-exit", "--test-reporter=spec", ...files];
const result = spawnSync(process.execPath, args, {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
