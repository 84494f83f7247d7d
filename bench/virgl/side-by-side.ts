// npm run bench:virgl [runs] [gears-seconds] [part...]: the CI piglit list, glxgears and glmark2 (issue "virgl part
// 3"'s scenes) through our vtest server and through virglrenderer's virgl_test_server on this machine, alternating,
// median of `runs` (3), then one glmark2 --validate pass on each. Parts (default all): piglit, gears, glmark2,
// validate; asked by name, gears-cpu: the server's CPU milliseconds per glxgears frame between glxgears' first and
// last FPS reports (the server process and its children, from /proc: steady state, start-up excluded, less noisy than
// FPS on a loaded machine). Both servers run llvmpipe with LP_NUM_THREADS=1 (no other pinning), in a private mount namespace with its
// own /tmp (Mesa 22.3 always connects to /tmp/.virgl_test). virgl_test_server keeps its default fork-per-client mode:
// glxgears opens two connections and --no-fork would serve the second only after the first closes; ours serves all
// clients in one process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DRAW_PIGLIT } from "../../test/node/vtest/mesa-draw-list.ts";
import { PIGLIT_BIN } from "../../test/node/vtest/mesa-namespace.ts";
import { median } from "../harness.ts";

const PARTS = ["piglit", "gears", "glmark2", "validate", "gears-cpu"] as const;
const DEFAULT_PARTS: readonly Part[] = ["piglit", "gears", "glmark2", "validate"];
type Part = (typeof PARTS)[number];
const numbers = process.argv.slice(2).filter((a) => /^\d+$/.test(a));
const named = process.argv.slice(2).filter((a) => !/^\d+$/.test(a));
for (const a of named) {
  if (!(PARTS as readonly string[]).includes(a)) throw new Error(`unknown part ${a}: one of ${PARTS.join(", ")}`);
}
const parts = new Set<Part>(named.length === 0 ? DEFAULT_PARTS : (named as Part[]));
const runs = Number(numbers[0] ?? 3);
const gearsSeconds = Number(numbers[1] ?? 10);
const ours = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;

type Server = "rutabaga-ts" | "virgl_test_server";

