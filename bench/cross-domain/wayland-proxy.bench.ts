// `npm run bench -- cross-domain`: weston-simple-shm (weston 10 headless, pixman) straight to weston and through
// `rutabaga-ts wayland-proxy` (the real CLI, a child process), in alternating rounds of one run: commit-to-screen
// latency from the client's own protocol log, and the CPU per frame of the proxy, the client and weston.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WestonSession } from "../../test/e2e/wayland/weston-session.ts";
import { median } from "../harness.ts";

/** Seconds measured per mode, split over the rounds. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = 3;
const WARM_UP_MS = 1500;
const TICKS = 100; // USER_HZ
const TARGET_MS = 1;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cli = fileURLToPath(new URL("../../bin/rutabaga-ts.js", import.meta.url));

function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Lines of WAYLAND_DEBUG=client: `[ms.µs]` (realtime), then ` -> ` for a request or nothing for an event. */
const LINE = /^\[\s*(\d+\.\d+)\]\s+(->\s+)?(\w+)@(\d+)\.(\w+)\((.*)\)/;

/**
 * Follows one weston-simple-shm's protocol log. Commit-to-screen: a `wl_surface.commit` to the `done` of the frame
 * callback requested just before it (weston sends it when it repaints the output with that content). Commit round
 * trip: the commit to the first `wl_buffer.release` after it (weston releases the previous buffer when the commit
 * reaches it), i.e. the way there and back, without the wait for the repaint.
 */
class FrameLog {
  commits = 0;
  readonly toScreen: number[] = [];
  readonly roundTrip: number[] = [];
  recording = false;
  #rest = "";
  #frameCallback: string | undefined;
  readonly #pending = new Map<string, number>();
  #lastCommit: number | undefined;

