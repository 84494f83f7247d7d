import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { createPipe } from "../../../src/node/cross-domain/pipe.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { libc } from "../../../src/node/os/libc.ts";
import type { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { waylandInterfaces } from "../../../src/wayland/protocol-table.ts";
import { encodeMessage, type WaylandValue } from "../../../src/wayland/wire.ts";
import { scriptedCompositor } from "./scripted-compositor.ts";

const ifaces = waylandInterfaces();
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
function msg(id: number, iface: string, dir: "requests" | "events", name: string, values: WaylandValue[]): Uint8Array {
  const list = ifaces.get(iface)![dir];
  const opcode = list.findIndex((m) => m.name === name);
  return encodeMessage(id, opcode, list[opcode]!, values);
}

async function until<T>(get: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Reads a pipe to its end (non-blocking reads polled). */
async function readAll(fd: number): Promise<string> {
  const buf = new Uint8Array(256);
  let out = "";
  for (const end = Date.now() + 5000; Date.now() < end; ) {
    const n = libc().read(fd, buf, buf.length) as number;
    if (n === 0) return out;
    if (n > 0) out += str(buf.subarray(0, n));
    else await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`pipe never ended (got "${out}")`);
}

test("clipboard pipes cross the proxy both ways: the client as receiver and as source", async (t) => {
  const { proxy, accepted, logs, connect } = scriptedCompositor(t);
  const fdsBefore = readdirSync("/proc/self/fd").length;
  const client = connect();
  const server = await until(() => accepted[0], "the proxied connection");
  const buf = new Uint8Array(4096);
  const recv = (s: UnixSocket) => until(() => s.recv(buf, 8), "a message");

  // Objects the proxy's object map learns: registry 2, data device manager 3, seat 4, data device 5, source 6.
  const intro = new Uint8Array([
    ...msg(1, "wl_display", "requests", "get_registry", [2]),
    ...msg(2, "wl_registry", "requests", "bind", [1, "wl_data_device_manager", 3, 3]),
    ...msg(2, "wl_registry", "requests", "bind", [2, "wl_seat", 7, 4]),
    ...msg(3, "wl_data_device_manager", "requests", "get_data_device", [5, 4]),
    ...msg(3, "wl_data_device_manager", "requests", "create_data_source", [6]),
  ]);
  client.send(intro);
  let got = await recv(server);
  assert.equal(got.bytes, intro.length, logs.join("\n"));

  // The client as receiver: an offer from the compositor, the client asks for its text with a pipe.
  server.send(msg(5, "wl_data_device", "events", "data_offer", [0xff000000]));
  await recv(client);
  const [clientRead, clientWrite] = createPipe();
  client.send(msg(0xff000000, "wl_data_offer", "requests", "receive", ["text/plain", "fd"]), [clientWrite]);
  closeFd(clientWrite);
  got = await recv(server);
  assert.equal(got.fds.length, 1, logs.join("\n"));
  libc().write(got.fds[0]!, text("hello clipboard"), 15);
  closeFd(got.fds[0]!);
  assert.equal(await readAll(clientRead), "hello clipboard");
  closeFd(clientRead);

  // The client as source: the compositor asks it to write into a pipe.
  const [serverRead, serverWrite] = createPipe();
  server.send(msg(6, "wl_data_source", "events", "send", ["text/plain", "fd"]), [serverWrite]);
  closeFd(serverWrite);
  got = await recv(client);
  assert.equal(got.fds.length, 1, logs.join("\n"));
  libc().write(got.fds[0]!, text("from the client"), 15);
  closeFd(got.fds[0]!);
  assert.equal(await readAll(serverRead), "from the client");
  closeFd(serverRead);

  // The client leaves: nothing of its session stays open in the proxy.
  client.close();
  await until(() => (proxy.clients === 0 ? true : undefined), "the session to end");
  assert.equal(readdirSync("/proc/self/fd").length, fdsBefore + 1, "only the compositor's accepted socket is left");
  assert.deepEqual(logs, []);
});