function serverCommand(server: Server): string {
  return server === "rutabaga-ts"
    ? `'${process.execPath}' ${process.env.OURS_NODE_FLAGS ?? ""} '${ours}' vtest --socket-path /tmp/.virgl_test`
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
# CPU clock ticks of the server and its children (live ones, and reaped ones through cutime/cstime).
server_ticks() { local t=0 p; for p in $S $(pgrep -P $S); do t=$((t + $(awk '{print $14+$15+$16+$17}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
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

/** `command` (bash) on DISPLAY=:72, an Xvfb started in the namespace. */
function underXvfb(command: string): string {
  return `
Xvfb :72 -screen 0 640x480x24 -nolisten tcp -nolisten local > /dev/null 2>&1 &
X=$!
for i in $(seq 100); do [ -S /tmp/.X11-unix/X72 ] && break; sleep 0.1; done
(cd /tmp && DISPLAY=:72 ${command})
kill $X
`;
}

/** glxgears frames per second under Xvfb over `gearsSeconds` (its last report). */
function gears(server: Server): number {
  const body = underXvfb(`timeout ${gearsSeconds + 1} stdbuf -oL glxgears 2>&1 | grep FPS`);
  const fps = [...inNamespace(server, body).matchAll(/= ([\d.]+) FPS/g)].map((m) => Number(m[1]));
  return fps.length === 0 ? Number.NaN : fps[fps.length - 1]!;
}

/**
 * The server's CPU milliseconds per glxgears frame between its first and last FPS reports (NaN with fewer than two).
 */
function gearsCpu(server: Server): number {
  const body = underXvfb(
    `timeout ${gearsSeconds + 1} stdbuf -oL glxgears 2>&1 | while read -r line; do case "$line" in *FPS*) echo "@@frames $line @@ticks $(server_ticks)";; esac; done`,
  );
  const reports = [...inNamespace(server, body).matchAll(/@@frames (\d+) frames .* @@ticks (\d+)/g)].map((m) => ({
    frames: Number(m[1]),
    ticks: Number(m[2]),
  }));
  if (reports.length < 2) return Number.NaN;
  const frames = reports.slice(1).reduce((sum, r) => sum + r.frames, 0);
  const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim());
  return ((reports[reports.length - 1]!.ticks - reports[0]!.ticks) / ticksPerSecond / frames) * 1000;
}

/** Issue "virgl part 3"'s glmark2 scenes, 4 s each; effect2d's kernel is the 3×3 Laplacian. */
const GLMARK2_SCENES = [
  "build:use-vbo=true",
  "texture:texture-filter=linear",
  "shading:shading=phong",
  "bump:bump-render=normals",
  "effect2d:kernel=0,1,0;1,-4,1;0,1,0;",
  "pulsar",
  "desktop",
  "terrain",
] as const;
const GLMARK2_SECONDS = 4;
const GLMARK2_SIZE = "400x300";

/** glmark2's FPS for each of GLMARK2_SCENES (NaN where it printed none) and its score, in one glmark2 run. */
function glmark2(server: Server): { fps: number[]; score: number } {
  const benches = GLMARK2_SCENES.map((s) => `-b '${s}:duration=${GLMARK2_SECONDS}'`).join(" ");
  const out = inNamespace(server, underXvfb(`timeout 300 glmark2 -s ${GLMARK2_SIZE} ${benches} 2>&1`));
  const lines = [...out.matchAll(/^\[(\w+)\] .*: FPS: (\d+)/gm)];
  const fps = GLMARK2_SCENES.map((scene, i) => {
    const line = lines[i];
    return line !== undefined && scene.startsWith(`${line[1]}`) ? Number(line[2]) : Number.NaN;
  });
  return { fps, score: Number(/glmark2 Score: (\d+)/.exec(out)?.[1] ?? Number.NaN) };
}

/**
 * glmark2 --validate (its default scene list; it renders at 800x600 whatever `-s` says): each scene's line
 * ("[scene] options") and its verdict.
 */
function validate(server: Server): Map<string, string> {
  const out = inNamespace(server, underXvfb("timeout 300 glmark2 --validate 2>&1"));
  return new Map([...out.matchAll(/^(\[\w+\] .*): Validation: (\w+)/gm)].map((m) => [m[1]!, m[2]!]));
}

const SERVERS = ["virgl_test_server", "rutabaga-ts"] as const;
const results: Record<
  Server,
  { seconds: number[]; passed: number[]; fps: number[]; cpu: number[]; scenes: number[][]; scores: number[] }
> = {
  "rutabaga-ts": { seconds: [], passed: [], fps: [], cpu: [], scenes: GLMARK2_SCENES.map(() => []), scores: [] },
  virgl_test_server: { seconds: [], passed: [], fps: [], cpu: [], scenes: GLMARK2_SCENES.map(() => []), scores: [] },
};
for (let i = 0; i < runs; i++) {
  for (const server of SERVERS) {
    const res = results[server];
    if (parts.has("piglit")) {
      const p = piglit(server);
      res.seconds.push(p.seconds);
      res.passed.push(p.passed);
    }
    if (parts.has("gears")) res.fps.push(gears(server));
    if (parts.has("gears-cpu")) res.cpu.push(gearsCpu(server));
    if (parts.has("glmark2")) {
      const g = glmark2(server);
      g.fps.forEach((f, s) => {
        res.scenes[s]!.push(f);
      });
      res.scores.push(g.score);
    }
  }
}
const r = results["rutabaga-ts"];
const v = results.virgl_test_server;
const ratio = (ours: number, reference: number) => `${(ours / reference).toFixed(2)}×`;
console.log(`| | rutabaga-ts | virgl_test_server | ratio | target |`);
console.log(`|---|---|---|---|---|`);
if (parts.has("piglit")) {
  console.log(
    `| ${DRAW_PIGLIT.length} piglit tests, total s (median of ${runs}) | ${median(r.seconds).toFixed(1)} (${Math.min(...r.passed)} pass) | ${median(v.seconds).toFixed(1)} (${Math.min(...v.passed)} pass) | ${ratio(median(r.seconds), median(v.seconds))} time | ≤ 1.0× |`,
  );
}
if (parts.has("gears")) {
  console.log(
    `| glxgears FPS, ${gearsSeconds} s under Xvfb (median of ${runs}) | ${median(r.fps).toFixed(0)} | ${median(v.fps).toFixed(0)} | ${ratio(median(r.fps), median(v.fps))} fps | ≥ 1.0× |`,
  );
}
if (parts.has("gears-cpu")) {
  console.log(
    `| server CPU ms per glxgears frame (median of ${runs}; runs ${r.cpu.map((c) => c.toFixed(3)).join(", ")} / ${v.cpu.map((c) => c.toFixed(3)).join(", ")}) | ${median(r.cpu).toFixed(3)} | ${median(v.cpu).toFixed(3)} | ${ratio(median(r.cpu), median(v.cpu))} time | |`,
  );
}
if (parts.has("glmark2")) {
  GLMARK2_SCENES.forEach((scene, s) => {
    const [ours, reference] = [median(r.scenes[s]!), median(v.scenes[s]!)];
    console.log(
      `| glmark2 \`${scene}\` FPS, ${GLMARK2_SIZE}, ${GLMARK2_SECONDS} s (median of ${runs}) | ${ours} | ${reference} | ${ratio(ours, reference)} fps | |`,
    );
  });
  console.log(
    `| glmark2 score, these ${GLMARK2_SCENES.length} scenes (median of ${runs}) | ${median(r.scores)} | ${median(v.scores)} | ${ratio(median(r.scores), median(v.scores))} | ≥ 1.0× |`,
  );
}
if (parts.has("validate")) {
  const verdicts = SERVERS.map((server) => validate(server));
  const [reference, ours] = verdicts as [Map<string, string>, Map<string, string>];
  const scenes = [...new Set([...reference.keys(), ...ours.keys()])].filter(
    (scene) => reference.get(scene) !== "Unknown" || ours.get(scene) !== "Unknown",
  );
  const passing = (m: Map<string, string>) => scenes.filter((scene) => m.get(scene) === "Success").length;
  console.log(
    `| glmark2 --validate (800x600): scenes that validate | ${passing(ours)} of ${scenes.length} | ${passing(reference)} of ${scenes.length} | | all |`,
  );
  console.log(`\n| glmark2 --validate scene | rutabaga-ts | virgl_test_server |\n|---|---|---|`);
  for (const scene of scenes) {
    console.log(`| \`${scene}\` | ${ours.get(scene) ?? "(none)"} | ${reference.get(scene) ?? "(none)"} |`);
  }
}
