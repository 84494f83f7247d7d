import assert from "node:assert/strict";
import { test } from "node:test";
import { WaylandMessageTable, waylandOpcode } from "../../src/wayland/message-table.ts";
import { waylandInterfaces } from "../../src/wayland/protocol-table.ts";

const ifaces = waylandInterfaces();

test("message table: names resolve to the generated (interface, opcode) pairs, both directions", () => {
  assert.equal(waylandOpcode("wl_shm_pool", "request", "create_buffer"), 0);
  assert.equal(waylandOpcode("wl_shm_pool", "request", "resize"), 2);
  assert.equal(waylandOpcode("wl_display", "event", "delete_id"), 1);
  assert.equal(waylandOpcode("wl_surface", "request", "commit"), 6);
  const table = new WaylandMessageTable<string>("request", {
    wl_surface: { commit: "c", damage_buffer: "db" },
    wl_shm_pool: { resize: "r" },
  });
  const surface = ifaces.get("wl_surface")!;
  const seen = [...table.entries()].map(([iface, opcode, v]) => `${iface.name}.${iface.requests[opcode]!.name}=${v}`);
  assert.deepEqual(seen.sort(), ["wl_shm_pool.resize=r", "wl_surface.commit=c", "wl_surface.damage_buffer=db"]);
  assert.equal(table.get(surface, 6), "c");
  assert.equal(table.get(surface, 9), "db");
  for (let opcode = 0; opcode < surface.requests.length + 2; opcode++) {
    if (opcode !== 6 && opcode !== 9) assert.equal(table.get(surface, opcode), undefined, `opcode ${opcode}`);
  }
  assert.equal(table.get(ifaces.get("wl_buffer")!, 0), undefined, "an interface the table leaves out");
  const events = new WaylandMessageTable<number>("event", { wl_display: { delete_id: 7 } });
  assert.equal(events.get(ifaces.get("wl_display")!, 1), 7);
  assert.equal(events.get(ifaces.get("wl_display")!, 0), undefined);
});

test("message table: a name the generated tables lack is refused when the table is built", () => {
  assert.throws(() => new WaylandMessageTable("request", { wl_surfaces: { commit: 1 } }), /no interface wl_surfaces/);
  assert.throws(() => new WaylandMessageTable("request", { wl_surface: { comit: 1 } }), /no request wl_surface\.comit/);
  assert.throws(() => new WaylandMessageTable("event", { wl_surface: { commit: 1 } }), /no event wl_surface\.commit/);
  assert.throws(() => waylandOpcode("wl_shm", "request", "release_pool"), /no request wl_shm\.release_pool/);
});
