import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import fc from "fast-check";
import { WaylandObjectMap } from "../../src/wayland/object-map.ts";
import { waylandInterfaces } from "../../src/wayland/protocol-table.ts";
import {
  decodeArguments,
  encodeMessage,
  readHeader,
  WAYLAND_MAX_MESSAGE_SIZE,
  type WaylandValue,
  WaylandWireError,
} from "../../src/wayland/wire.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const ifaces = waylandInterfaces();
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const request = (iface: string, name: string) => ifaces.get(iface)!.requests.find((m) => m.name === name)!;
const event = (iface: string, name: string) => ifaces.get(iface)!.events.find((m) => m.name === name)!;

test("the generated table is what the installed protocol XML gives", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/gen-wayland-protocols.ts", "--check"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
});

test("messages that carry descriptors, from wayland.xml and wayland-protocols", () => {
  assert.equal(request("wl_shm", "create_pool").fdCount, 1);
  assert.deepEqual(
    request("wl_shm", "create_pool").args.map((a) => a.kind),
    ["new_id", "fd", "int"],
  );
  assert.equal(event("wl_keyboard", "keymap").fdCount, 1);
  assert.equal(request("wl_data_offer", "receive").fdCount, 1);
  assert.equal(event("wl_data_source", "send").fdCount, 1);
  assert.equal(request("zwp_linux_buffer_params_v1", "add").fdCount, 1);
  assert.equal(request("wl_surface", "commit").fdCount, 0);
  assert.deepEqual(
    request("wl_registry", "bind").args.map((a) => a.kind),
    ["uint", "string", "uint", "new_id"],
  );
  assert.ok(request("wl_buffer", "destroy").destructor);
  assert.equal(ifaces.get("xdg_wm_base")?.version, 5);
  const withFds = [...ifaces.values()].flatMap((i) =>
    [...i.requests, ...i.events].filter((m) => m.fdCount > 0).map((m) => `${i.name}.${m.name}`),
  );
  assert.ok(withFds.length >= 10, withFds.join(" "));
});

test("header: libwayland's first request, wl_display.get_registry(2), and impossible sizes", () => {
  const bytes = new Uint8Array([1, 0, 0, 0, 1, 0, 12, 0, 2, 0, 0, 0]);
  assert.deepEqual(readHeader(view(bytes), 0, 12), { objectId: 1, opcode: 1, size: 12 });
  assert.equal(readHeader(view(bytes), 0, 7), undefined);
  const bad = (size: number, object = 1) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, object, true);
    new DataView(b.buffer).setUint32(4, size << 16, true);
    return () => readHeader(view(b), 0, 8);
  };
  assert.throws(bad(4), WaylandWireError);
  assert.throws(bad(10), WaylandWireError);
  assert.throws(bad(WAYLAND_MAX_MESSAGE_SIZE + 4), WaylandWireError);
  assert.throws(bad(8, 0), WaylandWireError);
  assert.deepEqual(readHeader(view(new Uint8Array([5, 0, 0, 0, 3, 0, 8, 0])), 0, 8), {
    objectId: 5,
    opcode: 3,
    size: 8,
  });
});

test("arguments: strings with NUL and padding, null strings, arrays, and every malformed case", () => {
  const global = event("wl_registry", "global");
  const bytes = encodeMessage(2, 0, global, [1, "wl_compositor", 4]);
  assert.equal(bytes.length, 8 + 4 + 4 + 16 + 4);
  assert.deepEqual(decodeArguments(global, view(bytes), 0, bytes.length), [1, "wl_compositor", 4]);
  const err = event("wl_display", "error");
  const noNul = encodeMessage(1, 0, err, [1, 2, "abc"]);
  noNul[8 + 8 + 4 + 3] = 0x41;
  assert.throws(() => decodeArguments(err, view(noNul), 0, noNul.length), WaylandWireError);
  const nullString = encodeMessage(1, 0, err, [1, 2, null]);
  assert.throws(() => decodeArguments(err, view(nullString), 0, nullString.length), WaylandWireError);
  const title = request("xdg_toplevel", "set_title");
  const truncated = encodeMessage(3, 2, title, ["window"]);
  assert.throws(() => decodeArguments(title, view(truncated), 0, truncated.length - 4), WaylandWireError);
  const keys = event("wl_keyboard", "enter");
  const arr = encodeMessage(7, 1, keys, [1, 3, new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0])]);
  assert.deepEqual([...(decodeArguments(keys, view(arr), 0, arr.length)[2] as Uint8Array)], [1, 0, 0, 0, 2, 0, 0, 0]);
  const pool = request("wl_shm", "create_pool");
  const zeroId = encodeMessage(4, 0, pool, [0, "fd", 4096]);
  assert.throws(() => decodeArguments(pool, view(zeroId), 0, zeroId.length), WaylandWireError);
});

