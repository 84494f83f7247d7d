import { defineCommand } from "../command.ts";

/** The options `wayland-proxy` takes. */
export const waylandProxyOptions = {
  socket: { type: "string", short: "s" },
  upstream: { type: "string", short: "u" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

const HELP = `Usage: rutabaga-ts wayland-proxy --socket NAME [--upstream NAME] [-v]

A guest-side Wayland proxy: clients connect to NAME; their traffic crosses a cross-domain context of a virtio-gpu device
in this process (as Sommelier's does in a guest) to the host compositor. NAMEs are relative to XDG_RUNTIME_DIR unless
absolute, as WAYLAND_DISPLAY is.

  -s, --socket NAME     the socket clients connect to (WAYLAND_DISPLAY=NAME)
  -u, --upstream NAME   the host compositor (default: WAYLAND_DISPLAY when the proxy starts)
  -v, --verbose         log sessions that end and messages that cannot cross`;

/** `rutabaga-ts wayland-proxy`: serve Wayland clients until SIGINT/SIGTERM. */
export const waylandProxyCommand = defineCommand({
  summary: "proxy Wayland clients to the host compositor through cross-domain (as Sommelier does in a guest)",
  options: waylandProxyOptions,
  help: () => HELP,
  load: async () => (await import("./run.ts")).runWaylandProxy,
});
