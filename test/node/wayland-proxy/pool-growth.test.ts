import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { type TestContext, test } from "node:test";
import { closeFd } from "../../../src/node/os/fd.ts";
import { createMemfd, fileSize } from "../../../src/node/os/memfd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { MAX_SHM_BYTES_PER_CLIENT } from "../../../src/node/wayland-proxy/shm-pools.ts";
import { waylandInterfaces } from "../../../src/wayland/protocol-table.ts";
import { encodeMessage, type WaylandValue } from "../../../src/wayland/wire.ts";
import { scriptedCompositor } from "./scripted-compositor.ts";

// A scripted compositor on one side, a raw client on the other: what each end sees when a pool outgrows its blob.
const ifaces = waylandInterfaces();
function msg(id: number, iface: string, dir: "requests" | "events", name: string, values: WaylandValue[]): Uint8Array {
  const list = ifaces.get(iface)![dir];
  const opcode = list.findIndex((m) => m.name === name);
  return encodeMessage(id, opcode, list[opcode]!, values);
}
const req = (id: number, iface: string, name: string, values: WaylandValue[]) =>
  msg(id, iface, "requests", name, values);
const deleteId = (id: number) => msg(1, "wl_display", "events", "delete_id", [id]);
const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SHM = 3;
const POOL = 4;

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  for (const end = Date.now() + 5000; ; await wait(2)) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Reads exactly `n` bytes (and the descriptors riding on them) from `s`. */
async function take(s: UnixSocket, n: number): Promise<{ bytes: Uint8Array; fds: number[] }> {
  const bytes = new Uint8Array(n);
  const fds: number[] = [];
  let got = 0;
  const buf = new Uint8Array(n);
  await until(() => {
    const r = s.recv(buf.subarray(0, n - got), 28);
    if (r !== undefined) {
      bytes.set(buf.subarray(0, r.bytes), got);
      got += r.bytes;
      fds.push(...r.fds);
    }
    return got === n ? true : undefined;
  }, `${n} bytes (have ${got})`);
  return { bytes, fds };
}

/**
 * Nothing more reaches `client` ahead of a marker event `server` sends now: the proxy keeps the compositor's order,
 * so whatever it still meant to pass on would arrive first.
 */
async function quiet(client: UnixSocket, server: UnixSocket): Promise<void> {
  const marker = msg(SHM, "wl_shm", "events", "format", [0x5e11]);
  server.send(marker);
  const got = await take(client, marker.length);
  assert.deepEqual(got.bytes, marker);
  assert.deepEqual(got.fds, []);
}

/** Resolves once the proxy has read all that `s` sent, so that what `s` sends next reaches it in a read of its own. */
const readByProxy = (s: UnixSocket) =>
  until(() => (s.queuedBytes === 0 && !s.unreadByPeer ? true : undefined), "the proxy to read what was sent");

const fillPattern = (m: MemoryMapping, from: number, to: number, seed: number) => {
  for (let i = from; i < to; i++) m.bytes[i] = (i * 7 + seed) & 0xff;
};
const blobBytes = (fd: number) => {
  const m = MemoryMapping.map(fd, fileSize(fd));
  const copy = m.bytes.slice();
  m.unmap();
  return copy;
};

