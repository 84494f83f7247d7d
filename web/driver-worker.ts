// The guest's thread: plays a recorded session into the shared guest RAM as descriptor chains, kicking the device.
import { replayIntoSharedRam, SharedTransport } from "../src/browser/index.ts";
import { decodeTrace } from "../src/virtio-gpu/index.ts";
import type { DriverStart, WorkerReport } from "./messages.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const report = (m: WorkerReport) => scope.postMessage(m);

scope.onmessage = (event: MessageEvent<DriverStart>) => {
  const { trace, ram, control, layout } = event.data;
  const transport = new SharedTransport(control);
  try {
    const { records } = decodeTrace(trace);
    const start = performance.now();
    let last = start;
    const result = replayIntoSharedRam(records, ram, layout, transport, (requests) => {
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
