// Boots the guest under QEMU (TCG) with vhost-user-gpu-pci served by a backend process, and talks to it over the
// serial line and QMP.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuestTools } from "./guest-image.ts";
import { exitedWithin, QemuConsole, type Screen, waitFor } from "./qemu-console.ts";

export type { Screen } from "./qemu-console.ts";

/** Which backend serves the GPU. */
export type BackendKind = "ours" | "reference";

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
  #console: QemuConsole | undefined;
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
    this.#console = new QemuConsole(this.qemu, () => this.backendLog);
    await this.#console.ready(qmp, timeoutMs);
  }

  /** Sends a QMP command and returns its reply. */
  qmp(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#console!.qmp(command);
  }

  /** Runs a shell command line in the guest; resolves with its output lines and exit status. */
  run(line: string, timeoutMs = 60_000): Promise<{ out: string; rc: number }> {
    return this.#console!.run(line, timeoutMs);
  }

  /** A QMP screendump of the GPU's console, as B, G, R, 0 bytes. */
  screendump(): Promise<Screen> {
    return this.#console!.screendump(join(this.dir, `screen-${this.#console!.nextId()}.png`));
  }

  /** The whole serial log so far. */
  get serial(): string {
    return this.#console?.serial ?? "";
  }

  /** Powers the guest off and waits for both processes; kills what is left after a grace period. */
  async stop(): Promise<{ backendExit: number | null }> {
    await this.#console?.stop();
    await exitedWithin(this.backend, 10_000);
    const backendExit = this.backend?.exitCode ?? null;
    this.backend?.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
    return { backendExit };
  }
}
