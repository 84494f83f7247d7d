import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { WaylandObjectMap } from "../../src/wayland/object-map.ts";
import { waylandInterfaces } from "../../src/wayland/protocol-table.ts";
import {
  checkArguments,
  decodeArguments,
  encodeMessage,
  readHeader,
  WaylandWireError,
} from "../../src/wayland/wire.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const ifaces = waylandInterfaces();
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const outcome = (f: () => unknown) => {
  try {
    f();
    return "ok";
  } catch (e) {
    if (!(e instanceof WaylandWireError)) throw e;
    return e.message;
  }
};
const allMessages = [...ifaces.values()].flatMap((i) => [...i.requests, ...i.events]);

test("checkArguments refuses exactly what decodeArguments refuses, with the same message", () => {
  // Small words often (string and array lengths that fit, bytes that are or are not NUL), any word sometimes.
  const word = fc.oneof(fc.nat({ max: 12 }), fc.constant(0x41414141), fc.nat({ max: 0xffffffff }));
  fc.assert(
    fc.property(fc.constantFrom(...allMessages), fc.array(word, { maxLength: 24 }), (message, words) => {
      const bytes = new Uint8Array(8 + 4 * words.length);
      const v = view(bytes);
      for (const [i, w] of words.entries()) v.setUint32(8 + 4 * i, w, true);
      assert.equal(
        outcome(() => checkArguments(message, v, 0, bytes.length)),
        outcome(() => decodeArguments(message, v, 0, bytes.length)),
      );
    }),
    { numRuns: RUNS * 10 },
  );
});

test("WaylandObjectMap.track changes the table as observe does, and throws the same errors", () => {
  const registry = ifaces.get("wl_registry")!;
  const display = ifaces.get("wl_display")!;
  const bind = registry.requests.findIndex((m) => m.name === "bind");
  const getRegistry = display.requests.findIndex((m) => m.name === "get_registry");
  const deleteId = display.events.findIndex((m) => m.name === "delete_id");
  // A known sequence first: objects made by new_id, one removed by delete_id, a forwarded event in between.
  const messages = [
    ["request", 1, getRegistry, encodeMessage(1, getRegistry, display.requests[getRegistry]!, [2])],
    ["request", 2, bind, encodeMessage(2, bind, registry.requests[bind]!, [1, "wl_compositor", 4, 3])],
    ["event", 1, deleteId, encodeMessage(1, deleteId, display.events[deleteId]!, [3])],
  ] as const;
  const a = new WaylandObjectMap();
  const b = new WaylandObjectMap();
  for (const [dir, id, op, bytes] of messages) {
    a.observe(dir, id, op, view(bytes), 0, bytes.length);
    b.track(dir, id, op, view(bytes), 0, bytes.length);
    assert.equal(b.size, a.size);
    for (const o of [1, 2, 3]) assert.equal(b.interfaceOf(o), a.interfaceOf(o));
  }
  assert.equal(b.interfaceOf(2), "wl_registry");
  assert.equal(b.interfaceOf(3), undefined, "deleted");
  // Then arbitrary bytes: the same table and the same error at every step.
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 8, maxLength: 48 }), { maxLength: 10 }), (chunks) => {
      const x = new WaylandObjectMap();
      const y = new WaylandObjectMap();
      for (const [i, c] of chunks.entries()) {
        const bytes = new Uint8Array((c.length + 3) & ~3);
        bytes.set(c);
        const v = view(bytes);
        // Object 1 (wl_display) often, so known messages come up.
        v.setUint32(0, i % 2 === 0 ? 1 : v.getUint32(0, true) % 8, true);
        v.setUint32(4, (bytes.length << 16) | (v.getUint32(4, true) & 3), true);
        let h: ReturnType<typeof readHeader>;
        try {
          h = readHeader(v, 0, bytes.length);
        } catch {
          continue;
        }
        if (h === undefined) continue;
        const dir = i % 3 === 0 ? "event" : "request";
        assert.equal(
          outcome(() => y.track(dir, h.objectId, h.opcode, v, 0, h.size)),
          outcome(() => x.observe(dir, h.objectId, h.opcode, v, 0, h.size)),
        );
        assert.equal(y.size, x.size);
        for (let o = 1; o < 8; o++) assert.equal(y.interfaceOf(o), x.interfaceOf(o));
      }
    }),
    { numRuns: RUNS * 10 },
  );
});
