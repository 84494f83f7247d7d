// npm run bench:virgl [runs] [gears-seconds]: the CI piglit list and glxgears through our vtest server and through
// virglrenderer's virgl_test_server on this machine, alternating, median of `runs` (3). Both servers run llvmpipe
// with LP_NUM_THREADS=1, in a private mount namespace with its own /tmp (Mesa 22.3 always connects to
// /tmp/.virgl_test). virgl_test_server keeps its default fork-per-client mode: glxgears opens two connections and
// --no-fork would serve the second only after the first closes; ours serves all clients in one process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DRAW_PIGLIT } from "../../test/node/vtest/mesa-draw-list.ts";
import { PIGLIT_BIN } from "../../test/node/vtest/mesa-namespace.ts";
import { median } from "../harness.ts";

const runs = Number(process.argv[2] ?? 3);
const gearsSeconds = Number(process.argv[3] ?? 10);
const ours = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;

type Server = "rutabaga-ts" | "virgl_test_server";

function serverCommand(server: Server): string {
  return server === "rutabaga-ts"
    ? `'${process.execPath}' '${ours}' vtest --socket-path /tmp/.virgl_test`
    : "/usr/bin/virgl_test_server --use-egl-surfaceless";
}

/** Runs `body` (bash) in a namespace with a private /tmp while `server` listens; returns its stdout. */
function inNamespace(server: Server, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-bench-virgl-"));
  try {
    const script = join(dir, "run.sh");
    writeFileSync(
      script,
      `set -u
mount --bind '${dir}' /tmp
export XDG_RUNTIME_DIR=/tmp/xdg; mkdir -p $XDG_RUNTIME_DIR; chmod 700 $XDG_RUNTIME_DIR
export LP_NUM_THREADS=1
${serverCommand(server)} > /tmp/server.log 2>&1 &
S=$!
for i in $(seq 200); do [ -S /tmp/.virgl_test ] && break; sleep 0.05; done
export GALLIUM_DRIVER=virpipe PIGLIT_PLATFORM=surfaceless_egl
${body}
kill $S; wait $S 2>/dev/null
`,
    );
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync("unshare", [...(asRoot ? [] : ["-r"]), "-m", "--propagation", "private", "bash", script], {
      encoding: "utf8",
      timeout: 900_000,
    });
    return `${r.stdout}${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds for the whole CI list, and how many tests passed. */
function piglit(server: Server): { seconds: number; passed: number } {
  const body = [
    "START=$(date +%s.%N)",
    ...DRAW_PIGLIT.map((t) => `(cd /tmp && timeout 120 ${PIGLIT_BIN}/${t} -auto -fbo 2>&1 | tail -n 1)`),
    'echo "@@seconds $(echo "$(date +%s.%N) - $START" | bc)"',
  ].join("\n");
  const out = inNamespace(server, body);
  const seconds = Number(/@@seconds ([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  return { seconds, passed: (out.match(/"result": "pass"/g) ?? []).length };
}

/** glxgears frames per second under Xvfb over `gearsSeconds` (its last report). */
function gears(server: Server): number {
  const body = `
Xvfb :72 -screen 0 640x480x24 -nolisten tcp -nolisten local > /dev/null 2>&1 &
X=$!
for i in $(seq 100); do [ -S /tmp/.X11-unix/X72 ] && break; sleep 0.1; done
DISPLAY=:72 timeout ${gearsSeconds + 1} stdbuf -oL glxgears 2>&1 | grep FPS
kill $X
`;
  const fps = [...inNamespace(server, body).matchAll(/= ([\d.]+) FPS/g)].map((m) => Number(m[1]));
  return fps.length === 0 ? Number.NaN : fps[fps.length - 1]!;
}

const results: Record<Server, { seconds: number[]; passed: number[]; fps: number[] }> = {
  "rutabaga-ts": { seconds: [], passed: [], fps: [] },
  virgl_test_server: { seconds: [], passed: [], fps: [] },
};
for (let i = 0; i < runs; i++) {
  for (const server of ["virgl_test_server", "rutabaga-ts"] as const) {
    const p = piglit(server);
    results[server].seconds.push(p.seconds);
    results[server].passed.push(p.passed);
    results[server].fps.push(gears(server));
  }
}
const r = results["rutabaga-ts"];
const v = results.virgl_test_server;
console.log(`| | rutabaga-ts | virgl_test_server | ratio | target |`);
console.log(`|---|---|---|---|---|`);
console.log(
  `| ${DRAW_PIGLIT.length} piglit tests, total s (median of ${runs}) | ${median(r.seconds).toFixed(1)} (${Math.min(...r.passed)} pass) | ${median(v.seconds).toFixed(1)} (${Math.min(...v.passed)} pass) | ${(median(r.seconds) / median(v.seconds)).toFixed(2)}× time | ≤ 1.0× |`,
);
console.log(
  `| glxgears FPS, ${gearsSeconds} s under Xvfb (median of ${runs}) | ${median(r.fps).toFixed(0)} | ${median(v.fps).toFixed(0)} | ${(median(r.fps) / median(v.fps)).toFixed(2)}× fps | ≥ 1.0× |`,
);