/** A proxy between a scripted compositor and a raw client that has bound wl_shm (3) and wl_compositor (7). */
async function setUp(t: TestContext) {
  const { proxy, accepted, logs, connect } = scriptedCompositor(t);
  const fdsBefore = readdirSync("/proc/self/fd").length;
  const client = connect();
  const received: number[] = [];
  t.after(() => {
    for (const fd of received) closeFd(fd);
  });
  const server = await until(() => accepted[0], "the proxied connection");
  const intro = cat(
    req(1, "wl_display", "get_registry", [2]),
    req(2, "wl_registry", "bind", [1, "wl_shm", 1, SHM]),
    req(2, "wl_registry", "bind", [2, "wl_compositor", 4, 7]),
    req(7, "wl_compositor", "create_surface", [8]),
  );
  client.send(intro);
  assert.deepEqual((await take(server, intro.length)).bytes, intro);
  /** What the compositor gets next: exactly `expected` bytes; its descriptors are returned (closed at the end). */
  const expect = async (expected: Uint8Array, fds: number) => {
    const got = await take(server, expected.length);
    received.push(...got.fds);
    assert.deepEqual(got.bytes, expected, logs.join("\n"));
    assert.equal(got.fds.length, fds, logs.join("\n"));
    return got.fds;
  };
  const resources = () => proxy.driver.device.rutabaga.resourceIds().length;
  const leaves = async () => {
    client.close();
    await until(() => (proxy.clients === 0 ? true : undefined), "the session to end");
    for (const fd of received.splice(0)) closeFd(fd);
    assert.equal(readdirSync("/proc/self/fd").length, fdsBefore + 1, "only the compositor's accepted socket is left");
    assert.deepEqual(proxy.driver.device.rutabaga.resourceIds(), []);
    assert.equal(proxy.driver.device.rutabaga.hostMemory.used, 0);
  };
  return { proxy, client, server, logs, expect, resources, leaves, received };
}

test("a pool resized past its blob moves to a larger blob: old buffers keep theirs, new ones land on the new one", async (t) => {
  const { client, server, logs, expect, resources, leaves } = await setUp(t);
  const file = createMemfd("pool", 1 << 16);
  const pool = MemoryMapping.map(file, 1 << 16);
  t.after(() => pool.unmap());
  fillPattern(pool, 0, 1 << 16, 1);
  let m = req(SHM, "wl_shm", "create_pool", [POOL, "fd", 100]);
  client.send(m, [file]);
  closeFd(file);
  const [blob0] = await expect(m, 1);
  assert.equal(fileSize(blob0!), 4096, "the first blob: the pool's size, page-rounded");
  assert.deepEqual(blobBytes(blob0!).subarray(0, 100), pool.bytes.subarray(0, 100));
  assert.equal(resources(), 3);

  // Within the blob's capacity a resize passes as it is.
  m = req(POOL, "wl_shm_pool", "resize", [4096]);
  client.send(m);
  await expect(m, 0);
  // Buffer 5 (rows 0..16 of 64 bytes) is made before the pool grows.
  m = req(POOL, "wl_shm_pool", "create_buffer", [5, 0, 16, 16, 64, 0]);
  client.send(m);
  await expect(m, 0);

  // Past it: the compositor's pool is made again, same id and wl_shm, on a blob of at least twice the capacity.
  client.send(req(POOL, "wl_shm_pool", "resize", [6000]));
  const [blob1] = await expect(
    cat(req(POOL, "wl_shm_pool", "destroy", []), req(SHM, "wl_shm", "create_pool", [POOL, "fd", 6000])),
    1,
  );
  assert.equal(fileSize(blob1!), 8192);
  assert.deepEqual(blobBytes(blob1!).subarray(0, 6000), pool.bytes.subarray(0, 6000), "the pool's bytes copied");
  assert.equal(resources(), 4, "the old blob stays for buffer 5");

  // Buffer 6 after the growth: same request, same offsets, on the compositor's new pool.
  m = req(POOL, "wl_shm_pool", "create_buffer", [6, 4096, 16, 16, 64, 0]);
  client.send(m);
  await expect(m, 0);
  const show = async (buffer: number) => {
    const frame = cat(
      req(8, "wl_surface", "attach", [buffer, 0, 0]),
      req(8, "wl_surface", "damage", [0, 0, 16, 16]),
      req(8, "wl_surface", "commit", []),
    );
    client.send(frame);
    await expect(frame, 0);
  };
  fillPattern(pool, 4096, 4096 + 1024, 2);
  await show(6);
  assert.deepEqual(blobBytes(blob1!).subarray(4096, 5120), pool.bytes.subarray(4096, 5120), "buffer 6 in the new blob");
  fillPattern(pool, 0, 1024, 3);
  await show(5);
  assert.deepEqual(blobBytes(blob0!).subarray(0, 1024), pool.bytes.subarray(0, 1024), "buffer 5 in its old blob");
  assert.notDeepEqual(blobBytes(blob1!).subarray(0, 1024), pool.bytes.subarray(0, 1024), "not in the new one");

  // The delete_id for the proxy's destroy never reaches the client, even split across reads; other events pass.
  const format = msg(SHM, "wl_shm", "events", "format", [1]);
  const events = cat(format, deleteId(POOL), deleteId(99));
  for (const [from, to] of [
    [0, 6],
    [6, 16],
    [16, events.length],
  ]) {
    server.send(events.subarray(from!, to));
    await readByProxy(server);
  }
  assert.deepEqual((await take(client, format.length + 12)).bytes, cat(format, deleteId(99)));
  await quiet(client, server);

  // Buffer 5 goes: so does the old blob. The client destroys its pool: one destroy, whose delete_id it gets.
  m = req(5, "wl_buffer", "destroy", []);
  client.send(m);
  await expect(m, 0);
  assert.equal(resources(), 3);
  m = req(POOL, "wl_shm_pool", "destroy", []);
  client.send(m);
  await expect(m, 0);
  server.send(deleteId(POOL));
  assert.deepEqual((await take(client, 12)).bytes, deleteId(POOL));
  assert.equal(resources(), 3, "the new blob stays for buffer 6");
  m = req(6, "wl_buffer", "destroy", []);
  client.send(m);
  await expect(m, 0);
  assert.equal(resources(), 2, "only the rings are left");
  assert.deepEqual(logs, []);
  await leaves();
});

