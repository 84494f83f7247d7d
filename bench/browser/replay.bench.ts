// npm run bench -- browser: the recorded Linux session (test/browser/fixtures) replayed headless by the same device
// model in Node and in Debian's Chromium (one run: warm-up, then the median of rounds alternating between the two),
// and in Chromium through the canvas (pixels converted in WebAssembly SIMD, and in JavaScript) and through the
// emulator page's workers and shared guest RAM.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { decodeTrace, FramebufferSink, replayTrace } from "../../src/virtio-gpu/index.ts";
import { launchChromium } from "../../test/browser/chromium.ts";
import { startDemoServer } from "../../web/server/serve.ts";
import { median } from "../harness.ts";

const TRACE = "test/browser/fixtures/linux-640x480.trace";
const WARMUP = 10;
const ROUNDS = 21;

const trace = new Uint8Array(readFileSync(TRACE));
const requests = decodeTrace(trace).records.filter((r) => r.kind === "request").length;

/** One headless replay in Node, in milliseconds. */
function nodeReplay(): number {
  const start = performance.now();
  replayTrace(trace, new FramebufferSink());
  return performance.now() - start;
}

const server = await startDemoServer();
const browser = await launchChromium();
let version = "";
let nodeMs = 0;
let chromiumMs = 0;
let canvasMs = 0;
let canvasJsMs = 0;
let workersMs = 0;
try {
  version = await browser.version();
  const page = await browser.newPage();
  await page.goto(`${server.url}player.html?trace=fixtures/linux-640x480.trace&frame=end`);
  await page.waitForFunction(() => (globalThis as { rutabagaPlayer?: { ready: boolean } }).rutabagaPlayer?.ready);
  type Player = { measure(n: number): number[]; measureCanvas(n: number, simd?: boolean): number[] };
  const inPage = (kind: "measure" | "measureCanvas", n: number, simd = true) =>
    page.evaluate(
      (k, count, s) => (globalThis as unknown as { rutabagaPlayer: Player }).rutabagaPlayer[k](count, s),
      kind,
      n,
      simd,
    );
  // Warm-up, then rounds alternating between Node and Chromium (the machine is shared and noisy).
  for (let i = 0; i < WARMUP; i++) nodeReplay();
  await inPage("measure", WARMUP);
  await inPage("measureCanvas", WARMUP);
  await inPage("measureCanvas", WARMUP, false);
  const node: number[] = [];
  const headless: number[] = [];
  const canvas: number[] = [];
  const canvasJs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    node.push(nodeReplay());
    headless.push(...(await inPage("measure", 1)));
    canvas.push(...(await inPage("measureCanvas", 1)));
    canvasJs.push(...(await inPage("measureCanvas", 1, false)));
  }
  nodeMs = median(node);
  chromiumMs = median(headless);
  canvasMs = median(canvas);
  canvasJsMs = median(canvasJs);
  // The emulator page runs once per load (workers start cold): the median of a few loads.
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${server.url}emulator.html`);
    await page.waitForFunction(() => (globalThis as { rutabagaEmulator?: { done: boolean } }).rutabagaEmulator?.done);
    const ms = await page.evaluate(() => (globalThis as { rutabagaEmulator?: { ms?: number } }).rutabagaEmulator?.ms);
    if (ms === undefined) throw new Error("the emulator page failed");
    loads.push(ms);
  }
  workersMs = median(loads);
} finally {
  await browser.close();
  await server.close();
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}, ${version}`);
console.log(`trace: ${TRACE}, ${trace.length} bytes, ${requests} requests (a 640×480 Linux console session)\n`);
const rows = [
  ["where", "ms per replay", "requests/s", "trace MB/s", "vs Node"],
  ["Node: replayTrace, framebuffer sink", nodeMs],
  ["Chromium: replayTrace, framebuffer sink", chromiumMs],
  ["Chromium: TraceStepper, CanvasSink", canvasMs],
  ["Chromium: the same, converting in JavaScript", canvasJsMs],
  ["Chromium: emulator page (2 workers, SAB)", workersMs],
].map((r) =>
  typeof r[1] === "number"
    ? [
        r[0] as string,
        r[1].toFixed(2),
        ((requests / r[1]) * 1000).toFixed(0),
        (trace.length / r[1] / 1000).toFixed(1),
        `${(r[1] / nodeMs).toFixed(2)}×`,
      ]
    : (r as string[]),
);
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows)
  console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
