import assert from "node:assert/strict";
import { test } from "node:test";
import type { WaylandProxy } from "../../../src/node/wayland-proxy/wayland-proxy.ts";
import { bbox, globals, pixel, run, start, WestonSession, westonWithProxy } from "./weston-session.ts";

// weston 10 on its x11 backend under Xvfb with the kiosk shell: a wl_seat exists, so the compositor sends keymaps.
const weston = new WestonSession("x11");
let proxy: WaylandProxy;
const logs: string[] = [];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

westonWithProxy(weston, logs, (p) => {
  proxy = p;
});

test("x11 + kiosk: the keymap crosses compositor → client as a blob, and wayland-info sees the seat as directly", async () => {
  const direct = await run("wayland-info", [], weston.env(weston.socket), 5000);
  const before = proxy.stats.fdsToClient;
  const proxied = await run("wayland-info", [], weston.env("wl-proxy"), 5000);
  assert.equal(proxied.code, 0, proxied.stderr + logs.join("\n"));
  assert.deepEqual(globals(proxied.stdout), globals(direct.stdout));
  assert.ok(proxied.stdout.includes("capabilities: pointer keyboard"));
  // The keyboard's repeat info follows the keymap on the wire: the client took the keymap and went on.
  assert.ok(proxied.stdout.includes("keyboard repeat rate: 40"), proxied.stdout);
  assert.equal(proxy.stats.fdsToClient - before, 1, "one keymap descriptor");
});

test("x11 + kiosk: weston-simple-shm through the proxy is centred with its white ring", async () => {
  const client = start("weston-simple-shm", [], weston.env("wl-proxy"));
  try {
    await wait(2000);
    const shot = await weston.screenshot();
    const box = bbox(shot);
    assert.equal(box.w, 250, JSON.stringify(box) + logs.join("\n"));
    assert.equal(box.h, 250);
    assert.equal(pixel(shot, box.x + 5, box.y + 5), "ffffff");
  } finally {
    client.kill("SIGTERM");
    await new Promise((r) => client.once("close", r));
  }
});