  feed(chunk: string): void {
    const lines = (this.#rest + chunk).split("\n");
    this.#rest = lines.pop()!;
    for (const line of lines) {
      const m = LINE.exec(line);
      if (m === null) continue;
      const t = Number(m[1]);
      const [, , request, iface, id, name, args] = m;
      if (request !== undefined && iface === "wl_surface" && name === "frame") {
        this.#frameCallback = /wl_callback@(\d+)/.exec(args!)?.[1];
      } else if (request !== undefined && iface === "wl_surface" && name === "commit") {
        if (this.recording) this.commits++;
        if (this.#frameCallback !== undefined) this.#pending.set(this.#frameCallback, t);
        this.#frameCallback = undefined;
        this.#lastCommit = t;
      } else if (request === undefined && iface === "wl_callback" && name === "done") {
        const c = this.#pending.get(id!);
        this.#pending.delete(id!);
        if (c !== undefined && this.recording && t >= c) this.toScreen.push(t - c);
      } else if (request === undefined && iface === "wl_buffer" && name === "release") {
        const c = this.#lastCommit;
        this.#lastCommit = undefined;
        if (c !== undefined && this.recording && t >= c) this.roundTrip.push(t - c);
      }
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

const totals = (): Totals => ({ frames: 0, seconds: 0, client: 0, weston: 0, proxy: 0, toScreen: [], roundTrip: [] });

async function round(env: NodeJS.ProcessEnv, westonPid: number, proxyPid: number, seconds: number, into: Totals) {
  const client = spawn("weston-simple-shm", [], {
    env: { ...env, WAYLAND_DEBUG: "client" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const log = new FrameLog();
  client.stderr.on("data", (d) => log.feed(String(d)));
  try {
    await wait(WARM_UP_MS);
    const c0 = cpuSecondsOf(client.pid!);
    const w0 = cpuSecondsOf(westonPid);
    const p0 = cpuSecondsOf(proxyPid);
    const t0 = performance.now();
    log.recording = true;
    await wait(seconds * 1000);
    log.recording = false;
    into.seconds += (performance.now() - t0) / 1000;
    into.client += cpuSecondsOf(client.pid!) - c0;
    into.weston += cpuSecondsOf(westonPid) - w0;
    into.proxy += cpuSecondsOf(proxyPid) - p0;
    into.frames += log.commits;
    into.toScreen.push(...log.toScreen);
    into.roundTrip.push(...log.roundTrip);
  } finally {
    client.kill("SIGTERM");
    await new Promise((r) => client.once("close", r));
  }
}

async function startProxy(weston: WestonSession): Promise<ChildProcess> {
  const proxy = spawn(
    process.execPath,
    [cli, "wayland-proxy", "--socket", "wl-proxy", "--upstream", weston.socket, "--verbose"],
    { env: weston.env(weston.socket), stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("wayland-proxy did not start")), 30000);
    proxy.stdout!.on("data", (d) => {
      if (String(d).includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proxy.once("exit", (code) => reject(new Error(`wayland-proxy exited (${code})`)));
  });
  if (!existsSync(join(weston.runtimeDir, "wl-proxy"))) throw new Error("no proxy socket");
  return proxy;
}

const quantile = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (v: number) => `${v.toFixed(3)} ms`;

const weston = new WestonSession();
await weston.start();
let proxy: ChildProcess | undefined;
try {
  proxy = await startProxy(weston);
  // A first client warms the proxy's code up (JIT), unmeasured.
  await round(weston.env("wl-proxy"), weston.pid, proxy.pid!, 1, totals());
  const direct = totals();
  const proxied = totals();
  for (let r = 0; r < ROUNDS; r++) {
    await round(weston.env(weston.socket), weston.pid, proxy.pid!, SECONDS / ROUNDS, direct);
    await round(weston.env("wl-proxy"), weston.pid, proxy.pid!, SECONDS / ROUNDS, proxied);
  }
  const per = (t: Totals, k: "client" | "weston" | "proxy") => (t[k] * 1000) / t.frames;
  const proxyCpu = per(proxied, "proxy");
  const clientDelta = per(proxied, "client") - per(direct, "client");
  const westonDelta = per(proxied, "weston") - per(direct, "weston");
  const added = proxyCpu + clientDelta + westonDelta;
  const screen = [median(direct.toScreen), median(proxied.toScreen)];
  const trip = [median(direct.roundTrip), median(proxied.roundTrip)];
  const met = (v: number) => (v <= TARGET_MS ? "met" : "NOT met");
  console.log(
    `weston-simple-shm 250x250 on weston 10 headless (pixman), ${ROUNDS} alternating rounds of ${(SECONDS / ROUNDS).toFixed(1)} s per mode; ` +
      `proxy: the rutabaga-ts wayland-proxy CLI as its own process; CPU from /proc/PID/stat (10 ms ticks); ` +
      `frames = the client's wl_surface.commit requests`,
  );
  console.log("| measure | straight to weston | through the proxy | difference | target |");
  console.log("|---|---|---|---|---|");
  console.log(
    `| frames/s | ${(direct.frames / direct.seconds).toFixed(1)} | ${(proxied.frames / proxied.seconds).toFixed(1)} | | |`,
  );
  console.log(
    `| commit → frame done (to screen), median | ${ms(screen[0]!)} | ${ms(screen[1]!)} | ${ms(screen[1]! - screen[0]!)} | ≤ ${TARGET_MS} ms added: ${met(screen[1]! - screen[0]!)} |`,
  );
  console.log(
    `| commit → frame done, p90 | ${ms(quantile(direct.toScreen, 0.9))} | ${ms(quantile(proxied.toScreen, 0.9))} | ${ms(quantile(proxied.toScreen, 0.9) - quantile(direct.toScreen, 0.9))} | |`,
  );
  console.log(
    `| commit → buffer release (round trip), median | ${ms(trip[0]!)} | ${ms(trip[1]!)} | ${ms(trip[1]! - trip[0]!)} | ≤ ${TARGET_MS} ms added: ${met(trip[1]! - trip[0]!)} |`,
  );
  console.log(
    `| commit → buffer release, p90 | ${ms(quantile(direct.roundTrip, 0.9))} | ${ms(quantile(proxied.roundTrip, 0.9))} | ${ms(quantile(proxied.roundTrip, 0.9) - quantile(direct.roundTrip, 0.9))} | |`,
  );
  console.log(`| proxy CPU per frame | | ${ms(proxyCpu)} | ${ms(proxyCpu)} | ≤ ${TARGET_MS} ms: ${met(proxyCpu)} |`);
  console.log(
    `| client CPU per frame (WAYLAND_DEBUG on) | ${ms(per(direct, "client"))} | ${ms(per(proxied, "client"))} | ${ms(clientDelta)} | |`,
  );
  console.log(
    `| weston CPU per frame | ${ms(per(direct, "weston"))} | ${ms(per(proxied, "weston"))} | ${ms(westonDelta)} | |`,
  );
  console.log(`| CPU the proxy adds per frame (sum) | | | ${ms(added)} | ≤ ${TARGET_MS} ms: ${met(added)} |`);
} finally {
  if (proxy !== undefined && proxy.exitCode === null) {
    proxy.kill("SIGTERM");
    await new Promise((r) => proxy!.once("exit", r));
  }
  weston.stop();
}
