// scripts/run-guest.sh, the README's one command for a guest: boots, writes the guest's screen to PNG, stops cleanly.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodePng } from "../../../src/node/display/png.ts";
import { CliServer } from "../../cli/cli-process.ts";

const SCRIPT = new URL("../../../scripts/run-guest.sh", import.meta.url).pathname;

test("scripts/run-guest.sh boots a guest, writes its screen to PNG and stops QEMU and the backend", {
  timeout: 240_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-run-guest-test-"));
  try {
    // Relative to the caller's directory, as a user types it.
    const child = spawn("bash", [SCRIPT, "--seconds", "3", "--every", "1", "--screendump", "screen.png"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (d) => {
      log += d;
    });
    child.stderr!.on("data", (d) => {
      log += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    assert.equal(code, 0, log);
    assert.match(log, /the guest is up \(1280x800\)/);
    assert.match(log, /QEMU stopped; backend exited 0/);
    const png = decodePng(readFileSync(join(dir, "screen.png")));
    assert.deepEqual([png.width, png.height], [1280, 800]);
    // The banner on the first text rows and the band of noise drawn into the framebuffer: not the black background.
    const lit = (y0: number, y1: number) => {
      let n = 0;
      for (let i = y0 * 1280 * 4; i < y1 * 1280 * 4; i += 4)
        if ((png.rgba[i]! | png.rgba[i + 1]! | png.rgba[i + 2]!) !== 0) n++;
      return n;
    };
    assert.ok(lit(0, 48) > 500, `banner pixels: ${lit(0, 48)}`);
    assert.ok(lit(250, 310) > 1280 * 50, `noise band pixels: ${lit(250, 310)}`);
    assert.equal(lit(400, 800), 0, "the rest is background");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("scripts/run-guest.sh --print-qemu-command prints a QEMU 10 command line that boots a guest on a running backend", {
  timeout: 240_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-print-qemu-"));
  const socket = join(dir, "gpu.sock");
  const r = spawnSync("bash", [SCRIPT, "--print-qemu-command", "--socket", socket], {
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^QEMU_MODULE_DIR=\S+ \S+\/qemu-system-x86_64 /);
  for (const part of [
    "memory-backend-memfd,id=mem,size=512M,share=on",
    "q35,memory-backend=mem,accel=tcg",
    `socket,id=vgpu,path=${socket}`,
    "vhost-user-gpu-pci,chardev=vgpu",
    "-display none",
  ])
    assert.ok(r.stdout.includes(part), `${part} in ${r.stdout}`);
  assert.doesNotMatch(r.stdout, /INITRAMFS/, "no placeholder left to fill in");
  // As the README says: the Quick start's server, then the printed command.
  const server = new CliServer(["vhost-user-gpu", "--socket-path", socket, "--verbose"]);
  let qemu: ChildProcess | undefined;
  try {
    await server.waitFor("listening on");
    qemu = spawn("bash", ["-c", `exec env ${r.stdout.trim()}`], { stdio: ["ignore", "pipe", "pipe"] });
    let serial = "";
    // The guest's /init says @@READY once /dev/fb0 exists: the kernel's virtio_gpu drives our backend.
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no @@READY within 120 s; serial:\n${serial}`)), 120_000);
      qemu!.stdout!.on("data", (d: Buffer) => {
        serial += d.toString();
        if (serial.includes("@@READY")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await server.waitFor("front-end connected", 60_000);
    await ready;
  } finally {
    qemu?.kill("SIGKILL");
    await server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
