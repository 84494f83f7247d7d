// npm run bench:qemu -- 3d: the 3D guest (guest-image-3d.ts) through our `vhost-user-gpu --virgl` backend and through
// QEMU's built-in virtio-vga-gl (virglrenderer, SDL GL display in Xvfb), in one run: kmscube's own frames per second
// (`kmscube -c N`, "Rendered N frames in S sec (F fps)"), glmark2-es2-drm's score, and our backend's CPU seconds
// (user + sys from /proc) per kmscube frame. Both devices render on the host's llvmpipe; the guest runs under TCG.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { buildInitramfs3d, prepareTools3d } from "../../scripts/lib/guest-image-3d.ts";
import { type Gpu3dKind, Guest3dSession } from "../../scripts/lib/guest-session-3d.ts";

const FRAMES = Number(process.env.FRAMES ?? 300);
/** glmark2 scenes run (the full default set takes minutes per device under TCG); each for GLMARK_SECONDS. */
const GLMARK_SCENES = (process.env.GLMARK_SCENES ?? "build,texture,shading").split(",");
const GLMARK_SECONDS = Number(process.env.GLMARK_SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const TICKS_PER_SECOND = 100;

/** utime + stime of a process in seconds (/proc/PID/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

interface Figures {
  kmscubeFps: number;
  kmscubeRgbaFps: number;
  glmarkScore: number;
  /** Our backend's CPU seconds per kmscube frame (both variants); NaN for the built-in device (it is QEMU itself). */
  cpuPerFrame: number;
  /** The device process's CPU seconds at the guest's `@@READY` (ours: the backend; built-in: all of QEMU). */
  startup: number;
}

function fps(log: string, what: string): number {
  const m = /Rendered (\d+) frames in ([\d.]+) sec \(([\d.]+) fps\)/.exec(log);
  if (m === null) throw new Error(`${what}: no fps line in\n${log}`);
  return Number(m[3]);
}

async function measure(kind: Gpu3dKind): Promise<Figures> {
  const tools = prepareTools3d();
  const guest = new Guest3dSession(kind);
  try {
    const initramfs = buildInitramfs3d(tools, {}, guest.dir);
    await guest.start(tools, initramfs, 400_000);
    const pid = kind === "ours" ? guest.backend!.pid! : guest.qemu!.pid!;
    const startup = cpuSeconds(pid);
    const before = cpuSeconds(pid);
    // kmscube quits once its stdin is readable: the console's tty, where nobody types, keeps it drawing.
    const smooth = await guest.run(`kmscube -c ${FRAMES} < /dev/tty1 > /tmp/k.log 2>&1; cat /tmp/k.log`, 900_000);
    const rgba = await guest.run(`kmscube -c ${FRAMES} -M rgba < /dev/tty1 > /tmp/k.log 2>&1; cat /tmp/k.log`, 900_000);
    const cpu = cpuSeconds(pid) - before;
    const benches = GLMARK_SCENES.flatMap((s) => ["-b", `${s}:duration=${GLMARK_SECONDS}`]).join(" ");
    const glmark = await guest.run(
      `glmark2-es2-drm --visual-config a=0 ${benches} < /dev/tty1 > /tmp/g.log 2>&1; cat /tmp/g.log`,
      900_000,
    );
    const score = /glmark2 Score: (\d+)/.exec(glmark.out);
    if (score === null) throw new Error(`${kind}: no glmark2 score in\n${glmark.out}`);
    for (const line of glmark.out.split("\n").filter((l) => /^\[|GL_RENDERER/.test(l.trim())))
      console.log(`  ${kind}: ${line.trim()}`);
    const figures = {
      kmscubeFps: fps(smooth.out, `${kind} kmscube`),
      kmscubeRgbaFps: fps(rgba.out, `${kind} kmscube -M rgba`),
      glmarkScore: Number(score[1]),
      cpuPerFrame: kind === "ours" ? cpu / (2 * FRAMES) : Number.NaN,
      startup,
    };
    console.log(`  ${kind}: ${JSON.stringify(figures)} (boot ${(guest.bootMs / 1000).toFixed(1)} s wall)`);
    return figures;
  } catch (e) {
    console.error(`${kind} serial log:\n${guest.serial.slice(-3000)}\nbackend log:\n${guest.backendLog.slice(-3000)}`);
    throw e;
  } finally {
    await guest.stop();
  }
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
console.log(
  `workload: kmscube -c ${FRAMES} (smooth, then -M rgba); glmark2-es2-drm --visual-config a=0 ` +
    `${GLMARK_SCENES.map((s) => `-b ${s}:duration=${GLMARK_SECONDS}`).join(" ")}; ${ROUNDS} round(s), median`,
);
const results: Record<Gpu3dKind, Figures[]> = { builtin: [], ours: [] };
for (let r = 0; r < ROUNDS; r++)
  for (const kind of ["builtin", "ours"] as const) results[kind].push(await measure(kind));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const m = (kind: Gpu3dKind, f: (x: Figures) => number) => median(results[kind].map(f));
console.log("| device | kmscube fps | kmscube -M rgba fps | glmark2 score | backend CPU s / frame |");
console.log("|---|---|---|---|---|");
for (const kind of ["builtin", "ours"] as const) {
  const cpf = m(kind, (x) => x.cpuPerFrame);
  console.log(
    `| ${kind === "ours" ? "rutabaga-ts --virgl" : "QEMU virtio-vga-gl"} | ${m(kind, (x) => x.kmscubeFps).toFixed(1)} | ` +
      `${m(kind, (x) => x.kmscubeRgbaFps).toFixed(1)} | ${m(kind, (x) => x.glmarkScore)} | ` +
      `${Number.isNaN(cpf) ? "(in QEMU)" : `${(cpf * 1000).toFixed(2)} ms`} |`,
  );
}
const ratio = (f: (x: Figures) => number) => (m("ours", f) / m("builtin", f)).toFixed(2);
console.log(
  `ours / built-in: kmscube ${ratio((x) => x.kmscubeFps)}×, rgba ${ratio((x) => x.kmscubeRgbaFps)}×, ` +
    `glmark2 ${ratio((x) => x.glmarkScore)}× (target ≥ 1.0×)`,
);
