// The test guests' side channels, common to the 2D and 3D sessions: the serial line the guest's /init obeys
// (numbered commands in, `@@OUT` lines and `@@DONE id status` back) and QEMU's QMP socket.
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { PNG } from "pngjs";

/** A decoded screen. */
export interface Screen {
  width: number;
  height: number;
  /** B, G, R, 0 per pixel: what a 32 bpp Linux framebuffer holds. */
  bgrx: Uint8Array;
}

/** Polls `check` every 20 ms; rejects after `timeoutMs` naming `what`. */
export function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - start > timeoutMs)
        return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** Resolves when `p` has exited (at once if it has or was never started). */
export function exited(p: ChildProcess | undefined): Promise<void> {
  return p === undefined || p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => p.once("exit", () => resolve()));
}

/** Waits for `p` to exit for at most `ms`; the timer goes as soon as it exits (a pending one holds the process). */
export async function exitedWithin(p: ChildProcess | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited(p), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Waits for `p` to exit for at most `ms`, then kills it. */
export async function reap(p: ChildProcess | undefined, ms: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  await exitedWithin(p, ms);
  p?.kill(signal);
}

/** A PNG file (QMP's screendump) as B, G, R, 0 bytes. */
export function readPngScreen(file: string): Screen {
  const png = PNG.sync.read(readFileSync(file));
  const bgrx = new Uint8Array(png.width * png.height * 4);
  for (let i = 0; i < bgrx.length; i += 4) {
    bgrx[i] = png.data[i + 2]!;
    bgrx[i + 1] = png.data[i + 1]!;
    bgrx[i + 2] = png.data[i]!;
  }
  return { width: png.width, height: png.height, bgrx };
}

/** A running QEMU seen through its serial line (stdio) and QMP. */
export class QemuConsole {
  readonly qemu: ChildProcess;
  #serial = "";
  #qmp: Socket | undefined;
  #qmpBuffer = "";
  #qmpWaiters: ((line: Record<string, unknown>) => void)[] = [];
  #nextId = 1;
  /** What to add to an error about the guest (the backend's log). */
  readonly #context: () => string;

  constructor(qemu: ChildProcess, context: () => string = () => "") {
    this.qemu = qemu;
    this.#context = context;
    qemu.stdout!.on("data", (d: Buffer) => {
      this.#serial += d.toString("latin1");
    });
    qemu.stderr!.on("data", (d: Buffer) => {
      this.#serial += `[qemu] ${d.toString()}`;
    });
  }

  /** The whole serial log so far. */
  get serial(): string {
    return this.#serial;
  }

  /** A number no earlier call returned (command ids, file names). */
  nextId(): number {
    return this.#nextId++;
  }

  /** Waits for the guest's `@@READY`, then connects to QMP at `qmpSocket`. */
  async ready(qmpSocket: string, timeoutMs: number): Promise<void> {
    await waitFor(
      () => this.#serial.includes("@@READY") || this.qemu.exitCode !== null,
      "the guest to boot",
      timeoutMs,
    );
    if (!this.#serial.includes("@@READY"))
      throw new Error(`QEMU exited ${this.qemu.exitCode}:\n${this.#serial}\n${this.#context()}`);
    await waitFor(() => existsSync(qmpSocket), "QMP", 10_000);
    this.#qmp = createConnection(qmpSocket);
    this.#qmp.on("data", (d) => {
      this.#qmpBuffer += d.toString();
      for (let nl = this.#qmpBuffer.indexOf("\n"); nl >= 0; nl = this.#qmpBuffer.indexOf("\n")) {
        const line = this.#qmpBuffer.slice(0, nl);
        this.#qmpBuffer = this.#qmpBuffer.slice(nl + 1);
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (!("event" in msg)) this.#qmpWaiters.shift()?.(msg);
      }
    });
    await this.#qmpReply(); // greeting
    await this.qmp({ execute: "qmp_capabilities" });
  }

  #qmpReply(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.#qmpWaiters.push(resolve));
  }

  /** Sends a QMP command and returns its reply. */
  async qmp(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = this.#qmpReply();
    this.#qmp!.write(`${JSON.stringify(command)}\n`);
    const r = await reply;
    if ("error" in r) throw new Error(`QMP ${JSON.stringify(command)}: ${JSON.stringify(r.error)}`);
    return r;
  }

  /** Runs a shell command line in the guest; resolves with its `@@OUT` lines and exit status. */
  async run(line: string, timeoutMs: number): Promise<{ out: string; rc: number }> {
    const id = this.nextId();
    const done = new RegExp(`@@DONE ${id} (\\d+)`);
    const from = this.#serial.length;
    this.qemu.stdin!.write(`${id} ${line}\n`);
    await waitFor(
      () => done.test(this.#serial.slice(from)) || this.qemu.exitCode !== null,
      `guest command ${id}: ${line}`,
      timeoutMs,
    );
    const text = this.#serial.slice(from);
    const m = done.exec(text);
    if (m === null) throw new Error(`QEMU exited while running ${line}:\n${text}\n${this.#context()}`);
    const out = text
      .slice(0, m.index)
      .split(/\r?\n/)
      .filter((l) => l.startsWith("@@OUT "))
      .map((l) => l.slice(6))
      .join("\n");
    return { out, rc: Number(m[1]) };
  }

  /** Waits until `pattern` appears in the serial log after `from` (a length of {@link serial}). */
  async waitSerial(pattern: RegExp, from: number, timeoutMs: number): Promise<void> {
    await waitFor(() => pattern.test(this.#serial.slice(from)), `${pattern} on the serial line`, timeoutMs);
  }

  /** A QMP screendump of the console into `file`, decoded. */
  async screendump(file: string): Promise<Screen> {
    await this.qmp({ execute: "screendump", arguments: { filename: file, format: "png" } });
    return readPngScreen(file);
  }

  /** Closes QMP, asks QEMU to quit (stdin closed, SIGTERM) and kills it after 10 s. */
  async stop(): Promise<void> {
    this.#qmp?.destroy();
    if (this.qemu.exitCode === null) {
      this.qemu.stdin!.end();
      this.qemu.kill("SIGTERM");
    }
    await reap(this.qemu, 10_000);
  }
}
