// `rutabaga-ts replay --stop-after N --snapshot FILE` then `--resume FILE --after N` in another process ends on the
// same picture as one replay of the whole kmscube VM trace.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { decodePng } from "../../src/node/display/png.ts";
import { runCli } from "./cli-process.ts";

test("replay --stop-after/--snapshot and --resume/--after end on the whole replay's picture", () => {
  const dir = mkdtempSync(join(tmpdir(), "replay-snapshot-"));
  try {
    const trace = join(dir, "kmscube.trace");
    const fixture = new URL("../fixtures/virtio-gpu/kmscube-virgl.trace.gz", import.meta.url);
    writeFileSync(trace, gunzipSync(readFileSync(fixture)));
    const whole = runCli("replay", trace, "--png", join(dir, "whole"));
    assert.equal(whole.status, 0, whole.stderr);
    const state = join(dir, "state.bin");
    const first = runCli("replay", trace, "--png", join(dir, "first"), "--stop-after", "80", "--snapshot", state);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^80 requests replayed on a virgl device/);
    const rest = runCli("replay", trace, "--png", join(dir, "rest"), "--resume", state, "--after", "80");
    assert.equal(rest.status, 0, rest.stderr);
    const png = (d: string) => decodePng(readFileSync(join(dir, d, "scanout-0.png")));
    assert.deepEqual(png("rest").rgba, png("whole").rgba);
    // Usage errors exit 2; a resume point past the trace's end is the trace's error, exit 1.
    assert.equal(runCli("replay", trace, "--png", dir, "--snapshot", state).status, 2);
    assert.equal(runCli("replay", trace, "--png", dir, "--resume", state).status, 2);
    assert.equal(runCli("replay", trace, "--png", dir, "--stop-after", "x").status, 2);
    const past = runCli("replay", trace, "--png", join(dir, "past"), "--resume", state, "--after", "100000");
    assert.equal(past.status, 1, past.stderr);
    assert.match(past.stderr, /fewer than the 100000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