test("a pool grown in small steps is moved a logarithmic number of times, and every owed delete_id is swallowed", async (t) => {
  const { client, server, logs, expect, resources, leaves, received } = await setUp(t);
  const file = createMemfd("pool", 1 << 20);
  client.send(req(SHM, "wl_shm", "create_pool", [POOL, "fd", 4096]), [file]);
  closeFd(file);
  await expect(req(SHM, "wl_shm", "create_pool", [POOL, "fd", 4096]), 1);
  let moves = 0;
  for (let size = 8192; size <= 256 * 4096; size += 4096) {
    client.send(req(POOL, "wl_shm_pool", "resize", [size]));
    // Either the resize itself or a move (destroy, then create_pool with the new blob): the first header tells.
    const head = await take(server, 8);
    const move = cat(req(POOL, "wl_shm_pool", "destroy", []), req(SHM, "wl_shm", "create_pool", [POOL, "fd", size]));
    const rest = await take(server, head.bytes[6] === 12 ? 4 : move.length - 8);
    received.push(...head.fds, ...rest.fds);
    if (head.bytes[6] === 12) assert.deepEqual(cat(head.bytes, rest.bytes), req(POOL, "wl_shm_pool", "resize", [size]));
    else {
      assert.deepEqual(cat(head.bytes, rest.bytes), move);
      assert.equal(head.fds.length, 1);
      assert.ok(fileSize(head.fds[0]!) >= 2 * 4096 * 2 ** moves, "capacity at least doubles");
      moves++;
    }
    assert.equal(resources(), 3, "an unused old blob goes at once");
  }
  assert.equal(moves, 8, "4 KiB to 1 MiB in 4 KiB steps: 8 doublings");
  // The compositor answers each move's destroy with a delete_id: none reaches the client; the next one does.
  server.send(cat(...Array.from({ length: moves + 1 }, () => deleteId(POOL))));
  assert.deepEqual((await take(client, 12)).bytes, deleteId(POOL));
  await quiet(client, server);
  assert.deepEqual(logs, []);
  await leaves();
});

