import {
  GuestMemoryRegions,
  type ScanoutConfig,
  SplitVirtqueue,
  type VirtioGpuDevice,
  type VirtqueueConfig,
} from "../virtio-gpu/index.ts";

/**
 * Int32 words of the control block two threads share: a miniature virtio transport. The driver writes the queue
 * registers and sets `Status`; notifications (`Notify`) and interrupts (`Interrupt`) are counters bumped with
 * `Atomics.add` and woken with `Atomics.notify`.
 */
export const ControlWord = {
  /** 0 until the driver has written the queue registers (1), then the device answers 2 when it serves them. */
  Status: 0,
  Notify: 1,
  Interrupt: 2,
  /** Set by the driver: the device leaves its loop. */
  Stop: 3,
  /** The host changed the display: bumped after `Scanouts` words are written; the device copies it to `ConfigAck`. */
  ConfigSeq: 4,
  ConfigAck: 5,
  /** Requests the device executed (both queues). */
  Served: 6,
  /** Two queues of 8 words: size, desc lo/hi, avail lo/hi, used lo/hi, event_idx. */
  Queues: 8,
  /** Up to 16 scanouts of 3 words: width, height, connected. */
  Scanouts: 24,
} as const;

/** Bytes of the control block. */
export const CONTROL_BYTES = (ControlWord.Scanouts + 16 * 3) * 4;
/** How long either side waits for the other before it gives up (a stuck peer must not hang a page). */
export const PEER_TIMEOUT_MS = 10_000;

/** A piece of guest-physical memory at `offset` of the shared RAM. */
export interface SharedRegion {
  readonly guestAddr: bigint;
  readonly offset: number;
  readonly length: number;
}

/** Guest memory over a `SharedArrayBuffer` (both threads build the same one from the same regions). */
export function sharedGuestMemory(ram: SharedArrayBuffer, regions: readonly SharedRegion[]): GuestMemoryRegions {
  return new GuestMemoryRegions(
    regions.map((r) => ({ guestAddr: r.guestAddr, bytes: new Uint8Array(ram, r.offset, r.length) })),
  );
}

const lo = (v: bigint) => Number(v & 0xffff_ffffn) | 0;
const hi = (v: bigint) => Number(v >> 32n) | 0;
const join = (l: number, h: number) => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);

/** Both ends of the control block; one thread uses the driver's methods, the other the device's. */
export class SharedTransport {
  readonly words: Int32Array;

  /** Over `control` ({@link CONTROL_BYTES} bytes). */
  constructor(control: SharedArrayBuffer) {
    this.words = new Int32Array(control, 0, CONTROL_BYTES / 4);
  }

  // The driver's side.

  /** Writes the queue registers and marks the driver ready. */
  setQueues(queues: readonly VirtqueueConfig[]): void {
    queues.forEach((q, i) => {
      const at = ControlWord.Queues + i * 8;
      const values = [q.size, lo(q.descAddr), hi(q.descAddr), lo(q.availAddr), hi(q.availAddr), lo(q.usedAddr)];
      values.push(hi(q.usedAddr), q.eventIdx ? 1 : 0);
      values.forEach((v, k) => {
        Atomics.store(this.words, at + k, v);
      });
    });
    Atomics.store(this.words, ControlWord.Status, 1);
    Atomics.notify(this.words, ControlWord.Status);
  }

  /** Tells the device a queue has new buffers. */
  kick(): void {
    Atomics.add(this.words, ControlWord.Notify, 1);
    Atomics.notify(this.words, ControlWord.Notify);
  }

  /** The interrupt counter now. */
  interrupts(): number {
    return Atomics.load(this.words, ControlWord.Interrupt);
  }

  /** Blocks until the interrupt counter differs from `seen`; false on timeout. */
  waitInterrupt(seen: number, timeoutMs = PEER_TIMEOUT_MS): boolean {
    return Atomics.wait(this.words, ControlWord.Interrupt, seen, timeoutMs) !== "timed-out";
  }

