import { parseArgs } from "node:util";
import { commands } from "./commands.ts";
import { VERSION } from "./version.ts";

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

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (name === undefined || name.startsWith("-")) {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
      strict: true,
    });
    if (values.version) {
      console.log(VERSION);
      return 0;
    }
    console.log(usage());
    return values.help ? 0 : 2;
  }
  const command = commands[name];
  if (command === undefined) {
    console.error(`rutabaga-ts: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(argv.slice(1));
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
