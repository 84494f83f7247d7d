// A Linux guest's OpenGL through our backend: Debian's Mesa (virtio_gpu_dri.so) and kmscube in the guest, under
// QEMU 10 (TCG) with `rutabaga-ts vhost-user-gpu --virgl`. kmscube's last frame of `-c 60` depends only on the frame
// number, so it is compared with the same frame from QEMU's built-in virtio-vga-gl + virglrenderer (the reference,
// on llvmpipe through `-display sdl,gl=on` in Xvfb, taken from the X window). A hold shim keeps each kmscube on
// screen after its last frame until the host has taken the picture. Then a guest dies mid-frame (QEMU killed) and
// the backend must exit 0 with every host GL object released. kmscube prints the OpenGL ES version the guest gets, and
// a GLES 3.1 compute program (compute-checksum.c, offscreen on GBM) runs in the guest on both devices: the reference
// must offer ES 3.2 and compute the expected checksum; ours must show exactly the state OURS_EXPECTED records.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildInitramfs3d,
  COMPUTE_PROGRAM,
  HOLD_RELEASE,
  HOLD_SHIM,
  prepareTools3d,
} from "../../../scripts/lib/guest-image-3d.ts";
import type { Screen } from "../../../scripts/lib/guest-session.ts";
import { type Gpu3dKind, Guest3dSession } from "../../../scripts/lib/guest-session-3d.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { makeVirgl } from "../../components/virgl/helpers.ts";
import { saveMismatch } from "../../virtio-gpu/helpers.ts";

const W = 1280;
const H = 800;
/** Pixels allowed to differ between our frame and the reference's (issue 11). */
const MAX_DIFFERENT_PIXELS = 64;
/** A pixel differs when a channel is off by more than this: the X-window capture alone is off by 1 (vm-3d.md). */
const CHANNEL_TOLERANCE = 1;
/** kmscube variants compared: smooth shading, and textured (`-M rgba`). */
const VARIANTS = [
  { name: "smooth", args: "" },
  { name: "rgba", args: "-M rgba" },
] as const;

/** The OpenGL ES version the reference (QEMU's built-in virtio-vga-gl + virglrenderer on llvmpipe) gives the guest. */
const REFERENCE_GLES = "3.2";

/**
 * What our backend gives the guest, asserted exactly so the test fails when it changes either way: OpenGL ES 3.2,
 * as the reference, and the compute program must print `compute ok` and the reference's checksum.
 */
export const OURS_EXPECTED = { glesVersion: "3.2", compute: true } as const;

/** The compute program's output in one guest. */
interface ComputeRun {
  out: string;
  rc: number;
  seconds: number;
}

interface KmscubeRun {
  screen: Screen;
  log: string;
  seconds: number;
}

const sameScreen = (a: Screen, b: Screen) =>
  a.width === b.width && a.height === b.height && Buffer.from(a.bgrx).equals(Buffer.from(b.bgrx));

/**
 * The held frame once the display shows it: QEMU's window repaints on its own refresh timer (after a second kmscube in
 * the same guest it still said "Display output is not active" at the first look), so captures are repeated until two
 * in a row agree and differ from `before`, the screen as it was before kmscube started (a loaded CI machine once
 * compared a stale screen: every pixel differed).
 */
async function steadyCapture(guest: Guest3dSession, before: Screen): Promise<Screen> {
  let last = await guest.capture();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await guest.capture();
    if (sameScreen(last, next) && !sameScreen(next, before)) return next;
    last = next;
  }
  return last;
}

/** Runs `kmscube -c 60 ARGS` held on its last frame, takes the screen, then lets it exit. */
async function kmscube(guest: Guest3dSession, args: string, tag: string): Promise<KmscubeRun> {
  const log = `/tmp/kmscube-${tag}.log`;
  const before = await guest.capture();
  const start = Date.now();
  // kmscube quits ("user interrupted!") once its stdin is readable, and a background job's stdin is /dev/null, always
  // readable at EOF: the console's tty, where nobody types, keeps it drawing.
  await guest.run(`rm -f ${HOLD_RELEASE}; LD_PRELOAD=${HOLD_SHIM} kmscube -c 60 ${args} < /dev/tty1 > ${log} 2>&1 &`);
  const held = await guest.run(
    `i=0; while ! grep -q @@HELD ${log} && [ $i -lt 3000 ]; do sleep 0.1; i=$((i+1)); done; cat ${log}`,
    330_000,
  );
  assert.match(held.out, /@@HELD/, `kmscube ${args} reached its last frame:\n${held.out}`);
  const seconds = (Date.now() - start) / 1000;
  const screen = await steadyCapture(guest, before);
  await guest.run(`touch ${HOLD_RELEASE}; wait`);
  return { screen, log: held.out, seconds };
}

