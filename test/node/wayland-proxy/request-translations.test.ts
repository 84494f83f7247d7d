import assert from "node:assert/strict";
import { test } from "node:test";
import { REQUEST_TRANSLATIONS } from "../../../src/node/wayland-proxy/request-translations.ts";

test("the proxy's request translations are the shm requests it must follow, and no others", () => {
  const names = [...REQUEST_TRANSLATIONS.entries()].map(
    ([iface, opcode]) => `${iface.name}.${iface.requests[opcode]!.name}`,
  );
  assert.deepEqual(names.sort(), [
    "wl_buffer.destroy",
    "wl_shm.create_pool",
    "wl_shm_pool.create_buffer",
    "wl_shm_pool.destroy",
    "wl_shm_pool.resize",
    "wl_surface.attach",
    "wl_surface.commit",
    "wl_surface.damage",
    "wl_surface.damage_buffer",
    "wl_surface.destroy",
  ]);
});
