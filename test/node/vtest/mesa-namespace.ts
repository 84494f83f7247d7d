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
 * Runs our `rutabaga-ts vtest` on a socket in a private directory, then `clientScript` (bash) in a mount namespace
 * where that directory is bind-mounted on /tmp, because Mesa 22.3 always connects to /tmp/.virgl_test. Nothing of
 * the machine's own /tmp is touched or hidden from the server. Returns the script's output and the server's log.
 */
export async function withVtestServer(
  clientScript: string,
  timeoutMs = 120_000,
): Promise<{ out: string; serverLog: string; status: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-ns-"));
  const bin = new URL("../../../bin/rutabaga-ts.js", import.meta.url).pathname;
  const server = spawn(process.execPath, [bin, "vtest", "--verbose", "--socket-path", join(dir, ".virgl_test")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const serverLog = collect(server);
  try {
    const deadline = Date.now() + 30_000;
    while (!serverLog.text().includes("listening on")) {
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
    return { out: out.text(), serverLog: serverLog.text(), status };
  } finally {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