/** The OpenGL ES version in kmscube's `version: "OpenGL ES 3.2 Mesa ..."` line (or the compute program's GL_VERSION). */
function glesVersion(log: string): string | undefined {
  return /(?:version: "|GL_VERSION: )OpenGL ES (\d+\.\d+)/.exec(log)?.[1];
}

/** Runs the compute program in the guest (bounded: a wedged GPU must not stall the test). */
async function compute(guest: Guest3dSession): Promise<ComputeRun> {
  const start = Date.now();
  const { out, rc } = await guest.run(`timeout 120 ${COMPUTE_PROGRAM}`, 150_000);
  const run = { out, rc, seconds: (Date.now() - start) / 1000 };
  console.log(`${guest.kind}: compute program (${run.seconds.toFixed(1)} s, exit ${rc}):\n${out}`);
  return run;
}

/** The `checksum <hex>` the compute program printed. */
function checksum(run: ComputeRun): string | undefined {
  return /^checksum ([0-9a-f]{8})$/m.exec(run.out)?.[1];
}

/** Boots a guest on `kind`, runs every variant, and hands the session to `more` before stopping it. */
async function session(
  kind: Gpu3dKind,
  more: (guest: Guest3dSession) => Promise<void> = async () => {},
  variants: readonly (typeof VARIANTS)[number][] = VARIANTS,
): Promise<Map<string, KmscubeRun>> {
  const tools = prepareTools3d();
  const guest = new Guest3dSession(kind);
  const runs = new Map<string, KmscubeRun>();
  try {
    const initramfs = buildInitramfs3d(tools, {}, guest.dir);
    await guest.start(tools, initramfs, 400_000);
    for (const v of variants) runs.set(v.name, await kmscube(guest, v.args, v.name));
    console.log(
      `${kind}: boot ${(guest.bootMs / 1000).toFixed(1)} s; ` +
        variants.map((v) => `kmscube ${v.name} ${runs.get(v.name)!.seconds.toFixed(1)} s`).join(", "),
    );
    await more(guest);
  } catch (e) {
    console.error(`${kind} serial log:\n${guest.serial.slice(-4000)}\nbackend log:\n${guest.backendLog.slice(-4000)}`);
    throw e;
  } finally {
    await guest.stop();
  }
  return runs;
}

/**
 * Why our frames cannot match yet, when the virgl component still counts DRAW_VBO without executing it (drawing is
 * another branch's work); `undefined` once it draws, and then the comparison is enforced.
 */
function drawingMissing(): string | undefined {
  const { rutabaga, component } = makeVirgl();
  try {
    rutabaga.submitCommand(1, new VirglEncoder().drawVbo({ count: 3, mode: 4 }).finish());
    const skipped = component.context(1)?.unsupported.get("DrawVbo") ?? 0;
    return skipped > 0 ? "the virgl component does not execute DRAW_VBO yet (it counts it as unsupported)" : undefined;
  } finally {
    rutabaga.destroy();
  }
}

function compare(name: string, reference: Screen, ours: Screen): { differing: number; maxDelta: number } {
  assert.deepEqual([ours.width, ours.height], [reference.width, reference.height], `${name}: frame size`);
  let differing = 0;
  let maxDelta = 0;
  for (let i = 0; i < reference.bgrx.length; i += 4) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(reference.bgrx[i + c]! - ours.bgrx[i + c]!));
    if (d > CHANNEL_TOLERANCE) differing++;
    maxDelta = Math.max(maxDelta, d);
  }
  return { differing, maxDelta };
}

