// The kmscube guest session (test/fixtures/virtio-gpu/kmscube-virgl.trace.gz) replayed in Chromium through the
// virtio-gpu device, the virgl component and `WebGl2HostGl` on SwiftShader, against the same trace replayed in Node
// on this host's GL (llvmpipe, where the Node replay equals the live session's screendump pixel for pixel).
//
// Tolerance: two rasterisers of the same draws differ by rounding. A pixel counts as different when a channel is
// off by more than 2; at most 1% of the pixels may be (measured: 5924 of 1 024 000, 0.58%, nearly all off by 3..15
// in diagonal bands across the smooth-shaded faces, where SwiftShader and llvmpipe round the interpolated colour to
// 8 bits differently), and at most 0.02% (205) by more than 32 (measured: 25, single pixels on the cube's silhouette
// where coverage is decided differently). The cube covers ~200 000 pixels: a wrong transform, depth test, colour or
// missing draw moves tens of thousands of pixels by far more than 32.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";
import type { Browser, Page } from "puppeteer-core";
import { replayTraceOnHost } from "../../../src/node/gl/trace-replay.ts";
import { FramebufferSink } from "../../../src/virtio-gpu/index.ts";
import { type DemoServer, startDemoServer } from "../../../web/server/serve.ts";
import { saveMismatch } from "../../virtio-gpu/helpers.ts";
import { canvasPixels, launchChromium, SWIFTSHADER_ARGS, watchedPage } from "../chromium.ts";
import { webGl2PageScript } from "./page-bundle.ts";

const gz = readFileSync(new URL("../../fixtures/virtio-gpu/kmscube-virgl.trace.gz", import.meta.url));
/** Largest share of pixels allowed off by more than 2 in a channel (see the header). */
const MAX_DIFFERENT = 0.01;
/** Largest share of pixels allowed off by more than 32 in a channel (see the header). */
const MAX_FAR = 0.0002;

const trace = new Uint8Array(gunzipSync(gz));
let browser: Browser;
let server: DemoServer;
let page: Page;
let problems: string[];

