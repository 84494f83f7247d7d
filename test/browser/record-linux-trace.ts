// Records test/browser/fixtures/linux-640x480.trace: an unmodified Linux guest (the QEMU e2e machinery) drives our
// vhost-user-gpu backend at 640×480 with `--trace`, then the trace is trimmed without changing what it replays.
// Run by hand: `npx tsx test/browser/record-linux-trace.ts` (needs what scripts/deps.d/qemu-e2e.sh installs).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildInitramfs, prepareTools } from "../../scripts/lib/guest-image.ts";
import { GuestSession } from "../../scripts/lib/guest-session.ts";
import { decodeTrace, type TraceRecord } from "../../src/virtio-gpu/index.ts";
import { trimTrace } from "./trim-trace.ts";

const W = 640;
const H = 480;
const OUT = resolve("test/browser/fixtures/linux-640x480.trace");

/** A 256×128 B, G, R, X picture: gradients and a checker, so a wrong byte order or offset shows. */
function picture(): Uint8Array {
  const out = new Uint8Array(256 * 128 * 4);
  for (let y = 0; y < 128; y++) {
    for (let x = 0; x < 256; x++) {
      const i = (y * 256 + x) * 4;
      const check = ((x >> 4) ^ (y >> 4)) & 1 ? 0x40 : 0;
      out[i] = (255 - x) & 0xff;
      out[i + 1] = (y * 2 + check) & 0xff;
      out[i + 2] = x & 0xff;
    }
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), "rutabaga-record-"));
const rawTrace = join(work, "raw.trace");
const tools = prepareTools();
const initramfs = buildInitramfs(tools, { "picture.raw": picture() });
const guest = new GuestSession();
try {
  await guest.start(tools, initramfs, "ours", 120_000, [], ["--trace", rawTrace, "--display", `${W}x${H}`]);
  const tty = (text: string) => guest.run(`printf '${text}' > /dev/tty1`);
  await guest.run("echo 0 > /sys/class/graphics/fbcon/cursor_blink");
  await tty("\\033[2J\\033[H\\033[?25l");
  await tty("rutabaga-ts: a Linux 6.1 guest, recorded through vhost-user-gpu\\n\\n");
  await guest.run("uname -a > /dev/tty1");
  await guest.run("cat /sys/class/drm/card0-Virtual-1/modes > /dev/tty1");
  await guest.run("cat /sys/class/graphics/fb0/virtual_size > /dev/tty1");
  await guest.run("dmesg | grep -i -e drm -e virtio | tail -n 8 > /dev/tty1");
  await tty("\\nA picture written row by row into /dev/fb0:\\n");
  await new Promise((r) => setTimeout(r, 500));
  await guest.run(
    `y=0; while [ $y -lt 128 ]; do dd if=/data/picture.raw of=/dev/fb0 bs=512 count=2 skip=$((y*2)) seek=$(((320+y)*${(W * 4) / 512}+2)) conv=notrunc 2>/dev/null; y=$((y+1)); done`,
  );
  await new Promise((r) => setTimeout(r, 1500));
} finally {
  await guest.stop();
}
const raw = new Uint8Array(readFileSync(rawTrace));
rmSync(work, { recursive: true, force: true });
const trimmed = trimTrace(raw);
mkdirSync(resolve("test/browser/fixtures"), { recursive: true });
writeFileSync(OUT, trimmed);
const count = (t: Uint8Array) => decodeTrace(t).records.filter((r: TraceRecord) => r.kind === "request").length;
console.log(`raw ${raw.length} bytes, ${count(raw)} requests; trimmed ${trimmed.length} bytes -> ${OUT}`);
