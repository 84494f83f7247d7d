// Real Chromium (Debian's, through puppeteer-core) loads the pages `npm run demo` serves and replays traces to
// canvases; every canvas must equal, pixel for pixel, the PNG `rutabaga-ts replay TRACE --png DIR` writes in Node.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "puppeteer-core";
import { decodePng } from "../../src/node/display/png.ts";
import { replayTrace } from "../../src/virtio-gpu/index.ts";
import { flushDigest } from "../../web/flush-digest.ts";
import { type DemoServer, startDemoServer } from "../../web/server/serve.ts";
import { canvasPixels, launchChromium, watchedPage } from "./chromium.ts";
import { assertSameFrame } from "./frames.ts";
import { syntheticTraces } from "./synthetic-traces.ts";

/** The inline style properties the cursor test reads. */
type CSSProperties = { transform: string; visibility: string };

const LINUX = "test/browser/fixtures/linux-640x480.trace";
const linuxTrace = new Uint8Array(readFileSync(LINUX));
const synthetic = syntheticTraces();
const work = mkdtempSync(join(tmpdir(), "rutabaga-browser-"));
let server: DemoServer;
let browser: Browser;
const started = Date.now();

before(async () => {
  server = await startDemoServer(0, new Map(synthetic.map((t) => [`synthetic/${t.name}.trace`, t.trace])));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  console.log(`# Chromium tests took ${Date.now() - started} ms`);
});

