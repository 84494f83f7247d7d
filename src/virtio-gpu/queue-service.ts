import { ReusableBuffer } from "../rutabaga/reusable-buffer.ts";
import type { RutabagaFence } from "../rutabaga/types.ts";
import type { CommandDispatcher, ExecutedRequest } from "./command-dispatch.ts";
import type { CtrlHeader, GpuCommand } from "./commands.ts";
import { FenceTimelines, GLOBAL_TIMELINE, ringTimeline, type TimelineKey } from "./fence-timelines.ts";
import type { GuestMemory } from "./guest-memory.ts";
import { GpuFlags, GpuLayout, GpuResponseType } from "./protocol.ts";
import { isFaulty, type SplitVirtqueue } from "./virtqueue.ts";

/** Most bytes of one request the device reads (a 1 GiB backing in scattered 4 KiB pages, or a large 3D submit). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024 + 64;

interface ParkedItem {
  queue: SplitVirtqueue;
  queueIndex: number;
  head: number;
  written: number;
}

function timelineOf(f: { flags: number; ctxId: number; ringIdx: number }): TimelineKey {
  return (f.flags & GpuFlags.InfoRingIdx) !== 0 ? ringTimeline(f.ctxId, f.ringIdx) : GLOBAL_TIMELINE;
}

/** Writes `length` bytes of `src` across `dst` views; returns how many fit. */
function scatter(src: Uint8Array, length: number, dst: readonly Uint8Array[], capacity: number): number {
  if (capacity < length) {
    // The driver gave too little room: a bare header still tells it something went wrong.
    if (capacity < GpuLayout.CtrlHdr.size) return 0;
    new DataView(src.buffer, src.byteOffset).setUint32(GpuLayout.CtrlHdr.type, GpuResponseType.ErrUnspec, true);
    length = GpuLayout.CtrlHdr.size;
  }
  let at = 0;
  for (const view of dst) {
    if (at >= length) break;
    const take = Math.min(view.length, length - at);
    view.set(src.subarray(at, at + take));
    at += take;
  }
  return at;
}

/**
 * The queue service: takes chains off the virtqueues, gathers each request into one reused buffer, has the
 * dispatcher run it, scatters the response back, and holds fenced responses until their fence completes.
 *
 * Fence completions never re-enter it: the library's fence handler only queues them ({@link fenceCompleted}); they
 * are applied after each request `processQueue` serves, and otherwise by {@link drainCompletions}, which the front
 * end may call (after polling a GPU, say) and which a microtask also runs, so the guest is notified either way.
 */
export class QueueService {
  readonly #dispatcher: CommandDispatcher;
  readonly #onQueueNotify: ((queueIndex: number) => void) | undefined;
  readonly #log: (message: string) => void;
  readonly #fences = new FenceTimelines<ParkedItem>();
  readonly #queues = new Map<number, SplitVirtqueue>();
  #completions: RutabagaFence[] = [];
  readonly #request = new ReusableBuffer(4096);
  /** Chains refused because they were malformed. */
  faultyChains = 0;
  #executing = false;
  #drainScheduled = false;
  /** Queues {@link execute} released responses on (reused: always emptied before it returns). */
  readonly #executeTouched = new Set<number>();
  /** Bytes of the encoder's response to the last request run outside the queues. */
  #lastLength = 0;

  constructor(
    dispatcher: CommandDispatcher,
    onQueueNotify: ((queueIndex: number) => void) | undefined,
    log: (message: string) => void,
  ) {
    this.#dispatcher = dispatcher;
    this.#onQueueNotify = onQueueNotify;
    this.#log = log;
  }

  /** Responses held back behind unfinished fences. */
  get parkedCount(): number {
    return this.#fences.parkedCount;
  }

