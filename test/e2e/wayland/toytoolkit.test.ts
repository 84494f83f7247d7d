import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PNG } from "pngjs";
import type { WaylandProxy } from "../../../src/node/wayland-proxy/wayland-proxy.ts";
import { bbox, pixel, start, WestonSession, westonWithProxy } from "./weston-session.ts";

// weston's toytoolkit demos through the proxy, on weston 10's x11 backend (kiosk shell, so a seat and a pointer):
// libwayland-cursor grows its cursor pool with wl_shm_pool.resize, so each of them needs pools that grow. Xvfb's
// pointer rests at the output's (352, 272), so the client's cursor image, from the grown pool, is in the picture.
const weston = new WestonSession("x11");
let proxy: WaylandProxy;
const logs: string[] = [];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const openFds = () => readdirSync("/proc/self/fd").length;

westonWithProxy(weston, logs, (p) => {
  proxy = p;
});

/**
 * The output while `client` runs on `display` (its first frames drawn, and `shown` true of it, polled for 2 s);
 * the session is gone when it returns.
 */
async function picture(client: string, display: string, shown = (_: PNG) => true): Promise<PNG> {
  const child = start(client, [], weston.env(display));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  try {
    await wait(1000);
    let shot = await weston.screenshot();
    for (let i = 0; i < 10 && !shown(shot); i++) shot = await weston.screenshot();
    assert.ok(!exited, `${client} on ${display} exited early: ${logs.join("\n")}`);
    if (display !== weston.socket) assert.equal(proxy.clients, 1, `${client}'s session: ${logs.join("\n")}`);
    return shot;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (exited ? r(undefined) : child.once("exit", r)));
    for (let i = 0; i < 100 && proxy.clients > 0; i++) await wait(20);
  }
}

/** Pixels differing between two pictures inside `box` (whole pictures by default); both go to test-output/ if any. */
function differing(name: string, direct: PNG, proxied: PNG, box = { x: 0, y: 0, w: direct.width, h: direct.height }) {
  let n = 0;
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) {
      const i = (y * direct.width + x) * 4;
      if ([0, 1, 2].some((c) => direct.data[i + c] !== proxied.data[i + c])) n++;
    }
  }
  if (n > 0) {
    const dir = join("test-output", "toytoolkit", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "direct.png"), PNG.sync.write(direct));
    writeFileSync(join(dir, "proxied.png"), PNG.sync.write(proxied));
  }
  return n;
}

/** Runs `client` through the proxy and checks it left nothing behind and that its pools grew. */
async function proxied(client: string, shown?: (png: PNG) => boolean): Promise<PNG> {
  const fds = openFds();
  const moves = proxy.stats.poolMoves;
  const shot = await picture(client, "wl-proxy", shown);
  assert.equal(proxy.clients, 0);
  assert.equal(proxy.stats.sessions, 0);
  assert.equal(openFds(), fds, "the proxy's descriptors are back where they were");
  assert.deepEqual(proxy.driver.device.rutabaga.resourceIds(), []);
  assert.equal(proxy.driver.device.rutabaga.hostMemory.used, 0);
  assert.ok(proxy.stats.poolMoves > moves, `${client} grew a pool`);
  assert.deepEqual(logs, []);
  return shot;
}

test("toytoolkit through the proxy: weston-clickdot, weston-eventdemo and weston-scaler look exactly as when direct", async () => {
  for (const client of ["weston-clickdot", "weston-eventdemo", "weston-scaler"]) {
    const direct = await picture(client, weston.socket);
    assert.ok(bbox(direct).w > 0, `${client} drew nothing directly`);
    const through = await proxied(client);
    assert.equal(differing(client, direct, through), 0, `${client}: the pictures differ (test-output/toytoolkit/)`);
  }
});

test("toytoolkit through the proxy: weston-terminal's text cursor and its pointer cursor as when direct", async () => {
  // The text cursor in the top left cell blinks, filled or hollow as focus comes: it is looked for, not compared.
  const cell = { x: 0, y: 0, w: 24, h: 32 };
  const textCursor = (png: PNG) => {
    for (let y = cell.y; y < cell.h; y++)
      for (let x = cell.x; x < cell.w; x++) if (pixel(png, x, y) !== "000000") return true;
    return false;
  };
  const direct = await picture("weston-terminal", weston.socket, textCursor);
  const through = await proxied("weston-terminal", textCursor);
  assert.ok(textCursor(through), "the terminal's text cursor is drawn");
  // The pointer's I-beam around (352, 272) comes from the grown cursor pool.
  const pointer = { x: 336, y: 256, w: 32, h: 32 };
  assert.ok(bbox(direct).x + bbox(direct).w > pointer.x, "the pointer is in the picture");
  assert.equal(differing("weston-terminal", direct, through, pointer), 0, "the pointer cursors differ");
});

test("toytoolkit through the proxy: weston-flower draws its (random) flower in its centred 200x200 window", async () => {
  const box = bbox(await proxied("weston-flower"));
  assert.ok(box.w >= 100 && box.h >= 100, JSON.stringify(box));
  assert.ok(box.x >= 220 && box.y >= 140 && box.x + box.w <= 420 && box.y + box.h <= 340, JSON.stringify(box));
});
