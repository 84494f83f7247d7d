// The trace player as a user drives it in Chromium: the file picker, the scrubber, Play and Pause, a trace file
// dropped on the page (a real drag through the browser's input, not a synthetic DOM event), and Save frame as PNG
// (the downloaded file is decoded and compared with the device's frame in Node).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, CDPSession, Page } from "puppeteer-core";
import { TraceStepper } from "../../src/browser/trace-stepper.ts";
import { VirtioGpuFormat } from "../../src/index.ts";
import { decodePng, encodePng } from "../../src/node/display/png.ts";
import { FramebufferSink } from "../../src/virtio-gpu/index.ts";
import { type DemoServer, startDemoServer } from "../../web/server/serve.ts";
import { canvasPixels, launchChromium, watchedPage } from "./chromium.ts";
import { assertSameFrame, type RgbaImage } from "./frames.ts";
import { syntheticTrace } from "./synthetic-traces.ts";

/** What the player page exposes (web/player.ts). */
interface PlayerState {
  ready: boolean;
  error?: string;
  frames: number;
  frame: number;
  requests: number;
}

/** The page's globals these tests read (the Node tsconfig has no DOM types). */
interface PageGlobals {
  rutabagaPlayer?: PlayerState;
  innerWidth: number;
  innerHeight: number;
  document: {
    getElementById(id: string): { textContent: string | null; className: string } | null;
    body: { classList: { contains(name: string): boolean } };
  };
}

const work = mkdtempSync(join(tmpdir(), "rutabaga-player-"));
const downloads = join(work, "downloads");
const LINUX = "test/browser/fixtures/linux-640x480.trace";
const linux = new Uint8Array(readFileSync(LINUX));
const small = syntheticTrace("x8r8g8b8", VirtioGpuFormat.X8R8G8B8Unorm, 160, 96);
const smallFile = join(work, "small-session.trace");
const junkFile = join(work, "not-a-trace.trace");
let server: DemoServer;
let browser: Browser;

before(async () => {
  writeFileSync(smallFile, small.trace);
  writeFileSync(junkFile, new TextEncoder().encode("RIFF, not a rutabaga-ts trace".repeat(8)));
  server = await startDemoServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Scanout 0 after `frame` flushes of `trace` (the last frame: after every record), as Node's PNG writer sees it. */
function nodeFrame(trace: Uint8Array, frame: number | "end"): RgbaImage {
  const sink = new FramebufferSink();
  const stepper = new TraceStepper(trace, sink);
  if (frame === "end") stepper.advance();
  else stepper.seek(frame);
  const fb = sink.framebuffers[0]!;
  return decodePng(
    encodePng({ width: fb.width, height: fb.height, stride: fb.width * 4, format: fb.format, pixels: fb.pixels }),
  );
}

function frameCount(trace: Uint8Array): number {
  const stepper = new TraceStepper(trace, {});
  stepper.advance();
  return stepper.flushesDone;
}

const state = (page: Page) =>
  page.evaluate(() => {
    const p = (globalThis as unknown as PageGlobals).rutabagaPlayer!;
    return { ready: p.ready, error: p.error, frames: p.frames, frame: p.frame, requests: p.requests };
  });

const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? "");

async function controlsDisabled(page: Page): Promise<boolean[]> {
  return Promise.all(
    ["#play", "#scrubber", "#save"].map((s) =>
      page.$eval(s, (el) => (el as unknown as { disabled: boolean }).disabled),
    ),
  );
}

async function waitReady(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const p = (globalThis as unknown as PageGlobals).rutabagaPlayer;
      return (
        p?.ready === true &&
        (globalThis as unknown as PageGlobals).document.getElementById("status")?.textContent === `${n} loaded`
      );
    },
    { timeout: 30_000 },
    name,
  );
}

/** Drags `file` from outside the browser onto the page's middle and drops it, through Chromium's input pipeline. */
async function dropFile(cdp: CDPSession, page: Page, file: string): Promise<void> {
  const { x, y } = await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    return { x: g.innerWidth / 2, y: g.innerHeight - 20 };
  });
  const data = { items: [], files: [file], dragOperationsMask: 1 };
  await cdp.send("Input.dispatchDragEvent", { type: "dragEnter", x, y, data });
  await cdp.send("Input.dispatchDragEvent", { type: "dragOver", x, y, data });
  assert.equal(
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.classList.contains("dragging")),
    true,
    "drag-over highlight",
  );
  await cdp.send("Input.dispatchDragEvent", { type: "drop", x, y, data });
}

