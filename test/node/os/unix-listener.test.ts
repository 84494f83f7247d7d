// A listener never harms another process's server: each case uses a live listener of a separate node process.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { lstatSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { OsError, UnixListener, UnixSocket } from "../../../src/node/os/index.ts";
import { answer, otherServer } from "./other-server.ts";

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "rutabaga-listener-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "a socket path another process listens on is refused with 'PATH is in use by another server' and left intact",
  withDir(async (dir) => {
    const path = join(dir, "sock");
    const other = await otherServer(path);
    try {
      const before = lstatSync(path);
      assert.throws(
        () => UnixListener.listen(path),
        (e) =>
          e instanceof OsError &&
          e.code === "EADDRINUSE" &&
          e.errno === 98 &&
          e.message === `${path} is in use by another server`,
      );
      const after = lstatSync(path);
      assert.equal(after.ino, before.ino, "the other server's socket file is the same file");
      assert.equal(await answer(path), "other", "the other server still answers");
    } finally {
      await killed(other);
    }
  }),
);

test(
  "a stale socket file (its server is gone) is replaced",
  withDir(async (dir) => {
    const path = join(dir, "sock");
    await killed(await otherServer(path));
    assert.ok(lstatSync(path).isSocket(), "SIGKILL left the socket file behind");
    const listener = UnixListener.listen(path);
    try {
      const accepted = new Promise<UnixSocket>((resolve) => listener.onConnection(resolve));
      const client = UnixSocket.connect(path);
      (await accepted).close();
      client.close();
    } finally {
      listener.close();
    }
    assert.throws(() => lstatSync(path), /ENOENT/, "close removed our socket file");
  }),
);

test(
  "close removes the path only while it is still the socket this listener bound",
  withDir(async (dir) => {
    const path = join(dir, "sock");
    const listener = UnixListener.listen(path);
    // Someone moves our socket away and another server takes the path.
    renameSync(path, join(dir, "ours-moved"));
    const other = await otherServer(path);
    try {
      const theirs = lstatSync(path).ino;
      listener.close();
      assert.equal(lstatSync(path).ino, theirs, "the other server's socket file stays");
      assert.equal(await answer(path), "other");
      assert.ok(lstatSync(join(dir, "ours-moved")).isSocket(), "a moved file is not ours to remove by path");
    } finally {
      await killed(other);
    }
  }),
);

test(
  "OS errors carry Node's code and syscall and read 'ENOENT: no such file or directory'",
  withDir(async (dir) => {
    const nobody = join(dir, "nobody");
    assert.throws(
      () => UnixSocket.connect(nobody),
      (e) =>
        e instanceof OsError &&
        e.code === "ENOENT" &&
        e.syscall === "connect" &&
        e.errno === 2 &&
        e.message === `ENOENT: no such file or directory, connect '${nobody}'`,
    );
    assert.throws(
      () => UnixListener.listen(join(dir, "missing-dir", "sock")),
      (e) =>
        e instanceof OsError && e.code === "ENOENT" && e.message.startsWith("ENOENT: no such file or directory, bind"),
    );
  }),
);
