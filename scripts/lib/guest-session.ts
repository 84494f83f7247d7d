// Boots the guest under QEMU (TCG) with vhost-user-gpu-pci served by a backend process, and talks to it over the
// serial line and QMP.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import type { GuestTools } from "./guest-image.ts";

/** Which backend serves the GPU. */
export type BackendKind = "ours" | "reference";

/** A decoded screendump. */
export interface Screen {
  width: number;
  height: number;
  /** B, G, R, 0 per pixel: what a 32 bpp Linux framebuffer holds. */
  bgrx: Uint8Array;
}

function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
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

/** Where the guest's pieces are. */
export interface GuestPaths {
  /** The backend's vhost-user socket. */
  gpuSocket: string;
  initramfs: string;
  /** A QMP socket QEMU creates; omitted, no QMP. */
  qmpSocket?: string;
}

/**
 * QEMU 10's command line for the guest (TCG, so no KVM is needed): guest RAM in a shared memfd the backend maps,
 * vhost-user-gpu-pci on the backend's socket, the serial console on stdio, no display window. The unpacked QEMU
 * needs `-L` for its firmware and {@link qemuEnv} for its modules.
 */
export function qemuArgs(tools: GuestTools, paths: GuestPaths): string[] {
  return [
    "-L",
    join(tools.root, "usr/share/qemu"),
    "-L",
    join(tools.root, "usr/share/seabios"),
    "-nodefaults",
    "-display",
    "none",
    "-machine",
    "q35,memory-backend=mem,accel=tcg",
    "-cpu",
    "max",
    "-smp",
    "1",
    "-m",
    "512M",
    "-object",
    "memory-backend-memfd,id=mem,size=512M,share=on",
    "-chardev",
    `socket,id=vgpu,path=${paths.gpuSocket}`,
    "-device",
    "vhost-user-gpu-pci,chardev=vgpu",
    "-serial",
    "stdio",
    ...(paths.qmpSocket === undefined ? [] : ["-qmp", `unix:${paths.qmpSocket},server=on,wait=off`]),
    "-kernel",
    tools.kernel,
    "-initrd",
    paths.initramfs,
    "-append",
    "console=ttyS0 loglevel=4 rdinit=/init",
    "-no-reboot",
  ];
}

/** The environment the unpacked QEMU needs: where its display and device modules are. */
export function qemuEnv(tools: GuestTools): Record<string, string> {
  return { QEMU_MODULE_DIR: join(tools.root, "usr/lib/x86_64-linux-gnu/qemu") };
}

/** A running guest: QEMU, the backend, the serial console and QMP. */
export class GuestSession {
  readonly dir = mkdtempSync(join(tmpdir(), "rutabaga-e2e-"));
  backend!: ChildProcess;
  qemu!: ChildProcess;
  #serial = "";
  #qmp: Socket | undefined;
  #qmpBuffer = "";
  #qmpWaiters: ((line: Record<string, unknown>) => void)[] = [];
  #nextId = 1;
  backendLog = "";

  /**
   * Starts the backend (ours with `backendArgs`, e.g. `--trace FILE`), waits for its socket, boots QEMU and waits for
   * the guest's `@@READY`.
   */
  async start(
    tools: GuestTools,
    initramfs: string,
    kind: BackendKind,
    timeoutMs = 90_000,
    nodeFlags: string[] = [],
    backendArgs: string[] = [],
    extraQemuArgs: string[] = [],
  ): Promise<void> {
    const sock = join(this.dir, "gpu.sock");
    const qmp = join(this.dir, "qmp.sock");
    const bin = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;
    this.backend =
      kind === "ours"
        ? spawn(
            process.execPath,
            [...nodeFlags, bin, "vhost-user-gpu", "--socket-path", sock, "--verbose", ...backendArgs],
            {
              stdio: ["ignore", "pipe", "pipe"],
            },
          )
        : spawn(tools.referenceBackend, [`--socket-path=${sock}`], { stdio: ["ignore", "pipe", "pipe"] });
    this.backend.stdout!.on("data", (d: Buffer) => {
      this.backendLog += d.toString();
    });
    this.backend.stderr!.on("data", (d: Buffer) => {
      this.backendLog += d.toString();
    });
    await waitFor(() => existsSync(sock), "the backend's socket", 20_000);
    this.qemu = spawn(
      tools.qemu,
      [...qemuArgs(tools, { gpuSocket: sock, initramfs, qmpSocket: qmp }), ...extraQemuArgs],
      {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, ...qemuEnv(tools) },
      },
    );
    this.qemu.stdout!.on("data", (d: Buffer) => {
      this.#serial += d.toString("latin1");
    });
    this.qemu.stderr!.on("data", (d: Buffer) => {
      this.#serial += `[qemu] ${d.toString()}`;
    });
    await waitFor(
      () => this.#serial.includes("@@READY") || this.qemu.exitCode !== null,
      "the guest to boot",
      timeoutMs,
    );
    if (!this.#serial.includes("@@READY"))
      throw new Error(`QEMU exited ${this.qemu.exitCode}:\n${this.#serial}\n${this.backendLog}`);
    await waitFor(() => existsSync(qmp), "QMP", 10_000);
    this.#qmp = createConnection(qmp);
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

  /** Runs a shell command line in the guest; resolves with its output lines and exit status. */
  async run(line: string, timeoutMs = 60_000): Promise<{ out: string; rc: number }> {
    const id = this.#nextId++;
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
    if (m === null) throw new Error(`QEMU exited while running ${line}:\n${text}\n${this.backendLog}`);
    const out = text
      .slice(0, m.index)
      .split(/\r?\n/)
      .filter((l) => l.startsWith("@@OUT "))
      .map((l) => l.slice(6))
      .join("\n");
    return { out, rc: Number(m[1]) };
  }

  /** A QMP screendump of the GPU's console, as B, G, R, 0 bytes. */
  async screendump(): Promise<Screen> {
    const file = join(this.dir, `screen-${this.#nextId++}.png`);
    await this.qmp({ execute: "screendump", arguments: { filename: file, format: "png" } });
    const png = PNG.sync.read(readFileSync(file));
    const bgrx = new Uint8Array(png.width * png.height * 4);
    for (let i = 0; i < bgrx.length; i += 4) {
      bgrx[i] = png.data[i + 2]!;
      bgrx[i + 1] = png.data[i + 1]!;
      bgrx[i + 2] = png.data[i]!;
    }
    return { width: png.width, height: png.height, bgrx };
  }

  /** The whole serial log so far. */
  get serial(): string {
    return this.#serial;
  }

  /** Powers the guest off and waits for both processes; kills what is left after a grace period. */
  async stop(): Promise<{ backendExit: number | null }> {
    this.#qmp?.destroy();
    const exited = (p: ChildProcess | undefined) =>
      p === undefined || p.exitCode !== null || p.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => p.once("exit", () => resolve()));
    if (this.qemu !== undefined && this.qemu.exitCode === null) {
      this.qemu.stdin!.end();
      this.qemu.kill("SIGTERM");
    }
    await Promise.race([exited(this.qemu), new Promise((r) => setTimeout(r, 10_000))]);
    this.qemu?.kill("SIGKILL");
    await Promise.race([exited(this.backend), new Promise((r) => setTimeout(r, 10_000))]);
    const backendExit = this.backend?.exitCode ?? null;
    this.backend?.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
    return { backendExit };
  }
}