test("object map: objects from new_id and bind, removed by delete_id; unknown interfaces stay unknown", () => {
  const map = new WaylandObjectMap();
  const obs = (dir: "request" | "event", bytes: Uint8Array) => {
    const h = readHeader(view(bytes), 0, bytes.length)!;
    return map.observe(dir, h.objectId, h.opcode, view(bytes), 0, h.size);
  };
  obs("request", new Uint8Array([1, 0, 0, 0, 1, 0, 12, 0, 2, 0, 0, 0]));
  assert.equal(map.interfaceOf(2), "wl_registry");
  obs("request", encodeMessage(2, 0, request("wl_registry", "bind"), [10, "wl_shm", 1, 5]));
  assert.equal(map.interfaceOf(5), "wl_shm");
  const m = obs("request", encodeMessage(5, 0, request("wl_shm", "create_pool"), [6, "fd", 4096]));
  assert.equal(m.message?.fdCount, 1);
  assert.equal(map.interfaceOf(6), "wl_shm_pool");
  obs("request", encodeMessage(2, 0, request("wl_registry", "bind"), [15, "weston_screenshooter", 1, 7]));
  assert.equal(map.interfaceOf(7), "?");
  assert.equal(obs("request", new Uint8Array([7, 0, 0, 0, 0, 0, 8, 0])).message, undefined);
  obs("event", encodeMessage(1, 1, event("wl_display", "delete_id"), [6]));
  assert.equal(map.interfaceOf(6), undefined);
});

test("round trip: every message of every interface encodes and decodes to the same values", () => {
  const messages = [...ifaces.values()].flatMap((i) => [...i.requests, ...i.events]);
  fc.assert(
    fc.property(
      fc.constantFrom(...messages),
      fc.array(fc.nat({ max: 0x7fffffff }), { minLength: 16, maxLength: 16 }),
      fc.string({ maxLength: 20 }),
      (message, nums, text) => {
        const values: WaylandValue[] = message.args.map((a, i) =>
          a.kind === "fd"
            ? "fd"
            : a.kind === "string"
              ? text.replace(/\0/g, "")
              : a.kind === "array"
                ? new Uint8Array(nums.slice(0, i % 5))
                : (nums[i]! % 1000) + 1,
        );
        const bytes = encodeMessage(3, 0, message, values);
        const back = decodeArguments(message, view(bytes), 0, bytes.length);
        assert.deepEqual(
          back.map((v) => (v instanceof Uint8Array ? [...v] : v)),
          values.map((v) => (v instanceof Uint8Array ? [...v] : v)),
        );
      },
    ),
    { numRuns: RUNS },
  );
});

test("fuzz: arbitrary client bytes through framing and the object map raise only WaylandWireError", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.constantFrom(new Uint8Array([1, 0, 0, 0, 1, 0, 12, 0, 2, 0, 0, 0])),
        ),
        { maxLength: 8 },
      ),
      (chunks) => {
        const map = new WaylandObjectMap();
        const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) {
          bytes.set(c, at);
          at += c.length;
        }
        const v = view(bytes);
        try {
          for (let off = 0; ; ) {
            const h = readHeader(v, off, bytes.length);
            if (h === undefined || off + h.size > bytes.length) break;
            map.observe(off % 8 === 0 ? "request" : "event", h.objectId, h.opcode, v, off, h.size);
            off += h.size;
          }
        } catch (e) {
          if (!(e instanceof WaylandWireError)) throw e;
        }
      },
    ),
    { numRuns: RUNS * 10 },
  );
});
