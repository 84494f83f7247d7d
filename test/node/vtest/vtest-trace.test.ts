// `vtest --trace`: a client's session (shared-memory uploads with TRANSFER_PUT2, a COPY_TRANSFER3D from a staging
// buffer and a clear inside SUBMIT_CMD, read-backs with TRANSFER_GET2) written as a virtio-gpu trace, which replays on
// a new virgl library to the very bytes the client read back, also through `rutabaga-ts replay --readback`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { decodePng } from "../../../src/node/display/png.ts";
import { replayTraceOnHost } from "../../../src/node/gl/trace-replay.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { MockVtestClient, VIRGL_FORMAT_R8G8B8A8_UNORM as RGBA8 } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestServer } from "../../../src/node/vtest/vtest-server.ts";
import { PipeTextureTarget } from "../../../src/rutabaga/constants.ts";
import { decodeTrace, FramebufferSink, type TraceReadBack } from "../../../src/virtio-gpu/index.ts";
import { f32bits, stream } from "../../components/virgl/helpers.ts";

const W = 16;
const H = 8;
const LEVEL = W * H * 4;

/** Runs the session against a tracing server; returns the client's trace and the two read-backs it got. */
async function recordSession(dir: string): Promise<{ trace: Uint8Array; untraced: number; live: Uint8Array[] }> {
  let traced: { trace: Uint8Array; untraced: number } | undefined;
  const server = new VtestServer(join(dir, "vtest.sock"), {
    onTrace: (_id, trace, untraced) => {
      traced = { trace, untraced };
    },
  });
  const live: Uint8Array[] = [];
  try {
    const c = new MockVtestClient(server.path);
    await c.handshake("traced", 2);
    c.send(VtestCommand.GetCaps2, []);
    const head = new Uint32Array((await c.read(8)).buffer);
    await c.read(head[0]! - 1);
    const texFd = await c.createResource2(1, { width: W, height: H, bytes: 2 * LEVEL });
    const tex = MemoryMapping.map(texFd, 2 * LEVEL);
    closeFd(texFd);
    const stagingFd = await c.createResource2(2, {
      target: PipeTextureTarget.Buffer,
      format: 64,
      bind: 1 << 19,
      width: 512,
      height: 1,
      bytes: 512,
    });
    const staging = MemoryMapping.map(stagingFd, 512);
    closeFd(stagingFd);
    for (let i = 0; i < LEVEL; i++) tex.bytes[i] = (i * 13 + 5) & 0xff;
    for (let i = 0; i < 512; i++) staging.bytes[i] = (i * 29 + 1) & 0xff;
    // handle, level, x, y, z, w, h, d, size, offset
    c.send(VtestCommand.TransferPut2, [1, 0, 0, 0, 0, W, H, 1, LEVEL, 0]);
    // A 6×3 box at (4, 2) from the staging buffer at offset 100, rows 24 bytes apart.
    const copy = new VirglEncoder().copyTransfer3d(1, { ...transfer2d(4, 2, 6, 3), stride: 24, offset: 100 }, 2, 1);
    c.send(VtestCommand.SubmitCmd, new Uint32Array(copy.finish().buffer) as unknown as number[]);
    const readBack = async (x = 0, y = 0, w = W, h = H) => {
      c.send(VtestCommand.TransferGet2, [1, 0, x, y, 0, w, h, 1, LEVEL, LEVEL]);
      c.send(VtestCommand.ResourceBusyWait, [1, 1]);
      await c.reply();
      live.push(tex.bytes.slice(LEVEL, 2 * LEVEL));
    };
    await readBack();
    const clear = stream(
      [VirglCmd.CreateSubCtx, 0, 1],
      [VirglCmd.SetSubCtx, 0, 1],
      [VirglCmd.CreateObject, VirglObject.Surface, 10, 1, RGBA8, 0, 0],
      [VirglCmd.SetFramebufferState, 0, 1, 0, 10],
      [VirglCmd.Clear, 0, 4, f32bits(0.25), f32bits(1), f32bits(0), f32bits(1), 0, 0, 0],
    );
    c.send(VtestCommand.SubmitCmd, new Uint32Array(clear.buffer) as unknown as number[]);
    await readBack();
    // A 5×3 box at (2, 1): stride 0 puts its rows the level's pitch apart.
    await readBack(2, 1, 5, 3);
    // The client reuses its memory afterwards: the trace must hold what the host read then.
    tex.bytes.fill(0);
    staging.bytes.fill(0);
    c.send(VtestCommand.ResourceUnref, [2]);
    c.send(VtestCommand.PingProtocolVersion, []);
    await c.reply();
    tex.unmap();
    staging.unmap();
    c.close();
    for (let i = 0; i < 200 && traced === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    server.close();
  }
  assert.ok(traced !== undefined, "the trace was handed over when the client left");
  return { ...traced, live };
}

test("a vtest client's trace replays to the bytes it read back", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-trace-"));
  try {
    const { trace, untraced, live } = await recordSession(dir);
    assert.equal(untraced, 0);
    assert.notDeepEqual(live[0], live[1], "the clear changed the texture");
    const { header } = decodeTrace(trace);
    assert.deepEqual(
      header.capsets?.map((c) => [c.capsetId, c.version]),
      [[2, 2]],
    );
    const got: Uint8Array[] = [];
    const onReadBack = (r: TraceReadBack) => {
      assert.equal(r.resourceId, 1);
      got.push(r.read(r.transfer.offset, LEVEL)!);
    };
    const result = await replayTraceOnHost(trace, new FramebufferSink(), { onReadBack });
    try {
      assert.equal(result.virgl, true);
      assert.deepEqual([...result.errors], []);
      assert.equal(got.length, 3);
      for (const [i, bytes] of got.entries()) assert.deepEqual(bytes, live[i], `read-back ${i}`);
    } finally {
      result.device.destroy();
    }

    // The same through the command line: the read-backs as PNG.
    writeFileSync(join(dir, "client.trace"), trace);
    const bin = new URL("../../../bin/rutabaga-ts.js", import.meta.url).pathname;
    const r = spawnSync(
      process.execPath,
      [bin, "replay", join(dir, "client.trace"), "--png", join(dir, "out"), "--readback"],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /on a virgl device, 0 scanout\(s\), 3 read-back\(s\)/);
    const boxes = [
      [0, 0, W, H],
      [0, 0, W, H],
      [0, 0, 5, 3],
    ] as const;
    for (const [i, bytes] of live.entries()) {
      const png = decodePng(readFileSync(join(dir, "out", `readback-${i}-resource-1.png`)));
      const [, , w, h] = boxes[i]!;
      assert.deepEqual([png.width, png.height], [w, h]);
      // R8G8B8A8 is the PNG's own byte order; the box's rows lie W * 4 bytes apart from the offset.
      const rows = new Uint8Array(w * h * 4);
      for (let y = 0; y < h; y++) rows.set(bytes.subarray(y * W * 4, y * W * 4 + w * 4), y * w * 4);
      assert.deepEqual(new Uint8Array(png.rgba), rows, `readback-${i}-resource-1.png`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a submit longer than one virtio-gpu request is traced as several, cut at command boundaries", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-trace-big-"));
  let trace: Uint8Array | undefined;
  const server = new VtestServer(join(dir, "vtest.sock"), {
    onTrace: (_id, t) => {
      trace = t;
    },
  });
  const BYTES = 65536;
  let live = new Uint8Array(0);
  try {
    const c = new MockVtestClient(server.path);
    await c.handshake("big-submit", 2);
    const fd = await c.createResource2(1, {
      target: PipeTextureTarget.Buffer,
      format: 64,
      bind: 16,
      width: BYTES,
      height: 1,
      bytes: BYTES,
    });
    const shm = MemoryMapping.map(fd, BYTES);
    closeFd(fd);
    // 96 inline writes of 64 KiB: 6 MiB of stream, each write a pattern of its own, the last one winning.
    const e = new VirglEncoder();
    for (let i = 0; i < 96; i++) {
      const data = Uint8Array.from({ length: BYTES }, (_, k) => (k * 7 + i * 31) & 0xff);
      e.inlineWrite(1, { ...transfer2d(0, 0, BYTES, 1), offset: 0 }, data);
    }
    const stream = e.finish();
    assert.ok(stream.length > 6 << 20);
    c.send(VtestCommand.SubmitCmd, new Uint32Array(stream.buffer) as unknown as number[]);
    c.send(VtestCommand.TransferGet2, [1, 0, 0, 0, 0, BYTES, 1, 1, BYTES, 0]);
    c.send(VtestCommand.ResourceBusyWait, [1, 1]);
    await c.reply();
    live = shm.bytes.slice();
    shm.unmap();
    c.close();
    for (let i = 0; i < 300 && trace === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  } finally {
    server.close();
  }
  try {
    assert.ok(trace !== undefined);
    const submits = decodeTrace(trace).records.filter(
      (r) => r.kind === "request" && new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(0, true) === 0x207,
    );
    assert.equal(submits.length, 2);
    const got: Uint8Array[] = [];
    const result = await replayTraceOnHost(trace, new FramebufferSink(), {
      onReadBack: (r) => got.push(r.read(0, BYTES)!),
    });
    try {
      assert.deepEqual([...result.errors], []);
      assert.equal(got.length, 1);
      // What the client read: the last write's pattern, and the replay reads the same.
      assert.equal(live[5], (5 * 7 + 95 * 31) & 0xff);
      assert.ok(Buffer.from(got[0]!).equals(Buffer.from(live)));
    } finally {
      result.device.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
