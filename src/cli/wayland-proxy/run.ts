import { existsSync } from "node:fs";
import { WaylandProxy, waylandSocketPath } from "../../node/wayland-proxy/wayland-proxy.ts";
import { type CliRun, UsageError } from "../command.ts";
import type { waylandProxyOptions } from "./command.ts";

/** Serves Wayland clients until SIGINT/SIGTERM. */
export const runWaylandProxy: CliRun<typeof waylandProxyOptions> = async (values) => {
  if (values.socket === undefined) throw new UsageError("--socket NAME is required");
  const upstream = values.upstream ?? process.env.WAYLAND_DISPLAY;
  if (upstream === undefined || upstream === "")
    throw new UsageError("no compositor: set WAYLAND_DISPLAY or --upstream");
  const proxy = new WaylandProxy({
    socketPath: waylandSocketPath(values.socket),
    upstreamPath: waylandSocketPath(upstream),
    log: values.verbose ? (m) => console.error(`rutabaga-ts wayland-proxy: ${m}`) : undefined,
    warn: (m) => console.error(`rutabaga-ts wayland-proxy: ${m}`),
  });
  if (!existsSync(waylandSocketPath(upstream)))
    console.error(`rutabaga-ts wayland-proxy: no compositor listens at ${waylandSocketPath(upstream)} yet`);
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
};
