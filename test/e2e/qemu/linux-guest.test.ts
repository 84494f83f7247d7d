// An unmodified Linux 6.1 guest under QEMU 10 (TCG) with vhost-user-gpu-pci served by our backend
// (RUTABAGA_E2E_BACKEND=reference runs QEMU's own backend instead, for comparison).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { buildInitramfs, prepareTools } from "../../../scripts/lib/guest-image.ts";
import { type BackendKind, GuestSession, type Screen } from "../../../scripts/lib/guest-session.ts";
import { saveMismatch } from "../../virtio-gpu/helpers.ts";

const W = 1280;
const H = 800;
const kind: BackendKind = process.env.RUTABAGA_E2E_BACKEND === "reference" ? "reference" : "ours";

/** B, G, R, 0 pixels a 32 bpp framebuffer holds; `seed` varies the picture. */
function picture(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[i] = (x + seed * 3) & 0xff;
      out[i + 1] = (y * 2 + seed) & 0xff;
      out[i + 2] = ((x >> 3) ^ (y >> 2) ^ seed) & 0xff;
    }
  }
  return out;
}

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

/** Screendumps until the screen equals `expected` (fbdev flushes damage after a delay), or fails with both images. */
async function expectScreen(
  guest: GuestSession,
  name: string,
  expected: Uint8Array,
  timeoutMs = 15_000,
): Promise<Screen> {
  const start = Date.now();
  for (;;) {
    const screen = await guest.screendump();
    if (screen.width === W && screen.height === H && md5(screen.bgrx) === md5(expected)) return screen;
    if (Date.now() - start > timeoutMs) {
      const dir = saveMismatch(`qemu-e2e-${kind}-${name}`, screen.width, screen.height, expected, screen.bgrx);
      assert.fail(`screen ${screen.width}x${screen.height} never matched ${name}; images in ${dir}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

test(`a Linux guest drives the GPU through the ${kind} vhost-user-gpu backend`, { timeout: 180_000 }, async () => {
  const tools = prepareTools();
  const full = picture(W, H, 1);
  const rect = picture(96, 64, 77);
  const second = picture(W, H, 9);
  const initramfs = buildInitramfs(tools, { "full.raw": full, "rect.raw": rect, "second.raw": second });
  const guest = new GuestSession();
  try {
    await guest.start(tools, initramfs, kind);

    // The guest's side: driver, one connected output whose preferred mode is the backend's, /dev/fb0.
    const dmesg = (await guest.run("dmesg")).out;
    assert.match(dmesg, /\[drm\] Initialized virtio_gpu/);
    assert.match(dmesg, /\[drm\] number of scanouts: 1/);
    assert.equal((await guest.run("cat /sys/class/drm/card0-Virtual-1/status")).out.trim(), "connected");
    const modes = (await guest.run("cat /sys/class/drm/card0-Virtual-1/modes")).out.trim().split("\n");
    assert.equal(modes[0], `${W}x${H}`, `preferred mode first: ${modes.join(" ")}`);
    assert.equal((await guest.run("ls /sys/class/drm | grep -c Virtual")).out.trim(), "1");
    assert.equal((await guest.run("cat /sys/class/graphics/fb0/virtual_size")).out.trim(), `${W},${H}`);
    assert.equal((await guest.run("cat /sys/class/graphics/fb0/stride")).out.trim(), `${W * 4}`);

    // Console text: what fbcon drew in the guest's framebuffer is what QEMU shows.
    await guest.run("echo 0 > /sys/class/graphics/fbcon/cursor_blink; printf '\\033[2J\\033[H\\033[?25l' > /dev/tty1");
    await guest.run(
      'for i in 1 2 3 4 5 6 7 8; do echo "rutabaga-ts line $i: the quick brown fox jumps over the lazy dog" > /dev/tty1; done',
    );
    let consoleMatched = false;
    for (let tries = 0; tries < 30 && !consoleMatched; tries++) {
      await new Promise((r) => setTimeout(r, 500));
      const guestSum = (await guest.run("md5sum /dev/fb0")).out.trim().split(/\s+/)[0];
      const screen = await guest.screendump();
      consoleMatched = md5(screen.bgrx) === guestSum;
      if (consoleMatched) {
        // Text rows are not blank: the first line's pixels vary.
        const firstRow = new Set<number>();
        for (let y = 0; y < 16; y++) for (let x = 0; x < 400; x++) firstRow.add(screen.bgrx[(y * W + x) * 4 + 1]!);
        assert.ok(firstRow.size > 1, "the first text line shows");
      }
    }
    assert.ok(consoleMatched, "the screendump equals the guest's /dev/fb0 after console output");

    // Full frames and a partial rectangle written to /dev/fb0, with the console unbound so nothing else draws.
    await guest.run("echo 0 > /sys/class/vtconsole/vtcon1/bind");
    await guest.run("cat /data/full.raw > /dev/fb0");
    await expectScreen(guest, "full-frame", full);
    const expected = full.slice();
    for (let y = 0; y < 64; y++) expected.set(rect.subarray(y * 96 * 4, (y + 1) * 96 * 4), ((300 + y) * W + 200) * 4);
    await guest.run(
      "y=0; while [ $y -lt 64 ]; do dd if=/data/rect.raw of=/dev/fb0 bs=4 count=96 skip=$((y*96)) seek=$(((300+y)*1280+200)) conv=notrunc 2>/dev/null; y=$((y+1)); done",
    );
    await expectScreen(guest, "partial-rect", expected);
    await guest.run("cat /data/second.raw > /dev/fb0");
    await expectScreen(guest, "second-frame", second);
  } catch (e) {
    console.error(`serial log:\n${guest.serial.slice(-4000)}\nbackend log:\n${guest.backendLog.slice(-4000)}`);
    throw e;
  } finally {
    const { backendExit } = await guest.stop();
    if (kind === "ours")
      assert.equal(backendExit, 0, `our backend exits 0 when QEMU goes away\n${guest.backendLog.slice(-2000)}`);
  }
});
