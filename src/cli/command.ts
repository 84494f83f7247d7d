/** A CLI sub-command: `run` gets the arguments after the command's name and resolves to the exit code. */
export interface CliCommand {
  readonly summary: string;
  run(args: string[]): Promise<number>;
}
