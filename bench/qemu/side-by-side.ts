// npm run bench:qemu: the same Linux guest workload through our vhost-user-gpu backend and through QEMU's own
// (/usr/lib/qemu/vhost-user-gpu from the same QEMU 10 packages); prints each backend's CPU seconds and the ratio.
// `-- long`: the longer workload (300 frames, 10 000 lines), where start-up and JIT warm-up weigh less.
// `-- 3d`: the 3D figures instead (side-by-side-3d.ts).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { buildInitramfs, prepareTools } from "../../scripts/lib/guest-image.ts";
import { type BackendKind, GuestSession } from "../../scripts/lib/guest-session.ts";

const W = 1280;
const H = 800;
const MODE = process.argv[2] ?? "short";
if (!["short", "long", "3d"].includes(MODE)) throw new Error(`bench:qemu: unknown mode ${MODE} (short, long, 3d)`);
const FRAMES = MODE === "long" ? 300 : 60;
const LINES = MODE === "long" ? 10_000 : 2000;
const TICKS_PER_SECOND = 100;

/** utime and stime of a process, in seconds (/proc/PID/stat fields 14 and 15). */
function cpuTimes(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / TICKS_PER_SECOND, sys: Number(fields[12]) / TICKS_PER_SECOND };
}

function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.sys;
}

function frame(seed: number): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  for (let i = 0; i < out.length; i += 4) {
    out[i] = (i + seed) & 0xff;
    out[i + 1] = (i >> 8) & 0xff;
    out[i + 2] = seed;
  }
  return out;
}

async function measure(kind: BackendKind, tools: ReturnType<typeof prepareTools>, initramfs: string) {
  const guest = new GuestSession();
  try {
    await guest.start(tools, initramfs, kind);
    const pid = guest.backend.pid!;
    const atBoot = cpuSeconds(pid);
    const started = performance.now();
    // The workload runs twice: the first pass pays V8's warm-up (bytecode, JIT compiles on V8's worker threads),
    // the second shows the steady cost.
    const passes: number[] = [];
    const parts: { frames: number; lines: number }[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const before = cpuSeconds(pid);
      await guest.run(
        `i=0; while [ $i -lt ${FRAMES / 2} ]; do cat /data/a.raw > /dev/fb0; cat /data/b.raw > /dev/fb0; i=$((i+1)); done`,
        600_000,
      );
      await guest.run("sleep 1");
      const afterFrames = cpuSeconds(pid);
      await guest.run(
        `i=0; while [ $i -lt ${LINES} ]; do echo "console line $i: the quick brown fox jumps over the lazy dog"; i=$((i+1)); done > /dev/tty1`,
        600_000,
      );
      await guest.run("sleep 1");
      const after = cpuSeconds(pid);
      passes.push(after - before);
      parts.push({ frames: afterFrames - before, lines: after - afterFrames });
    }
    const total = cpuSeconds(pid);
    const split = cpuTimes(pid);
    console.log(`  ${kind}: user ${split.user.toFixed(2)} s, sys ${split.sys.toFixed(2)} s in all`);
    return {
      boot: atBoot,
      workload: passes[0]!,
      warm: passes[1]!,
      frames: parts[0]!.frames,
      lines: parts[0]!.lines,
      warmFrames: parts[1]!.frames,
      warmLines: parts[1]!.lines,
      total,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await guest.stop();
  }
}

/** CPU seconds of a bare `node -e 0` (median of 5): what any Node program pays before its first line. */
function nodeFloor(): number {
  // Waited-for children's utime + stime: /proc/self/stat fields 16 and 17.
  const children = () => {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  };
  const runs = Array.from({ length: 5 }, () => {
    const before = children();
    if (spawnSync(process.execPath, ["-e", "0"]).status !== 0) throw new Error("node -e 0 failed");
    return children() - before;
  });
  return runs.sort((a, b) => a - b)[2]!;
}

async function main2d(): Promise<void> {
  const tools = prepareTools();
  const initramfs = buildInitramfs(tools, { "a.raw": frame(1), "b.raw": frame(2) });
  console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
  console.log(`workload: boot, ${FRAMES} full-screen writes to /dev/fb0, ${LINES} console lines on tty1`);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const results: Record<BackendKind, Awaited<ReturnType<typeof measure>>[]> = {
    ours: [],
    reference: [],
  };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ["reference", "ours"] as const) results[kind].push(await measure(kind, tools, initramfs));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  for (const kind of ["reference", "ours"] as const) {
    const rs = results[kind];
    console.log(
      `${kind.padEnd(10)} CPU s: boot ${median(rs.map((x) => x.boot)).toFixed(2)}, workload ${median(rs.map((x) => x.workload)).toFixed(2)}, ` +
        `again (warm) ${median(rs.map((x) => x.warm)).toFixed(2)}, ` +
        `total ${median(rs.map((x) => x.total)).toFixed(2)} (wall ${median(rs.map((x) => x.wallSeconds)).toFixed(1)} s for the workload)`,
    );
  }
  for (const kind of ["reference", "ours"] as const) {
    const rs = results[kind];
    const f = (g: (x: (typeof rs)[number]) => number) => median(rs.map(g)).toFixed(2);
    console.log(
      `${kind.padEnd(10)} CPU s by part: frames ${f((x) => x.frames)} (warm ${f((x) => x.warmFrames)}), ` +
        `console lines ${f((x) => x.lines)} (warm ${f((x) => x.warmLines)})`,
    );
  }
  console.log(
    `start-up floor: \`node -e 0\` costs ${nodeFloor().toFixed(2)} CPU-s here; ours / reference at the ready line: ` +
      `${(median(results.ours.map((x) => x.boot)) / median(results.reference.map((x) => x.boot))).toFixed(2)}× (target ≤ 1.5×)`,
  );
  const ratio = (f: (x: Awaited<ReturnType<typeof measure>>) => number) =>
    (median(results.ours.map(f)) / median(results.reference.map(f))).toFixed(2);
  console.log(
    `ours / reference: workload ${ratio((x) => x.workload)}×, warm workload ${ratio((x) => x.warm)}×, total ${ratio((x) => x.total)}× (target ≤ 1.0×); ` +
      `frames ${ratio((x) => x.frames)}× (warm ${ratio((x) => x.warmFrames)}×), console ${ratio((x) => x.lines)}× (warm ${ratio((x) => x.warmLines)}×)`,
  );
}

if (MODE === "3d") await import("./side-by-side-3d.ts");
else await main2d();
