// Test-only: a WaylandProxy in front of a scripted compositor (a listening socket whose connections the test drives).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { UnixListener } from "../../../src/node/os/unix-listener.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { WaylandProxy } from "../../../src/node/wayland-proxy/wayland-proxy.ts";

/** The proxy, the compositor's accepted connections (one per proxied client) and the proxy's log. */
export interface ScriptedCompositor {
  readonly proxy: WaylandProxy;
  readonly accepted: UnixSocket[];
  readonly logs: string[];
  /** A raw client of the proxy, closed when the test ends. */
  connect(): UnixSocket;
}

/** Sets up a proxy and its scripted compositor in a fresh directory; everything goes when `t` ends. */
export function scriptedCompositor(t: TestContext): ScriptedCompositor {
  const dir = mkdtempSync(join(tmpdir(), "wayland-proxy-"));
  const compositor = UnixListener.listen(join(dir, "wl-host"));
  const accepted: UnixSocket[] = [];
  compositor.onConnection((s) => accepted.push(s));
  const logs: string[] = [];
  const proxy = new WaylandProxy({
    socketPath: join(dir, "wl-proxy"),
    upstreamPath: join(dir, "wl-host"),
    log: (m) => logs.push(m),
  });
  const clients: UnixSocket[] = [];
  t.after(() => {
    for (const c of clients) c.close();
    proxy.close();
    for (const s of accepted) s.close();
    compositor.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    proxy,
    accepted,
    logs,
    connect() {
      const c = UnixSocket.connect(join(dir, "wl-proxy"));
      clients.push(c);
      return c;
    },
  };
}
