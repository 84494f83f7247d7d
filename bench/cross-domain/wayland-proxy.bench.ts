// `npm run bench -- cross-domain`: weston-simple-shm (weston 10 headless, pixman) straight to weston, through a plain
// pass-through on the same socket code (the floor of any Node proxy here), and through `rutabaga-ts wayland-proxy` (the
// real CLI, built, as a child process), in alternating rounds of one run: commit-to-screen latency and commit round
// trip from the client's own protocol log, and the CPU per frame of the middle process, the client and weston.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WestonSession } from "../../test/e2e/wayland/weston-session.ts";
import { median } from "../harness.ts";

/** Seconds measured per mode, split over the rounds. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10.5);
const ROUNDS = 3;
/** Per round: the client connects and draws its first frames unmeasured. */
const WARM_UP_MS = 1000;
/** Before the rounds: a client through each middle process for this long, so its code is compiled (a proxy runs for hours). */
const JIT_WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 5);
const TICKS = 100; // USER_HZ
const TARGET_MS = 1;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const root = fileURLToPath(new URL("../..", import.meta.url));
/** The CLI run as the proxy (BENCH_PROXY_CLI: another checkout's built `bin/rutabaga-ts.js`, to compare versions). */
const cli = process.env.BENCH_PROXY_CLI ?? join(root, "bin", "rutabaga-ts.js");

function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Lines of WAYLAND_DEBUG=client: `[ms.µs]` (realtime), then ` -> ` for a request or nothing for an event. */
const LINE = /^\[\s*(\d+\.\d+)\]\s+(->\s+)?(\w+)@(\d+)\.(\w+)\((.*)\)/;

/**
 * Reads one weston-simple-shm's protocol log; only lines in the byte range `[from, to)` (the measured window) count.
 * Commit-to-screen: a `wl_surface.commit` to the `done` of the frame
 * callback requested just before it (weston sends it when it repaints the output with that content). Commit round
 * trip: the commit to the first `wl_buffer.release` after it (weston releases the previous buffer when the commit
 * reaches it), i.e. the way there and back, without the wait for the repaint.
 */
class FrameLog {
  commits = 0;
  readonly toScreen: number[] = [];
  readonly roundTrip: number[] = [];
  /** The line being read lies in the measured window. */
  #recording = false;
  #frameCallback: string | undefined;
  readonly #pending = new Map<string, number>();
  #lastCommit: number | undefined;

  constructor(text: Buffer, from: number, to: number) {
    let at = 0;
    for (;;) {
      const eol = text.indexOf(10, at);
      if (eol < 0) break;
      this.#recording = at >= from && eol < to;
      this.#line(text.toString("latin1", at, eol));
      at = eol + 1;
    }
  }

