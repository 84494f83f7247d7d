// The device's thread: a VirtioGpuDevice over the shared guest RAM, serving its queues whenever the driver kicks.
import { SharedFrameSink, SharedTransport, sharedGuestMemory } from "../src/browser/index.ts";
import { type DisplaySink, VirtioGpuDevice } from "../src/virtio-gpu/index.ts";
import { flushDigest } from "./flush-digest.ts";
import type { DeviceStart, WorkerReport } from "./messages.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const report = (m: WorkerReport) => scope.postMessage(m);

scope.onmessage = (event: MessageEvent<DeviceStart>) => {
  const { ram, control, regions, scanouts } = event.data;
  try {
    const transport = new SharedTransport(control);
    const shared = new SharedFrameSink((message, transfer) => scope.postMessage(message, transfer ?? []));
    const digests: number[] = [];
    const sink: DisplaySink = !event.data.digests
      ? shared
      : {
          scanoutChanged: (id, mode) => shared.scanoutChanged(id, mode),
          flush: (id, rect, frame) => {
            digests.push(flushDigest(id, rect, frame));
            shared.flush(id, rect, frame);
          },
          cursorChanged: (cursor) => shared.cursorChanged(cursor),
          cursorMoved: (id, x, y) => shared.cursorMoved(id, x, y),
        };
    const device = new VirtioGpuDevice({ scanouts, sink, onQueueNotify: () => transport.interrupt() });
    if (!transport.waitDriverReady()) throw new Error("the driver never configured its queues");
    const why = transport.serve(device, sharedGuestMemory(ram, regions));
    report({
      kind: "device-stopped",
      why,
      sinkErrors: device.sinkErrors,
      faultyChains: device.faultyChains,
      digests,
      scanouts: device.scanoutConfigs(),
    });
  } catch (e) {
    report({ kind: "error", who: "device", message: e instanceof Error ? e.message : String(e) });
  }
};
