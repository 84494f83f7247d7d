// Boots the 3D guest (guest-image-3d.ts) under QEMU 10 (TCG) with either our vhost-user-gpu backend in --virgl mode
// (`-display none`, frames by QMP screendump) or, as the reference, QEMU's built-in virtio-vga-gl with virglrenderer
// on llvmpipe through `-display sdl,gl=on` in a private Xvfb (frames taken from the X window with xwd: QMP answers
// "no surface" for a GL scanout). The guest obeys numbered commands on its serial line, as the 2D guest does.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuestTools3d } from "./guest-image-3d.ts";
import { exited, exitedWithin, QemuConsole, reap, type Screen, waitFor } from "./qemu-console.ts";

/** Which device renders the guest's OpenGL. */
export type Gpu3dKind = "ours" | "builtin";

/** Guest RAM: the 3D initramfs alone unpacks to about 250 MB. */
const GUEST_MEMORY = "1G";

/** An X window's contents from `xwd` output (ZPixmap, 24 or 32 bits per pixel, LSB first), as B, G, R, 0 bytes. */
export function decodeXwd(xwd: Uint8Array, x: number, y: number, width: number, height: number): Screen {
  const v = new DataView(xwd.buffer, xwd.byteOffset, xwd.byteLength);
  const field = (i: number) => v.getUint32(i * 4, false);
  const headerSize = field(0);
  const [format, bitsPerPixel, bytesPerLine, byteOrder, ncolors] = [
    field(2),
    field(11),
    field(12),
    field(7),
    field(19),
  ];
  const [imageWidth, imageHeight] = [field(4), field(5)];
  // Xvfb's depth-24 screen is 24 bits per pixel, packed, in lines of bytes_per_line.
  const bytes = bitsPerPixel / 8;
  if (format !== 2 || (bytes !== 4 && bytes !== 3) || byteOrder !== 0) {
    throw new Error(`xwd image format ${format}, ${bitsPerPixel} bpp, byte order ${byteOrder}: not ZPixmap LSB`);
  }
  if (x + width > imageWidth || y + height > imageHeight) {
    throw new Error(`window ${width}x${height}+${x}+${y} outside the ${imageWidth}x${imageHeight} xwd image`);
  }
  const data = headerSize + ncolors * 12;
  const bgrx = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const src = data + (y + row) * bytesPerLine + x * bytes;
    for (let i = 0; i < width; i++) {
      const o = (row * width + i) * 4;
      bgrx[o] = xwd[src + i * bytes]!;
      bgrx[o + 1] = xwd[src + i * bytes + 1]!;
      bgrx[o + 2] = xwd[src + i * bytes + 2]!;
    }
  }
  return { width, height, bgrx };
}

/** A running 3D guest. */
export class Guest3dSession {
  readonly dir = mkdtempSync(join(tmpdir(), "rutabaga-3d-"));
  qemu: ChildProcess | undefined;
  backend: ChildProcess | undefined;
  xvfb: ChildProcess | undefined;
  display = "";
  backendLog = "";
  #console: QemuConsole | undefined;
  /** Milliseconds from QEMU's start to the guest's `@@READY`. */
  bootMs = 0;

  readonly kind: Gpu3dKind;

  constructor(kind: Gpu3dKind) {
    this.kind = kind;
  }

