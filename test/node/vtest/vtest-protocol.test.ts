import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { MockVtestClient, VIRGL_FORMAT_R8G8B8A8_UNORM as RGBA8 } from "../../../src/node/vtest/mock-client.ts";
import { CAPS2_REPLY_ID, VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestServer } from "../../../src/node/vtest/vtest-server.ts";
import { PipeTextureTarget } from "../../../src/rutabaga/constants.ts";
import { f32bits, stream } from "../../components/virgl/helpers.ts";
import { ServerLog } from "./server-log.ts";

let dir: string;
let server: VtestServer;
const log = new ServerLog();

before(() => {
  dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-"));
  server = new VtestServer(join(dir, "vtest.sock"), { log: log.push });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the handshake agrees on min(client, 3) (a newer client is offered 3, older ones keep their own)", async () => {
  const a = new MockVtestClient(server.path);
  assert.equal(await a.handshake("newer", 7), 3);
  const b = new MockVtestClient(server.path);
  assert.equal(await b.handshake("older", 1), 1);
  const c = new MockVtestClient(server.path);
  assert.equal(await c.handshake("mesa-22.3", 2), 2);
  a.close();
  b.close();
  c.close();
});

test("GET_CAPS2 answers with id 2, the caps' byte count + 1 and a VIRGL2 caps blob from the host", async () => {
  const c = new MockVtestClient(server.path);
  await c.handshake();
  c.send(VtestCommand.GetCaps2, []);
  const head = new Uint32Array((await c.read(8)).buffer);
  assert.equal(head[1], CAPS2_REPLY_ID);
  const caps = new Uint32Array((await c.read(head[0]! - 1)).buffer);
  assert.equal(caps[0], 2, "virgl_caps_v2 max_version");
  assert.ok(caps[1]! !== 0, "sampler formats bitmask is not empty");
  c.send(VtestCommand.GetCaps, []);
  const head1 = new Uint32Array((await c.read(8)).buffer);
  assert.equal(head1[1], VtestCommand.GetCaps);
  await c.read(head1[0]! - 1);
  c.close();
});

test("RESOURCE_CREATE2 hands over shared memory that TRANSFER_PUT2 uploads and TRANSFER_GET2 reads back", async () => {
  const c = new MockVtestClient(server.path);
  await c.handshake();
  const fd = await c.createResource2(1, { width: 8, height: 4, bytes: 2 * 8 * 4 * 4 });
  const shm = MemoryMapping.map(fd, 2 * 128);
  closeFd(fd);
  for (let i = 0; i < 128; i++) shm.bytes[i] = (i * 7 + 3) & 0xff;
  // handle, level, x, y, z, w, h, d, size, offset
  c.send(VtestCommand.TransferPut2, [1, 0, 0, 0, 0, 8, 4, 1, 128, 0]);
  c.send(VtestCommand.TransferGet2, [1, 0, 2, 1, 0, 4, 2, 1, 32, 128]);
  c.send(VtestCommand.ResourceBusyWait, [1, 1]);
  assert.deepEqual([...(await c.reply()).words], [0]);
  // Stride 0 is the level's pitch (32 bytes here), as in virglrenderer: rows land 32 bytes apart from `offset`.
  for (let row = 0; row < 2; row++) {
    const src = (row + 1) * 32 + 2 * 4;
    assert.deepEqual(
      [...shm.bytes.subarray(128 + row * 32, 128 + row * 32 + 16)],
      [...shm.bytes.subarray(src, src + 16)],
    );
  }
  c.send(VtestCommand.ResourceUnref, [1]);
  c.send(VtestCommand.PingProtocolVersion, []);
  await c.reply();
  assert.equal(server.clientCount, 1);
  shm.unmap();
  c.close();
});

test("TRANSFER_PUT and TRANSFER_GET (protocol 0) carry the pixels inline with the client's stride", async () => {
  const c = new MockVtestClient(server.path);
  await c.handshake("v0", 0);
  c.send(VtestCommand.ResourceCreate, [3, 2, RGBA8, 2, 4, 4, 1, 1, 0, 0]);
  const pixels = Uint8Array.from({ length: 2 * 24 }, (_, i) => i + 1);
  // handle, level, stride, layer_stride, x, y, z, w, h, d, data size; 2×2 rect at (1,1), stride 24 bytes
  c.send(VtestCommand.TransferPut, [...[3, 0, 24, 0, 1, 1, 0, 2, 2, 1, 40], ...new Uint32Array(pixels.buffer, 0, 10)]);
  c.send(VtestCommand.TransferGet, [3, 0, 8, 0, 1, 1, 0, 2, 2, 1, 16]);
  const back = await c.read(16);
  assert.deepEqual([...back], [...pixels.subarray(0, 8), ...pixels.subarray(24, 32)]);
  c.close();
});

test("SUBMIT_CMD clears through the virgl component and RESOURCE_BUSY_WAIT reports idle after the fence", async () => {
  const c = new MockVtestClient(server.path);
  await c.handshake();
  const fd = await c.createResource2(5, { width: 4, height: 4, bytes: 64 });
  const shm = MemoryMapping.map(fd, 64);
  closeFd(fd);
  const words = stream(
    [VirglCmd.CreateSubCtx, 0, 1],
    [VirglCmd.SetSubCtx, 0, 1],
    [VirglCmd.CreateObject, VirglObject.Surface, 10, 5, RGBA8, 0, 0],
    [VirglCmd.SetFramebufferState, 0, 1, 0, 10],
    [VirglCmd.Clear, 0, 4, f32bits(0), f32bits(1), f32bits(0), f32bits(1), 0, 0, 0],
  );
  c.send(VtestCommand.SubmitCmd, new Uint32Array(words.buffer) as unknown as number[]);
  c.send(VtestCommand.ResourceBusyWait, [5, 1]);
  assert.deepEqual([...(await c.reply()).words], [0]);
  c.send(VtestCommand.TransferGet2, [5, 0, 0, 0, 0, 4, 4, 1, 64, 0]);
  c.send(VtestCommand.ResourceBusyWait, [5, 1]);
  await c.reply();
  for (let i = 0; i < 16; i++) assert.deepEqual([...shm.bytes.subarray(i * 4, i * 4 + 4)], [0, 255, 0, 255]);
  shm.unmap();
  c.close();
});

test("a buffer resource of protocol 2 round-trips bytes at an offset", async () => {
  const c = new MockVtestClient(server.path);
  await c.handshake("buffer-offset");
  const fd = await c.createResource2(9, {
    target: PipeTextureTarget.Buffer,
    format: 64,
    bind: 16,
    width: 256,
    height: 1,
    bytes: 512,
  });
  const shm = MemoryMapping.map(fd, 512);
  closeFd(fd);
  for (let i = 0; i < 256; i++) shm.bytes[i] = 255 - i;
  c.send(VtestCommand.TransferPut2, [9, 0, 0, 0, 0, 256, 1, 1, 256, 0]);
  c.send(VtestCommand.TransferGet2, [9, 0, 16, 0, 0, 32, 1, 1, 32, 256 + 16]);
  c.send(VtestCommand.ResourceBusyWait, [9, 1]);
  await c.reply();
  assert.deepEqual([...shm.bytes.subarray(256 + 16, 256 + 48)], [...shm.bytes.subarray(16, 48)]);
  shm.unmap();
  const gone = log.next(/\(buffer-offset\) (disconnected|dropped)/);
  c.close();
  await gone;
  assert.equal(server.stats.dropped, 0, log.lines.join("\n"));
  assert.equal(server.stats.internalErrors, 0);
});
