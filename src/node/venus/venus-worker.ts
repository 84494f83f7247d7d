// The worker of one venus context: it maps the context's blobs itself, decodes the virtqueue and the rings, and makes
// every Vulkan call, so a long host call never holds up the main thread (sockets, syncs, the rings' ALIVE stamp).
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { closeFd } from "../os/fd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import { VulkanLibrary } from "../vulkan/vulkan-library.ts";
import { VenusExecutor } from "./venus-executor.ts";
import { RingStatus } from "./venus-ring.ts";
import { VenusRuntime } from "./venus-runtime.ts";
import { Control, type FromWorker, type ToWorker } from "./venus-worker-protocol.ts";

const { port, control, library } = workerData as { port: MessagePort; control: SharedArrayBuffer; library?: string };
const ctl = new Int32Array(control);
const post = (m: FromWorker) => parentPort!.postMessage(m);

const mappings = new Map<number, MemoryMapping>();
/** Blobs the guest released while a ring still lived in them: unmapped when the ring goes. */
const orphans = new Map<number, MemoryMapping>();

let executor: VenusExecutor;
try {
  executor = new VenusExecutor(VulkanLibrary.load(library));
} catch (e) {
  post({ t: "fatal", message: (e as Error).message });
  Atomics.store(ctl, Control.Stopped, 1);
  Atomics.notify(ctl, Control.Stopped);
  process.exit(0);
}

const runtime = new VenusRuntime(executor, {
  fence: (ringIdx, fenceId) => post({ t: "fence", ringIdx, fenceId }),
  ringCreated: (ring, resourceId, statusByteOffset, periodUs) =>
    post({ t: "ring", id: ring.id, resourceId, statusByteOffset, periodUs }),
  ringDestroyed: (ring) => {
    post({ t: "unring", id: ring.id });
    const orphan = orphans.get(ring.resourceId);
    if (orphan !== undefined && !runtime.ringsIn(ring.resourceId)) {
      orphans.delete(ring.resourceId);
      orphan.unmap();
    }
  },
  fatal: (message) => post({ t: "fatal", message }),
});

function handle(m: ToWorker): boolean {
  switch (m.t) {
    case "blob": {
      let mapping: MemoryMapping;
      try {
        mapping = MemoryMapping.map(m.fd, m.size);
      } finally {
        closeFd(m.fd);
      }
      mappings.set(m.resourceId, mapping);
      runtime.attachBlob(m.resourceId, mapping.bytes);
      return true;
    }
    case "unblob": {
      const mapping = mappings.get(m.resourceId);
      mappings.delete(m.resourceId);
      runtime.detachBlob(m.resourceId);
      if (mapping === undefined) return true;
      if (runtime.ringsIn(m.resourceId)) orphans.set(m.resourceId, mapping);
      else mapping.unmap();
      return true;
    }
    case "submit":
      runtime.submit(m.bytes);
      return true;
    case "fence":
      runtime.fence(m.ringIdx, m.fenceId);
      return true;
    case "stop":
      return false;
  }
}

/** Polls with busy turns first, then sleeps that double up to 1 ms (woken early by the doorbell). */
const BUSY_TURNS = 16;
const MAX_SLEEP_MS = 1;
let quiet = 0;
let running = true;
while (running) {
  const bell = Atomics.load(ctl, Control.Doorbell);
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    if (!handle(m.message as ToWorker)) {
      running = false;
      break;
    }
  }
  if (!running) break;
  if (runtime.step()) {
    quiet = 0;
    continue;
  }
  const now = performance.now();
  let parked = runtime.fatalReason !== undefined || runtime.queued === 0;
  for (const ring of runtime.rings) {
    if (ring.idle) continue;
    if (now - ring.lastActive < ring.idleTimeoutNs / 1e6) {
      parked = false;
      continue;
    }
    // IDLE first, then the tail again: a guest that wrote before seeing IDLE is not missed.
    ring.setStatus(RingStatus.Idle);
    if (ring.pending() === 0) ring.idle = true;
    else {
      ring.clearStatus(RingStatus.Idle);
      parked = false;
    }
  }
  if (parked) {
    // Every ring sleeps until vkNotifyRingMESA, which comes through the virtqueue: the doorbell wakes us.
    Atomics.wait(ctl, Control.Doorbell, bell);
    quiet = 0;
    continue;
  }
  quiet++;
  if (quiet > BUSY_TURNS)
    Atomics.wait(ctl, Control.Doorbell, bell, Math.min(MAX_SLEEP_MS, 0.01 * 2 ** (quiet - BUSY_TURNS)));
}

let error: string | undefined;
try {
  runtime.close();
} catch (e) {
  error = (e as Error).message;
}
for (const m of mappings.values()) m.unmap();
for (const m of orphans.values()) m.unmap();
Atomics.store(ctl, Control.Created, executor.counts.created);
Atomics.store(ctl, Control.Destroyed, executor.counts.destroyed);
Atomics.store(ctl, Control.Left, executor.objects.size);
Atomics.store(ctl, Control.Stopped, 1);
Atomics.notify(ctl, Control.Stopped);
if (error !== undefined) post({ t: "fatal", message: `teardown: ${error}` });
port.close();
