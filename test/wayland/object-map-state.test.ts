import assert from "node:assert/strict";
import { test } from "node:test";
import { WaylandObjectMap } from "../../src/wayland/object-map.ts";
import { waylandInterfaces } from "../../src/wayland/protocol-table.ts";
import { encodeMessage, readHeader } from "../../src/wayland/wire.ts";

const ifaces = waylandInterfaces();
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

test("object map entries hold their user's state; it is forgotten when the id is freed or made again", () => {
  const forgotten: string[] = [];
  const map = new WaylandObjectMap<string>(undefined, (state) => forgotten.push(state));
  const send = (dir: "request" | "event", id: number, iface: string, name: string, values: (number | string)[]) => {
    const list = dir === "request" ? ifaces.get(iface)!.requests : ifaces.get(iface)!.events;
    const opcode = list.findIndex((x) => x.name === name);
    const bytes = encodeMessage(id, opcode, list[opcode]!, values);
    const h = readHeader(view(bytes), 0, bytes.length)!;
    map.track(dir, id, h.opcode, view(bytes), 0, h.size);
  };
  assert.equal(map.entry(1)?.interface?.name, "wl_display");
  assert.equal(map.entry(1)?.state, undefined);
  assert.equal(map.entry(2), undefined);
  send("request", 1, "wl_display", "get_registry", [2]);
  send("request", 2, "wl_registry", "bind", [1, "wl_compositor", 4, 3]);
  map.entry(3)!.state = "compositor";
  send("request", 3, "wl_compositor", "create_surface", [4]);
  send("request", 3, "wl_compositor", "create_surface", [5]);
  map.entry(4)!.state = "surface 4";
  assert.equal(map.entry(4)?.interface?.name, "wl_surface");
  // A new_id of a live id with state (a client's protocol error): the old state goes, the new entry starts empty.
  send("request", 3, "wl_compositor", "create_region", [4]);
  assert.deepEqual(forgotten, ["surface 4"]);
  assert.equal(map.entry(4)?.interface?.name, "wl_region");
  assert.equal(map.entry(4)?.state, undefined);
  // delete_id frees the id and forgets its state; an entry without state is removed without a call.
  map.entry(4)!.state = "region 4";
  send("event", 1, "wl_display", "delete_id", [4]);
  send("event", 1, "wl_display", "delete_id", [5]);
  assert.deepEqual(forgotten, ["surface 4", "region 4"]);
  assert.equal(map.entry(4), undefined);
  assert.equal(map.entry(5), undefined);
  assert.equal(map.entry(3)?.state, "compositor", "other entries keep theirs");
});
