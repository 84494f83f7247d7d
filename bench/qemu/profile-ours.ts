// Where our backend's CPU goes under the bench:qemu workload: CPU seconds per thread, and a V8 CPU profile of the
// main thread (written to .cache/qemu-profile/). `NODE_FLAGS="--flag ..."` tries V8 flags.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildInitramfs, prepareTools } from "../../scripts/lib/guest-image.ts";
import { GuestSession } from "../../scripts/lib/guest-session.ts";

const W = 1280;
const H = 800;

function threads(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const key = tid === String(pid) ? "main" : name;
    out.set(key, (out.get(key) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
  }
  return out;
}

const frame = (seed: number) => {
  const out = new Uint8Array(W * H * 4);
  for (let i = 0; i < out.length; i += 4) out[i] = (i + seed) & 0xff;
  return out;
};
const tools = prepareTools();
const initramfs = buildInitramfs(tools, { "a.raw": frame(1), "b.raw": frame(2) });
const guest = new GuestSession();
const profile = process.argv.includes("--cpu-prof");
const flags = [
  ...(process.env.NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
  ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${resolve(".cache/qemu-profile")}`] : []),
];
try {
  await guest.start(tools, initramfs, process.env.BACKEND === "reference" ? "reference" : "ours", 90_000, flags);
  const pid = guest.backend.pid!;
  const boot = threads(pid);
  // --strace: syscall counts over the workload (strace slows the backend; use it for counts, not times).
  const strace = process.argv.includes("--strace")
    ? spawn("strace", ["-c", "-f", "-p", String(pid)], { stdio: ["ignore", "inherit", "inherit"] })
    : undefined;
  if (strace) await new Promise((r) => setTimeout(r, 500));
  // PASSES=N repeats the workload and prints each pass's CPU, to tell warm-up (JIT, first allocations) from steady cost.
  const passes = Number(process.env.PASSES ?? 1);
  for (let pass = 1; pass <= passes; pass++) {
    const before = [...threads(pid).values()].reduce((x, y) => x + y, 0);
    await guest.run(
      "i=0; while [ $i -lt 30 ]; do cat /data/a.raw > /dev/fb0; cat /data/b.raw > /dev/fb0; i=$((i+1)); done",
      600_000,
    );
    await guest.run(
      'i=0; while [ $i -lt 2000 ]; do echo "console line $i: the quick brown fox jumps over the lazy dog"; i=$((i+1)); done > /dev/tty1',
      600_000,
    );
    const after = [...threads(pid).values()].reduce((x, y) => x + y, 0);
    if (passes > 1) console.log(`pass ${pass}: ${(after - before).toFixed(2)} s`);
  }
  await guest.run("sleep 2");
  strace?.kill("SIGINT");
  if (strace) await new Promise((r) => strace.once("exit", r));
  const end = threads(pid);
  let total = 0;
  for (const [name, s] of end) {
    const w = s - (boot.get(name) ?? 0);
    total += w;
    console.log(`${name.padEnd(20)} boot ${(boot.get(name) ?? 0).toFixed(2)} workload ${w.toFixed(2)}`);
  }
  console.log(`workload total ${total.toFixed(2)} s (flags: ${flags.join(" ") || "none"})`);
} finally {
  await guest.stop();
}
