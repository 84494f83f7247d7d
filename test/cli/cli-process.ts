// Runs the CLI as users do (bin/), as a child process.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";

export const BIN = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;
export const STANDALONE_BIN = new URL("../../bin/rutabaga-ts-vhost-user-gpu.js", import.meta.url).pathname;

/** Runs the CLI to its end. */
export function runCli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
}

/** A server started from the CLI; `output` collects stdout and stderr. */
export class CliServer {
  readonly child: ChildProcess;
  output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `nodeArgs` go before the script (e.g. `--import`); `env` is added to this process's environment. */
  constructor(
    args: string[],
    bin = BIN,
    options: { nodeArgs?: readonly string[]; env?: Readonly<Record<string, string>> } = {},
  ) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    this.child.stdout!.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    this.child.stderr!.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Resolves when `text` has appeared in the output; rejects if the process exits first or after `timeoutMs`. */
  async waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<void> {
    const start = Date.now();
    const seen = () => (typeof text === "string" ? this.output.includes(text) : text.test(this.output));
    while (!seen()) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`exited before printing ${text}:\n${this.output}`);
      if (Date.now() - start > timeoutMs) throw new Error(`no ${text} after ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Kills the process if it still runs. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }
}
