// The command lines of the programs rutabaga-ts replaces: QEMU's vhost-user-gpu and virglrenderer's
// virgl_test_server; usage errors are one line and exit 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CliServer, runCli, STANDALONE_BIN } from "./cli-process.ts";

const dir = mkdtempSync(join(tmpdir(), "rutabaga-cli-options-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("vhost-user-gpu --print-capabilities and -c answer whatever else the command line holds", () => {
  for (const args of [["-c"], ["--print-capabilities", "--socket-path", "/nonexistent/x", "--no-such-option"]]) {
    const r = runCli("vhost-user-gpu", ...args);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { type: "gpu", features: ["virgl"] });
  }
});

test("vhost-user-gpu --virgl and -v start the 3D backend: it listens, and SIGTERM ends it with exit 0", async () => {
  for (const flag of ["--virgl", "-v"]) {
    const path = join(dir, `virgl${flag}.sock`);
    const server = new CliServer(["vhost-user-gpu", flag, "-s", path, "--verbose"]);
    try {
      await server.waitFor(`listening on ${path}`);
      server.child.kill("SIGTERM");
      assert.equal((await server.exited).code, 0, server.output);
      assert.match(server.output, /host GL objects still live: 0 /);
      assert.equal(existsSync(path), false);
    } finally {
      await server.kill();
    }
  }
});

test("usage errors of every command are one line 'rutabaga-ts <command>: …' and exit 2", () => {
  const cases: [string[], RegExp][] = [
    [["vhost-user-gpu", "--bogus"], /^rutabaga-ts vhost-user-gpu: Unknown option '--bogus'\n$/],
    [["vhost-user-gpu", "-s"], /^rutabaga-ts vhost-user-gpu: Option '-s, --socket-path <value>' argument missing\n$/],
    [["vhost-user-gpu"], /^rutabaga-ts vhost-user-gpu: give exactly one of --socket-path and --fd\n$/],
    [["vhost-user-gpu", "-f", "x"], /^rutabaga-ts vhost-user-gpu: --fd x: a descriptor number\n$/],
    [["vhost-user-gpu", "-s", "/tmp/x", "--scanouts", "17"], /^rutabaga-ts vhost-user-gpu: --scanouts 17: /],
    [["vhost-user-gpu", "-s", "/tmp/x", "--display", "10x10"], /^rutabaga-ts vhost-user-gpu: --display 10x10: /],
    [["vtest", "--max-shm-bytes", "-1"], /^rutabaga-ts vtest: Option '--max-shm-bytes' argument is ambiguous/],
    [["vtest", "--max-shm-bytes=-1"], /^rutabaga-ts vtest: --max-shm-bytes -1: bytes\n$/],
    [["vtest", "--host-memory-limit", "lots"], /^rutabaga-ts vtest: --host-memory-limit lots: bytes\n$/],
    [["vtest", "--use-glx"], /^rutabaga-ts vtest: --use-glx: the host GL is EGL, not GLX\n$/],
    [["vtest", "--use-gles"], /^rutabaga-ts vtest: --use-gles: /],
    [["vtest", "commands.bin"], /^rutabaga-ts vtest: commands.bin: replaying a vtest command file is not supported/],
    [
      ["vhost-user-gpu", "-s", "/tmp/x", "--trace", "/nonexistent-dir/t.trace"],
      /^rutabaga-ts vhost-user-gpu: --trace \/nonexistent-dir\/t.trace: ENOENT/,
    ],
    [["wayland-proxy", "--bogus"], /^rutabaga-ts wayland-proxy: Unknown option '--bogus'\n$/],
    [["wayland-proxy"], /^rutabaga-ts wayland-proxy: --socket NAME is required\n$/],
    [["replay", "a.trace"], /^rutabaga-ts replay: --png OUTDIR is required\n$/],
    [["replay", "--png", "out"], /^rutabaga-ts replay: give exactly one TRACE file\n$/],
    [["frobnicate"], /^rutabaga-ts: unknown command 'frobnicate'.*\n$/],
    [["--frobnicate"], /^rutabaga-ts: Unknown option '--frobnicate'\n$/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.equal(r.stderr.split("\n").length, 2, `one line for ${args.join(" ")}: ${r.stderr}`);
  }
});

test("bin/rutabaga-ts-vhost-user-gpu answers --version and names itself in --help and errors", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  const run = (...args: string[]) => spawnSync(process.execPath, [STANDALONE_BIN, ...args], { encoding: "utf8" });
  const version = run("--version");
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);
  const help = run("--help");
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: rutabaga-ts-vhost-user-gpu /);
  const bad = run("--bogus");
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "rutabaga-ts-vhost-user-gpu: Unknown option '--bogus'\n");
});

