import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { NodeCrossDomainHost } from "../../../src/node/cross-domain/node-host.ts";
import { createPipe } from "../../../src/node/cross-domain/pipe.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { LinuxConst, libc } from "../../../src/node/os/libc.ts";

const nonBlocking = (fd: number) => ((libc().fcntl(fd, LinuxConst.F_GETFL, 0) as number) & LinuxConst.O_NONBLOCK) !== 0;

test("a pipe the Node host makes for a peer: the peer's write end blocks (as `cat` expects), our read end does not", () => {
  const host = new NodeCrossDomainHost();
  const { read, write } = host.createPipe();
  try {
    assert.equal(nonBlocking(write.os as number), false);
    assert.equal(nonBlocking(read.os as number), true);
  } finally {
    host.close(read);
    host.close(write);
  }
});

test("writing into a blocking pipe whose reader is slow queues in the host instead of stalling it; every byte arrives", async () => {
  const [read, write] = createPipe();
  // Both ends blocking, as a client's own pipe is; the reader (another process) starts reading after a second.
  for (const fd of [read, write]) libc().fcntl(fd, LinuxConst.F_SETFL, 0);
  const reader = spawn("sh", ["-c", "sleep 1; wc -c"], { stdio: [read, "pipe", "inherit"] });
  closeFd(read);
  let counted = "";
  reader.stdout!.on("data", (d) => {
    counted += d;
  });
  const done = new Promise((r) => reader.once("close", r));
  const host = new NodeCrossDomainHost();
  const data = new Uint8Array(200 * 1024).fill(0x61);
  host.write({ os: write, handleType: 0 }, data);
  assert.equal(host.queuedPipes, 1, "what the pipe did not take at once is queued");
  host.close({ os: write, handleType: 0 });
  await done;
  assert.equal(counted.trim(), String(data.length));
  assert.equal(host.queuedPipes, 0);
});
