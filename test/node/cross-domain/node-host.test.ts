import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fourcc } from "../../../src/components/cross-domain/image-layout.ts";
import { MockCrossDomainGuest } from "../../../src/components/cross-domain/mock-guest.ts";
import { CrossDomainIdType } from "../../../src/components/cross-domain/protocol.ts";
import { nodeCrossDomainFactory } from "../../../src/node/cross-domain/index.ts";
import { NodeCrossDomainHost } from "../../../src/node/cross-domain/node-host.ts";
import { createPipe } from "../../../src/node/cross-domain/pipe.ts";
import {
  closeFd,
  createMemfd,
  EventFd,
  MemoryMapping,
  OsError,
  UnixListener,
  type UnixSocket,
} from "../../../src/node/os/index.ts";
import { libc } from "../../../src/node/os/libc.ts";
import { RutabagaBuilder } from "../../../src/rutabaga/builder.ts";
import { RutabagaChannelType, RutabagaComponentType } from "../../../src/rutabaga/constants.ts";

const openFds = () => readdirSync("/proc/self/fd").length;
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test("on Linux: blobs, memfds, eventfds and pipes cross a real Unix socket, and every descriptor is closed afterwards", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cross-domain-"));
  const path = join(dir, "wayland-test");
  const listener = UnixListener.listen(path);
  const server: UnixSocket[] = [];
  listener.onConnection((s) => server.push(s));
  t.after(() => {
    for (const s of server) s.close();
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const before = openFds();
  let guest: MockCrossDomainGuest | undefined;
  const rutabaga = new RutabagaBuilder(1n << 5n, (f) => guest?.fenceCompleted(f))
    .setRutabagaPaths([{ path, pathType: RutabagaChannelType.Wayland }])
    .setComponentFactory(RutabagaComponentType.CrossDomain, nodeCrossDomainFactory())
    .build();
  t.after(() => rutabaga.destroy());
  guest = new MockCrossDomainGuest(rutabaga);
  guest.start(RutabagaChannelType.Wayland);
  await until(() => server.length === 1, "the connection");
  const peer = server[0]!;
  const buf = new Uint8Array(4096);

  // Guest → host: a host blob from image requirements, written through the guest's mapping.
  const reqs = guest.imageRequirements(64, 64, fourcc("XR24"));
  guest.createHostBlob(10, reqs.blobId, reqs.size);
  rutabaga.map(10).fill(0x7e, 0, 64 * 4);
  guest.send(text("create_pool"), [{ id: 10, type: CrossDomainIdType.VirtgpuBlob, size: 0 }]);
  let got: ReturnType<UnixSocket["recv"]>;
  const recvInto = () => {
    got = peer.recv(buf, 8);
    return got !== undefined;
  };
  await until(recvInto, "the SEND");
  assert.equal(str(buf.subarray(0, got!.bytes)), "create_pool");
  assert.equal(got!.fds.length, 1);
  const seen = MemoryMapping.map(got!.fds[0]!, 4096);
  assert.ok(seen.bytes.subarray(0, 256).every((b) => b === 0x7e));
  seen.unmap();
  closeFd(got!.fds[0]!);

  // Host → guest: a read-only sealed-like memfd (opened O_RDONLY), an eventfd and a pipe's write end.
  const memfd = createMemfd("keymap", 4096);
  libc().write(memfd, text("xkb_keymap"), 10);
  const event = EventFd.create();
  const [pr, pw] = createPipe();
  const f1 = guest.poll();
  peer.send(text("keymap"), [memfd, event.fd, pw]);
  await until(() => guest.isComplete(1, f1), "the RECEIVE fence");
  const msg = guest.readChannel();
  assert.ok("identifiers" in msg);
  assert.deepEqual(
    msg.identifiers.map((i) => [i.type, i.size]),
    [
      [CrossDomainIdType.VirtgpuBlob, 4096],
      [CrossDomainIdType.Event, 0],
      [CrossDomainIdType.WritePipe, 0],
    ],
  );
  guest.createHostBlob(11, msg.identifiers[0]!.id, 4096n);
  assert.equal(str(rutabaga.map(11).subarray(0, 10)), "xkb_keymap");
  guest.write(msg.identifiers[2]!.id, text("paste me"), true);
  const pbuf = new Uint8Array(64);
  await until(() => (libc().read(pr, pbuf, 64) as number) === 8, "the pipe write");
  assert.equal(str(pbuf.subarray(0, 8)), "paste me");
  guest.write(msg.identifiers[1]!.id, new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(event.drain(), 3n);

  // A read pipe: the host writes, then hangs up.
  guest.send(text("receive"), [{ id: 0x80000001, type: CrossDomainIdType.ReadPipe, size: 0 }]);
  await until(recvInto, "the pipe SEND");
  const writeEnd = got!.fds[0]!;
  libc().write(writeEnd, text("from the compositor"), 19);
  const f2 = guest.poll();
  await until(() => guest.isComplete(1, f2), "the READ fence");
  assert.deepEqual(guest.readChannel(), {
    cmd: 6,
    identifier: 0x80000001,
    hangUp: false,
    data: text("from the compositor"),
  });
  closeFd(writeEnd);
  const f3 = guest.poll();
  await until(() => guest.isComplete(1, f3), "the hang-up fence");
  assert.deepEqual(guest.readChannel(), { cmd: 6, identifier: 0x80000001, hangUp: true, data: new Uint8Array(0) });

  // Teardown: everything the guest held goes, the compositor sees end of stream.
  const f4 = guest.poll();
  rutabaga.destroy();
  assert.ok(guest.isComplete(1, f4));
  await until(() => peer.recv(buf, 0)?.bytes === 0, "end of stream at the compositor");
  for (const fd of [memfd, pr, pw]) closeFd(fd);
  event.close();
  peer.close();
  assert.equal(openFds(), before);
});

test("on Linux: memory given read-only maps copy-on-write, and a mapping larger than its file is refused", () => {
  const host = new NodeCrossDomainHost();
  const memfd = createMemfd("ro", 8192);
  libc().write(memfd, text("original"), 8);
  const ro = openSync(`/proc/self/fd/${memfd}`, "r");
  assert.deepEqual(host.describe({ os: memfd, handleType: 0 }), { kind: "memory", size: 8192, access: 0x30 });
  assert.deepEqual(host.describe({ os: ro, handleType: 0 }), { kind: "memory", size: 8192, access: 0x10 });
  assert.throws(() => host.map({ os: ro, handleType: 0 }, 8193), OsError);
  const m = host.map({ os: ro, handleType: 0 }, 8192);
  assert.equal(str(m.bytes.subarray(0, 8)), "original");
  m.bytes.set(text("changed!"));
  m.unmap();
  const check = MemoryMapping.map(memfd, 4096);
  assert.equal(str(check.bytes.subarray(0, 8)), "original");
  check.unmap();
  closeSync(ro);
  closeFd(memfd);
});