  #line(line: string): void {
    const m = LINE.exec(line);
    if (m === null) return;
    const t = Number(m[1]);
    const [, , request, iface, id, name, args] = m;
    if (request !== undefined && iface === "wl_surface" && name === "frame") {
      this.#frameCallback = /wl_callback@(\d+)/.exec(args!)?.[1];
    } else if (request !== undefined && iface === "wl_surface" && name === "commit") {
      if (this.#recording) this.commits++;
      if (this.#frameCallback !== undefined) this.#pending.set(this.#frameCallback, t);
      this.#frameCallback = undefined;
      this.#lastCommit = t;
    } else if (request === undefined && iface === "wl_callback" && name === "done") {
      const c = this.#pending.get(id!);
      this.#pending.delete(id!);
      if (c !== undefined && this.#recording && t >= c) this.toScreen.push(t - c);
    } else if (request === undefined && iface === "wl_buffer" && name === "release") {
      const c = this.#lastCommit;
      this.#lastCommit = undefined;
      if (c !== undefined && this.#recording && t >= c) this.roundTrip.push(t - c);
    }
  }
}

interface Totals {
  frames: number;
  seconds: number;
  client: number;
  weston: number;
  proxy: number;
  toScreen: number[];
  roundTrip: number[];
}

let rounds = 0;
let logDir = "";
const totals = (): Totals => ({ frames: 0, seconds: 0, client: 0, weston: 0, proxy: 0, toScreen: [], roundTrip: [] });

/** One client for `seconds` after a warm-up; `middlePid` is the process between client and weston (or weston). */
async function round(env: NodeJS.ProcessEnv, westonPid: number, middlePid: number, seconds: number, into: Totals) {
  // The log goes to a file, read afterwards: nothing of ours wakes up per line while the round runs.
  const path = join(logDir, `client-${++rounds}.log`);
  const fd = openSync(path, "w");
  const client = spawn("weston-simple-shm", [], {
    env: { ...env, WAYLAND_DEBUG: "client" },
    stdio: ["ignore", "ignore", fd],
  });
  closeSync(fd);
  try {
    await wait(WARM_UP_MS);
    const c0 = cpuSecondsOf(client.pid!);
    const w0 = cpuSecondsOf(westonPid);
    const p0 = cpuSecondsOf(middlePid);
    const from = statSync(path).size;
    const t0 = performance.now();
    await wait(seconds * 1000);
    const to = statSync(path).size;
    into.seconds += (performance.now() - t0) / 1000;
    into.client += cpuSecondsOf(client.pid!) - c0;
    into.weston += cpuSecondsOf(westonPid) - w0;
    into.proxy += cpuSecondsOf(middlePid) - p0;
    client.kill("SIGTERM");
    await new Promise((r) => client.once("close", r));
    const log = new FrameLog(readFileSync(path), from, to);
    into.frames += log.commits;
    into.toScreen.push(...log.toScreen);
    into.roundTrip.push(...log.roundTrip);
  } finally {
    if (client.exitCode === null && client.signalCode === null) {
      client.kill("SIGTERM");
      await new Promise((r) => client.once("close", r));
    }
  }
}

/** Starts a middle process (Node) that prints `listening on` when its socket `name` is ready. */
async function startMiddle(weston: WestonSession, name: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: weston.env(weston.socket), stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 30000);
    child.stdout!.on("data", (d) => {
      if (String(d).includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code})`)));
  });
  if (!existsSync(join(weston.runtimeDir, name))) throw new Error(`no socket ${name}`);
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

const quantile = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (v: number) => `${v.toFixed(3)} ms`;
const met = (v: number) => (v <= TARGET_MS ? "met" : "NOT met");

if (process.env.BENCH_PROXY_CLI === undefined) {
  // The CLI runs from dist/ when it is newer than the sources, as installed; else it would run through tsx.
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (build.status !== 0) throw new Error("building dist/ failed");
}
const weston = new WestonSession();
await weston.start();
logDir = weston.runtimeDir;
let proxy: ChildProcess | undefined;
let passThrough: ChildProcess | undefined;
try {
  proxy = await startMiddle(weston, "wl-proxy", [cli, "wayland-proxy", "--socket", "wl-proxy", "--verbose"]);
  const passArgs = ["--import", "tsx", join(root, "bench", "cross-domain", "pass-through.ts")];
  passThrough = await startMiddle(weston, "wl-pass", [
    ...passArgs,
    join(weston.runtimeDir, "wl-pass"),
    join(weston.runtimeDir, weston.socket),
  ]);
  const modes = [
    { name: "straight to weston", display: weston.socket, middle: weston.pid, totals: totals() },
    { name: "plain pass-through", display: "wl-pass", middle: passThrough.pid!, totals: totals() },
    { name: "through the proxy", display: "wl-proxy", middle: proxy.pid!, totals: totals() },
  ];
  // A first client through each middle warms its code up (JIT), unmeasured.
  for (const m of modes.slice(1))
    await round(weston.env(m.display), weston.pid, m.middle, JIT_WARM_UP_SECONDS, totals());
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of modes) await round(weston.env(m.display), weston.pid, m.middle, SECONDS / ROUNDS, m.totals);
  }
  const [direct, pass, proxied] = modes.map((m) => m.totals) as [Totals, Totals, Totals];
  const per = (t: Totals, k: "client" | "weston" | "proxy") => (t[k] * 1000) / t.frames;
  const added = (t: Totals) =>
    per(t, "proxy") + per(t, "client") - per(direct, "client") + per(t, "weston") - per(direct, "weston");
  const row = (name: string, values: string[], target = "") =>
    console.log(`| ${name} | ${values.join(" | ")} | ${target} |`);
  const lat = (pick: (t: Totals) => number[], f: (v: number[]) => number) => {
    const v = [direct, pass, proxied].map((t) => f(pick(t)));
    return [...v.map(ms), ms(v[2]! - v[0]!)];
  };
  console.log(
    `weston-simple-shm 250x250 on weston 10 headless (pixman); ${ROUNDS} rounds of ${(SECONDS / ROUNDS).toFixed(1)} s per mode, ` +
      "modes alternating; the proxy is the built `rutabaga-ts wayland-proxy` CLI in its own process; CPU from " +
      "/proc/PID/stat (10 ms ticks); frames = the client's wl_surface.commit requests",
  );
  console.log(
    "| per frame | straight to weston | plain pass-through | through the proxy | proxy − straight | target |",
  );
  console.log("|---|---|---|---|---|---|");
  row("frames/s", [...[direct, pass, proxied].map((t) => (t.frames / t.seconds).toFixed(1)), ""]);
  const screen = lat((t) => t.toScreen, median);
  row(
    "commit → frame done (to screen), median",
    screen,
    `≤ ${TARGET_MS} ms added: ${met(Number.parseFloat(screen[3]!))}`,
  );
  row(
    "commit → frame done, p90",
    lat(
      (t) => t.toScreen,
      (v) => quantile(v, 0.9),
    ),
  );
  const trip = lat((t) => t.roundTrip, median);
  row(
    "commit → buffer release (round trip), median",
    trip,
    `≤ ${TARGET_MS} ms added: ${met(Number.parseFloat(trip[3]!))}`,
  );
  row(
    "commit → buffer release, p90",
    lat(
      (t) => t.roundTrip,
      (v) => quantile(v, 0.9),
    ),
  );
  row(
    "CPU of the middle process",
    ["", ms(per(pass, "proxy")), ms(per(proxied, "proxy")), ms(per(proxied, "proxy"))],
    `≤ ${TARGET_MS} ms: ${met(per(proxied, "proxy"))}`,
  );
  const cpu = (k: "client" | "weston") => [
    ...[direct, pass, proxied].map((t) => ms(per(t, k))),
    ms(per(proxied, k) - per(direct, k)),
  ];
  row("client CPU (WAYLAND_DEBUG on)", cpu("client"));
  row("weston CPU", cpu("weston"));
  row(
    "CPU added (middle + client and weston changes)",
    ["", ms(added(pass)), ms(added(proxied)), ms(added(proxied))],
    `≤ ${TARGET_MS} ms: ${met(added(proxied))}`,
  );
} finally {
  await stop(proxy);
  await stop(passThrough);
  weston.stop();
}
