import type { CliCommand } from "./command.ts";
import { replayCommand } from "./replay.ts";
import { vhostUserGpuCommand } from "./vhost-user-gpu.ts";
import { vtestCommand } from "./vtest.ts";
import { waylandProxyCommand } from "./wayland-proxy.ts";

/** Every sub-command, by name. */
export const commands: Record<string, CliCommand> = {
  "vhost-user-gpu": vhostUserGpuCommand,
  replay: replayCommand,
  vtest: vtestCommand,
  "wayland-proxy": waylandProxyCommand,
};
