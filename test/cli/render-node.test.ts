import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "./cli-process.ts";

test("vtest --rendernode with a node no EGL device has exits 2 listing the devices", () => {
  const r = runCli("vtest", "--rendernode", "/dev/dri/renderD9999", "--socket-path", "/nonexistent/dir/s");
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--rendernode \/dev\/dri\/renderD9999: no EGL device has that render node/);
  assert.match(r.stderr, /the EGL devices are: 0: /);
  assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
});

test("vhost-user-gpu --virgl -r with a node no EGL device has exits 2 listing the devices", () => {
  const r = runCli("vhost-user-gpu", "--virgl", "-r", "/dev/dri/renderD9999", "-s", "/nonexistent/dir/s");
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--render-node \/dev\/dri\/renderD9999: no EGL device has that render node/);
  assert.match(r.stderr, /the EGL devices are: 0: /);
  assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
});
