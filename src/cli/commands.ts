import type { CliCommand } from "./command.ts";
import { replayCommand } from "./replay.ts";

/** Every sub-command, by name. */
export const commands: Record<string, CliCommand> = {
  replay: replayCommand,
};
