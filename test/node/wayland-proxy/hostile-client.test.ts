import assert from "node:assert/strict";
import { test } from "node:test";
import { closeFd } from "../../../src/node/os/fd.ts";
import { createMemfd } from "../../../src/node/os/memfd.ts";
import type { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { waylandInterfaces } from "../../../src/wayland/protocol-table.ts";
import { encodeMessage, type WaylandValue } from "../../../src/wayland/wire.ts";
import { scriptedCompositor } from "./scripted-compositor.ts";

const ifaces = waylandInterfaces();
function msg(id: number, iface: string, name: string, values: WaylandValue[]): Uint8Array {
  const list = ifaces.get(iface)!.requests;
  const opcode = list.findIndex((m) => m.name === name);
  return encodeMessage(id, opcode, list[opcode]!, values);
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 5000; !cond(); await wait(2))
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
}

test("hostile clients: a pool larger than its file, stray descriptors and garbage end only their own session", async (t) => {
  const { proxy, accepted, logs, connect } = scriptedCompositor(t);
  const bind = new Uint8Array([
    ...msg(1, "wl_display", "get_registry", [2]),
    ...msg(2, "wl_registry", "bind", [1, "wl_shm", 1, 3]),
  ]);
  const attempt = async (send: (c: UnixSocket) => void, why: RegExp) => {
    const client = connect();
    await until(() => proxy.clients === 1, "the session");
    send(client);
    await until(() => proxy.clients === 0, "the session to end");
    assert.match(logs.at(-1) ?? "", why);
    client.close();
  };
  // A pool claiming 1 MiB of a 4 KiB file: mapping it would fault the proxy on the first copy.
  const small = createMemfd("small", 4096);
  await attempt(
    (c) => c.send(new Uint8Array([...bind, ...msg(3, "wl_shm", "create_pool", [4, "fd", 1 << 20])]), [small]),
    /4096-byte file/,
  );
  closeFd(small);
  // Descriptors riding on messages that take none, more than any message could use.
  const fds = Array.from({ length: 28 }, () => createMemfd("stray", 16));
  await attempt((c) => {
    for (let i = 0; i < 5; i++) c.send(msg(1, "wl_display", "sync", [10 + i]), fds);
  }, /descriptors that no message takes/);
  for (const fd of fds) closeFd(fd);
  // A header with an impossible size.
  await attempt((c) => c.send(new Uint8Array([1, 0, 0, 0, 0, 0, 6, 0])), /message size 6/);
  // The proxy still serves a well-behaved client.
  const good = connect();
  good.send(bind);
  await until(() => accepted.length === 4, "a fourth compositor connection");
  const buf = new Uint8Array(256);
  let got: ReturnType<UnixSocket["recv"]>;
  await until(() => {
    got = accepted[3]!.recv(buf);
    return got !== undefined;
  }, "the good client's bytes");
  assert.equal(got!.bytes, bind.length);
  good.close();
});

test("a request the proxy cannot carry: the client gets wl_display.error (implementation) on that object, then EOF", async (t) => {
  const { proxy, accepted, connect } = scriptedCompositor(t);
  const client = connect();
  const memfd = createMemfd("not-a-pipe", 16);
  t.after(() => closeFd(memfd));
  // wl_data_offer.receive takes the write end of a pipe; a memfd is nothing the proxy can turn into an identifier.
  client.send(
    new Uint8Array([
      ...msg(1, "wl_display", "get_registry", [2]),
      ...msg(2, "wl_registry", "bind", [1, "wl_data_device_manager", 3, 3]),
      ...msg(3, "wl_data_device_manager", "get_data_device", [4, 5]),
    ]),
  );
  await until(() => accepted.length === 1, "the compositor connection");
  const offer = 0xff000000;
  const events = ifaces.get("wl_data_device")!.events;
  const dataOffer = events.findIndex((m) => m.name === "data_offer");
  accepted[0]!.send(encodeMessage(4, dataOffer, events[dataOffer]!, [offer]));
  const buf = new Uint8Array(4096);
  await until(() => (client.recv(buf)?.bytes ?? 0) > 0, "the data_offer event");
  const receive = ifaces.get("wl_data_offer")!.requests.findIndex((m) => m.name === "receive");
  const request = ifaces.get("wl_data_offer")!.requests[receive]!;
  client.send(encodeMessage(offer, receive, request, ["text/plain", "fd"]), [memfd]);
  await until(() => proxy.clients === 0, "the session to end");
  const received: number[] = [];
  await until(() => {
    const got = client.recv(buf);
    if (got !== undefined) received.push(...buf.subarray(0, got.bytes));
    return got !== undefined && got.bytes === 0;
  }, "EOF");
  const event = new Uint8Array(received);
  const v = new DataView(event.buffer);
  assert.equal(v.getUint32(0, true), 1, "from wl_display");
  assert.equal(v.getUint16(4, true), 0, "error");
  assert.equal(v.getUint32(8, true), offer, "the object whose request failed");
  assert.equal(v.getUint32(12, true), 3, "implementation");
  const text = new TextDecoder().decode(event.subarray(20, 20 + v.getUint32(16, true) - 1));
  assert.equal(
    text,
    "rutabaga-ts wayland-proxy: wl_data_offer.receive carries a descriptor the proxy does not translate",
  );
});
