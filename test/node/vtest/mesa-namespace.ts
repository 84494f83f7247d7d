import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's piglit keeps its test programs. */
export const PIGLIT_BIN = "/usr/lib/x86_64-linux-gnu/piglit/bin";

/**
 * Runs `clientScript` (bash) against our vtest server in a private mount namespace with its own /tmp, because Mesa
 * 22.3 always connects to /tmp/.virgl_test; returns the script's output and the server's log.
 */
export function withVtestServer(
  clientScript: string,
  timeoutMs = 120_000,
): { out: string; serverLog: string; status: number | null } {
  const bin = new URL("../../../bin/rutabaga-ts.js", import.meta.url).pathname;
  const script = `
set -u
mount -t tmpfs tmpfs /tmp
export XDG_RUNTIME_DIR=/tmp/xdg; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
export GALLIUM_DRIVER=virpipe PIGLIT_PLATFORM=surfaceless_egl
'${process.execPath}' '${bin}' vtest --verbose > /tmp/server.log 2>&1 < /dev/null &
SRV=$!
for i in $(seq 200); do [ -S /tmp/.virgl_test ] && break; sleep 0.05; done
${clientScript}
kill $SRV; wait $SRV
echo "@@SERVER-EXIT $?"
echo "@@SERVER-LOG"; cat /tmp/server.log
`;
  const file = join(tmpdir(), `rutabaga-vtest-${process.pid}-${Date.now()}.sh`);
  writeFileSync(file, script);
  // Without root, a user namespace (-r) grants the mount.
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync("unshare", [...(asRoot ? [] : ["-r"]), "-m", "--propagation", "private", "bash", file], {
    encoding: "utf8",
    timeout: timeoutMs,
  });
  const text = `${r.stdout}${r.stderr}`;
  const at = text.indexOf("@@SERVER-LOG");
  return { out: at < 0 ? text : text.slice(0, at), serverLog: at < 0 ? "" : text.slice(at), status: r.status };
}
