// A Linux guest on rutabaga-ts in one command: QEMU 10 and Debian's 6.1 kernel (fetched into .cache/qemu-e2e/ on the
// first run), a busybox initramfs, our vhost-user-gpu backend and QEMU started together; the guest's screen is written
// to a PNG file by QMP screendumps; both processes are stopped cleanly at the end. Run it through scripts/run-guest.sh.
import { copyFileSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { buildInitramfs, prepareTools } from "./lib/guest-image.ts";
import { GuestSession, qemuArgs, qemuEnv } from "./lib/guest-session.ts";

// QEMU 10 refuses -vnc (and any display without dmabuf) for a vhost-user-gpu console: "The console requires display
// DMABUF support"; gtk,gl=on or sdl,gl=on need a real GPU and a desktop. Hence -display none and screendumps.
const HELP = `Usage: scripts/run-guest.sh [options]

Boots a Linux guest under QEMU 10 (TCG) with vhost-user-gpu-pci served by rutabaga-ts, writes the guest's screen to
a PNG file every --every seconds, and, on a terminal, runs the lines you type in the guest (their output also goes to
the guest's screen). Ctrl-D, Ctrl-C or --seconds stop the guest and the backend.

  --screendump FILE     where the screen goes (default ./guest-screen.png)
  --every SECONDS       how often it is refreshed (default 1)
  --seconds N           stop N seconds after the guest is up (default: run until Ctrl-D / Ctrl-C)
  --print-qemu-command  build the guest's initramfs into .cache/qemu-e2e/ and print a QEMU command line (with its
                        environment) that boots it against a backend already listening on --socket, and exit
  --socket PATH         the backend's socket for --print-qemu-command (default /tmp/rutabaga-gpu.sock, the
                        README Quick start's)
  -h, --help            show this help`;

function fail(message: string): never {
  console.error(`run-guest: ${message}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        screendump: { type: "string" },
        every: { type: "string" },
        seconds: { type: "string" },
        "print-qemu-command": { type: "boolean" },
        socket: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return fail((e as Error).message.split("\n")[0]!);
  }
})();
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const number = (text: string | undefined, name: string, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} ${text}: a positive number`);
  return n;
};
const every = number(values.every, "every", 1);
const seconds = values.seconds === undefined ? undefined : number(values.seconds, "seconds", 0);
// run-guest.sh works from the checkout; relative paths are the caller's.
const screenFile = resolve(process.env.RUN_GUEST_CWD ?? ".", values.screendump ?? "guest-screen.png");

const tools = prepareTools();
if (values["print-qemu-command"]) {
  const gpuSocket = resolve(process.env.RUN_GUEST_CWD ?? ".", values.socket ?? "/tmp/rutabaga-gpu.sock");
  const args = qemuArgs(tools, { gpuSocket, initramfs: buildInitramfs(tools, {}) });
  const env = Object.entries(qemuEnv(tools)).map(([k, v]) => `${k}=${v}`);
  console.log([...env, tools.qemu, ...args].map((a) => (/^[\w/.,:=+-]+$/.test(a) ? a : `'${a}'`)).join(" "));
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), "rutabaga-run-guest-"));
const initramfs = buildInitramfs(tools, {}, work);
const session = new GuestSession();
let stopping: Promise<void> | undefined;
let timer: NodeJS.Timeout | undefined;

function stop(why: string): Promise<void> {
  stopping ??= (async () => {
    clearInterval(timer);
    console.error(`run-guest: stopping (${why})`);
    const { backendExit } = await session.stop();
    rmSync(work, { recursive: true, force: true });
    console.error(`run-guest: QEMU stopped; backend exited ${backendExit}`);
    process.exitCode = backendExit === 0 ? 0 : 1;
  })();
  return stopping;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop(signal));

console.error(`run-guest: booting (QEMU 10, Linux ${tools.kernelVersion}, TCG: about 10-30 s)`);
try {
  await session.start(tools, initramfs, "ours", 180_000);
} catch (e) {
  console.error(`run-guest: ${(e as Error).message}`);
  await stop("the guest did not boot");
  process.exit(1);
}

// Something to look at: the console's text, then a band of noise drawn straight into the framebuffer.
const mode = (await session.run("cat /sys/class/drm/card0-Virtual-1/modes | head -n 1")).out.trim();
await session.run("echo 0 > /sys/class/graphics/fbcon/cursor_blink");
await session.run(
  `{ echo; echo "  rutabaga-ts: Linux $(uname -r) on virtio-gpu (vhost-user), ${mode}"; echo; } > /dev/tty1`,
);
await session.run("dd if=/dev/urandom of=/dev/fb0 bs=4096 count=100 seek=300 2>/dev/null");

let dumps = 0;
async function screendump(): Promise<void> {
  const fresh = join(work, "screen.png");
  await session.qmp({ execute: "screendump", arguments: { filename: fresh, format: "png" } });
  // The file is replaced whole, so a viewer never reads half a picture.
  const next = `${screenFile}.tmp`;
  copyFileSync(fresh, next);
  renameSync(next, screenFile);
  dumps++;
}
await screendump();
console.error(`run-guest: the guest is up (${mode}); its screen is in ${screenFile}, refreshed every ${every} s`);
timer = setInterval(() => {
  if (stopping === undefined) screendump().catch((e: Error) => console.error(`run-guest: screendump: ${e.message}`));
}, every * 1000);

if (seconds !== undefined) {
  setTimeout(
    () => void stop(`${seconds} s are up`).then(() => console.error(`run-guest: ${dumps} screendumps`)),
    seconds * 1000,
  );
} else if (process.stdin.isTTY) {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "guest# " });
  rl.prompt();
  // One guest command at a time, in the order typed; the serial line carries one at a time.
  let queue = Promise.resolve();
  rl.on("line", (line) => {
    queue = queue.then(async () => {
      if (stopping !== undefined) return;
      if (line.trim() !== "") {
        const { out, rc } = await session.run(`{ ${line} ; } 2>&1 | tee /dev/tty1`, 300_000);
        if (out !== "") console.log(out);
        if (rc !== 0) console.log(`(exit ${rc})`);
      }
      if (stopping === undefined) rl.prompt();
    });
  });
  rl.on("close", () => void queue.then(() => stop("end of input")));
}
