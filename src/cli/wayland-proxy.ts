import { parseArgs } from "node:util";
import { WaylandProxy, waylandSocketPath } from "../node/wayland-proxy/wayland-proxy.ts";
import type { CliCommand } from "./command.ts";

const HELP = `Usage: rutabaga-ts wayland-proxy --socket NAME [--upstream NAME] [-v]

A guest-side Wayland proxy: clients connect to NAME; their traffic crosses a cross-domain context of a virtio-gpu device
in this process (as Sommelier's does in a guest) to the host compositor. NAMEs are relative to XDG_RUNTIME_DIR unless
absolute, as WAYLAND_DISPLAY is.

  -s, --socket NAME     the socket clients connect to (WAYLAND_DISPLAY=NAME)
  -u, --upstream NAME   the host compositor (default: WAYLAND_DISPLAY when the proxy starts)
  -v, --verbose         log sessions that end and messages that cannot cross`;

/** `rutabaga-ts wayland-proxy`: serve Wayland clients until SIGINT/SIGTERM. */
export const waylandProxyCommand: CliCommand = {
  summary: "proxy Wayland clients to the host compositor through cross-domain (as Sommelier does in a guest)",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        socket: { type: "string", short: "s" },
        upstream: { type: "string", short: "u" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (values.socket === undefined) throw new Error("--socket NAME is required");
    const upstream = values.upstream ?? process.env.WAYLAND_DISPLAY;
    if (upstream === undefined || upstream === "") throw new Error("no compositor: set WAYLAND_DISPLAY or --upstream");
    const proxy = new WaylandProxy({
      socketPath: waylandSocketPath(values.socket),
      upstreamPath: waylandSocketPath(upstream),
      log: values.verbose ? (m) => console.error(`rutabaga-ts wayland-proxy: ${m}`) : undefined,
    });
    console.log(`listening on ${proxy.socketPath}`);
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          proxy.close();
          resolve();
        });
      }
    });
    return 0;
  },
};
