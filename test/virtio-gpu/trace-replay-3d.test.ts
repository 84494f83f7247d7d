// A session on the virgl device whose uploads travel inside SUBMIT_3D (an in-stream TRANSFER3D from the texture's
// own backing, a COPY_TRANSFER3D from a staging buffer), as Mesa uploads: recorded, then replayed on a new virgl
// library, pixel-equal; without the memory the virgl component reported, the replay differs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { VirglCmd, VirglTransferDirection } from "../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../src/index.ts";
import { decodePng } from "../../src/node/display/png.ts";
import { buildVirglRutabaga, VIRGL_DEVICE_FEATURES } from "../../src/node/gl/virgl-rutabaga.ts";
import { crc32 } from "../../src/rutabaga/crc32.ts";
import {
  decodeTrace,
  FramebufferSink,
  GpuCommandType,
  GpuResponseType,
  replayTrace,
  TraceError,
  TraceRecorder,
} from "../../src/virtio-gpu/index.ts";
import { res, scanoutBuffer } from "../components/virgl/helpers.ts";
import { assertFrame, pattern, setup } from "./helpers.ts";

const W = 64;
const H = 48;
const CTX = 1;
/** `PIPE_BUFFER`, `PIPE_FORMAT_R8_UNORM`, `VIRGL_BIND_STAGING`: a staging buffer as Mesa makes one. */
const STAGING = { target: 0, format: 64, bind: 1 << 19, height: 1 };

/** Records the session; returns the trace and the frame the live device showed. */
function recordSession(): { trace: Uint8Array; live: Uint8Array } {
  const recorder = new TraceRecorder({ scanouts: [{ width: W, height: H }] });
  const t = setup({
    scanouts: [{ width: W, height: H }],
    features: VIRGL_DEVICE_FEATURES,
    rutabaga: (h) => buildVirglRutabaga(h),
    recorder,
  });
  const { driver, device, sink } = t;
  try {
    const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata, t.logs.join("\n"));
    assert.equal(
      driver.send({ type: GpuCommandType.GetCapset, capsetId: 2, capsetVersion: 2 })?.type,
      GpuResponseType.OkCapset,
    );
    ok(driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "replay" }, { ctxId: CTX }));
    ok(driver.send({ type: GpuCommandType.ResourceCreate3d, resourceId: 1, ...scanoutBuffer(W, H) }, { ctxId: CTX }));
    const texPages = driver.scatteredPages(W * H * 4, 3);
    ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries: texPages }));
    ok(driver.send({ type: GpuCommandType.CtxAttachResource, resourceId: 1 }, { ctxId: CTX }));
    const stagingBytes = 16384;
    ok(
      driver.send(
        { type: GpuCommandType.ResourceCreate3d, resourceId: 2, ...res({ ...STAGING, width: stagingBytes }) },
        { ctxId: CTX },
      ),
    );
    const stagingPages = driver.scatteredPages(stagingBytes, 5);
    ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries: stagingPages }));
    ok(driver.send({ type: GpuCommandType.CtxAttachResource, resourceId: 2 }, { ctxId: CTX }));

    // The whole texture from its own backing, in-stream.
    driver.writeBacking(texPages, 0, pattern(W, H, 7));
    const submit = (e: VirglEncoder) =>
      ok(driver.send({ type: GpuCommandType.Submit3d, commands: e.finish(), numInFences: 0 }, { ctxId: CTX }));
    submit(
      new VirglEncoder()
        .transfer3d(1, transfer2d(0, 0, W, H), VirglTransferDirection.ToHost)
        .raw(VirglCmd.EndTransfers, 0, []),
    );
    // A 20×10 box at (30, 20) from the staging buffer at offset 1000, rows 20×4 + 16 bytes apart.
    const box = pattern(24, 10, 99);
    driver.writeBacking(stagingPages, 1000, box);
    submit(new VirglEncoder().copyTransfer3d(1, { ...transfer2d(30, 20, 20, 10), stride: 96, offset: 1000 }, 2, 1));
    // The guest reuses both backings afterwards: the trace must hold what the submits read.
    driver.writeBacking(texPages, 0, new Uint8Array(W * H * 4));
    driver.writeBacking(stagingPages, 0, new Uint8Array(stagingBytes));
    ok(driver.send({ type: GpuCommandType.SetScanout, rect: { x: 0, y: 0, w: W, h: H }, scanoutId: 0, resourceId: 1 }));
    ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: { x: 0, y: 0, w: W, h: H }, resourceId: 1 }));
    const live = sink.framebuffers[0]!.pixels.slice();
    return { trace: recorder.finish(), live };
  } finally {
    device.destroy();
  }
}

test("in-stream and staging-buffer uploads replay pixel-equal on a new virgl library", () => {
  const { trace, live } = recordSession();
  // The live frame shows both uploads (the replay is compared with something that is not blank).
  assert.notEqual(live[(25 * W + 35) * 4], live[(5 * W + 5) * 4]);
  const { header } = decodeTrace(trace);
  assert.equal(header.features, VIRGL_DEVICE_FEATURES);
  assert.deepEqual(
    header.capsets?.map((c) => [c.capsetId, c.version, c.bytes.length]),
    [[2, 2, 1376]],
  );
  const sink = new FramebufferSink();
  const result = replayTrace(trace, sink, { rutabaga: (h) => buildVirglRutabaga(h) });
  try {
    assert.equal(result.errors.size, 0);
    assertFrame("trace-replay-3d", W, H, live, sink.framebuffers[0]!.pixels);
  } finally {
    result.device.destroy();
  }
});

