// Guest memory a submit reads, then overwrites with a read-back, then reads again: the trace keeps what the first
// read saw (the second read's bytes are the host's own write, which the replay makes too), so resources uploaded
// before the overwrite replay as they were.
import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglTransferDirection } from "../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../src/index.ts";
import { buildVirglRutabaga, VIRGL_DEVICE_FEATURES } from "../../src/node/gl/virgl-rutabaga.ts";
import {
  FramebufferSink,
  GpuCommandType,
  GpuResponseType,
  replayTrace,
  TraceRecorder,
} from "../../src/virtio-gpu/index.ts";
import { scanoutBuffer } from "../components/virgl/helpers.ts";
import { assertFrame, pattern, setup } from "./helpers.ts";

const W = 32;
const H = 16;
const CTX = 1;

test("a range read, overwritten by the host and read again in one submit replays as first read", () => {
  const recorder = new TraceRecorder({ scanouts: [{ width: W, height: H }] });
  const t = setup({
    scanouts: [{ width: W, height: H }],
    features: VIRGL_DEVICE_FEATURES,
    rutabaga: (h) => buildVirglRutabaga(h),
    recorder,
  });
  const { driver, device, sink } = t;
  let live: Uint8Array;
  try {
    const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata, t.logs.join("\n"));
    ok(driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "reread" }, { ctxId: CTX }));
    // Three textures on the same guest pages: A, B and C.
    const pages = driver.scatteredPages(W * H * 4, 9);
    for (const id of [1, 2, 3]) {
      ok(
        driver.send({ type: GpuCommandType.ResourceCreate3d, resourceId: id, ...scanoutBuffer(W, H) }, { ctxId: CTX }),
      );
      ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: id, entries: pages }));
      ok(driver.send({ type: GpuCommandType.CtxAttachResource, resourceId: id }, { ctxId: CTX }));
    }
    const whole = transfer2d(0, 0, W, H);
    const submit = (e: VirglEncoder) =>
      ok(driver.send({ type: GpuCommandType.Submit3d, commands: e.finish(), numInFences: 0 }, { ctxId: CTX }));
    driver.writeBacking(pages, 0, pattern(W, H, 1));
    submit(new VirglEncoder().transfer3d(2, whole, VirglTransferDirection.ToHost));
    driver.writeBacking(pages, 0, pattern(W, H, 2));
    // C takes the pages' pattern 2, B's read-back puts pattern 1 there, A takes pattern 1.
    submit(
      new VirglEncoder()
        .transfer3d(3, whole, VirglTransferDirection.ToHost)
        .transfer3d(2, whole, VirglTransferDirection.FromHost)
        .transfer3d(1, whole, VirglTransferDirection.ToHost),
    );
    ok(driver.send({ type: GpuCommandType.SetScanout, rect: { x: 0, y: 0, w: W, h: H }, scanoutId: 0, resourceId: 3 }));
    ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 0, y: 0, w: W, h: H }, resourceId: 3 }));
    live = sink.framebuffers[0]!.pixels.slice();
  } finally {
    device.destroy();
  }
  const expected = pattern(W, H, 2);
  for (let i = 3; i < expected.length; i += 4) expected[i] = live[i]!;
  assertFrame("trace-reread-live", W, H, expected, live);
  const replayed = new FramebufferSink();
  const result = replayTrace(recorder.finish(), replayed, { rutabaga: (h) => buildVirglRutabaga(h) });
  try {
    assert.deepEqual([...result.errors], []);
    assertFrame("trace-reread", W, H, live, replayed.framebuffers[0]!.pixels);
  } finally {
    result.device.destroy();
  }
});
