import { type ParseArgsConfig, parseArgs } from "node:util";

/** A CLI sub-command: `run` gets the arguments after the command's name and resolves to the exit code. */
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

/** Parses a non-negative safe integer option value, or throws a {@link UsageError} naming the option. */
export function parseCount(text: string, option: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${option} ${text}: ${what}`);
  return n;
}
