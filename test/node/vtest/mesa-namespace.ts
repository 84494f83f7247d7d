import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's piglit keeps its test programs. */
export const PIGLIT_BIN = "/usr/lib/x86_64-linux-gnu/piglit/bin";

function collect(child: ChildProcess): { text: () => string } {
  let text = "";
  child.stdout?.on("data", (d) => {
    text += d;
  });
  child.stderr?.on("data", (d) => {
    text += d;
  });
  return { text: () => text };
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
    const deadline = Date.now() + 30_000;
    const ready = () => serverKind === "reference" || serverLog.text().includes("listening on");
    while (!ready()) {
      if (server.exitCode !== null || Date.now() > deadline) {
        return { out: "", serverLog: `server did not start:\n${serverLog.text()}`, status: null };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
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
    // The server logs a client's disconnection after the client has exited: wait (bounded) until every client
    // connected is also logged as disconnected.
    const count = (re: RegExp) => (serverLog.text().match(re) ?? []).length;
    const settle = Date.now() + 3000;
    while (count(/ connected\n/g) > count(/ disconnected\n/g) && Date.now() < settle) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return { out: out.text(), serverLog: serverLog.text(), status };
  } finally {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
