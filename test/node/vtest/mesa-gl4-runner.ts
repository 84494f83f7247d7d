/** Runs piglit tests of the GL 4.x list through a vtest server in a private mount namespace. */
import { MESA_GL4_TESTS, type MesaGl4Test } from "./mesa-gl4-list.ts";
import { PIGLIT_BIN, type VtestServerKind, withVtestServer } from "./mesa-namespace.ts";

const PIGLIT = PIGLIT_BIN.replace(/\/bin$/, "");

/** The shell command that runs one test from /tmp. */
export function gl4Command(t: MesaGl4Test): string {
  if (t.runner === "bin") return `${PIGLIT}/bin/${t.test} -auto -fbo`;
  return `${PIGLIT}/bin/${t.runner} ${PIGLIT}/${t.test} -auto -fbo`;
}

/** One test's outcome: piglit's result word (or "crash"/"timeout") and its seconds. */
export interface Gl4Outcome {
  readonly test: MesaGl4Test;
  readonly result: string;
  readonly seconds: number;
  readonly tail: string;
}

/** Runs `tests` (default: the whole list) through one server, `parallel` clients at a time, each under a 60 s limit. */
export async function runGl4List(
  tests: readonly MesaGl4Test[] = MESA_GL4_TESTS,
  server: VtestServerKind,
  parallel = 3,
): Promise<{ outcomes: Gl4Outcome[]; serverLog: string; wallSeconds: number }> {
  const lines = tests.map((t, i) => `${i}\t${gl4Command(t)}`).join("\n");
  const script = `
cat > /tmp/list.txt <<'LIST'
${lines}
LIST
run_one() {
  i="\${1%%	*}"; cmd="\${1#*	}"
  s=$(date +%s.%N)
  out=$(cd /tmp && timeout 60 sh -c "$cmd" 2>&1); rc=$?
  e=$(date +%s.%N)
  printf '@@%s %s %s %s\\n' "$i" "$rc" "$(echo "$e - $s" | bc)" "$(printf '%s' "$out" | tail -n 3 | tr '\\n' ' ' | cut -c1-300)"
}
export -f run_one
tr '\\n' '\\0' < /tmp/list.txt | xargs -0 -P ${parallel} -I{} bash -c 'run_one "$@"' _ {}
`;
  const start = performance.now();
  const { out, serverLog } = await withVtestServer(script, 60_000 * tests.length + 60_000, server);
  const wallSeconds = (performance.now() - start) / 1000;
  const outcomes: Gl4Outcome[] = [];
  for (const m of out.matchAll(/^@@(\d+) (\d+) ([\d.]+) (.*)$/gm)) {
    const test = tests[Number(m[1])]!;
    const rc = Number(m[2]);
    const word = /PIGLIT: \{"result": "(\w+)"/.exec(m[4]!)?.[1];
    outcomes.push({ test, result: word ?? (rc === 124 ? "timeout" : "crash"), seconds: Number(m[3]), tail: m[4]! });
  }
  return { outcomes, serverLog, wallSeconds };
}
