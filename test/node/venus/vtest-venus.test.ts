import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { VenusCapsetWord, venusCapset } from "../../../src/components/venus/venus-capset.ts";
import { decodeVenusReply } from "../../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { syncPoints } from "../../../src/node/vtest/codec.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestBlobType, VtestCommand, VtestSubmitFlag } from "../../../src/node/vtest/protocol.ts";
import { VtestServer } from "../../../src/node/vtest/vtest-server.ts";
import { RutabagaCapset } from "../../../src/rutabaga/constants.ts";
import { ServerLog } from "../vtest/server-log.ts";
import { commandBytes, createInstanceArgs, hostVulkan } from "./venus-helpers.ts";

const lib = hostVulkan();
const skip = typeof lib === "string" ? lib : false;
let dir: string;
let server: VtestServer;
const log = new ServerLog();

before(() => {
  dir = mkdtempSync(join(tmpdir(), "rutabaga-venus-"));
  server = new VtestServer(join(dir, "vtest.sock"), { log: log.push, venus: true });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const [HEAD, TAIL, STATUS, BUFFER, BUFFER_SIZE] = [0, 64, 128, 192, 4096];

test("vtest --venus: capset 4, a ring blob, commands through the ring with replies, and a dead client's instance destroyed", {
  skip,
  timeout: 30_000,
}, async () => {
  const c = new MockVtestClient(server.path);
  assert.equal(await c.handshake("venus-mock", 3), 3);
  const caps = await c.getCapset(RutabagaCapset.Venus, 0);
  assert.ok(caps !== undefined);
  assert.deepEqual(caps, venusCapset());
  assert.equal(new Uint32Array(caps.buffer, caps.byteOffset)[VenusCapsetWord.SupportsBlobId0], 1);
  c.request({ command: VtestCommand.ContextInit, capsetId: RutabagaCapset.Venus });
  // The ring and a reply stream: HOST3D blobs of blob id 0, each a descriptor the client maps.
  const ringBlob = await c.createBlob(BigInt(BUFFER + BUFFER_SIZE), { type: VtestBlobType.Host3D });
  const replyBlob = await c.createBlob(4096n, { type: VtestBlobType.Host3D });
  const ring = MemoryMapping.map(ringBlob.fd, BUFFER + BUFFER_SIZE);
  const reply = MemoryMapping.map(replyBlob.fd, 4096);
  closeFd(ringBlob.fd);
  closeFd(replyBlob.fd);
  const words = new Int32Array(ring.bytes.buffer, ring.bytes.byteOffset, ring.length / 4);
  const sync = await c.syncCreate(0n);
  c.submitCmd2([
    {
      flags: VtestSubmitFlag.RingIdx,
      commands: commandBytes(
        "vkCreateRingMESA",
        {
          ring: 1n,
          pCreateInfo: {
            sType: 1000384000,
            pNext: null,
            flags: 0,
            resourceId: ringBlob.resId,
            offset: 0,
            size: BUFFER + BUFFER_SIZE,
            idleTimeout: 50_000_000n,
            headOffset: HEAD,
            tailOffset: TAIL,
            statusOffset: STATUS,
            bufferOffset: BUFFER,
            bufferSize: BUFFER_SIZE,
            extraOffset: 0,
            extraSize: 0,
          },
        },
        0,
      ),
      syncs: syncPoints([{ id: sync, value: 1n }]),
      ringIdx: 0,
    },
  ]);
  const done = await c.syncWait([{ id: sync, value: 1n }], 5000);
  closeFd(done);
  let tail = 0;
  for (const b of [
    commandBytes("vkSetReplyCommandStreamMESA", { pStream: { resourceId: replyBlob.resId, offset: 0, size: 4096 } }, 0),
    commandBytes("vkCreateInstance", createInstanceArgs(0x100)),
  ]) {
    ring.bytes.set(b, BUFFER + tail);
    tail += b.length;
  }
  Atomics.store(words, TAIL / 4, tail);
  const end = Date.now() + 10_000;
  while (Atomics.load(words, HEAD / 4) !== tail) {
    assert.ok(Date.now() < end, `no head; log: ${log.lines.join(" | ")}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  const created = decodeVenusReply(new VenusWireReader(reply.bytes));
  assert.deepEqual(created.values, { ret: 0, pInstance: 0x100 });
  ring.unmap();
  reply.unmap();
  // The client goes without destroying its instance: the worker destroys it.
  c.close();
  const line = await log.next(/venus context venus-mock ended/);
  assert.match(line, /1 host objects made, 1 destroyed, 0 left/);
});