before(async () => {
  browser = await launchChromium(SWIFTSHADER_ARGS);
  server = await startDemoServer(0);
  ({ page, problems } = await watchedPage(browser));
  await page.goto("about:blank");
  await page.addScriptTag({ content: await webGl2PageScript() });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The Node replay's final scanout (bytes B, G, R, X), once. */
let nodeFrame: { width: number; height: number; bgrx: Uint8Array; ms: number } | undefined;
async function nodeReplay(): Promise<{ width: number; height: number; bgrx: Uint8Array; ms: number }> {
  if (nodeFrame !== undefined) return nodeFrame;
  const sink = new FramebufferSink();
  const t0 = performance.now();
  const node = await replayTraceOnHost(trace, sink);
  const ms = performance.now() - t0;
  const fb = sink.framebuffers[0]!;
  nodeFrame = { width: fb.width, height: fb.height, bgrx: fb.pixels.slice(), ms };
  node.device.destroy();
  return nodeFrame;
}

/** Fails when `actual` (B, G, R, X) differs from the Node frame beyond the tolerance of the header. */
function assertWithinTolerance(name: string, expected: Uint8Array, actual: Uint8Array, w: number, h: number): string {
  let different = 0;
  let far = 0;
  for (let i = 0; i < actual.length; i += 4) {
    // The X byte is whatever each host left there, so it is not compared.
    let off = 0;
    for (let c = 0; c < 3; c++) off = Math.max(off, Math.abs(actual[i + c]! - expected[i + c]!));
    if (off > 2) different++;
    if (off > 32) far++;
  }
  if (different > MAX_DIFFERENT * w * h || far > MAX_FAR * w * h) {
    const dir = saveMismatch(name, w, h, expected, actual);
    assert.fail(`${different} pixels off by more than 2 per channel, ${far} by more than 32; images in ${dir}`);
  }
  return `${different} pixels off by > 2, ${far} by > 32`;
}

/** What the page's replay gives back. */
interface PageReplay {
  renderer: string;
  error?: string;
  ms: number;
  frames: number;
  errors: [number, number][];
  warnings: string[];
  shortfall: string[];
  width: number;
  height: number;
  pixels: string;
}

test("kmscube replayed on WebGL2 (SwiftShader) matches the Node replay on llvmpipe within the tolerance", {
  timeout: 180_000,
}, async () => {
  const r = (await page.evaluate(`(async () => {
    const R = rutabagaWebGl2;
    const gz = Uint8Array.from(atob("${gz.toString("base64")}"), (c) => c.charCodeAt(0));
    const trace = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    const gl = new OffscreenCanvas(1, 1).getContext("webgl2");
    const ext = gl && gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : "no WebGL2";
    const sink = new R.FramebufferSink();
    let frames = 0;
    const flush = sink.flush.bind(sink);
    sink.flush = (...a) => { frames++; flush(...a); };
    const warnings = [], shortfall = [];
    const t0 = performance.now();
    let res;
    try {
      res = R.replayTrace(trace, sink, {
        onCapsetShortfall: (id, fields) => shortfall.push(...fields.map((f) => id + ":" + f)),
        rutabaga: (fh) => R.buildWebGl2Rutabaga(gl, fh, { warn: (m) => warnings.push(m.slice(0, 300)) }),
      });
    } catch (e) {
      return { renderer, error: String(e) };
    }
    const ms = performance.now() - t0;
    const fb = sink.framebuffers[0];
    let s = "";
    for (let i = 0; i < fb.pixels.length; i += 0x8000) s += String.fromCharCode(...fb.pixels.subarray(i, i + 0x8000));
    res.device.destroy();
    return { renderer, ms, frames, errors: [...res.errors], warnings, shortfall, width: fb.width, height: fb.height, pixels: btoa(s) };
  })()`)) as PageReplay;
  assert.match(r.renderer, /SwiftShader/, "WebGL2 on SwiftShader");
  assert.equal(r.error, undefined);
  assert.deepEqual(r.errors, [], "no request failed in the page");
  assert.deepEqual(r.warnings, [], "nothing refused or skipped");
  const webgl = new Uint8Array(Buffer.from(r.pixels, "base64"));

  const node = await nodeReplay();
  assert.deepEqual([r.width, r.height], [node.width, node.height]);
  const diff = assertWithinTolerance("webgl2-kmscube", node.bgrx, webgl, node.width, node.height);
  console.log(
    `# kmscube: ${r.frames} frames, WebGL2/SwiftShader ${r.ms.toFixed(0)} ms (${((r.frames * 1000) / r.ms).toFixed(1)} fps) vs Node/llvmpipe ${node.ms.toFixed(0)} ms (${((r.frames * 1000) / node.ms).toFixed(1)} fps); ${diff}; ${r.shortfall.length} recorded capset fields this page does not offer`,
  );
  assert.ok(r.frames > 1, "the replay showed frames");
  assert.deepEqual(problems, [], "page errors");
});

test("the player page plays the kmscube trace on WebGL2 and shows its last scanout on the canvas", {
  timeout: 180_000,
}, async () => {
  const { page: player, problems: playerProblems } = await watchedPage(browser);
  await player.goto(`${server.url}player.html?trace=fixtures/kmscube-virgl.trace&frame=end`);
  await player.waitForFunction(
    () => {
      const p = (globalThis as { rutabagaPlayer?: { ready: boolean; error?: string } }).rutabagaPlayer;
      return p?.ready === true || p?.error !== undefined;
    },
    { timeout: 120_000 },
  );
  const state = (await player.evaluate(`(() => {
    const p = globalThis.rutabagaPlayer;
    return { error: p.error, frame: p.frame, frames: p.frames, stats: document.querySelector("#stats")?.textContent ?? "" };
  })()`)) as { error?: string; frame: number; frames: number; stats: string };
  assert.equal(state.error, undefined);
  assert.ok(state.frames > 1 && state.frame === state.frames, `frame ${state.frame} of ${state.frames}`);
  assert.match(state.stats, /virgl on WebGL2: \d+ recorded capset fields not offered, 0 warnings/);
  const canvas = await canvasPixels(player, "#scanout-0");
  const node = await nodeReplay();
  assert.deepEqual([canvas.width, canvas.height], [node.width, node.height]);
  const bgrx = new Uint8Array(canvas.rgba.length);
  for (let i = 0; i < bgrx.length; i += 4)
    bgrx.set([canvas.rgba[i + 2]!, canvas.rgba[i + 1]!, canvas.rgba[i]!, 0xff], i);
  console.log(
    `# kmscube in the player: ${assertWithinTolerance("webgl2-kmscube-player", node.bgrx, bgrx, node.width, node.height)}`,
  );
  assert.deepEqual(playerProblems, [], "page errors");
});
