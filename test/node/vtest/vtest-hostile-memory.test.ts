import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";

/** The budget: what 400 malformed connections may leave in the server's RSS. */
const RSS_BUDGET_BYTES = 16 << 20;
const CONNECTIONS = 400;
const AT_ONCE = 16;

const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-rss-"));
const socket = join(dir, "vtest.sock");
let server: ChildProcess | undefined;
after(() => {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m);
  return Number(line![1]) * 1024;
}

/** What a hostile client sends; each one is dropped by the server. */
const MALFORMED: readonly ((c: MockVtestClient) => Promise<void>)[] = [
  async (c) => c.sendRaw(Uint8Array.of(0xff, 0xff, 0xff, 0x3f, 6, 0, 0, 0)),
  async (c) => c.send(VtestCommand.SubmitCmd, [0]),
  async (c) => {
    await c.handshake("junk");
    c.send(99, [1, 2, 3]);
  },
  async (c) => {
    await c.handshake("short");
    c.send(VtestCommand.ResourceCreate2, [1, 2]);
  },
  async (c) => {
    await c.handshake("greedy");
    c.send(VtestCommand.ResourceCreate2, [1, 2, 67, 2, 64, 64, 1, 1, 0, 0, 0x7fff_0000]);
  },
];

async function malformed(i: number): Promise<void> {
  const c = new MockVtestClient(socket);
  try {
    await MALFORMED[i % MALFORMED.length]!(c);
    await c.closedByServer();
  } finally {
    c.close();
  }
}

test(`${CONNECTIONS} malformed vtest connections leave the server's RSS within 16 MiB of idle, and start no host GL`, async (t) => {
  const bin = join(import.meta.dirname, "../../../bin/rutabaga-ts.js");
  const child = spawn(process.execPath, [bin, "vtest", "--socket-path", socket], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  server = child;
  const [listening] = (await once(child.stdout!, "data")) as [Buffer];
  assert.match(listening.toString(), /listening on/);
  const pid = child.pid!;
  const idle = rssBytes(pid);

  for (let i = 0; i < CONNECTIONS; i += AT_ONCE) {
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, CONNECTIONS - i) }, (_, k) => malformed(i + k)));
  }
  const afterMalformed = rssBytes(pid);
  const mapsAfterMalformed = readFileSync(`/proc/${pid}/maps`, "utf8");

  // The first real client loads the GL driver's libraries for good: reported apart.
  const real = new MockVtestClient(socket);
  await real.handshake("real");
  closeFd(await real.createResource2(1, { width: 64, height: 64, bytes: 64 * 64 * 4 }));
  assert.equal(await real.busyWait(1), 0);
  real.close();
  const afterReal = rssBytes(pid);

  const mib = (n: number) => `${(n / (1 << 20)).toFixed(1)} MiB`;
  t.diagnostic(
    `RSS: idle ${mib(idle)}; after ${CONNECTIONS} malformed connections ${mib(afterMalformed)} ` +
      `(+${mib(afterMalformed - idle)}); after the first real client (host GL loaded) ${mib(afterReal)}`,
  );
  assert.doesNotMatch(mapsAfterMalformed, /libEGL|libgallium|swrast/, "a malformed connection loaded the host GL");
  assert.ok(
    afterMalformed - idle <= RSS_BUDGET_BYTES,
    `RSS grew by ${mib(afterMalformed - idle)} over ${CONNECTIONS} malformed connections`,
  );
});
