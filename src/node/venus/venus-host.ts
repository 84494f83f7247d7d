import { MessageChannel, Worker } from "node:worker_threads";
import type { VenusHost, VenusHostContext, VenusHostShmem } from "../../components/venus/venus-component.ts";
import { RutabagaHandleType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { RutabagaHandle } from "../../rutabaga/types.ts";
import { closeFd, dupFd } from "../os/fd.ts";
import { createMemfd } from "../os/memfd.ts";
import { MemoryMapping } from "../os/memory-mapping.ts";
import { RingStatus } from "./venus-ring.ts";
import { CONTROL_WORDS, Control, type FromWorker, type ToWorker } from "./venus-worker-protocol.ts";

/** How the Node venus host runs. */
export interface NodeVenusHostOptions {
  /** The Vulkan loader to open in each worker (default `libvulkan.so.1`). */
  readonly library?: string;
  /** Receives what a context's worker reports (a fatal command, teardown counts). */
  readonly log?: (message: string) => void;
  /** Longest wait for a worker to destroy its host objects when its context ends (ms, default 5000). */
  readonly stopTimeoutMs?: number;
}

/** A memfd mapped here; the worker gets its own descriptor and mapping. */
class NodeShmem implements VenusHostShmem {
  readonly fd: number;
  readonly #mapping: MemoryMapping;

  constructor(size: number) {
    this.fd = createMemfd("venus-shmem", size);
    try {
      this.#mapping = MemoryMapping.map(this.fd, size);
    } catch (e) {
      closeFd(this.fd);
      throw e;
    }
  }

  get bytes(): Uint8Array {
    return this.#mapping.bytes;
  }

  get mapped(): boolean {
    return this.#mapping.mapped;
  }

  exportHandle(): RutabagaHandle {
    return { os: dupFd(this.fd), handleType: RutabagaHandleType.MemShm };
  }

  release(): void {
    this.#mapping.unmap();
    closeFd(this.fd);
  }
}

/** The worker module next to this one: .js when built, .ts under tsx (which the worker must load first). */
function workerScript(): { script: string | URL; evalCode: boolean } {
  const here = import.meta.url;
  if (here.endsWith(".js")) return { script: new URL("./venus-worker.js", here), evalCode: false };
  const target = new URL("./venus-worker.ts", here).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  return {
    script: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`,
    evalCode: true,
  };
}

interface Stamp {
  readonly words: Int32Array;
  readonly index: number;
  readonly resourceId: number;
}

/** How a context's worker ended: host instances and devices made, destroyed, and objects left in its table. */
export interface VenusTeardown {
  readonly created: number;
  readonly destroyed: number;
  readonly left: number;
  readonly stopped: boolean;
}

/** One context's worker, seen from the main thread. */
class WorkerContext implements VenusHostContext {
  readonly #worker: Worker;
  readonly #port: MessageChannel["port1"];
  readonly #ctl: Int32Array;
  readonly #shmems = new Map<number, NodeShmem>();
  readonly #stamps = new Map<bigint, Stamp>();
  readonly #log: (m: string) => void;
  readonly #stopTimeoutMs: number;
  readonly #onEnd: (t: VenusTeardown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #periodMs = 0;
  #alive = true;
  #destroyed = false;

  constructor(
    name: string,
    options: NodeVenusHostOptions,
    onFence: (ringIdx: number, fenceId: bigint) => void,
    onEnd: (t: VenusTeardown) => void,
  ) {
    this.#log = options.log ?? (() => {});
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.#onEnd = onEnd;
    const control = new SharedArrayBuffer(4 * CONTROL_WORDS);
    this.#ctl = new Int32Array(control);
    const channel = new MessageChannel();
    this.#port = channel.port1;
    const { script, evalCode } = workerScript();
    this.#worker = new Worker(script, {
      eval: evalCode,
      name: `venus ${name}`,
      workerData: { port: channel.port2, control, library: options.library },
      transferList: [channel.port2],
    });
    this.#worker.unref();
    this.#worker.on("message", (m: FromWorker) => {
      switch (m.t) {
        case "fence":
          onFence(m.ringIdx, m.fenceId);
          return;
        case "ring":
          this.#stamp(m.id, m.resourceId, m.statusByteOffset, m.periodUs);
          return;
        case "unring":
          this.#stamps.delete(m.id);
          return;
        case "fatal":
          this.#log(`venus context ${name}: ${m.message}`);
          return;
      }
    });
    this.#worker.on("error", (e) => {
      this.#alive = false;
      this.#log(`venus context ${name}: worker failed: ${e.message}`);
    });
    this.#worker.on("exit", () => {
      // No more ALIVE stamps: a guest waiting on a dead context aborts instead of waiting forever.
      this.#alive = false;
      this.#stopTimer();
    });
  }

  #send(m: ToWorker): void {
    this.#port.postMessage(m);
    Atomics.add(this.#ctl, Control.Doorbell, 1);
    Atomics.notify(this.#ctl, Control.Doorbell);
  }

  /** The main thread sets ALIVE on each monitored ring every reporting period while the worker runs. */
  #stamp(id: bigint, resourceId: number, statusByteOffset: number, periodUs: number): void {
    const shmem = this.#shmems.get(resourceId);
    if (shmem === undefined || periodUs === 0) return;
    const b = shmem.bytes;
    this.#stamps.set(id, {
      words: new Int32Array(b.buffer, b.byteOffset, Math.floor(b.byteLength / 4)),
      index: statusByteOffset / 4,
      resourceId,
    });
    const periodMs = Math.max(10, Math.floor(periodUs / 2000));
    if (this.#timer === undefined || periodMs < this.#periodMs) {
      this.#stopTimer();
      this.#periodMs = periodMs;
      this.#timer = setInterval(() => {
        if (!this.#alive) return;
        for (const s of this.#stamps.values()) Atomics.or(s.words, s.index, RingStatus.Alive);
      }, periodMs);
      this.#timer.unref();
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  submit(commands: Uint8Array): void {
    if (this.#destroyed) return;
    this.#send({ t: "submit", bytes: commands });
  }

  attachBlob(resourceId: number, shmem: VenusHostShmem): void {
    if (!(shmem instanceof NodeShmem)) throw new RutabagaError("InvalidResourceId", "not a Node venus blob");
    const fd = dupFd(shmem.fd);
    this.#shmems.set(resourceId, shmem);
    this.#send({ t: "blob", resourceId, fd, size: shmem.bytes.byteLength });
  }

  detachBlob(resourceId: number): void {
    this.#shmems.delete(resourceId);
    for (const [id, s] of this.#stamps) if (s.resourceId === resourceId) this.#stamps.delete(id);
    this.#send({ t: "unblob", resourceId });
  }

  fence(ringIdx: number, fenceId: bigint): void {
    this.#send({ t: "fence", ringIdx, fenceId });
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#stopTimer();
    this.#stamps.clear();
    this.#send({ t: "stop" });
    // The context ends synchronously with its host objects: the worker destroys them, then says so.
    const waited = Atomics.wait(this.#ctl, Control.Stopped, 0, this.#stopTimeoutMs);
    const stopped = Atomics.load(this.#ctl, Control.Stopped) === 1;
    if (!stopped) this.#log(`venus: a context's worker did not stop in ${this.#stopTimeoutMs} ms (${waited})`);
    this.#onEnd({
      created: Atomics.load(this.#ctl, Control.Created),
      destroyed: Atomics.load(this.#ctl, Control.Destroyed),
      left: Atomics.load(this.#ctl, Control.Left),
      stopped,
    });
    this.#port.close();
    void this.#worker.terminate();
    this.#shmems.clear();
  }
}

/**
 * The Node host of the venus component: blobs are memfds (the client maps its copy of the descriptor), each context
 * runs in its own worker thread on the host's Vulkan, and the main thread stamps every monitored ring ALIVE.
 */
export class NodeVenusHost implements VenusHost {
  readonly #options: NodeVenusHostOptions;
  readonly #contexts = new Set<WorkerContext>();
  /** How each ended context's worker finished (for leak checks). */
  readonly teardowns: VenusTeardown[] = [];

  constructor(options: NodeVenusHostOptions = {}) {
    this.#options = options;
  }

  createContext(_ctxId: number, name: string, onFence: (ringIdx: number, fenceId: bigint) => void): VenusHostContext {
    const ctx = new WorkerContext(name, this.#options, onFence, (t) => {
      this.teardowns.push(t);
      this.#contexts.delete(ctx);
      this.#options.log?.(
        `venus context ${name} ended: ${t.created} host objects made, ${t.destroyed} destroyed, ${t.left} left`,
      );
    });
    this.#contexts.add(ctx);
    return ctx;
  }

  createShmem(size: number): VenusHostShmem {
    return new NodeShmem(size);
  }

  destroy(): void {
    for (const ctx of [...this.#contexts]) ctx.destroy();
  }
}
