import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { EventFd } from "../../../src/node/os/eventfd.ts";
import { closeFd } from "../../../src/node/os/fd.ts";
import { libc } from "../../../src/node/os/libc.ts";
import type { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { MAX_EVENTS_PER_CLIENT } from "../../../src/node/wayland-proxy/compositor-events.ts";
import { waylandInterfaces } from "../../../src/wayland/protocol-table.ts";
import { encodeMessage, type WaylandValue } from "../../../src/wayland/wire.ts";
import { scriptedCompositor } from "./scripted-compositor.ts";

const ifaces = waylandInterfaces();
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

/** The counter of a non-blocking eventfd once it is non-zero (read and reset). */
function counter(fd: number): bigint | undefined {
  const value = new BigUint64Array(1);
  return (libc().read(fd, value, 8) as number) === 8 ? value[0] : undefined;
}

test("an eventfd the compositor sends reaches the client, and each signal of the compositor's crosses to it", async (t) => {
  const { proxy, accepted, logs, connect } = scriptedCompositor(t);
  const fdsBefore = readdirSync("/proc/self/fd").length;
  const client = connect();
  const server = await until(() => accepted[0], "the proxied connection");
  const buf = new Uint8Array(4096);
  const recv = (s: UnixSocket) => until(() => s.recv(buf, 8), "a message");
  const intro = msg(1, "wl_display", "requests", "get_registry", [2]);
  client.send(intro);
  assert.equal((await recv(server)).bytes, intro.length);

  const compositorEvent = EventFd.create();
  server.send(msg(2, "wl_registry", "events", "global", [1, "wl_seat", 7]), [compositorEvent.fd]);
  const got = await recv(client);
  assert.equal(got.fds.length, 1, logs.join("\n"));
  const clientEvent = got.fds[0]!;
  assert.equal(counter(clientEvent), undefined, "nothing signalled yet");
  compositorEvent.signal(5n);
  assert.equal(await until(() => counter(clientEvent), "the first signal"), 5n);
  compositorEvent.signal(2n);
  compositorEvent.signal(3n);
  let sum = 0n;
  await until(() => {
    sum += counter(clientEvent) ?? 0n;
    return sum === 5n ? true : undefined;
  }, "the next signals");
  assert.equal(compositorEvent.drain(), 0n, "the host took the compositor's signals");

  closeFd(clientEvent);
  client.close();
  await until(() => (proxy.clients === 0 ? true : undefined), "the session to end");
  compositorEvent.close();
  assert.equal(readdirSync("/proc/self/fd").length, fdsBefore + 1, "only the compositor's accepted socket is left");
  assert.deepEqual(logs, []);
});

test("a compositor that sends more eventfds than a client may hold ends that session with the reason", async (t) => {
  const { proxy, accepted, logs, connect } = scriptedCompositor(t);
  const client = connect();
  const server = await until(() => accepted[0], "the proxied connection");
  const buf = new Uint8Array(65536);
  client.send(msg(1, "wl_display", "requests", "get_registry", [2]));
  await until(() => server.recv(buf, 8), "the request");
  const events: EventFd[] = [];
  t.after(() => {
    for (const e of events) e.close();
  });
  for (let i = 0; i <= MAX_EVENTS_PER_CLIENT; i++) {
    const e = EventFd.create();
    events.push(e);
    server.send(msg(2, "wl_registry", "events", "global_remove", [i]), [e.fd]);
  }
  // The client reads to the hang-up: every eventfd within the limit, then the session's end.
  const received: number[] = [];
  await until(() => {
    const r = client.recv(buf, 8);
    if (r !== undefined) received.push(...r.fds);
    return r !== undefined && r.bytes === 0 ? true : undefined;
  }, "the hang-up");
  for (const fd of received) closeFd(fd);
  assert.equal(proxy.clients, 0);
  assert.equal(received.length, MAX_EVENTS_PER_CLIENT, logs.join("\n"));
  assert.match(logs.join("\n"), new RegExp(`more than ${MAX_EVENTS_PER_CLIENT} eventfds from the compositor`));
});
