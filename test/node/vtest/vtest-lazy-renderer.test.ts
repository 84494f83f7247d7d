import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestServer, virglRutabaga } from "../../../src/node/vtest/vtest-server.ts";
import { RutabagaCapset } from "../../../src/rutabaga/constants.ts";
import { ServerLog } from "./server-log.ts";

let dir: string;
let server: VtestServer;
const log = new ServerLog();
/** The capset of each library instance the server built, in order. */
const built: number[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-lazy-"));
  server = new VtestServer(join(dir, "vtest.sock"), {
    limits: { maxShmBytes: 1 << 20, maxResources: 4, maxMessageBytes: 64 * 1024 },
    log: log.push,
    rutabaga: (handler, limit, capset) => {
      built.push(capset);
      return virglRutabaga(handler, limit);
    },
  });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function served(name: string, act: (c: MockVtestClient) => Promise<void>): Promise<void> {
  const c = new MockVtestClient(server.path);
  await c.handshake(name);
  await act(c);
  const gone = log.next(new RegExp(`\\(${name}\\) (dropped|disconnected)`));
  c.close();
  await gone;
}

async function dropped(name: string, act: (c: MockVtestClient) => void): Promise<void> {
  const c = new MockVtestClient(server.path);
  await c.handshake(name);
  act(c);
  await c.closedByServer();
  c.close();
}

test("clients that never send a valid request needing the host GL build no library instance", async () => {
  await dropped("junk", (c) => c.send(99, [1, 2, 3]));
  await dropped("short-create", (c) => c.send(VtestCommand.ResourceCreate2, [1, 2]));
  await dropped("over-shm", (c) =>
    c.send(VtestCommand.ResourceCreate2, [1, 2, 67, 2, 1024, 1024, 1, 1, 0, 0, 4 << 20]),
  );
  await dropped("handle-0", (c) => c.send(VtestCommand.ResourceCreate, [0, 2, 67, 2, 4, 4, 1, 1, 0, 0]));
  await dropped("stranger", (c) => c.send(VtestCommand.TransferGet2, [42, 0, 0, 0, 0, 1, 1, 1, 4, 0]));
  await dropped("unref-stranger", (c) => c.send(VtestCommand.ResourceUnref, [7]));
  await served("idle", async (c) => {
    // Nothing was submitted, so nothing is busy: answered without a renderer.
    assert.equal(await c.busyWait(0), 0);
  });
  assert.deepEqual(built, [], log.lines.join("\n"));
});

test("the first request that needs the host builds one instance, with the client's first context on VIRGL2", async () => {
  built.length = 0;
  await served("caps", async (c) => {
    for (const command of [VtestCommand.GetCaps2, VtestCommand.GetCaps] as const) {
      c.request({ command });
      const answer = await c.answerTo({ command });
      assert.equal(answer.kind, "caps");
    }
  });
  await served("resource", async (c) => {
    closeFd(await c.createResource2(1, { width: 4, height: 4, bytes: 64 }));
  });
  await served("submit", async (c) => {
    c.send(VtestCommand.SubmitCmd, []);
    assert.equal(await c.busyWait(0), 0);
  });
  assert.deepEqual(built, [RutabagaCapset.Virgl2, RutabagaCapset.Virgl2, RutabagaCapset.Virgl2]);
  assert.equal(server.stats.internalErrors, 0, log.lines.join("\n"));
});
