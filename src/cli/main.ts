import { basename } from "node:path";
import type { CliCommand } from "./command.ts";
import { parseCommandLine, UsageError } from "./command.ts";
import { commands } from "./commands.ts";
import { VERSION } from "./version.ts";

/** The name bin/rutabaga-ts-vhost-user-gpu.js is run under (directly or through node_modules/.bin's link). */
const STANDALONE_VHOST_USER_GPU = "rutabaga-ts-vhost-user-gpu";

function usage(): string {
  const lines = ["Usage: rutabaga-ts <command> [options]", "", "Commands:"];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${name.padEnd(18)} ${command.summary}`);
  lines.push(
    "",
    "Options:",
    "  -h, --help         show this help (or a command's, after its name)",
    "  -v, --version      print the version",
  );
  return lines.join("\n");
}

async function runCommand(command: CliCommand, args: string[], program: string): Promise<number> {
  try {
    return await command.run(args, program);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${program}: ${e.message}`);
      return 2;
    }
    // OsError and Node's system errors read `ENOENT: no such file or directory, open 'x'`.
    console.error(`${program}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  if (basename(process.argv[1] ?? "").startsWith(STANDALONE_VHOST_USER_GPU))
    return runCommand(commands["vhost-user-gpu"]!, argv, STANDALONE_VHOST_USER_GPU);
  const name = argv[0];
  if (name === undefined || name.startsWith("-")) {
    let values: { help?: boolean; version?: boolean };
    try {
      ({ values } = parseCommandLine({
        args: argv,
        options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
        strict: true,
      }));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`rutabaga-ts: ${e.message}`);
      return 2;
    }
    if (values.version) {
      console.log(VERSION);
      return 0;
    }
    if (values.help) {
      console.log(usage());
      return 0;
    }
    console.error(usage());
    return 2;
  }
  const command = commands[name];
  if (command === undefined) {
    console.error(`rutabaga-ts: unknown command '${name}' (rutabaga-ts --help lists the commands)`);
    return 2;
  }
  return runCommand(command, argv.slice(1), `rutabaga-ts ${name}`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`rutabaga-ts: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
