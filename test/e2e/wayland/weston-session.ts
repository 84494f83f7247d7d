import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { PNG } from "pngjs";
import { WaylandProxy } from "../../../src/node/wayland-proxy/wayland-proxy.ts";

/**
 * weston 10 with the pixman renderer (wayland.md's deterministic set-ups): headless with the fullscreen shell, or the
 * x11 backend under Xvfb with the kiosk shell (a wl_seat, so keymaps flow compositor → client).
 */
export class WestonSession {
  readonly runtimeDir: string;
  readonly socket = "wl-host";
  readonly #backend: "headless" | "x11";
  #weston: ChildProcess | undefined;
  #xvfb: ChildProcess | undefined;

  constructor(backend: "headless" | "x11" = "headless") {
    this.#backend = backend;
    this.runtimeDir = mkdtempSync(join(tmpdir(), "rutabaga-wayland-"));
    chmodSync(this.runtimeDir, 0o700);
  }

  /** weston's process id (after {@link start}). */
  get pid(): number {
    const pid = this.#weston?.pid;
    if (pid === undefined) throw new Error("weston is not running");
    return pid;
  }

  env(display: string): NodeJS.ProcessEnv {
    return { ...process.env, XDG_RUNTIME_DIR: this.runtimeDir, WAYLAND_DISPLAY: display };
  }

  async start(): Promise<void> {
    const env = this.env(this.socket);
    if (this.#backend === "x11") {
      const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "704x544x24", "-nolisten", "tcp"], {
        stdio: ["ignore", "ignore", "ignore", "pipe"],
      });
      this.#xvfb = xvfb;
      const display = await new Promise<string>((resolve, reject) => {
        let text = "";
        const pipe = xvfb.stdio[3] as NodeJS.ReadableStream;
        pipe.on("data", (d) => {
          text += String(d);
          if (text.includes("\n")) resolve(text.trim());
        });
        setTimeout(() => reject(new Error("Xvfb did not start")), 10000);
      });
      env.DISPLAY = `:${display}`;
    }
    const shell = this.#backend === "x11" ? "kiosk-shell.so" : "fullscreen-shell.so";
    this.#weston = spawn(
      "weston",
      [
        `--backend=${this.#backend}-backend.so`,
        "--use-pixman",
        "--width=640",
        "--height=480",
        `--socket=${this.socket}`,
        `--shell=${shell}`,
        "--idle-time=0",
        "--debug",
        `--log=${join(this.runtimeDir, "weston.log")}`,
      ],
      { env, stdio: "ignore" },
    );
    const end = Date.now() + 15000;
    while (Date.now() < end) {
      if (existsSync(join(this.runtimeDir, this.socket))) {
        const info = await run("wayland-info", [], this.env(this.socket), 5000);
        if (info.stdout.includes("weston_screenshooter")) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("weston did not start");
  }

  /** A screenshot of the output, taken directly on the compositor's socket. */
  async screenshot(): Promise<PNG> {
    const dir = join(this.runtimeDir, `shot-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    const r = await run("weston-screenshooter", [], this.env(this.socket), 5000, dir);
    const file = readdirSync(dir).find((f) => f.endsWith(".png"));
    if (r.code !== 0 || file === undefined) throw new Error(`weston-screenshooter failed: ${r.stderr}`);
    return PNG.sync.read(readFileSync(join(dir, file)));
  }

  stop(): void {
    this.#weston?.kill("SIGTERM");
    this.#xvfb?.kill("SIGTERM");
    rmSync(this.runtimeDir, { recursive: true, force: true });
  }
}

/** Runs a program to its end (or kills it after `ms`); never blocks the event loop. */
export function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ms: number,
  cwd?: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), ms);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Starts a program and returns it (for clients that run until stopped). */
export function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(cmd, args, { env, stdio: "ignore" });
}

/** Bounding box of pixels that differ from black. */
export function bbox(png: PNG): { x: number; y: number; w: number; h: number } {
  let x0 = png.width;
  let y0 = png.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! | png.data[i + 1]! | png.data[i + 2]!) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** RGB of one pixel as `rrggbb`. */
export function pixel(png: PNG, x: number, y: number): string {
  const i = (y * png.width + x) * 4;
  return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Globals `wayland-info` lists, in order. */
export function globals(info: string): string[] {
  return [...info.matchAll(/interface: '([^']+)'/g)].map((m) => m[1]!);
}

/**
 * Starts `weston` and a {@link WaylandProxy} on its `wl-proxy` socket before this file's tests (the proxy's log lines
 * go to `logs`, the proxy to `started`) and stops both after them.
 */
export function westonWithProxy(weston: WestonSession, logs: string[], started: (proxy: WaylandProxy) => void): void {
  let proxy: WaylandProxy | undefined;
  before(async () => {
    await weston.start();
    proxy = new WaylandProxy({
      socketPath: join(weston.runtimeDir, "wl-proxy"),
      upstreamPath: join(weston.runtimeDir, weston.socket),
      log: (m) => logs.push(m),
    });
    started(proxy);
  });
  after(() => {
    proxy?.close();
    weston.stop();
  });
}
