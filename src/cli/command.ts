import { type ParseArgsConfig, parseArgs } from "node:util";
import { VERSION } from "./version.ts";

/** The option table of a command, as `parseArgs` reads it. */
export type CliOptions = NonNullable<ParseArgsConfig["options"]>;

/** What `parseArgs` makes of a command line for the option table `O`. */
export type CliValues<O extends CliOptions> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>["values"];

/** A command's work, loaded only when the command runs: gets the parsed options, resolves to the exit code. */
export type CliRun<O extends CliOptions> = (
  values: CliValues<O>,
  positionals: readonly string[],
  program: string,
) => Promise<number>;

/**
 * A CLI sub-command as the table knows it: what `--help` and the command list need, and a runner behind a dynamic
 * `import()`, so a command loads only its own code (a 2D backend no GL, a `--help` nothing at all).
 */
export interface CliCommandDescriptor<O extends CliOptions> {
  readonly summary: string;
  readonly options: O;
  /** Whether arguments other than options are accepted (the runner checks how many). */
  readonly positionals?: boolean;
  /** The text `--help` prints; `program` is how the command is invoked. */
  help(program: string): string;
  /** Answers before parsing when it returns a code (the backend-program conventions' `--print-capabilities`). */
  early?(args: readonly string[]): number | undefined;
  /** Imports the runner. */
  load(): Promise<CliRun<O>>;
}

/** A sub-command the CLI can run: `run` gets the arguments after the command's name and resolves to the exit code. */
export interface CliCommand {
  readonly summary: string;
  /** `program` is how messages name the command: `rutabaga-ts vtest`, or `rutabaga-ts-vhost-user-gpu` as its own bin. */
  run(args: string[], program: string): Promise<number>;
}

/** A wrong command line: the CLI prints `program: message` on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `parseArgs` whose complaints (unknown option, missing value) are {@link UsageError}s. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) {
      // Node appends advice on `--` after the first sentence; the rest of its lines are joined into one.
      throw new UsageError((e as Error).message.split(". To specify")[0]!.replaceAll("\n", " "));
    }
    throw e;
  }
}

/**
 * A command from its descriptor: parses the command line (an unknown option is a {@link UsageError}), prints the help
 * for `--help` and the version for `--version` where the options have them, refuses positionals it does not take,
 * then loads and runs the runner.
 */
export function defineCommand<const O extends CliOptions>(descriptor: CliCommandDescriptor<O>): CliCommand {
  return {
    summary: descriptor.summary,
    async run(args, program) {
      const early = descriptor.early?.(args);
      if (early !== undefined) return early;
      const { values, positionals } = parseCommandLine({
        args,
        options: descriptor.options,
        allowPositionals: true,
        strict: true,
      });
      if ((values as { help?: boolean }).help === true) {
        console.log(descriptor.help(program));
        return 0;
      }
      if ((values as { version?: boolean }).version === true) {
        console.log(VERSION);
        return 0;
      }
      if (!descriptor.positionals && positionals.length > 0)
        throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const run = await descriptor.load();
      return run(values, positionals, program);
    },
  };
}

/** Parses a non-negative safe integer option value, or throws a {@link UsageError} naming the option. */
export function parseCount(text: string, option: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${option} ${text}: ${what}`);
  return n;
}
