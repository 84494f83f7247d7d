// `npm run bench -- cross-domain`: the proxy's CPU per frame of weston-simple-shm (weston 10 headless, pixman), and
// the client's CPU per second straight to weston and through the proxy, in one run.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WaylandProxy } from "../../src/node/wayland-proxy/wayland-proxy.ts";
import { start, WestonSession } from "../../test/e2e/wayland/weston-session.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TICKS = 100; // USER_HZ
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function clientRun(env: NodeJS.ProcessEnv): Promise<number> {
  const client = start("weston-simple-shm", [], env);
  await wait(500);
  const c0 = cpuSecondsOf(client.pid!);
  await wait(SECONDS * 1000);
  const c1 = cpuSecondsOf(client.pid!);
  client.kill("SIGTERM");
  await new Promise((r) => client.once("close", r));
  return (c1 - c0) / SECONDS;
}

/** Frames per second of weston-simple-shm, counted from its own protocol log (commits). */
async function framesPerSecond(env: NodeJS.ProcessEnv): Promise<number> {
  const client = spawn("weston-simple-shm", [], {
    env: { ...env, WAYLAND_DEBUG: "client" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let commits = 0;
  let rest = "";
  client.stderr.on("data", (d) => {
    const lines = (rest + String(d)).split("\n");
    rest = lines.pop()!;
    for (const l of lines) if (l.includes(".commit()")) commits++;
  });
  await wait(1000);
  const c0 = commits;
  await wait(SECONDS * 1000);
  const fps = (commits - c0) / SECONDS;
  client.kill("SIGTERM");
  await new Promise((r) => client.once("close", r));
  return fps;
}

const weston = new WestonSession();
await weston.start();
const proxy = new WaylandProxy({
  socketPath: join(weston.runtimeDir, "wl-proxy"),
  upstreamPath: join(weston.runtimeDir, weston.socket),
});
try {
  const direct = await clientRun(weston.env(weston.socket));
  const fpsDirect = await framesPerSecond(weston.env(weston.socket));
  const fpsProxied = await framesPerSecond(weston.env("wl-proxy"));
  const client = start("weston-simple-shm", [], weston.env("wl-proxy"));
  await wait(500);
  const f0 = proxy.stats.commits;
  const b0 = proxy.stats.copiedBytes;
  const u0 = process.cpuUsage();
  const c0 = cpuSecondsOf(client.pid!);
  await wait(SECONDS * 1000);
  const u = process.cpuUsage(u0);
  const c1 = cpuSecondsOf(client.pid!);
  const frames = proxy.stats.commits - f0;
  client.kill("SIGTERM");
  await new Promise((r) => client.once("close", r));
  const proxyMs = (u.user + u.system) / 1000;
  console.log(
    `weston-simple-shm 250x250, ${SECONDS} s, weston 10 headless (pixman), ${frames / SECONDS} frames/s through the proxy`,
  );
  console.log("| measure | value | target |");
  console.log("|---|---|---|");
  console.log(
    `| proxy CPU per frame (whole process: device, cross-domain, codec) | ${(proxyMs / frames).toFixed(3)} ms | ≤ 1 ms |`,
  );
  console.log(
    `| bytes copied into host blobs per frame (damage rows) | ${Math.round((proxy.stats.copiedBytes - b0) / frames)} | |`,
  );
  console.log(`| frames/s straight to weston (commits, WAYLAND_DEBUG count) | ${fpsDirect.toFixed(1)} | |`);
  console.log(`| frames/s through the proxy (same count) | ${fpsProxied.toFixed(1)} | as straight |`);
  console.log(`| client CPU, straight to weston | ${(direct * 1000).toFixed(1)} ms/s | |`);
  console.log(`| client CPU, through the proxy | ${(((c1 - c0) / SECONDS) * 1000).toFixed(1)} ms/s | |`);
} finally {
  proxy.close();
  weston.stop();
}
