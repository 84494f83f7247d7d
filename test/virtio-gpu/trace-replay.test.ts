import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodePng } from "../../src/node/display/png.ts";
import {
  decodeTrace,
  FramebufferSink,
  GpuCommandType,
  GpuResponseType,
  MockGpuDriver,
  replayTrace,
  TraceError,
  TraceRecorder,
  VirtioGpuDevice,
} from "../../src/virtio-gpu/index.ts";
import { assertFrame, pattern } from "./helpers.ts";

const W = 320;
const H = 200;

/** Drives a recorded device through create, attach, full and partial updates; returns the trace and the frame. */
function recordSession(): { trace: Uint8Array; expected: Uint8Array } {
  const recorder = new TraceRecorder({ scanouts: [{ width: W, height: H }] });
  const device = new VirtioGpuDevice({ scanouts: [{ width: W, height: H }], recorder });
  const driver = new MockGpuDriver(device, { indirect: true });
  const entries = driver.scatteredPages(W * H * 4, 5);
  const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata);
  ok(driver.send({ type: GpuCommandType.ResourceCreate2d, resourceId: 2, format: 2, width: W, height: H }));
  ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries }));
  const expected = pattern(W, H, 9);
  driver.writeBacking(entries, 0, expected);
  ok(
    driver.send({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 0, y: 0, w: W, h: H },
      offset: 0n,
      resourceId: 2,
    }),
  );
  ok(
    driver.send({
      type: GpuCommandType.SetScanout,
      rect: { x: 0, y: 0, w: W, h: H },
      scanoutId: 0,
      resourceId: 2,
    }),
  );
  ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 0, y: 0, w: W, h: H }, resourceId: 2 }));
  // The guest overwrites the backing afterwards: the trace must keep what the transfer read, not what is there now.
  const patch = pattern(40, 16, 200);
  for (let row = 0; row < 16; row++) {
    const off = (50 + row) * W * 4 + 60 * 4;
    expected.set(patch.subarray(row * 160, row * 160 + 160), off);
    driver.writeBacking(entries, off, patch.subarray(row * 160, row * 160 + 160));
  }
  ok(
    driver.send({
      type: GpuCommandType.TransferToHost2d,
      rect: { x: 60, y: 50, w: 40, h: 16 },
      offset: BigInt(50 * W * 4 + 240),
      resourceId: 2,
    }),
  );
  ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 60, y: 50, w: 40, h: 16 }, resourceId: 2 }));
  driver.writeBacking(entries, 0, new Uint8Array(W * H * 4));
  return { trace: recorder.finish(), expected };
}

test("a recorded session replays to the same frame", () => {
  const { trace, expected } = recordSession();
  const sink = new FramebufferSink();
  const result = replayTrace(trace, sink);
  assert.equal(result.requests, 7);
  assert.equal(result.errors.size, 0);
  assertFrame("trace-replay", W, H, expected, sink.framebuffers[0]!.pixels);
});

test("`rutabaga-ts replay TRACE --png DIR` writes the frames pixel-exactly", () => {
  const { trace, expected } = recordSession();
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-replay-"));
  try {
    writeFileSync(join(dir, "session.trace"), trace);
    const bin = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;
    const r = spawnSync(
      process.execPath,
      [bin, "replay", join(dir, "session.trace"), "--png", join(dir, "out"), "--every-flush"],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /7 requests replayed on a 2D device, 1 scanout/);
    const png = decodePng(readFileSync(join(dir, "out", "scanout-0.png")));
    assert.deepEqual([png.width, png.height], [W, H]);
    const bgrx = new Uint8Array(W * H * 4);
    for (let i = 0; i < bgrx.length; i += 4) {
      bgrx[i] = png.rgba[i + 2]!;
      bgrx[i + 1] = png.rgba[i + 1]!;
      bgrx[i + 2] = png.rgba[i]!;
      bgrx[i + 3] = 0xff;
    }
    assertFrame("trace-replay-cli", W, H, expected, bgrx);
    assert.ok(readFileSync(join(dir, "out", "scanout-0-flush-2.png")).length > 0);
    const bad = spawnSync(process.execPath, [bin, "replay", join(dir, "out", "scanout-0.png"), "--png", dir], {
      encoding: "utf8",
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /not a rutabaga-ts trace/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("truncated or corrupted traces are TraceError, never anything else", () => {
  const { trace } = recordSession();
  for (const cut of [0, 10, 20, trace.length - 1]) assert.throws(() => decodeTrace(trace.subarray(0, cut)), TraceError);
  for (let i = 0; i < trace.length; i += 997) {
    const bad = trace.slice();
    bad[i]! ^= 0x40;
    assert.throws(() => decodeTrace(bad), TraceError);
  }
});