test("OS errors print the errno name and text and exit 1; replay reads its input before making its output", () => {
  const out = join(dir, "replay-out");
  const missing = runCli("replay", join(dir, "missing.trace"), "--png", out);
  assert.equal(missing.status, 1);
  assert.equal(
    missing.stderr,
    `rutabaga-ts replay: ENOENT: no such file or directory, open '${join(dir, "missing.trace")}'\n`,
  );
  assert.equal(existsSync(out), false, "no output directory for a missing trace");
  writeFileSync(join(dir, "garbage.trace"), "not a trace");
  const garbage = runCli("replay", join(dir, "garbage.trace"), "--png", out);
  assert.equal(garbage.status, 1);
  assert.match(garbage.stderr, /^rutabaga-ts replay: .*garbage\.trace: /);
  assert.equal(existsSync(out), false, "no output directory for a broken trace");
  const bind = runCli("vhost-user-gpu", "-s", join(dir, "no-such-dir", "gpu.sock"));
  assert.equal(bind.status, 1);
  assert.equal(
    bind.stderr,
    `rutabaga-ts vhost-user-gpu: ENOENT: no such file or directory, bind '${join(dir, "no-such-dir", "gpu.sock")}'\n`,
  );
});

test("vhost-user-gpu -r (render node) is accepted and ignored with a notice", async () => {
  const path = join(dir, "render-node.sock");
  const server = new CliServer(["vhost-user-gpu", "-s", path, "-r", "/dev/dri/renderD128"]);
  try {
    await server.waitFor(`listening on ${path}`);
    assert.match(server.output, /--render-node \/dev\/dri\/renderD128 ignored: this 2D backend renders on no GPU/);
    server.child.kill("SIGTERM");
    assert.equal((await server.exited).code, 0);
  } finally {
    await server.kill();
  }
});

/** Connects, optionally sends bytes, and hangs up; resolves when the server has seen the end. */
function visit(path: string, bytes?: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path, () => {
      if (bytes !== undefined) c.write(bytes);
      c.end();
    });
    c.on("error", reject);
    c.on("close", () => resolve());
    c.resume();
  });
}

test("vtest takes virgl_test_server's no-op flags; --no-loop-or-fork serves one client and exits", async () => {
  const path = join(dir, "once.sock");
  const server = new CliServer([
    "vtest",
    "--socket-path",
    path,
    "--no-fork",
    "--multi-clients",
    "--use-egl-surfaceless",
    "--render-server",
    "--no-loop-or-fork",
    "--verbose",
  ]);
  try {
    await server.waitFor(`listening on ${path}`);
    await visit(path);
    const end = await server.exited;
    assert.deepEqual(end, { code: 0, signal: null }, server.output);
    assert.match(server.output, /rutabaga-ts vtest: client 1 connected\n/);
    assert.match(server.output, /rutabaga-ts vtest: client 1 disconnected\n/);
    assert.equal(existsSync(path), false);
  } finally {
    await server.kill();
  }
});

/** A vtest message: `[length, command]` then the payload (length in bytes for CREATE_RENDERER, else words). */
function vtestMessage(command: number, payload: Uint8Array, lengthUnits: number): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, lengthUnits, true);
  v.setUint32(4, command, true);
  out.set(payload, 8);
  return out;
}

test("vtest --verbose says once per client which commands it counted but did not execute", async () => {
  const path = join(dir, "verbose.sock");
  const server = new CliServer(["vtest", "--socket-path", path, "--verbose"]);
  try {
    await server.waitFor(`listening on ${path}`);
    const name = new TextEncoder().encode("probe\0");
    // VIRGL_CCMD_SET_DEBUG_FLAGS (41) with 2 words, three times: parsed and counted, not executed.
    const debugFlags = new Uint32Array(9);
    for (let i = 0; i < 3; i++) debugFlags[i * 3] = (2 << 16) | 41;
    const bytes = new Uint8Array([
      ...vtestMessage(8, name, name.length),
      ...vtestMessage(6, new Uint8Array(debugFlags.buffer), debugFlags.length),
    ]);
    await visit(path, bytes);
    await server.waitFor("disconnected");
    await server.waitFor("counted but not executed");
    assert.match(server.output, /client 1 \(probe\): commands counted but not executed: SetDebugFlags×3\n/);
    assert.equal(server.output.match(/counted but not executed/g)!.length, 1);
    server.child.kill("SIGINT");
    assert.equal((await server.exited).code, 0);
  } finally {
    await server.kill();
  }
});
