import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's piglit keeps its test programs. */
export const PIGLIT_BIN = "/usr/lib/x86_64-linux-gnu/piglit/bin";

/** A child's output so far, and a wait that checks a condition at each chunk of output and at the child's exit. */
function collect(child: ChildProcess): {
  text: () => string;
  until: (done: (text: string) => boolean, timeoutMs: number) => Promise<boolean>;
} {
  let text = "";
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const add = (d: Buffer) => {
    text += d;
    wake();
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  child.once("exit", wake);
  /** Resolves true once `done(text)` holds, false when the child has exited or `timeoutMs` passed without it. */
  const until = (done: (text: string) => boolean, timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const check = () => {
        if (done(text)) finish(true);
        else if (child.exitCode !== null || child.signalCode !== null) finish(false);
      };
      const timer = setTimeout(() => finish(done(text)), timeoutMs);
      waiters.add(check);
      check();
    });
  return { text: () => text, until };
}

/**
 * Starts the reference server on /tmp/.virgl_test inside the namespace and waits for its socket; it must not inherit
 * the clients' GALLIUM_DRIVER=virpipe (it would render through itself).
 */
const REFERENCE_START = `env -u GALLIUM_DRIVER virgl_test_server --use-egl-surfaceless >/tmp/reference.log 2>&1 &
trap 'kill %1 2>/dev/null' EXIT
for _ in $(seq 100); do [ -S /tmp/.virgl_test ] && break; sleep 0.05; done`;

/** Which vtest server a client talks to: ours, or virglrenderer's `virgl_test_server` (the reference). */
export type VtestServerKind = "ours" | "reference";

/**
 * Runs our `rutabaga-ts vtest` (or the reference server) on a socket in a private directory, then `clientScript` (bash) in a mount namespace
 * where that directory is bind-mounted on /tmp, because Mesa 22.3 always connects to /tmp/.virgl_test. Nothing of
 * the machine's own /tmp is touched or hidden from the server. Returns the script's output and the server's log.
 */
export async function withVtestServer(
  clientScript: string,
  timeoutMs = 120_000,
  serverKind: VtestServerKind = "ours",
): Promise<{ out: string; serverLog: string; status: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-ns-"));
  const socket = join(dir, ".virgl_test");
  const bin = new URL("../../../bin/rutabaga-ts.js", import.meta.url).pathname;
  // virglrenderer 0.10.4's server reads `--socket-path`'s value as a replay file: it runs inside the namespace.
  const server =
    serverKind === "ours"
      ? spawn(process.execPath, [bin, "vtest", "--verbose", "--socket-path", socket], {
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn("sleep", ["infinity"], { stdio: ["ignore", "pipe", "pipe"] });
  const serverLog = collect(server);
  try {
    const ready = serverKind === "reference" || (await serverLog.until((t) => t.includes("listening on"), 30_000));
    if (!ready) return { out: "", serverLog: `server did not start:\n${serverLog.text()}`, status: null };
    const script = join(dir, "client.sh");
    writeFileSync(
      script,
      `set -u
mount --bind '${dir}' /tmp
export XDG_RUNTIME_DIR=/tmp/xdg; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
export GALLIUM_DRIVER=virpipe PIGLIT_PLATFORM=surfaceless_egl
${serverKind === "reference" ? REFERENCE_START : ""}
${clientScript}
`,
    );
    // Without root, a user namespace (-r) grants the mount.
    const asRoot = process.getuid?.() === 0;
    const client = spawn("unshare", [...(asRoot ? [] : ["-r"]), "-m", "--propagation", "private", "bash", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = collect(client);
    const status = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => client.kill("SIGKILL"), timeoutMs);
      client.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    // The server logs a client's disconnection after the client has exited: wait for the log lines themselves (each
    // chunk of output is checked), bounded only against a server that never writes them.
    const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
    await serverLog.until((t) => count(t, / connected\n/g) <= count(t, / disconnected\n/g), 30_000);
    return { out: out.text(), serverLog: serverLog.text(), status };
  } finally {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