/** The final frame `rutabaga-ts replay` writes for a trace, as RGBA. */
const pngs = new WeakMap<Uint8Array, { width: number; height: number; rgba: Uint8Array }>();
function nodePng(name: string, trace: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const known = pngs.get(trace);
  if (known !== undefined) return known;
  const file = join(work, `${name}.trace`);
  writeFileSync(file, trace);
  const bin = new URL("../../bin/rutabaga-ts.js", import.meta.url).pathname;
  const r = spawnSync(process.execPath, [bin, "replay", file, "--png", join(work, name)], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const png = decodePng(readFileSync(join(work, name, "scanout-0.png")));
  pngs.set(trace, png);
  return png;
}

async function playerFrame(page: Page, tracePath: string): Promise<void> {
  await page.goto(`${server.url}player.html?trace=${encodeURIComponent(tracePath)}&frame=end`);
  await page.waitForFunction(
    () => {
      const p = (globalThis as { rutabagaPlayer?: { ready: boolean; error?: string } }).rutabagaPlayer;
      return p?.ready === true || p?.error !== undefined;
    },
    { timeout: 30_000 },
  );
  const state = await page.evaluate(() => {
    const p = (globalThis as { rutabagaPlayer?: { error?: string; frame: number; frames: number } }).rutabagaPlayer!;
    return { error: p.error, frame: p.frame, frames: p.frames };
  });
  assert.equal(state.error, undefined);
  assert.equal(state.frame, state.frames, "the player shows the last frame");
  assert.ok(state.frames > 0);
}

test("the player page replays the recorded Linux session to the Node PNG, pixel for pixel", {
  timeout: 60_000,
}, async () => {
  const { page, problems } = await watchedPage(browser);
  await playerFrame(page, `fixtures/linux-640x480.trace`);
  assertSameFrame("linux-player", nodePng("linux", linuxTrace), await canvasPixels(page, "#scanout-0"));
  assert.deepEqual(problems, []);
  await page.close();
});

for (const t of synthetic) {
  test(`the player page replays a synthetic ${t.name} trace to the Node PNG, opaque`, { timeout: 60_000 }, async () => {
    const { page, problems } = await watchedPage(browser);
    await playerFrame(page, `synthetic/${t.name}.trace`);
    assertSameFrame(`synthetic-${t.name}`, nodePng(t.name, t.trace), await canvasPixels(page, "#scanout-0"));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("CanvasSink paints an OffscreenCanvas the same way, converting in WebAssembly SIMD or in JavaScript", {
  timeout: 60_000,
}, async () => {
  const { page, problems } = await watchedPage(browser);
  for (const t of [...synthetic, { name: "linux", trace: linuxTrace }]) {
    const path = t.name === "linux" ? "fixtures/linux-640x480.trace" : `synthetic/${t.name}.trace`;
    await playerFrame(page, path);
    for (const simd of [true, false]) {
      const frame = await page.evaluate(
        (s) =>
          (
            globalThis as unknown as {
              rutabagaPlayer: { offscreenFrame(simd: boolean): { width: number; height: number; rgba: string } };
            }
          ).rutabagaPlayer.offscreenFrame(s),
        simd,
      );
      const rgba = new Uint8Array(Buffer.from(frame.rgba, "base64"));
      assertSameFrame(`offscreen-${t.name}-${simd ? "simd" : "js"}`, nodePng(t.name, t.trace), { ...frame, rgba });
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("the cursor is its own layer: image with alpha, placed at the position minus the hot spot", {
  timeout: 60_000,
}, async () => {
  const { page, problems } = await watchedPage(browser);
  await playerFrame(page, "synthetic/a8b8g8r8.trace");
  const cursor = await canvasPixels(page, "#cursor");
  assert.deepEqual([cursor.width, cursor.height], [64, 64]);
  assert.deepEqual([...cursor.rgba.subarray(0, 4)], [0xe0, 0x40, 0x20, 0xff], "left half: opaque B8G8R8A8 red");
  assert.equal(cursor.rgba[(5 * 64 + 40) * 4 + 3], 0, "right half: transparent");
  const style = await page.$eval("#cursor", (el) => [
    (el as unknown as { style: CSSProperties }).style.transform,
    (el as unknown as { style: CSSProperties }).style.visibility,
  ]);
  assert.deepEqual(style, ["translate(98px, 47px)", "visible"]);
  assert.deepEqual(problems, []);
  await page.close();
});

interface EmulatorOutcome {
  error?: string;
  result: { requests: number; errors: [number, number][]; drains: number };
  deviceStopped: string;
  sinkErrors: number;
  faultyChains: number;
  flushes: number;
  digests: number[];
  scanouts: { width: number; height: number; connected?: boolean }[];
}

/**
 * Plays `tracePath` on the emulator page (device and driver in workers over shared guest RAM) and checks it against
 * Node: every request answered without error, every flush's digest, the final canvas, the display configuration.
 */
async function emulatorMatchesNode(name: string, tracePath: string, trace: Uint8Array): Promise<Page> {
  const { page, problems } = await watchedPage(browser);
  await page.goto(`${server.url}emulator.html?digests=1&trace=${encodeURIComponent(tracePath)}`);
  await page.waitForFunction(() => (globalThis as { rutabagaEmulator?: { done: boolean } }).rutabagaEmulator?.done, {
    timeout: 30_000,
  });
  const outcome = (await page.evaluate(
    () => (globalThis as { rutabagaEmulator?: unknown }).rutabagaEmulator,
  )) as EmulatorOutcome;
  assert.equal(outcome.error, undefined);
  assert.equal(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated), true);
  const digests: number[] = [];
  const node = replayTrace(trace, { flush: (id, rect, frame) => digests.push(flushDigest(id, rect, frame)) });
  assert.equal(outcome.result.requests, node.requests, "every recorded request went through the virtqueues");
  assert.deepEqual(outcome.result.errors, [...node.errors]);
  assert.equal(outcome.deviceStopped, "stopped");
  assert.equal(outcome.sinkErrors, 0);
  assert.equal(outcome.faultyChains, 0);
  // Every flush, not only the last: the driver never rewrites guest memory a request in flight still reads.
  assert.equal(outcome.flushes, digests.length);
  assert.deepEqual(outcome.digests, digests);
  assert.deepEqual(outcome.scanouts, node.device.scanoutConfigs());
  assertSameFrame(name, nodePng(name, trace), await canvasPixels(page, "#scanout"));
  assert.deepEqual(problems, []);
  return page;
}

test("the emulator page: device and driver workers over shared guest RAM give the same frames, every flush", {
  timeout: 60_000,
}, async () => {
  const page = await emulatorMatchesNode("linux-emulator", "fixtures/linux-640x480.trace", linuxTrace);
  const flushes = await page.evaluate(
    () => (globalThis as { rutabagaEmulator?: { flushes: number } }).rutabagaEmulator?.flushes,
  );
  assert.ok((flushes ?? 0) > 100, `${flushes} flushes painted`);
  await page.close();
});

test("the emulator page plays the synthetic traces too: cursor queue, a display change, the cursor layer", {
  timeout: 60_000,
}, async () => {
  for (const t of synthetic) {
    const page = await emulatorMatchesNode(`emulator-${t.name}`, `synthetic/${t.name}.trace`, t.trace);
    if (t.name === "a8b8g8r8") {
      const style = await page.$eval("#cursor", (el) => {
        const s = (el as unknown as { style: CSSProperties }).style;
        return [s.transform, s.visibility];
      });
      assert.deepEqual(style, ["translate(98px, 47px)", "visible"]);
      const cursor = await canvasPixels(page, "#cursor");
      assert.deepEqual([...cursor.rgba.subarray(0, 4)], [0xe0, 0x40, 0x20, 0xff]);
    }
    await page.close();
  }
});

test("a page error fails: a trace that is not one shows an error, and the watcher sees the 404", {
  timeout: 30_000,
}, async () => {
  const { page, problems } = await watchedPage(browser);
  await page.goto(`${server.url}emulator.html?trace=missing.trace`);
  await page.waitForFunction(() => (globalThis as { rutabagaEmulator?: { done: boolean } }).rutabagaEmulator?.done, {
    timeout: 10_000,
  });
  const error = await page.evaluate(
    () => (globalThis as { rutabagaEmulator?: { error?: string } }).rutabagaEmulator?.error,
  );
  assert.match(error ?? "", /missing\.trace: HTTP 404/);
  assert.ok(
    problems.some((p) => p.includes("404")),
    problems.join("\n"),
  );
  await page.close();
});
