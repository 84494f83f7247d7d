/**
 * Runs the GL 4.x piglit list (test/node/vtest/mesa-gl4-list.ts) through our vtest server or the reference
 * `virgl_test_server`, three clients at a time, and prints each result with its time and a summary.
 * Usage: `npx tsx bench/virgl/gl4-list.ts [ours|reference] [substring ...]` (substrings filter the tests).
 */
import { MESA_GL4_TESTS } from "../../test/node/vtest/mesa-gl4-list.ts";
import { runGl4List } from "../../test/node/vtest/mesa-gl4-runner.ts";

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind = "ours", ...filters] = process.argv.slice(2);
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
  console.log(
    `${kind}: ${[...counts].map(([k, v]) => `${k} ${v}`).join(", ")} of ${tests.length}; ${wallSeconds.toFixed(1)} s`,
  );
}