  /** Starts the display side (Xvfb or our backend), then QEMU, and waits for the guest's `@@READY`. */
  async start(tools: GuestTools3d, initramfs: string, timeoutMs = 180_000, backendArgs: string[] = []): Promise<void> {
    const qmp = join(this.dir, "qmp.sock");
    const env: Record<string, string | undefined> = { ...process.env, QEMU_MODULE_DIR: qemuModules(tools) };
    let device: string[];
    if (this.kind === "builtin") {
      this.display = await this.#startXvfb();
      env.DISPLAY = this.display;
      env.SDL_VIDEODRIVER = "x11";
      device = ["-device", "virtio-vga-gl", "-display", "sdl,gl=on"];
    } else {
      const sock = join(this.dir, "gpu.sock");
      const bin = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;
      this.backend = spawn(
        process.execPath,
        [bin, "vhost-user-gpu", "--socket-path", sock, "--virgl", "--verbose", ...backendArgs],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      const log = (d: Buffer) => {
        this.backendLog += d.toString();
      };
      this.backend.stdout!.on("data", log);
      this.backend.stderr!.on("data", log);
      await waitFor(() => existsSync(sock) || this.backend!.exitCode !== null, "the backend's socket", 30_000);
      if (this.backend.exitCode !== null)
        throw new Error(`backend exited ${this.backend.exitCode}: ${this.backendLog}`);
      device = [
        "-object",
        `memory-backend-memfd,id=mem,size=${GUEST_MEMORY},share=on`,
        "-machine",
        "memory-backend=mem",
        "-chardev",
        `socket,id=vgpu,path=${sock}`,
        "-device",
        "vhost-user-gpu-pci,chardev=vgpu",
        "-display",
        "none",
      ];
    }
    const args = [
      "-L",
      join(tools.root, "usr/share/qemu"),
      "-L",
      join(tools.root, "usr/share/seabios"),
      "-nodefaults",
      "-machine",
      "q35,accel=tcg",
      "-cpu",
      "max",
      "-smp",
      "1",
      "-m",
      GUEST_MEMORY,
      ...device,
      "-serial",
      "stdio",
      "-qmp",
      `unix:${qmp},server=on,wait=off`,
      "-kernel",
      tools.kernel,
      "-initrd",
      initramfs,
      "-append",
      "console=ttyS0 loglevel=4 rdinit=/init",
      "-no-reboot",
    ];
    const started = Date.now();
    this.qemu = spawn(tools.qemu, args, { stdio: ["pipe", "pipe", "pipe"], env });
    this.#console = new QemuConsole(this.qemu, () => this.backendLog);
    await this.#console.ready(qmp, timeoutMs);
    this.bootMs = Date.now() - started;
  }

  async #startXvfb(): Promise<string> {
    for (let n = 90 + (process.pid % 100); ; n++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
      const display = `:${n}`;
      this.xvfb = spawn("Xvfb", [display, "-screen", "0", "1920x1200x24", "-nolisten", "tcp"], { stdio: "ignore" });
      await waitFor(() => existsSync(`/tmp/.X11-unix/X${n}`) || this.xvfb!.exitCode !== null, "Xvfb", 20_000);
      if (this.xvfb.exitCode === null) return display;
    }
  }

  /** Sends a QMP command and returns its reply. */
  qmp(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#console!.qmp(command);
  }

  /** Runs a shell command line in the guest; resolves with its output and exit status. */
  run(line: string, timeoutMs = 120_000): Promise<{ out: string; rc: number }> {
    return this.#console!.run(line, timeoutMs);
  }

  /** Waits until `pattern` appears in the serial log after `from` (a length of {@link serial}). */
  waitSerial(pattern: RegExp, from: number, timeoutMs: number): Promise<void> {
    return this.#console!.waitSerial(pattern, from, timeoutMs);
  }

  /** The guest's screen: a QMP screendump (ours) or the QEMU window taken from Xvfb (built-in GL device). */
  async capture(): Promise<Screen> {
    if (this.kind === "ours") return this.#console!.screendump(join(this.dir, `screen-${this.#console!.nextId()}.png`));
    const env = { ...process.env, DISPLAY: this.display };
    const tree = execFileSync("xwininfo", ["-root", "-tree"], { env, encoding: "utf8" });
    const m = /"QEMU[^"]*".*?(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)/.exec(tree);
    if (m === null) throw new Error(`no QEMU window on ${this.display}:\n${tree}`);
    const [w, h, x, y] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    const xwd = execFileSync("xwd", ["-root", "-silent"], { env, maxBuffer: 64 * 1024 * 1024 });
    try {
      return decodeXwd(xwd, x, y, w, h);
    } catch (e) {
      throw new Error(`${(e as Error).message}; windows:\n${tree}`);
    }
  }

  /** The whole serial log so far. */
  get serial(): string {
    return this.#console?.serial ?? "";
  }

  /** Kills QEMU at once (a guest that dies mid-frame) and returns when it is gone. */
  async killQemu(): Promise<void> {
    this.qemu?.kill("SIGKILL");
    await exited(this.qemu);
  }

  /** Stops QEMU, the backend and Xvfb; returns the backend's exit status (undefined for the built-in device). */
  async stop(): Promise<{ backendExit: number | null | undefined }> {
    await this.#console?.stop();
    await exitedWithin(this.backend, 15_000);
    const backendExit = this.backend === undefined ? undefined : this.backend.exitCode;
    this.backend?.kill("SIGKILL");
    this.xvfb?.kill("SIGTERM");
    await reap(this.xvfb, 5_000);
    rmSync(this.dir, { recursive: true, force: true });
    return { backendExit };
  }
}

function qemuModules(tools: GuestTools3d): string {
  return join(tools.root, "usr/lib/x86_64-linux-gnu/qemu");
}