test("a 3D trace replayed without the memory its submits read does not match (the records are what carry it)", () => {
  const { trace, live } = recordSession();
  const { header, records } = decodeTrace(trace);
  const stripped = new TraceRecorder(header);
  let dropped = 0;
  for (const r of records) {
    if (r.kind === "request") stripped.request(r.queueIndex, r.bytes);
    else if (r.kind === "display") stripped.displayChanged(r.scanouts);
    // Memory read by a SUBMIT_3D comes right before it; keep the rest.
    else if (records[records.indexOf(r) + 1]?.kind === "request") {
      const next = records[records.indexOf(r) + 1] as { bytes: Uint8Array };
      if (new DataView(next.bytes.buffer, next.bytes.byteOffset).getUint32(0, true) === GpuCommandType.Submit3d)
        dropped++;
      else stripped.memory(r.addr, r.bytes);
    } else stripped.memory(r.addr, r.bytes);
  }
  assert.ok(dropped > 0, "the submits' memory was recorded");
  const sink = new FramebufferSink();
  const result = replayTrace(stripped.finish(), sink, { rutabaga: (h) => buildVirglRutabaga(h) });
  try {
    assert.notDeepEqual(sink.framebuffers[0]!.pixels, live);
  } finally {
    result.device.destroy();
  }
});

test("a 3D trace refuses a 2D replay, and a host whose caps fall short, with TraceError", () => {
  const { trace } = recordSession();
  assert.throws(
    () => replayTrace(trace, new FramebufferSink()),
    (e) => {
      assert.ok(e instanceof TraceError);
      assert.match(e.message, /virgl device.*--virgl/);
      return true;
    },
  );
  // The same trace claiming the guest read a caps blob with a render format bit and a limit no host has.
  const { header, records } = decodeTrace(trace);
  const caps = header.capsets![0]!.bytes.slice();
  const v = new DataView(caps.buffer);
  v.setUint32(68 + 60, 0x8000_0000, true);
  v.setUint32(284, 4096, true);
  const greedy = new TraceRecorder({ ...header, capsets: [{ capsetId: 2, version: 2, bytes: caps }] });
  for (const r of records) if (r.kind === "request") greedy.request(r.queueIndex, r.bytes);
  assert.throws(
    () => replayTrace(greedy.finish(), new FramebufferSink(), { rutabaga: (h) => buildVirglRutabaga(h) }),
    (e) => {
      assert.ok(e instanceof TraceError);
      assert.match(e.message, /does not cover capset 2 version 2.*render\[15\], maxSamples/);
      return true;
    },
  );
});

/** The same trace in format version 1: the header names the scanouts only (what a version 1 recorder wrote). */
function asVersion1(trace: Uint8Array): Uint8Array {
  const v = new DataView(trace.buffer, trace.byteOffset, trace.byteLength);
  const headerEnd = 16 + v.getUint32(12, true);
  const { header } = decodeTrace(trace);
  const json = new TextEncoder().encode(JSON.stringify({ scanouts: header.scanouts }));
  const body = trace.subarray(headerEnd, trace.length - 4);
  const out = new Uint8Array(16 + json.length + body.length + 4);
  out.set(trace.subarray(0, 8));
  const o = new DataView(out.buffer);
  o.setUint32(8, 1, true);
  o.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(body, 16 + json.length);
  o.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** The scanout PNG `replay` wrote, as B, G, R, X bytes. */
function readBgrx(path: string): Uint8Array {
  const png = decodePng(readFileSync(path));
  assert.deepEqual([png.width, png.height], [W, H]);
  const out = new Uint8Array(W * H * 4);
  for (let i = 0; i < out.length; i += 4) {
    out[i] = png.rgba[i + 2]!;
    out[i + 1] = png.rgba[i + 1]!;
    out[i + 2] = png.rgba[i]!;
    out[i + 3] = 0xff;
  }
  return out;
}

test("`rutabaga-ts replay` picks the virgl device from a version 2 trace; a version 1 trace needs --virgl", () => {
  const { trace, live } = recordSession();
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-replay-3d-"));
  const bin = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;
  const replay = (file: string, out: string, ...more: string[]) =>
    spawnSync(process.execPath, [bin, "replay", join(dir, file), "--png", join(dir, out), ...more], {
      encoding: "utf8",
    });
  try {
    writeFileSync(join(dir, "v2.trace"), trace);
    writeFileSync(join(dir, "v1.trace"), asVersion1(trace));
    const v2 = replay("v2.trace", "v2");
    assert.equal(v2.status, 0, v2.stderr);
    assert.match(v2.stdout, /requests replayed on a virgl device, 1 scanout/);
    assertFrame("trace-replay-3d-cli", W, H, live, readBgrx(join(dir, "v2", "scanout-0.png")));
    // Version 1 says nothing of the device: 2D by default (the submits fail), virgl when asked.
    const v1 = replay("v1.trace", "v1-2d");
    assert.equal(v1.status, 0, v1.stderr);
    assert.match(v1.stdout, /on a 2D device.*error responses/);
    const forced = replay("v1.trace", "v1-virgl", "--virgl");
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /on a virgl device, 1 scanout/);
    assertFrame("trace-replay-3d-cli-v1", W, H, live, readBgrx(join(dir, "v1-virgl", "scanout-0.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
