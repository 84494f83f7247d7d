import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestServer } from "../../../src/node/vtest/vtest-server.ts";
import { ServerLog } from "./server-log.ts";

let dir: string;
let server: VtestServer;
const log = new ServerLog();

before(() => {
  dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-"));
  server = new VtestServer(join(dir, "vtest.sock"), {
    limits: { maxShmBytes: 1 << 20, hostMemoryLimit: 4 << 20, maxResources: 4, maxMessageBytes: 64 * 1024 },
    log: log.push,
  });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const openFds = () => readdirSync("/proc/self/fd").length;

/** A client that keeps working through everything the others do: it must still answer after each case. */
async function bystanderStillServed(c: MockVtestClient): Promise<void> {
  c.send(VtestCommand.PingProtocolVersion, []);
  assert.equal((await c.reply()).id, VtestCommand.PingProtocolVersion);
}

async function droppedFor(why: RegExp, act: (c: MockVtestClient) => void | Promise<void>): Promise<void> {
  const before = server.stats.dropped;
  const c = new MockVtestClient(server.path);
  await act(c);
  await c.closedByServer();
  c.close();
  assert.equal(server.stats.dropped, before + 1);
  assert.match(log.lines.at(-1)!, why);
}

test("garbage, refused and over-limit clients are dropped with a reason; a bystander and new clients carry on", async () => {
  const bystander = new MockVtestClient(server.path);
  await bystander.handshake("bystander");
  const fdsBefore = openFds();

  await droppedFor(/announces 4294967292 bytes/, (c) => c.sendRaw(Uint8Array.of(0xff, 0xff, 0xff, 0x3f, 6, 0, 0, 0)));
  await droppedFor(/command 6 before CREATE_RENDERER/, (c) => c.send(VtestCommand.SubmitCmd, [0]));
  await droppedFor(/unknown command 99/, async (c) => {
    await c.handshake("unknown");
    c.send(99, [1, 2, 3]);
  });
  await droppedFor(/a second CREATE_RENDERER/, async (c) => {
    await c.handshake("twice");
    c.send(VtestCommand.CreateRenderer, new TextEncoder().encode("again\0"));
  });
  await droppedFor(/RESOURCE_CREATE: 8 bytes, 44 needed/, async (c) => {
    await c.handshake("short");
    c.send(VtestCommand.ResourceCreate2, [1, 2]);
  });
  await droppedFor(/no resource 42/, async (c) => {
    await c.handshake("stranger");
    c.send(VtestCommand.TransferGet2, [42, 0, 0, 0, 0, 1, 1, 1, 4, 0]);
  });
  await droppedFor(/shared memory would pass 1048576/, async (c) => {
    await c.handshake("greedy");
    closeFd(await c.createResource2(1, { width: 256, height: 256, bytes: 768 * 1024 }));
    c.send(VtestCommand.ResourceCreate2, [2, 2, 67, 2, 256, 256, 1, 1, 0, 0, 768 * 1024]);
  });
  await droppedFor(/more than 4 resources/, async (c) => {
    await c.handshake("many");
    for (let h = 1; h <= 5; h++) c.send(VtestCommand.ResourceCreate, [h, 2, 67, 2, 4, 4, 1, 1, 0, 0]);
  });
  await droppedFor(/OutOfMemory|host memory/i, async (c) => {
    await c.handshake("huge");
    c.send(VtestCommand.ResourceCreate, [1, 2, 67, 2, 2048, 2048, 1, 1, 0, 0]);
  });
  await droppedFor(/resource handle 1 is in use/, async (c) => {
    await c.handshake("reuse");
    c.send(VtestCommand.ResourceCreate, [1, 2, 67, 2, 4, 4, 1, 1, 0, 0]);
    c.send(VtestCommand.ResourceCreate, [1, 2, 67, 2, 4, 4, 1, 1, 0, 0]);
  });
  await droppedFor(/command 6: /, async (c) => {
    await c.handshake("bad-stream");
    c.send(VtestCommand.SubmitCmd, [(1 | (9 << 8) | (3 << 16)) >>> 0, 1]);
  });
  await droppedFor(/transfer of 16777216 bytes/, async (c) => {
    await c.handshake("big-get");
    c.send(VtestCommand.ResourceCreate, [1, 2, 67, 2, 4, 4, 1, 1, 0, 0]);
    c.send(VtestCommand.TransferGet, [1, 0, 0, 0, 0, 0, 0, 4, 4, 1, 16 << 20]);
  });

  // A client that vanishes mid-message is a disconnect, not an error.
  const quitter = new MockVtestClient(server.path);
  await quitter.handshake("quitter");
  // What the client sent before closing stays readable, so the server sees the half message, then the end.
  quitter.sendRaw(Uint8Array.of(10, 0, 0, 0, 6, 0, 0, 0, 1, 2, 3));
  const quit = log.next(/\(quitter\)/);
  quitter.close();
  assert.match(await quit, /client \d+ \(quitter\) disconnected/);

  await bystanderStillServed(bystander);
  const late = new MockVtestClient(server.path);
  assert.equal(await late.handshake("late"), 2);
  const lateGone = log.next(/\(late\) disconnected/);
  late.close();
  await lateGone;
  assert.equal(server.clientCount, 1, "only the bystander is left");
  assert.equal(openFds(), fdsBefore, "every dropped client's descriptors and shared memory were released");
  assert.equal(server.stats.internalErrors, 0, log.lines.join("\n"));
  bystander.close();
});
