// The trace player: a trace from the file picker, a drop or ?trace=URL, replayed on this page into canvases.
import { buildWebGl2Rutabaga, CanvasSink, TraceStepper } from "../src/browser/index.ts";
import type { Rutabaga, RutabagaFenceHandler } from "../src/index.ts";
import { decodeTrace, FramebufferSink, replayTrace, traceNeedsVirgl } from "../src/virtio-gpu/index.ts";

/** What the page exposes for tests and the bench. */
interface PlayerApi {
  ready: boolean;
  error?: string;
  frames: number;
  frame: number;
  requests: number;
  errors: [number, number][];
  /** Replays the loaded trace `rounds` times into a framebuffer sink (no canvas); returns milliseconds per round. */
  measure(rounds: number): number[];
  /** The same, painting every flush on a canvas (not in the page) through a `CanvasSink` (`simd`: its option). */
  measureCanvas(rounds: number, simd?: boolean): number[];
  seek(frame: number): void;
  /** The loaded trace's last frame painted by a `CanvasSink` on an `OffscreenCanvas`, as base64 RGBA. */
  offscreenFrame(simd?: boolean): { width: number; height: number; rgba: string };
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>("status");
const stats = $<HTMLDivElement>("stats");
const scrubber = $<HTMLInputElement>("scrubber");
const frameLabel = $<HTMLSpanElement>("frame");
const play = $<HTMLButtonElement>("play");
const save = $<HTMLButtonElement>("save");
const screens = $<HTMLDivElement>("screens");

let current: { trace: Uint8Array; stepper: TraceStepper; canvases: HTMLCanvasElement[]; frames: number } | undefined;
let timer: number | undefined;

const api: PlayerApi = {
  ready: false,
  frames: 0,
  frame: 0,
  requests: 0,
  errors: [],
  measure(rounds) {
    if (current === undefined) throw new Error("no trace loaded");
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      replayTrace(current.trace, new FramebufferSink());
      times.push(performance.now() - start);
    }
    return times;
  },
  measureCanvas(rounds, simd = true) {
    if (current === undefined) throw new Error("no trace loaded");
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      new TraceStepper(current.trace, new CanvasSink(document.createElement("canvas"), { simd })).advance();
      times.push(performance.now() - start);
    }
    return times;
  },
  seek(frame) {
    show(frame);
  },
  offscreenFrame(simd = true) {
    if (current === undefined) throw new Error("no trace loaded");
    const canvas = new OffscreenCanvas(1, 1);
    new TraceStepper(current.trace, new CanvasSink(canvas, { simd })).advance();
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let s = "";
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, rgba: btoa(s) };
  },
};
(globalThis as { rutabagaPlayer?: PlayerApi }).rutabagaPlayer = api;

function fail(message: string): void {
  api.error = message;
  status.textContent = message;
  status.className = "error";
}

function show(frame: number): void {
  if (current === undefined) return;
  const target = Math.max(0, Math.min(frame, current.frames));
  current.stepper.seek(target);
  if (current.stepper.flushesDone >= current.frames) current.stepper.advance();
  api.frame = current.stepper.flushesDone;
  api.requests = current.stepper.requestsDone;
  api.errors = [...current.stepper.errors];
  scrubber.value = String(api.frame);
  frameLabel.textContent = `frame ${api.frame} / ${current.frames} · request ${api.requests} / ${current.stepper.requestCount}`;
}

function stop(): void {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
  play.textContent = "Play";
}

/** The WebGL2 context of the 3D library built last: lost once a newer one replaces it (browsers cap live contexts). */
let lastGl: WebGL2RenderingContext | undefined;

/** A virgl library on a fresh WebGL2 context (a 3D trace), the commands WebGL2 refuses counted in `refused`. */
function webGl2Library(refused: string[]): (fenceHandler: RutabagaFenceHandler) => Rutabaga {
  return (fenceHandler) => {
    lastGl?.getExtension("WEBGL_lose_context")?.loseContext();
    const gl = new OffscreenCanvas(1, 1).getContext("webgl2");
    if (gl === null) throw new Error("this browser has no WebGL2: a 3D trace cannot play");
    lastGl = gl;
    return buildWebGl2Rutabaga(gl, fenceHandler, { warn: (m) => refused.push(m) });
  };
}