test("kmscube's frames from a Linux guest on our --virgl backend match QEMU's built-in virgl device; a guest killed mid-frame leaves no GL object behind", {
  timeout: 25 * 60_000,
}, async (t) => {
  // One guest per variant for the reference: in QEMU's SDL GL window a second KMS program in the same guest stayed
  // on "Display output is not active" while held.
  const reference = new Map<string, KmscubeRun>();
  let referenceCompute: ComputeRun | undefined;
  const computeOnReference = async (guest: Guest3dSession) => {
    referenceCompute = await compute(guest);
  };
  for (const [i, v] of VARIANTS.entries())
    for (const [name, run] of await session("builtin", i === 0 ? computeOnReference : undefined, [v]))
      reference.set(name, run);
  for (const v of VARIANTS) {
    const run = reference.get(v.name)!;
    assert.match(run.log, /renderer: "virgl/, `the reference renders through virgl (${v.name})`);
    assert.deepEqual([run.screen.width, run.screen.height], [W, H]);
    assert.equal(glesVersion(run.log), REFERENCE_GLES, `kmscube ${v.name} reports OpenGL ES on the reference`);
  }
  assert.ok(referenceCompute !== undefined);
  const expectedChecksum = checksum(referenceCompute);
  assert.equal(glesVersion(referenceCompute.out), REFERENCE_GLES, "the compute program's GL_VERSION on the reference");
  assert.match(referenceCompute.out, /^compute ok$/m, "the compute program succeeds on the reference");
  assert.equal(referenceCompute.rc, 0, "the compute program exits 0 on the reference");
  assert.ok(expectedChecksum !== undefined, "the compute program prints a checksum on the reference");

  let killed: { exit: number | null; log: string } | undefined;
  let oursCompute: ComputeRun | undefined;
  const ours = await session("ours", async (guest) => {
    oursCompute = await compute(guest);
    // A guest that dies mid-frame: kmscube draws without end, QEMU is killed while frames are in flight.
    await guest.run("kmscube < /dev/tty1 > /tmp/kmscube-endless.log 2>&1 &");
    await guest.run("sleep 3");
    await guest.killQemu();
    const backend = guest.backend!;
    const exit = await new Promise<number | null>((resolve) => {
      if (backend.exitCode !== null) return resolve(backend.exitCode);
      const timer = setTimeout(() => resolve(null), 30_000);
      backend.once("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    killed = { exit, log: guest.backendLog };
  });

  for (const v of VARIANTS) {
    const run = ours.get(v.name)!;
    assert.match(run.log, /renderer: "virgl/, `the guest renders through virgl on our backend (${v.name})`);
    assert.equal(glesVersion(run.log), OURS_EXPECTED.glesVersion, `kmscube ${v.name} reports OpenGL ES on ours`);
  }
  assert.ok(oursCompute !== undefined);
  assert.equal(glesVersion(oursCompute.out), OURS_EXPECTED.glesVersion, "the compute program's GL_VERSION on ours");
  if (OURS_EXPECTED.compute) {
    assert.match(oursCompute.out, /^compute ok$/m, "the compute program succeeds on ours");
    assert.equal(oursCompute.rc, 0, "the compute program exits 0 on ours");
    assert.equal(checksum(oursCompute), expectedChecksum, "the compute checksum on ours matches the reference's");
  } else {
    assert.match(oursCompute.out, /^compute FAIL /m, "the compute program fails on ours, as OURS_EXPECTED says");
    assert.notEqual(oursCompute.rc, 0, "the compute program exits non-zero on ours, as OURS_EXPECTED says");
  }
  assert.ok(killed !== undefined);
  assert.equal(killed.exit, 0, `the backend exits 0 when QEMU is killed mid-frame:\n${killed.log.slice(-2000)}`);
  assert.match(killed.log, /host GL objects still live: 0 /, killed.log.slice(-2000));

  console.log(/scanout read-backs: .*/.exec(killed.log)?.[0] ?? "no read-back figures in the backend's log");
  const missing = drawingMissing();
  for (const v of VARIANTS) {
    const theirs = reference.get(v.name)!.screen;
    const mine = ours.get(v.name)!.screen;
    const { differing, maxDelta } = compare(v.name, theirs, mine);
    console.log(`kmscube ${v.name}: ${differing} pixels differ from the reference (max channel delta ${maxDelta})`);
    await t.test(`kmscube ${v.name}: the held last frame matches the reference`, { todo: missing }, () => {
      if (differing > MAX_DIFFERENT_PIXELS) {
        const dir = saveMismatch(`qemu-3d-kmscube-${v.name}`, W, H, theirs.bgrx, mine.bgrx);
        assert.fail(
          `kmscube ${v.name}: ${differing} pixels differ from the built-in virgl device's frame (at most ` +
            `${MAX_DIFFERENT_PIXELS}); reference (expected) and ours (actual) in ${dir}`,
        );
      }
    });
  }
});