  /** Hands the device new display settings (as a host UI does when its window is resized) and waits till applied. */
  changeDisplay(scanouts: readonly ScanoutConfig[]): boolean {
    scanouts.slice(0, 16).forEach((s, i) => {
      const at = ControlWord.Scanouts + i * 3;
      Atomics.store(this.words, at, s.width);
      Atomics.store(this.words, at + 1, s.height);
      Atomics.store(this.words, at + 2, s.connected === false ? 0 : 1);
    });
    const seq = Atomics.add(this.words, ControlWord.ConfigSeq, 1) + 1;
    this.kick();
    const deadline = Date.now() + PEER_TIMEOUT_MS;
    for (;;) {
      const ack = Atomics.load(this.words, ControlWord.ConfigAck);
      if (ack === seq) return true;
      if (Date.now() > deadline) return false;
      Atomics.wait(this.words, ControlWord.ConfigAck, ack, 100);
    }
  }

  /** Makes the device leave {@link serve}. */
  stop(): void {
    Atomics.store(this.words, ControlWord.Stop, 1);
    this.kick();
  }

  // The device's side.

  /** Waits for the driver's queue registers; false on timeout. */
  waitDriverReady(timeoutMs = PEER_TIMEOUT_MS): boolean {
    if (Atomics.load(this.words, ControlWord.Status) === 0) Atomics.wait(this.words, ControlWord.Status, 0, timeoutMs);
    return Atomics.load(this.words, ControlWord.Status) !== 0;
  }

  /** Queue `i` as the driver configured it. */
  queueConfig(i: number): VirtqueueConfig {
    const w = (k: number) => Atomics.load(this.words, ControlWord.Queues + i * 8 + k);
    return {
      size: w(0),
      descAddr: join(w(1), w(2)),
      availAddr: join(w(3), w(4)),
      usedAddr: join(w(5), w(6)),
      eventIdx: w(7) === 1,
    };
  }

  /** Raises an interrupt. */
  interrupt(): void {
    Atomics.add(this.words, ControlWord.Interrupt, 1);
    Atomics.notify(this.words, ControlWord.Interrupt);
  }

  /**
   * The device's loop, for a worker: serves both queues whenever the driver kicks, raises interrupts when the queues
   * want them, applies display changes, until {@link stop} (or `idleTimeoutMs` without a kick). Returns why it ended.
   * Throws `VirtqueueError` when the queue registers name rings outside `memory` (the caller reports it to the guest).
   */
  serve(device: VirtioGpuDevice, memory: GuestMemoryRegions, idleTimeoutMs = PEER_TIMEOUT_MS): "stopped" | "idle" {
    const queues = [new SplitVirtqueue(memory, this.queueConfig(0)), new SplitVirtqueue(memory, this.queueConfig(1))];
    Atomics.store(this.words, ControlWord.Status, 2);
    for (;;) {
      const seen = Atomics.load(this.words, ControlWord.Notify);
      if (Atomics.load(this.words, ControlWord.Stop) !== 0) return "stopped";
      const seq = Atomics.load(this.words, ControlWord.ConfigSeq);
      if (seq !== Atomics.load(this.words, ControlWord.ConfigAck)) {
        for (let i = 0; i < device.numScanouts; i++) {
          const at = ControlWord.Scanouts + i * 3;
          const width = Atomics.load(this.words, at);
          if (width === 0) continue;
          const height = Atomics.load(this.words, at + 1);
          const connected = Atomics.load(this.words, at + 2) === 1;
          try {
            device.setScanoutConfig(i, { width, height, connected });
          } catch {
            // An impossible size is refused (setScanoutConfig's RangeError); the previous mode stays.
          }
        }
        Atomics.store(this.words, ControlWord.ConfigAck, seq);
        Atomics.notify(this.words, ControlWord.ConfigAck);
      }
      for (let i = 0; i < 2; i++) {
        const before = queues[i]!.usedIdx;
        const notify = device.processQueue(i, queues[i]!);
        Atomics.add(this.words, ControlWord.Served, (queues[i]!.usedIdx - before) & 0xffff);
        if (notify) this.interrupt();
      }
      if (Atomics.wait(this.words, ControlWord.Notify, seen, idleTimeoutMs) === "timed-out") return "idle";
    }
  }
}