test("the picker loads a trace; the scrubber, Play and Pause step its frames; Save frame as PNG downloads the frame shown", {
  timeout: 60_000,
}, async () => {
  const { page, problems } = await watchedPage(browser);
  const browserCdp = await browser.target().createCDPSession();
  await browserCdp.send("Browser.setDownloadBehavior", {
    behavior: "allow",
    downloadPath: downloads,
    eventsEnabled: true,
  });
  await page.goto(`${server.url}player.html`);
  assert.equal(await text(page, "#status"), "open or drop a trace file");
  assert.deepEqual(await controlsDisabled(page), [true, true, true], "nothing to play before a trace is open");

  // The picker: the trace opens at frame 0.
  const frames = frameCount(small.trace);
  assert.ok(frames >= 2, `${frames} frames`);
  const picker = await page.$("#file");
  await picker!.uploadFile(smallFile);
  await waitReady(page, basename(smallFile));
  assert.deepEqual(await controlsDisabled(page), [false, false, false]);
  let s = await state(page);
  assert.deepEqual([s.frame, s.frames, s.error], [0, frames, undefined]);
  assert.equal(await page.$eval("#scrubber", (el) => (el as unknown as { max: string }).max), String(frames));
  assert.match(await text(page, "#stats"), new RegExp(`${basename(smallFile)}: ${small.trace.length} bytes`));
  assert.match(await text(page, "#stats"), new RegExp(`frames +${frames} flushes`));

  // The scrubber, moved with the keyboard as a user would: one frame per arrow.
  await page.focus("#scrubber");
  await page.keyboard.press("ArrowRight");
  s = await state(page);
  assert.equal(s.frame, 1);
  assert.match(await text(page, "#frame"), new RegExp(`^frame 1 / ${frames} · request ${s.requests} / `));
  assertSameFrame("player-ui-frame-1", nodeFrame(small.trace, 1), await canvasPixels(page, "#scanout-0"));

  // Play runs to the last frame, then the button says Play again.
  await page.click("#play");
  await page.waitForFunction(
    (n) =>
      (globalThis as unknown as PageGlobals).rutabagaPlayer?.frame === n &&
      (globalThis as unknown as PageGlobals).document.getElementById("play")?.textContent === "Play",
    { timeout: 10_000 },
    frames,
  );
  assertSameFrame("player-ui-end", nodeFrame(small.trace, "end"), await canvasPixels(page, "#scanout-0"));

  // Save frame as PNG: the download is the canvas, named after the frame.
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no download completed")), 15_000);
    browserCdp.on("Browser.downloadProgress", (e) => {
      if (e.state === "completed") {
        clearTimeout(timer);
        resolve(e.filePath ?? "");
      } else if (e.state === "canceled") reject(new Error("download canceled"));
    });
  });
  await page.click("#save");
  const saved = await done;
  const expectedName = join(downloads, `scanout-0-frame-${frames}.png`);
  assert.equal(saved === "" ? expectedName : saved, expectedName);
  assert.ok(existsSync(expectedName));
  assertSameFrame("player-ui-saved", nodeFrame(small.trace, "end"), decodePng(readFileSync(expectedName)));
  assert.deepEqual(problems, []);
  await page.close();
});

test("Pause stops playback where it is, and Play from the last frame starts over", { timeout: 60_000 }, async () => {
  const { page, problems } = await watchedPage(browser);
  await page.goto(`${server.url}player.html?trace=fixtures/linux-640x480.trace&frame=end`);
  await waitReady(page, "fixtures/linux-640x480.trace");
  const frames = (await state(page)).frames;
  assert.equal(frames, frameCount(linux));
  await page.click("#play");
  assert.equal(await text(page, "#play"), "Pause");
  await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).rutabagaPlayer?.frame ?? 0) >= 3, {
    timeout: 10_000,
  });
  await page.click("#play");
  assert.equal(await text(page, "#play"), "Play");
  const paused = (await state(page)).frame;
  assert.ok(paused >= 3 && paused < frames, `paused at ${paused}`);
  // Playback steps every 40 ms: five periods without a step.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await state(page)).frame, paused);
  assertSameFrame("player-ui-paused", nodeFrame(linux, paused), await canvasPixels(page, "#scanout-0"));
  await page.focus("#scrubber");
  await page.keyboard.press("End");
  assert.equal((await state(page)).frame, frames);
  await page.click("#play");
  const restarted = (await state(page)).frame;
  assert.ok(restarted < frames / 2, `Play at the last frame went back to the start (frame ${restarted})`);
  await page.click("#play");
  assert.equal(await text(page, "#play"), "Play");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a trace file dropped on the page loads; a dropped file that is not a trace shows an error and keeps the trace", {
  timeout: 60_000,
}, async () => {
  const { page, problems } = await watchedPage(browser);
  const cdp = await page.createCDPSession();
  await page.goto(`${server.url}player.html`);
  await dropFile(cdp, page, smallFile);
  await waitReady(page, basename(smallFile));
  assert.equal(
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.classList.contains("dragging")),
    false,
  );
  const loaded = await state(page);
  assert.deepEqual([loaded.frame, loaded.frames], [0, frameCount(small.trace)]);
  await page.focus("#scrubber");
  await page.keyboard.press("End");
  assertSameFrame("player-ui-dropped", nodeFrame(small.trace, "end"), await canvasPixels(page, "#scanout-0"));

  await dropFile(cdp, page, junkFile);
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.getElementById("status")?.className === "error",
    { timeout: 10_000 },
  );
  assert.match(await text(page, "#status"), new RegExp(`^${basename(junkFile)}: `));
  const after = await state(page);
  assert.equal(after.ready, true, "the trace loaded before is still there");
  assert.deepEqual([after.frame, after.frames], [loaded.frames, loaded.frames]);
  assertSameFrame("player-ui-kept", nodeFrame(small.trace, "end"), await canvasPixels(page, "#scanout-0"));
  assert.deepEqual(problems, []);
  await page.close();
});
