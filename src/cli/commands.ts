import type { CliCommand } from "./command.ts";
import { replayCommand } from "./replay/command.ts";
import { vhostUserGpuCommand } from "./vhost-user-gpu/command.ts";
import { vtestCommand } from "./vtest/command.ts";
import { waylandProxyCommand } from "./wayland-proxy/command.ts";

/** Every sub-command, by name: descriptors only; each loads its runner when it runs. */
export const commands: Record<string, CliCommand> = {
  "vhost-user-gpu": vhostUserGpuCommand,
  replay: replayCommand,
  vtest: vtestCommand,
  "wayland-proxy": waylandProxyCommand,
};