  /** The library's fence handler: queues the completion and schedules a drain. */
  fenceCompleted(fence: RutabagaFence): void {
    if (!this.#executing && !this.#drainScheduled && this.#completions.length === 0 && this.#fences.parkedCount === 0) {
      // Nothing is held back: recording the completion releases nothing and notifies no one, so it needs no drain.
      this.#fences.complete(timelineOf(fence), fence.fenceId);
      return;
    }
    this.#completions.push({ ...fence });
    // A completion raised while a request executes is applied when that request returns (#serve); only one that
    // arrives from outside (GL finishing later, a host socket) needs the microtask.
    if (this.#executing || this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      this.drainCompletions();
    });
  }

  /** Applies queued fence completions: released responses go to the used rings, and their drivers are notified. */
  drainCompletions(): void {
    const touched = new Set<number>();
    this.#applyCompletions(touched);
    for (const qi of touched) this.#notifyIfWanted(qi);
  }

  /** Serves every chain available on `queue`; true when the driver wants an interrupt for it now. */
  processQueue(queueIndex: number, queue: SplitVirtqueue): boolean {
    this.#queues.set(queueIndex, queue);
    const touched = new Set<number>();
    for (;;) {
      const chain = queue.pop();
      if (chain === undefined) break;
      if (isFaulty(chain)) {
        this.faultyChains++;
        this.#log(`queue ${queueIndex}: refused chain ${chain.head}: ${chain.fault}`);
        queue.pushUsed(chain.head, 0);
        continue;
      }
      let length = chain.readableLength;
      if (length > MAX_REQUEST_BYTES) length = 0;
      const request = this.#requestBuffer(length);
      let at = 0;
      for (const view of chain.readable) {
        if (at >= length) break;
        const take = Math.min(view.length, length - at);
        request.set(take === view.length ? view : view.subarray(0, take), at);
        at += take;
      }
      const { responseLength, hdr, fenced } = this.#serve(queueIndex, length, queue.memory, touched);
      const written = scatter(this.#dispatcher.encoder.bytes, responseLength, chain.writable, chain.writableLength);
      if (fenced && hdr !== undefined) {
        const timeline = timelineOf(hdr);
        if (!this.#fences.isDone(timeline, hdr.fenceId)) {
          this.#fences.park(timeline, hdr.fenceId, { queue, queueIndex, head: chain.head, written });
          continue;
        }
      }
      queue.pushUsed(chain.head, written);
    }
    for (const qi of touched) if (qi !== queueIndex) this.#notifyIfWanted(qi);
    return queue.needsNotification();
  }

  /** Runs one request given as bytes and returns a copy of the response; a fence never holds it back. */
  executeCopy(queueIndex: number, request: Uint8Array, memory: GuestMemory): Uint8Array {
    const responseLength = this.#executeBytes(queueIndex, request, memory);
    return this.#dispatcher.encoder.bytes.slice(0, responseLength);
  }

  /** Runs one request given as bytes like {@link executeCopy} and returns only the response's type (no copy made). */
  executeForType(queueIndex: number, request: Uint8Array, memory: GuestMemory): number {
    this.#executeBytes(queueIndex, request, memory);
    return this.#dispatcher.encoder.responseType;
  }

  /**
   * Runs one command given typed (an in-process driver's) and returns the response's type; the response's bytes are
   * {@link lastResponse} until the next request. A fence never holds it back.
   */
  executeTyped(queueIndex: number, hdr: CtrlHeader, command: GpuCommand, memory: GuestMemory): number {
    const touched = this.#executeTouched;
    this.#executing = true;
    try {
      this.#lastLength = this.#dispatcher.runTyped(queueIndex, hdr, command, memory).responseLength;
    } finally {
      this.#executing = false;
    }
    this.#applyCompletions(touched);
    this.#notifyTouched(touched);
    return this.#dispatcher.encoder.responseType;
  }

  /** The response of the last request run outside the queues (a view, valid until the next request). */
  get lastResponse(): Uint8Array {
    return this.#dispatcher.encoder.bytes.subarray(0, this.#lastLength);
  }

  /** Runs the request; the response stays in the encoder until the next request. Returns its length. */
  #executeBytes(queueIndex: number, request: Uint8Array, memory: GuestMemory): number {
    const length = request.length > MAX_REQUEST_BYTES ? 0 : request.length;
    this.#requestBuffer(length).set(length === request.length ? request : request.subarray(0, length));
    const touched = this.#executeTouched;
    const { responseLength } = this.#serve(queueIndex, length, memory, touched);
    this.#notifyTouched(touched);
    this.#lastLength = responseLength;
    return responseLength;
  }

  #notifyTouched(touched: Set<number>): void {
    if (touched.size === 0) return;
    const queues = [...touched];
    touched.clear();
    for (const qi of queues) this.#notifyIfWanted(qi);
  }

  /** Forgets parked responses, queued completions and queues (device reset). */
  reset(): void {
    this.#fences.clear();
    this.#completions = [];
    this.#queues.clear();
  }

  /** The one path both entry points share: run the request in the buffer, then apply what completed meanwhile. */
  #serve(queueIndex: number, length: number, memory: GuestMemory, touched: Set<number>): ExecutedRequest {
    this.#executing = true;
    let result: ExecutedRequest;
    try {
      result = this.#dispatcher.decodeAndRun(queueIndex, this.#request.bytes, this.#request.view, length, memory);
    } finally {
      this.#executing = false;
    }
    this.#applyCompletions(touched);
    return result;
  }

  #applyCompletions(touched: Set<number>): void {
    while (this.#completions.length > 0) {
      const completions = this.#completions;
      this.#completions = [];
      for (const fence of completions) {
        for (const p of this.#fences.complete(timelineOf(fence), fence.fenceId)) {
          p.queue.pushUsed(p.head, p.written);
          touched.add(p.queueIndex);
        }
      }
    }
  }

  #requestBuffer(length: number): Uint8Array {
    return this.#request.reserve(length);
  }

  #notifyIfWanted(queueIndex: number): void {
    const q = this.#queues.get(queueIndex);
    if (q?.needsNotification()) this.#onQueueNotify?.(queueIndex);
  }
}
