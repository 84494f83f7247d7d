// Both servers next to another process's live server, and stopped by signals before any client came.
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { answer, otherServer } from "../node/os/other-server.ts";
import { CliServer } from "./cli-process.ts";

const dir = mkdtempSync(join(tmpdir(), "rutabaga-cli-sockets-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("vhost-user-gpu and vtest exit 1 next to another live server and leave its socket alone", async () => {
  const path = join(dir, "busy.sock");
  const other = await otherServer(path);
  try {
    const ino = lstatSync(path).ino;
    const runs = [
      new CliServer(["vhost-user-gpu", "--socket-path", path]),
      new CliServer(["vtest", "--socket-path", path]),
    ];
    const names = ["vhost-user-gpu", "vtest"];
    const ends = await Promise.all(runs.map((r) => r.exited));
    ends.forEach((end, i) => {
      assert.equal(end.code, 1, runs[i]!.output);
      assert.equal(runs[i]!.output, `rutabaga-ts ${names[i]}: ${path} is in use by another server\n`);
    });
    assert.equal(lstatSync(path).ino, ino);
    assert.equal(await answer(path), "other", "the other server still answers");
  } finally {
    other.kill("SIGKILL");
  }
});

test("a second vhost-user-gpu on a live one's path is refused without the first taking its probe as QEMU", async () => {
  const path = join(dir, "ours.sock");
  const first = new CliServer(["vhost-user-gpu", "--socket-path", path, "--verbose"]);
  try {
    await first.waitFor(`listening on ${path}`);
    const second = new CliServer(["vhost-user-gpu", "--socket-path", path]);
    assert.equal((await second.exited).code, 1, second.output);
    assert.match(second.output, /is in use by another server/);
    assert.ok(lstatSync(path).isSocket(), "the first server's socket is still there");
    // Had the second connected, the first would have served it as its front-end and exited when it went.
    first.child.kill("SIGTERM");
    assert.equal((await first.exited).code, 0, first.output);
    assert.match(first.output, /stopped before a front-end connected/);
  } finally {
    await first.kill();
  }
});

for (const [command, signal] of [
  ["vhost-user-gpu", "SIGTERM"],
  ["vhost-user-gpu", "SIGINT"],
  ["vtest", "SIGTERM"],
  ["vtest", "SIGINT"],
] as const) {
  test(`${command}: ${signal} before any client connected removes the socket file and exits 0`, async () => {
    const path = join(dir, `${command}-${signal}.sock`);
    const server = new CliServer([command, "--socket-path", path, "--verbose"]);
    try {
      await server.waitFor(`listening on ${path}`);
      assert.ok(lstatSync(path).isSocket());
      server.child.kill(signal);
      const end = await server.exited;
      assert.deepEqual(end, { code: 0, signal: null }, server.output);
      assert.equal(existsSync(path), false, "the socket file is gone");
    } finally {
      await server.kill();
    }
  });
}

test("vtest: a stale socket file left by a killed server is replaced", async () => {
  const path = join(dir, "stale.sock");
  const other = await otherServer(path);
  other.kill("SIGKILL");
  await new Promise((r) => other.once("exit", r));
  assert.ok(lstatSync(path).isSocket());
  const server = new CliServer(["vtest", "--socket-path", path]);
  try {
    await server.waitFor(`listening on ${path}`);
    server.child.kill("SIGTERM");
    assert.equal((await server.exited).code, 0);
    assert.equal(existsSync(path), false);
  } finally {
    await server.kill();
  }
});
