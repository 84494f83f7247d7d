import assert from "node:assert/strict";
import { test } from "node:test";
import { closeFd, createMemfd, EventFd, OsError, UnixSocket } from "../../../src/node/os/index.ts";

test("signals add up and drain resets the counter without blocking", () => {
  const e = EventFd.create();
  assert.equal(e.drain(), 0n);
  e.signal();
  e.signal(4n);
  assert.equal(e.drain(), 5n);
  assert.equal(e.drain(), 0n);
  e.close();
  e.close();
  assert.equal(e.drain(), 0n);
});

test("a watch fires from the event loop when another side signals", async () => {
  const e = EventFd.create();
  const seen = new Promise<bigint>((resolve) => e.watch(() => resolve(e.drain())));
  setTimeout(() => e.signal(3n), 5);
  assert.equal(await seen, 3n);
  e.close();
});

test("a descriptor epoll cannot watch (a regular file) is refused instead of aborting the process", () => {
  const fd = createMemfd("not-an-eventfd", 8);
  assert.throws(
    () => EventFd.fromFd(fd),
    (e) => e instanceof OsError && e.call === "epoll_ctl",
  );
  assert.throws(() => UnixSocket.fromFd(fd), OsError);
  closeFd(fd);
});
