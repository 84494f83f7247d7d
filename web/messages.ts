import type { SharedRegion, SharedReplayResult, TraceLayout } from "../src/browser/index.ts";
import type { ScanoutConfig } from "../src/virtio-gpu/index.ts";

/** The page to the device worker: its guest RAM, the control block and the display it has. */
export interface DeviceStart {
  ram: SharedArrayBuffer;
  control: SharedArrayBuffer;
  regions: SharedRegion[];
  scanouts: ScanoutConfig[];
  /** Also report a digest of every flush as the device made it (`?digests=1`; tests compare them with Node's). */
  digests: boolean;
}

/** The page to the driver worker: the trace to play into the same RAM. */
export interface DriverStart {
  trace: Uint8Array;
  ram: SharedArrayBuffer;
  control: SharedArrayBuffer;
  layout: TraceLayout;
  /** Milliseconds to pause after each batch (`?pace=MS`; 0: as fast as it goes). */
  paceMs: number;
}

/** What the workers report besides display messages. */
export type WorkerReport =
  | {
      kind: "device-stopped";
      why: string;
      sinkErrors: number;
      faultyChains: number;
      digests: number[];
      scanouts: ScanoutConfig[];
    }
  | { kind: "progress"; requests: number }
  | { kind: "driver-done"; result: SharedReplayResult; ms: number }
  | { kind: "error"; who: string; message: string };
