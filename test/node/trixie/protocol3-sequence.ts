// Run inside the trixie root as `node --import tsx test/node/trixie/protocol3-sequence.ts SOCKET`: one protocol 3
// conversation with a vtest server, each answer printed as a JSON line, so virglrenderer 1.1.0's answers and ours can
// be compared. Only what both servers must agree on is printed (not caps contents).
import { EventFd } from "../../../src/node/os/eventfd.ts";
import { closeFd, dupFd } from "../../../src/node/os/fd.ts";
import { watchFd } from "../../../src/node/os/fd-watch.ts";
import { fileSize } from "../../../src/node/os/memfd.ts";
import { syncPoints } from "../../../src/node/vtest/codec.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand, VtestSubmitFlag } from "../../../src/node/vtest/protocol.ts";

/** Resolves with whether `fd` becomes readable within `ms` (the client's poll). */
function readableWithin(fd: number, ms: number): Promise<boolean> {
  const copy = EventFd.fromFd(dupFd(fd));
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      watch.stop();
      copy.close();
      resolve(ok);
    };
    const watch = watchFd(copy.fd, { readable: true }, () => done(true));
    const timer = setTimeout(() => done(false), ms);
  });
}

const out = (step: string, value: unknown) =>
  console.log(JSON.stringify({ step, value }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));

async function main(path: string): Promise<void> {
  const c = new MockVtestClient(path);
  out("version", await c.handshake("seq", 3));
  out("param-timelines", await c.getParam(1));
  out("param-unknown", await c.getParam(7));
  out("capset-virgl2-valid", (await c.getCapset(2, 2)) !== undefined);
  out("capset-unknown-valid", (await c.getCapset(0xdead, 0)) !== undefined);
  c.request({ command: VtestCommand.ContextInit, capsetId: 2 });
  const a = await c.syncCreate(5n);
  out("sync-create", a);
  out("sync-read", await c.syncRead(a));
  c.request({ command: VtestCommand.SyncWrite, id: a, value: (1n << 40n) + 9n });
  out("sync-write-read", await c.syncRead(a));
  c.request({ command: VtestCommand.SyncWrite, id: a, value: 3n });
  out("sync-reset-read", await c.syncRead(a));
  const done = await c.syncWait([{ id: a, value: 3n }], 1000);
  out("wait-satisfied-readable", await readableWithin(done, 100));
  const later = await c.syncWait([{ id: a, value: 10n }], 5000);
  out("wait-pending-readable", await readableWithin(later, 50));
  c.request({ command: VtestCommand.SyncWrite, id: a, value: 10n });
  out("wait-written-readable", await readableWithin(later, 2000));
  c.submitCmd2([{ flags: 0, commands: new Uint8Array(0), syncs: syncPoints([{ id: a, value: 11n }]), ringIdx: 0 }]);
  out("submit-no-ring-read", await c.syncRead(a));
  const ringWait = await c.syncWait([{ id: a, value: 12n }], 5000);
  c.submitCmd2([
    {
      flags: VtestSubmitFlag.RingIdx,
      commands: new Uint8Array(0),
      syncs: syncPoints([{ id: a, value: 12n }]),
      ringIdx: 0,
    },
  ]);
  out("submit-ring-wait-readable", await readableWithin(ringWait, 3000));
  out("submit-ring-read", await c.syncRead(a));
  c.request({
    command: VtestCommand.ResourceCreate2,
    handle: 0,
    create: {
      target: 2,
      format: 67,
      bind: 2,
      width: 4,
      height: 4,
      depth: 1,
      arraySize: 1,
      lastLevel: 0,
      nrSamples: 0,
      flags: 0,
    },
    dataSize: 64,
  });
  const created = await c.reply();
  const fd = await c.readFd();
  out("create2-reply", { id: created.id, words: created.words.length, nonzero: created.words[0] !== 0 });
  out("create2-fd-size", fileSize(fd));
  c.request({ command: VtestCommand.ResourceUnref, handle: created.words[0]! });
  c.request({ command: VtestCommand.SyncUnref, id: a });
  c.send(VtestCommand.PingProtocolVersion, []);
  out("ping-after", (await c.reply()).id);
  for (const f of [done, later, ringWait, fd]) closeFd(f);
  c.close();
}

main(process.argv[2]!).then(
  () => process.exit(0),
  (e) => {
    console.log(JSON.stringify({ step: "error", value: String(e) }));
    process.exit(1);
  },
);
