import { spawn } from "node:child_process";

/** The script that builds the Debian 13 root on first use and runs commands inside it. */
const SCRIPT = new URL("../../../scripts/trixie-root.sh", import.meta.url).pathname;

/** Why the trixie root cannot be used here, or `false`: it needs root (mmdebstrap's root mode, unshare, chroot). */
export const TRIXIE_SKIP: string | false =
  process.getuid?.() === 0 ? false : "the Debian 13 root needs root (mmdebstrap, unshare -m, chroot)";

/** The venus ICD and lavapipe manifests inside the root. */
export const VENUS_ICD = "/usr/share/vulkan/icd.d/virtio_icd.json";
export const LAVAPIPE_ICD = "/usr/share/vulkan/icd.d/lvp_icd.json";

/**
 * Starts the reference server inside the root on /tmp/.virgl_test (venus on lavapipe), waits for its socket; its
 * log goes to /tmp/reference.log. The root's /tmp is a fresh tmpfs per run.
 */
export const REFERENCE_VENUS_START = `VK_DRIVER_FILES=${LAVAPIPE_ICD} virgl_test_server --venus --use-egl-surfaceless >/tmp/reference.log 2>&1 &
trap 'kill %1 2>/dev/null' EXIT
for _ in $(seq 200); do [ -S /tmp/.virgl_test ] && break; sleep 0.05; done`;

/** Starts our server (the checkout's CLI) inside the root on /tmp/.virgl_test; its log goes to /tmp/ours.log. */
export const OURS_START = `node bin/rutabaga-ts.js vtest --verbose --socket-path /tmp/.virgl_test >/tmp/ours.log 2>&1 &
trap 'kill %1 2>/dev/null' EXIT
for _ in $(seq 400); do grep -q "listening on" /tmp/ours.log 2>/dev/null && break; sleep 0.05; done`;

/** Builds the root if it is missing or its package list changed (about 80 s the first time, then nothing). */
export function ensureTrixieRoot(timeoutMs = 600_000): Promise<string> {
  return run(["ensure"], timeoutMs).then((r) => {
    if (r.status !== 0) throw new Error(`scripts/trixie-root.sh ensure failed (${r.status}):\n${r.out}`);
    return r.out.trim().split("\n").at(-1)!;
  });
}

/** Runs `script` (bash) inside the root, in the checkout, in a private mount namespace; its output and status. */
export function inTrixieRoot(script: string, timeoutMs = 120_000): Promise<{ out: string; status: number | null }> {
  return run(["run", "bash", "-c", script], timeoutMs);
}

function run(args: string[], timeoutMs: number): Promise<{ out: string; status: number | null }> {
  const child = spawn("bash", [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  return new Promise((resolve) => {
    // The whole namespace goes with the script's process group leader; unshare forwards the kill.
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ out, status });
    });
  });
}
