import type { CliCommand } from "./command.ts";

/** Every sub-command, by name. */
export const commands: Record<string, CliCommand> = {};