test("a client that destroys and makes its pool again before the delete_id arrives gets one delete_id per destroy; descriptors wait for bytes to ride on", async (t) => {
  const { client, server, expect, leaves } = await setUp(t);
  const file = createMemfd("pool", 1 << 16);
  const create = req(SHM, "wl_shm", "create_pool", [POOL, "fd", 4096]);
  client.send(cat(create, req(POOL, "wl_shm_pool", "destroy", []), create), [file, file]);
  closeFd(file);
  await expect(cat(create, req(POOL, "wl_shm_pool", "destroy", []), create), 2);
  client.send(req(POOL, "wl_shm_pool", "resize", [12288]));
  await expect(cat(req(POOL, "wl_shm_pool", "destroy", []), req(SHM, "wl_shm", "create_pool", [POOL, "fd", 12288])), 1);
  // The swallowed delete_id and half a message with a descriptor (a keymap) arrive together: the descriptor waits
  // for the bytes that carry it.
  const keymap = createMemfd("keymap", 4096);
  const map = MemoryMapping.map(keymap, 4096);
  fillPattern(map, 0, 4096, 5);
  const keymapEvent = msg(0xff000001, "wl_keyboard", "events", "keymap", [1, "fd", 4096]);
  server.send(cat(deleteId(POOL), keymapEvent.subarray(0, 8)), [keymap]);
  closeFd(keymap);
  await readByProxy(server);
  server.send(cat(keymapEvent.subarray(8), deleteId(POOL)));
  const got = await take(client, 16 + 12);
  assert.deepEqual(got.bytes, cat(keymapEvent, deleteId(POOL)));
  assert.equal(got.fds.length, 1);
  assert.deepEqual(blobBytes(got.fds[0]!), map.bytes);
  closeFd(got.fds[0]!);
  map.unmap();
  await quiet(client, server);
  await leaves();
});

test("hostile resizes: a shrink passes to the compositor, past the file or past the limit the session ends", async (t) => {
  const { proxy, client, server, logs, expect } = await setUp(t);
  const file = createMemfd("pool", 8192);
  client.send(req(SHM, "wl_shm", "create_pool", [POOL, "fd", 8192]), [file]);
  closeFd(file);
  await expect(req(SHM, "wl_shm", "create_pool", [POOL, "fd", 8192]), 1);
  // Shrinking is the compositor's protocol error to raise: the proxy forwards it and goes on.
  for (const size of [4096, -1, 0]) {
    const m = req(POOL, "wl_shm_pool", "resize", [size]);
    client.send(m);
    await expect(m, 0);
  }
  assert.equal(proxy.clients, 1);
  // Past the client's file: mapping it would fault the proxy on a copy.
  client.send(req(POOL, "wl_shm_pool", "resize", [16384]));
  await until(() => (proxy.clients === 0 ? true : undefined), "the session to end");
  assert.match(logs.at(-1) ?? "", /16384 bytes on a 8192-byte file/);

  // A (sparse) file large enough, a resize past the per-client limit.
  const c2 = UnixSocket.connect(proxy.socketPath);
  t.after(() => c2.close());
  c2.send(cat(req(1, "wl_display", "get_registry", [2]), req(2, "wl_registry", "bind", [1, "wl_shm", 1, SHM])));
  const big = createMemfd("big", MAX_SHM_BYTES_PER_CLIENT + 4096);
  c2.send(req(SHM, "wl_shm", "create_pool", [POOL, "fd", 4096]), [big]);
  closeFd(big);
  await until(() => (proxy.stats.fdsToCompositor === 2 ? true : undefined), "the second client's pool");
  c2.send(req(POOL, "wl_shm_pool", "resize", [MAX_SHM_BYTES_PER_CLIENT + 4096]));
  await until(() => (proxy.clients === 0 ? true : undefined), "the second session to end");
  assert.match(logs.at(-1) ?? "", new RegExp(`shm pools of more than ${MAX_SHM_BYTES_PER_CLIENT} bytes`));
  assert.equal(proxy.driver.device.rutabaga.hostMemory.used, 0);
  assert.deepEqual(proxy.driver.device.rutabaga.resourceIds(), []);
  void server;
});
