// The emulator recipe's page: guest RAM and the control block in SharedArrayBuffers, the device and the driver in
// workers, the scanout painted here from the device's shared frames.
import {
  CanvasSink,
  CONTROL_BYTES,
  isDisplayMessage,
  layoutTrace,
  SharedFrameReceiver,
  type SharedReplayResult,
} from "../src/browser/index.ts";
import { decodeTrace, type ScanoutConfig } from "../src/virtio-gpu/index.ts";
import type { DeviceStart, DriverStart, WorkerReport } from "./messages.ts";

/** What the page exposes for tests: set when both workers are done. */
interface EmulatorOutcome {
  done: boolean;
  error?: string;
  result?: Omit<SharedReplayResult, "errors"> & { errors: [number, number][] };
  ms?: number;
  deviceStopped?: string;
  sinkErrors?: number;
  faultyChains?: number;
  flushes?: number;
  /** With `?digests=1`: every flush as the device made it (see flush-digest.ts). */
  digests?: number[];
  /** The device's display configuration at the end. */
  scanouts?: ScanoutConfig[];
}
const outcome: EmulatorOutcome = { done: false };
(globalThis as { rutabagaEmulator?: EmulatorOutcome }).rutabagaEmulator = outcome;

const status = document.getElementById("status")!;
const stats = document.getElementById("stats")!;
const fail = (message: string) => {
  outcome.error = message;
  outcome.done = true;
  status.textContent = message;
  status.className = "error";
};

async function main(): Promise<void> {
  if (!crossOriginIsolated) throw new Error("SharedArrayBuffer needs cross-origin isolation (serve with npm run demo)");
  const params = new URLSearchParams(location.search);
  const url = params.get("trace") ?? "fixtures/linux-640x480.trace";
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const trace = new Uint8Array(await response.arrayBuffer());
  const { header, records } = decodeTrace(trace);
  const layout = layoutTrace(records);
  const ram = new SharedArrayBuffer(layout.bytes);
  const control = new SharedArrayBuffer(CONTROL_BYTES);

  const canvas = document.getElementById("scanout") as HTMLCanvasElement;
  const cursor = document.getElementById("cursor") as HTMLCanvasElement;
  const sink = new CanvasSink(canvas, { cursor });
  const receiver = new SharedFrameReceiver(sink);
  const device = new Worker(new URL("./device-worker.js", import.meta.url), { type: "module" });
  const driver = new Worker(new URL("./driver-worker.js", import.meta.url), { type: "module" });
  let pending = 2;
  const finish = () => {
    if (--pending > 0) return;
    outcome.flushes = sink.flushes;
    outcome.done = true;
    const r = outcome.result!;
    status.textContent = `done: ${r.requests} requests in ${outcome.ms!.toFixed(0)} ms`;
    stats.textContent = [
      `trace          ${trace.length} bytes, ${records.length} records`,
      `guest RAM      ${layout.bytes} bytes shared (${layout.regions.length} regions packed)`,
      `requests       ${r.requests} (${r.errors.length} error types), ${r.drains} waits for interrupts`,
      `flushes        ${sink.flushes} painted, ${sink.pixelsPainted} pixels`,
      `replay speed   ${((r.requests / outcome.ms!) * 1000).toFixed(0)} requests/s`,
    ].join("\n");
    device.terminate();
    driver.terminate();
  };
  device.onmessage = (event: MessageEvent<unknown>) => {
    if (isDisplayMessage(event.data)) {
      receiver.receive(event.data);
      return;
    }
    const m = event.data as WorkerReport;
    if (m.kind === "error") fail(`${m.who} worker: ${m.message}`);
    else if (m.kind === "device-stopped") {
      outcome.deviceStopped = m.why;
      outcome.sinkErrors = m.sinkErrors;
      outcome.faultyChains = m.faultyChains;
      outcome.digests = m.digests;
      outcome.scanouts = m.scanouts;
      finish();
    }
  };
  driver.onmessage = (event: MessageEvent<WorkerReport>) => {
    const m = event.data;
    if (m.kind === "error") fail(`${m.who} worker: ${m.message}`);
    else if (m.kind === "progress") status.textContent = `${m.requests} requests…`;
    else if (m.kind === "driver-done") {
      outcome.result = { ...m.result, errors: [...m.result.errors] };
      outcome.ms = m.ms;
      finish();
    }
  };
  for (const w of [device, driver]) w.onerror = (e) => fail(`worker error: ${e.message}`);
  const deviceStart: DeviceStart = {
    ram,
    control,
    regions: [...layout.regions, layout.driverArea],
    scanouts: header.scanouts,
    digests: params.get("digests") === "1",
  };
  device.postMessage(deviceStart);
  const pace = Number(params.get("pace") ?? 0);
  const driverStart: DriverStart = { trace, ram, control, layout, paceMs: Number.isFinite(pace) ? pace : 0 };
  driver.postMessage(driverStart);
  status.textContent = `playing ${url}…`;
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