function load(trace: Uint8Array, name: string, startFrame: number | "end"): void {
  // One headless pass first: the frame count for the scrubber and the replay speed for the stats. A file that is
  // not a trace throws here, before anything changed: the trace shown before stays.
  const counter = new FramebufferSink();
  const threeD = traceNeedsVirgl(decodeTrace(trace).header);
  const refused: string[] = [];
  const shortfall: string[] = [];
  const rutabaga = threeD ? webGl2Library(refused) : undefined;
  const t0 = performance.now();
  const pass = replayTrace(
    trace,
    counter,
    rutabaga === undefined ? {} : { rutabaga, onCapsetShortfall: (_, fields) => shortfall.push(...fields) },
  );
  const ms = performance.now() - t0;
  stop();
  api.ready = false;
  delete api.error;
  status.className = "";
  screens.replaceChildren();
  const stepperCanvases: HTMLCanvasElement[] = [];
  let cursor: HTMLCanvasElement | undefined;
  pass.device.scanoutConfigs().forEach((_, i) => {
    const box = document.createElement("div");
    box.className = "screen";
    const canvas = document.createElement("canvas");
    canvas.id = `scanout-${i}`;
    box.append(canvas);
    if (i === 0) {
      cursor = document.createElement("canvas");
      cursor.className = "cursor";
      cursor.id = "cursor";
      box.append(cursor);
    }
    screens.append(box);
    stepperCanvases.push(canvas);
  });
  // The headless pass's GL objects go before the stepper's library starts.
  if (threeD) pass.device.destroy();
  const sink = new CanvasSink(stepperCanvases, cursor === undefined ? {} : { cursor });
  const stepper = new TraceStepper(trace, sink, rutabaga);
  current = { trace, stepper, canvases: stepperCanvases, frames: counter.flushes };
  api.frames = counter.flushes;
  scrubber.max = String(counter.flushes);
  for (const c of [scrubber, play, save]) c.disabled = false;
  stats.textContent = [
    `trace          ${name}: ${trace.length} bytes, ${stepper.records.length} records`,
    `scanouts       ${stepper.header.scanouts.map((s) => `${s.width}×${s.height}`).join(", ")}`,
    `requests       ${pass.requests} (${[...pass.errors.values()].reduce((a, b) => a + b, 0)} error responses)`,
    `frames         ${counter.flushes} flushes`,
    ...(threeD
      ? [
          `3D             virgl on WebGL2: ${shortfall.length} recorded capset fields not offered, ${refused.length} warnings${refused.length > 0 ? ` (first: ${refused[0]})` : ""}`,
        ]
      : []),
    `replay speed   ${((pass.requests / ms) * 1000).toFixed(0)} requests/s, ${(trace.length / 1e3 / ms).toFixed(1)} MB/s (headless, ${ms.toFixed(1)} ms)`,
  ].join("\n");
  show(startFrame === "end" ? counter.flushes : startFrame);
  status.textContent = `${name} loaded`;
  api.ready = true;
}

function loadBytes(bytes: ArrayBuffer, name: string, startFrame: number | "end"): void {
  try {
    load(new Uint8Array(bytes), name, startFrame);
  } catch (e) {
    fail(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

play.onclick = () => {
  if (timer !== undefined) return stop();
  if (current === undefined) return;
  if (api.frame >= current.frames) show(0);
  play.textContent = "Pause";
  timer = setInterval(() => {
    if (current === undefined || api.frame >= current.frames) return stop();
    show(api.frame + 1);
  }, 40) as unknown as number;
};
scrubber.oninput = () => {
  stop();
  show(Number(scrubber.value));
};
save.onclick = () => {
  const canvas = current?.canvases[0];
  const frame = api.frame;
  canvas?.toBlob((blob) => {
    if (blob === null) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `scanout-0-frame-${frame}.png`;
    a.click();
    // The download reads the blob after this task: revoke it later.
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }, "image/png");
};
$<HTMLInputElement>("file").onchange = async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file !== undefined) loadBytes(await file.arrayBuffer(), file.name, 0);
};
// On the document, not the body: a file dropped below the body's content (the rest of the window) lands there.
document.ondragover = (event) => {
  event.preventDefault();
  document.body.classList.add("dragging");
};
document.ondragleave = () => document.body.classList.remove("dragging");
document.ondrop = async (event) => {
  event.preventDefault();
  document.body.classList.remove("dragging");
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) loadBytes(await file.arrayBuffer(), file.name, 0);
};

const params = new URLSearchParams(location.search);
const url = params.get("trace");
if (url !== null) {
  const frame = params.get("frame");
  fetch(url)
    .then(async (r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      loadBytes(await r.arrayBuffer(), url, frame === null ? 0 : frame === "end" ? "end" : Number(frame));
      if (frame === null) play.click();
    })
    .catch((e: unknown) => fail(`${url}: ${e instanceof Error ? e.message : String(e)}`));
} else {
  status.textContent = "open or drop a trace file";
}
