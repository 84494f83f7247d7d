// Records the kmscube trace fixture (test/fixtures/virtio-gpu/kmscube-virgl.trace.gz) and the screendump it is compared
// with: the 3D e2e guest (test/e2e/qemu-3d/) on `rutabaga-ts vhost-user-gpu --virgl --trace`, `kmscube -M rgba -c 30`
// held on its last frame, one QMP screendump of it, then QEMU killed, so the trace ends on the frame the screendump
// shows. Usage: npx tsx scripts/record-kmscube-trace.ts [OUTDIR] (default test/fixtures/virtio-gpu).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { encodePng } from "../src/node/display/png.ts";
import { buildInitramfs3d, HOLD_RELEASE, HOLD_SHIM, prepareTools3d } from "./lib/guest-image-3d.ts";
import type { Screen } from "./lib/guest-session.ts";
import { Guest3dSession } from "./lib/guest-session-3d.ts";

const outDir = process.argv[2] ?? fileURLToPath(new URL("../test/fixtures/virtio-gpu", import.meta.url));
const FRAMES = 30;

const same = (a: Screen, b: Screen) =>
  a.width === b.width && a.height === b.height && Buffer.from(a.bgrx).equals(Buffer.from(b.bgrx));

const tools = prepareTools3d();
const guest = new Guest3dSession("ours");
// Outside the session's folder, which stop() removes.
const work = mkdtempSync(join(tmpdir(), "rutabaga-kmscube-trace-"));
const tracePath = join(work, "kmscube.trace");
let screen: Screen | undefined;
const initramfs = buildInitramfs3d(tools, {}, guest.dir);
try {
  await guest.start(tools, initramfs, 400_000, ["--trace", tracePath]);
  const before = await guest.capture();
  const log = "/tmp/kmscube.log";
  await guest.run(
    `rm -f ${HOLD_RELEASE}; LD_PRELOAD=${HOLD_SHIM} kmscube -c ${FRAMES} -M rgba < /dev/tty1 > ${log} 2>&1 &`,
  );
  const held = await guest.run(
    `i=0; while ! grep -q @@HELD ${log} && [ $i -lt 3000 ]; do sleep 0.1; i=$((i+1)); done; cat ${log}`,
    330_000,
  );
  if (!held.out.includes("@@HELD")) throw new Error(`kmscube did not reach its last frame:\n${held.out}`);
  // The display repaints on its own timer: two equal screendumps in a row that differ from the console.
  let last = await guest.capture();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await guest.capture();
    if (same(last, next) && !same(next, before)) break;
    last = next;
  }
  screen = last;
  await guest.killQemu();
} catch (e) {
  console.error(`serial:\n${guest.serial.slice(-3000)}\nbackend:\n${guest.backendLog.slice(-3000)}`);
  throw e;
} finally {
  const { backendExit } = await guest.stop().catch(() => ({ backendExit: -1 }));
  console.log(`backend exit ${backendExit}`);
}
const trace = readFileSync(tracePath);
const gz = gzipSync(trace, { level: 9 });
writeFileSync(join(outDir, "kmscube-virgl.trace.gz"), gz);
// B, G, R, X: virtio-gpu format 2.
const png = encodePng({
  width: screen!.width,
  height: screen!.height,
  stride: screen!.width * 4,
  format: 2,
  pixels: screen!.bgrx,
});
writeFileSync(join(outDir, "kmscube-virgl-screendump.png"), png);
rmSync(work, { recursive: true, force: true });
console.log(`trace ${trace.length} bytes, ${gz.length} gzipped; screendump ${screen!.width}x${screen!.height}`);
