import assert from "node:assert/strict";
import { readdirSync, readlinkSync } from "node:fs";
import { test } from "node:test";
import { PNG } from "pngjs";
import type { WaylandProxy } from "../../../src/node/wayland-proxy/wayland-proxy.ts";
import { bbox, globals, pixel, run, start, WestonSession, westonWithProxy } from "./weston-session.ts";

// Real weston 10 (headless, pixman, fullscreen shell) and real clients from Debian's weston and wayland-utils.
const weston = new WestonSession();
let proxy: WaylandProxy;
const logs: string[] = [];
const fdTargets = () =>
  readdirSync("/proc/self/fd").map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return "gone";
    }
  });
const openFds = () => fdTargets().length;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

westonWithProxy(weston, logs, (p) => {
  proxy = p;
});

async function untilIdle(): Promise<void> {
  for (let i = 0; i < 100 && proxy.clients > 0; i++) await wait(20);
}

/** weston-simple-shm's picture: 250x250 centred at (195,115), a static white 20-pixel ring. */
async function shmPicture(
  display: string,
): Promise<{ box: ReturnType<typeof bbox>; corner: string; changed: ReturnType<typeof bbox> }> {
  const client = start("weston-simple-shm", [], weston.env(display));
  try {
    await wait(1500);
    const shot = await weston.screenshot();
    await wait(100);
    const next = await weston.screenshot();
    const diff = new PNG({ width: shot.width, height: shot.height });
    for (let i = 0; i < shot.data.length; i += 4) {
      const same =
        shot.data[i] === next.data[i] && shot.data[i + 1] === next.data[i + 1] && shot.data[i + 2] === next.data[i + 2];
      diff.data[i] = same ? 0 : 255;
    }
    const box = bbox(shot);
    return { box, corner: pixel(shot, box.x + 5, box.y + 5), changed: bbox(diff) };
  } finally {
    client.kill("SIGTERM");
    await new Promise((r) => client.once("close", r));
  }
}

test("direct: wayland-info and weston-simple-shm against weston headless", async () => {
  const info = await run("wayland-info", [], weston.env(weston.socket), 5000);
  assert.equal(info.code, 0);
  assert.ok(globals(info.stdout).includes("wl_shm"));
  const { box, corner, changed } = await shmPicture(weston.socket);
  assert.deepEqual(box, { x: 195, y: 115, w: 250, h: 250 });
  assert.equal(corner, "ffffff");
  // The animation repaints only the interior (20, 20, 210, 210): what changes between two shots lies inside it.
  assert.ok(
    changed.w > 0 && changed.x >= 215 && changed.y >= 135 && changed.x + changed.w <= 425,
    JSON.stringify(changed),
  );
});

test("through the proxy: wayland-info lists the same globals as direct", async () => {
  const direct = await run("wayland-info", [], weston.env(weston.socket), 5000);
  const proxied = await run("wayland-info", [], weston.env("wl-proxy"), 5000);
  assert.equal(proxied.code, 0, proxied.stderr);
  assert.deepEqual(globals(proxied.stdout), globals(direct.stdout));
  await untilIdle();
  assert.equal(proxy.clients, 0);
});

test("through the proxy: weston-simple-shm's surface reaches the screen with the expected pixels", async () => {
  const before = { ...proxy.stats };
  const { box, corner, changed } = await shmPicture("wl-proxy");
  assert.deepEqual(box, { x: 195, y: 115, w: 250, h: 250 }, logs.join("\n"));
  assert.equal(corner, "ffffff");
  // Frames keep coming through damage-driven copies: the interior animates, the ring stays.
  assert.ok(
    changed.w > 0 && changed.x >= 215 && changed.y >= 135 && changed.x + changed.w <= 425,
    JSON.stringify(changed),
  );
  assert.equal(proxy.stats.fdsToCompositor - before.fdsToCompositor, 2, "its two shm pools crossed as host blobs");
  assert.ok(proxy.stats.requestMessages - before.requestMessages > 20);
});

test("a client killed mid-frame leaves the proxy and weston serving the next client, with nothing left behind", async () => {
  await untilIdle();
  const fdsBefore = openFds();
  const targetsBefore = fdTargets();
  const pagesBefore = proxy.driver.freePageCount;
  const client = start("weston-simple-shm", [], weston.env("wl-proxy"));
  await wait(700);
  client.kill("SIGKILL");
  await new Promise((r) => client.once("close", r));
  await untilIdle();
  assert.equal(proxy.clients, 0);
  const info = await run("wayland-info", [], weston.env("wl-proxy"), 5000);
  assert.equal(info.code, 0);
  await untilIdle();
  assert.equal(openFds(), fdsBefore, `${targetsBefore.sort().join(" ")}\n${fdTargets().sort().join(" ")}`);
  assert.equal(proxy.driver.freePageCount, pagesBefore);
  assert.deepEqual(proxy.driver.device.rutabaga.resourceIds(), []);
  assert.equal(proxy.driver.device.rutabaga.hostMemory.used, 0);
});
