// The guest's thread: plays a recorded session into the shared guest RAM as descriptor chains, kicking the device.
import { replayIntoSharedRam, SharedTransport } from "../src/browser/index.ts";
import { decodeTrace } from "../src/virtio-gpu/index.ts";
import type { DriverStart, WorkerReport } from "./messages.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const report = (m: WorkerReport) => scope.postMessage(m);

scope.onmessage = (event: MessageEvent<DriverStart>) => {
  const { trace, ram, control, layout, paceMs } = event.data;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const transport = new SharedTransport(control);
  try {
    const { records } = decodeTrace(trace);
    const start = performance.now();
    let last = start;
    const result = replayIntoSharedRam(records, ram, layout, transport, (requests) => {
      // A human-watchable pace: a pause after each batch of requests (the guest was idle there, in a way).
      if (paceMs > 0) Atomics.wait(sleeper, 0, 0, paceMs);
      const now = performance.now();
      if (now - last > 100) {
        last = now;
        report({ kind: "progress", requests });
      }
    });
    report({ kind: "driver-done", result, ms: performance.now() - start });
  } catch (e) {
    report({ kind: "error", who: "driver", message: e instanceof Error ? e.message : String(e) });
  } finally {
    transport.stop();
  }
};
