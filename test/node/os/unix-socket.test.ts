import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  closeFd,
  createMemfd,
  MemoryMapping,
  OsError,
  type Received,
  UnixListener,
  UnixSocket,
} from "../../../src/node/os/index.ts";

/** Reads exactly `n` bytes (and every descriptor riding on them) from the event loop. */
function readExactly(socket: UnixSocket, n: number, maxFds = 0): Promise<{ data: Uint8Array; fds: number[] }> {
  const data = new Uint8Array(n);
  const fds: number[] = [];
  let got = 0;
  return new Promise((resolve, reject) => {
    const pump = () => {
      for (;;) {
        if (got === n) {
          socket.onReadable(undefined);
          resolve({ data, fds });
          return;
        }
        const r: Received | undefined = socket.recv(data.subarray(got), maxFds);
        if (r === undefined) return;
        if (r.bytes === 0) {
          socket.onReadable(undefined);
          reject(new Error(`end of stream after ${got} of ${n} bytes`));
          return;
        }
        got += r.bytes;
        fds.push(...r.fds);
      }
    };
    socket.onReadable(pump);
  });
}

test("descriptors ride on the first byte and map the same memory on the other side", async () => {
  const [a, b] = UnixSocket.pair();
  const fd = createMemfd("shared", 4096);
  const mine = MemoryMapping.map(fd, 4096);
  a.send(new Uint8Array([1, 2, 3, 4, 5]), [fd]);
  closeFd(fd);
  const { data, fds } = await readExactly(b, 5, 4);
  assert.deepEqual([...data], [1, 2, 3, 4, 5]);
  assert.equal(fds.length, 1);
  const theirs = MemoryMapping.map(fds[0]!, 4096);
  closeFd(fds[0]!);
  mine.bytes[10] = 77;
  assert.equal(theirs.bytes[10], 77);
  mine.unmap();
  theirs.unmap();
  a.close();
  b.close();
});

test("a send larger than the socket buffer is queued and arrives whole and in order", async () => {
  const [a, b] = UnixSocket.pair();
  const big = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
  a.send(big);
  a.send(new Uint8Array([9, 9]));
  assert.ok(a.queuedBytes > 0);
  big.fill(0);
  const { data } = await readExactly(b, 8 * 1024 * 1024 + 2);
  for (let i = 0; i < 8 * 1024 * 1024; i += 4096) assert.equal(data[i], (i / 4096) & 0xff);
  assert.deepEqual([...data.subarray(-2)], [9, 9]);
  await a.flushed();
  assert.equal(a.queuedBytes, 0);
  a.close();
  b.close();
});

test("the peer closing is end of stream on recv and a close on send", async () => {
  const [a, b] = UnixSocket.pair();
  b.close();
  assert.deepEqual(a.recv(new Uint8Array(4)), { bytes: 0, fds: [], fdsTruncated: false });
  const closed = new Promise<void>((resolve) => a.onClose(resolve));
  a.send(new Uint8Array(16));
  await closed;
  assert.equal(a.closed, true);
  a.send(new Uint8Array(16));
});

test("more descriptors than asked for are truncated and reported", async () => {
  const [a, b] = UnixSocket.pair();
  const fds = [createMemfd("a", 0), createMemfd("b", 0), createMemfd("c", 0)];
  a.send(new Uint8Array([1]), fds);
  for (const fd of fds) closeFd(fd);
  await new Promise<void>((resolve) =>
    b.onReadable(() => {
      b.onReadable(undefined);
      resolve();
    }),
  );
  const r = b.recv(new Uint8Array(1), 1)!;
  assert.equal(r.bytes, 1);
  assert.equal(r.fds.length, 1);
  assert.equal(r.fdsTruncated, true);
  closeFd(r.fds[0]!);
  a.close();
  b.close();
});

test("a listener accepts connections, replaces a stale socket file and refuses other files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-os-"));
  try {
    const path = join(dir, "sock");
    const first = UnixListener.listen(path);
    first.close();
    const stale = UnixListener.listen(path);
    const accepted = new Promise<UnixSocket>((resolve) => stale.onConnection(resolve));
    const client = UnixSocket.connect(path);
    const server = await accepted;
    client.send(new TextEncoder().encode("ping"));
    const { data } = await readExactly(server, 4);
    assert.equal(new TextDecoder().decode(data), "ping");
    client.close();
    server.close();
    stale.close();
    const file = join(dir, "file");
    writeFileSync(file, "x");
    assert.throws(() => UnixListener.listen(file), OsError);
    assert.throws(
      () => UnixSocket.connect(join(dir, "nobody")),
      (e) => e instanceof OsError && e.call === "connect",
    );
    assert.throws(() => UnixListener.listen(join(dir, "x".repeat(200))), OsError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("unreadByPeer holds until the peer has read every byte sent, a partly read send included", () => {
  const [a, b] = UnixSocket.pair();
  try {
    assert.equal(a.unreadByPeer, false);
    a.send(new Uint8Array(10));
    a.send(new Uint8Array(6));
    assert.equal(a.unreadByPeer, true);
    b.recv(new Uint8Array(12));
    assert.equal(a.unreadByPeer, true, "4 bytes of the second send are left");
    assert.equal(b.recv(new Uint8Array(64))?.bytes, 4);
    assert.equal(a.unreadByPeer, false);
  } finally {
    a.close();
    b.close();
  }
  assert.equal(a.unreadByPeer, false, "closed");
});
