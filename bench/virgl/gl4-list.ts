/**
 * Runs the GL 4.x piglit list (test/node/vtest/mesa-gl4-list.ts) through our vtest server or the reference
 * `virgl_test_server`, three clients at a time, and prints each result with its time and a summary.
 * Usage: `npx tsx bench/virgl/gl4-list.ts [ours|reference] [--record] [substring ...]` (substrings filter the
 * tests; `--record` with `ours` writes each result into the list's `ours` field, which test/node/vtest/mesa-gl4.test.ts
 * holds every recorded pass to).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { MESA_GL4_TESTS } from "../../test/node/vtest/mesa-gl4-list.ts";
import { type Gl4Outcome, runGl4List } from "../../test/node/vtest/mesa-gl4-runner.ts";

const LIST = new URL("../../test/node/vtest/mesa-gl4-list.ts", import.meta.url);

/** Rewrites the `ours` argument (the entry's last) of each run test in the list's source. */
function record(outcomes: readonly Gl4Outcome[]): void {
  let src = readFileSync(LIST, "utf8");
  for (const o of outcomes) {
    const at = src.indexOf(JSON.stringify(o.test.test));
    if (at < 0) throw new Error(`${o.test.test} not found in the list`);
    const last = /"(pass|fail|skip|crash)"(?=,?\s*\))/g;
    last.lastIndex = at;
    const m = last.exec(src);
    if (m === null) throw new Error(`no result argument after ${o.test.test}`);
    const result = ["pass", "fail", "skip"].includes(o.result) ? o.result : "crash";
    src = `${src.slice(0, m.index)}"${result}"${src.slice(m.index + m[0].length)}`;
  }
  writeFileSync(LIST, src);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const recording = args.includes("--record");
  const [kind = "ours", ...filters] = args.filter((a) => a !== "--record");
  if (kind !== "ours" && kind !== "reference") throw new Error(`server ${kind}: ours or reference`);
  const tests = MESA_GL4_TESTS.filter((t) => filters.length === 0 || filters.some((f) => t.test.includes(f)));
  const { outcomes, wallSeconds } = await runGl4List(tests, kind);
  const counts = new Map<string, number>();
  for (const o of outcomes.sort((a, b) => a.test.test.localeCompare(b.test.test))) {
    counts.set(o.result, (counts.get(o.result) ?? 0) + 1);
    console.log(
      `${o.result.padEnd(8)} ${o.seconds.toFixed(2).padStart(6)} ${o.test.test}${o.result === "pass" ? "" : `  | ${o.tail}`}`,
    );
  }
  if (recording && kind === "ours") record(outcomes);
  console.log(
    `${kind}: ${[...counts].map(([k, v]) => `${k} ${v}`).join(", ")} of ${tests.length}; ${wallSeconds.toFixed(1)} s`,
  );
}
