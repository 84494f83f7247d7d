import { EventFd } from "../os/eventfd.ts";
import { SyncPointWord, VTEST_SYNC_WAIT_FOREVER_MS, type VtestLimits, VtestSyncWaitFlag } from "./protocol.ts";
import { VtestError } from "./vtest-error.ts";

/** The limits a {@link VtestSyncTable} enforces. */
export type VtestSyncLimits = Pick<VtestLimits, "maxSyncs" | "maxPendingWaits" | "maxPendingSubmits">;

/** One timeline sync: a 64-bit value, and the waits that still need it to reach theirs. */
class Sync {
  value: bigint;
  /** Pending waits naming this sync; a sync unreferenced by the client lives on while one holds it. */
  readonly waits = new Set<PendingWait>();
  constructor(value: bigint) {
    this.value = value;
  }
}

/** A SYNC_WAIT not yet satisfied: its eventfd (the client holds a copy) is written once when it is. */
interface PendingWait {
  readonly fd: EventFd;
  readonly any: boolean;
  /** `performance.now()` after which nobody is waiting any more; Infinity for no timeout. */
  readonly deadline: number;
  /** Sync → the value it must reach; an entry goes when reached. */
  readonly needs: Map<Sync, bigint>;
}

/** A SUBMIT_CMD2 batch's syncs, written when its ring fence retires. */
interface RingSubmit {
  readonly fenceId: bigint;
  readonly syncs: readonly Sync[];
  readonly values: readonly bigint[];
}

/** Syncs named by a request, resolved against the table (see {@link VtestSyncTable.resolve}). */
export interface ResolvedSyncs {
  readonly syncs: readonly Sync[];
  readonly values: readonly bigint[];
}

/** The largest sync id; ids are never reused within a client. */
const MAX_SYNC_ID = 0xffff_ffff;

function pointValue(points: Uint32Array, i: number): bigint {
  const at = i * SyncPointWord.WORDS;
  return (BigInt(points[at + SyncPointWord.valueHi]!) << 32n) | BigInt(points[at + SyncPointWord.valueLo]!);
}

/**
 * One vtest client's timeline syncs (protocol 3's SYNC_*): 64-bit values the client creates, reads and writes, that
 * SUBMIT_CMD2 batches write when their ring fence retires, and that SYNC_WAIT watches. A wait is answered at once
 * with an eventfd the client polls; the table writes it when the syncs reach their values, so the server never
 * blocks. Syncs, pending waits and pending ring submits are bounded per client; a wait past its timeout is dropped
 * (the client's own poll times out). A failed request changes nothing.
 */
export class VtestSyncTable {
  readonly #limits: VtestSyncLimits;
  readonly #now: () => number;
  readonly #syncs = new Map<number, Sync>();
  readonly #waits = new Set<PendingWait>();
  /** Per ring, the submits waiting for its fence, oldest first. */
  readonly #rings = new Map<number, RingSubmit[]>();
  #pendingSubmits = 0;
  #nextId = 1;
  #nextFence = 1n;
  #closed = false;

  constructor(limits: VtestSyncLimits, now: () => number = () => performance.now()) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Syncs the client holds. */
  get syncCount(): number {
    return this.#syncs.size;
  }

  /** SYNC_WAITs still pending (each holds an eventfd). */
  get pendingWaits(): number {
    return this.#waits.size;
  }

  /** Ring submits whose fence has not retired. */
  get pendingSubmits(): number {
    return this.#pendingSubmits;
  }

  /** SYNC_CREATE: a new sync at `value`; its id. */
  create(value: bigint): number | VtestError {
    if (this.#syncs.size >= this.#limits.maxSyncs) return new VtestError(`more than ${this.#limits.maxSyncs} syncs`);
    if (this.#nextId > MAX_SYNC_ID) return new VtestError("sync ids exhausted");
    const id = this.#nextId++;
    this.#syncs.set(id, new Sync(value));
    return id;
  }

  /** SYNC_UNREF: the id goes; pending waits and submits naming it keep the sync itself. */
  unref(id: number): VtestError | undefined {
    if (!this.#syncs.delete(id)) return new VtestError(`no sync ${id}`);
    return undefined;
  }

  /** SYNC_READ: the sync's value. */
  read(id: number): bigint | VtestError {
    const sync = this.#syncs.get(id);
    return sync === undefined ? new VtestError(`no sync ${id}`) : sync.value;
  }

  /** SYNC_WRITE: sets the value (a lower one too, as a reset) and wakes the waits it satisfies. */
  write(id: number, value: bigint): VtestError | undefined {
    const sync = this.#syncs.get(id);
    if (sync === undefined) return new VtestError(`no sync ${id}`);
    this.#signal(sync, value);
    return undefined;
  }

  /** Looks up the `(id, lo, hi)` triples of `points`; any unknown id refuses them all. */
  resolve(points: Uint32Array): ResolvedSyncs | VtestError {
    const count = points.length / SyncPointWord.WORDS;
    const syncs: Sync[] = [];
    const values: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const id = points[i * SyncPointWord.WORDS + SyncPointWord.id]!;
      const sync = this.#syncs.get(id);
      if (sync === undefined) return new VtestError(`no sync ${id}`);
      syncs.push(sync);
      values.push(pointValue(points, i));
    }
    return { syncs, values };
  }

  /** Writes resolved syncs now (a SUBMIT_CMD2 batch without a ring fence: its commands have run). */
  signalAll(r: ResolvedSyncs): void {
    for (let i = 0; i < r.syncs.length; i++) this.#signal(r.syncs[i]!, r.values[i]!);
  }

  /**
   * Queues resolved syncs behind a fence on `ring`; returns the fence id to create. {@link retire} with that id (or a
   * later one on the same ring) writes them.
   */
  queueOnRing(ring: number, r: ResolvedSyncs): bigint | VtestError {
    if (this.#pendingSubmits >= this.#limits.maxPendingSubmits)
      return new VtestError(`more than ${this.#limits.maxPendingSubmits} submits waiting on ring fences`);
    const fenceId = this.#nextFence++;
    let queue = this.#rings.get(ring);
    if (queue === undefined) {
      queue = [];
      this.#rings.set(ring, queue);
    }
    queue.push({ fenceId, syncs: r.syncs, values: r.values });
    this.#pendingSubmits++;
    return fenceId;
  }

  /** Takes back the last {@link queueOnRing} of `ring` when its fence could not be created. */
  unqueue(ring: number, fenceId: bigint): void {
    const queue = this.#rings.get(ring);
    if (queue === undefined || queue.at(-1)?.fenceId !== fenceId) return;
    queue.pop();
    this.#pendingSubmits--;
  }

  /** A fence of `ring` retired: every submit queued on it up to `fenceId` writes its syncs, in order. */
  retire(ring: number, fenceId: bigint): void {
    const queue = this.#rings.get(ring);
    if (queue === undefined) return;
    let done = 0;
    while (done < queue.length && queue[done]!.fenceId <= fenceId) done++;
    if (done === 0) return;
    const retired = queue.splice(0, done);
    this.#pendingSubmits -= done;
    for (const submit of retired) {
      for (let i = 0; i < submit.syncs.length; i++) this.#signal(submit.syncs[i]!, submit.values[i]!);
    }
  }

  /**
   * SYNC_WAIT: an eventfd that becomes readable when every named sync (one, with ANY) reaches its value. Syncs
   * already there count at once. `pending` says whether the table keeps the eventfd to write later (then it closes it
   * itself); otherwise it is already written (or, with timeout 0, never will be) and the caller closes it after
   * sending it.
   */
  wait(flags: number, timeoutMs: number, points: Uint32Array): { fd: EventFd; pending: boolean } | VtestError {
    const resolved = this.resolve(points);
    if (resolved instanceof VtestError) return resolved;
    const any = (flags & VtestSyncWaitFlag.Any) !== 0;
    const needs = new Map<Sync, bigint>();
    let reachedOne = false;
    for (let i = 0; i < resolved.syncs.length; i++) {
      const sync = resolved.syncs[i]!;
      const value = resolved.values[i]!;
      if (sync.value >= value) {
        reachedOne = true;
        continue;
      }
      // The same sync named twice must reach the larger value.
      const before = needs.get(sync);
      if (before === undefined || before < value) needs.set(sync, value);
    }
    const ready = needs.size === 0 || (any && reachedOne);
    const pending = !ready && timeoutMs !== 0;
    if (pending) {
      this.#collectExpired();
      if (this.#waits.size >= this.#limits.maxPendingWaits)
        return new VtestError(`more than ${this.#limits.maxPendingWaits} pending sync waits`);
    }
    const fd = EventFd.create();
    if (ready) fd.signal(1n);
    if (!pending) return { fd, pending };
    const deadline = timeoutMs > VTEST_SYNC_WAIT_FOREVER_MS ? Number.POSITIVE_INFINITY : this.#now() + timeoutMs;
    const wait: PendingWait = { fd, any, deadline, needs };
    this.#waits.add(wait);
    for (const sync of needs.keys()) sync.waits.add(wait);
    return { fd, pending };
  }

  #signal(sync: Sync, value: bigint): void {
    const rose = value > sync.value;
    sync.value = value;
    if (!rose || sync.waits.size === 0) return;
    const now = this.#now();
    for (const wait of [...sync.waits]) {
      if (wait.deadline < now) {
        this.#drop(wait);
        continue;
      }
      const need = wait.needs.get(sync)!;
      if (value < need) continue;
      wait.needs.delete(sync);
      sync.waits.delete(wait);
      if (wait.any || wait.needs.size === 0) {
        wait.fd.signal(1n);
        this.#drop(wait);
      }
    }
  }

  #drop(wait: PendingWait): void {
    this.#waits.delete(wait);
    for (const sync of wait.needs.keys()) sync.waits.delete(wait);
    wait.fd.close();
  }

  #collectExpired(): void {
    const now = this.#now();
    for (const wait of [...this.#waits]) if (wait.deadline < now) this.#drop(wait);
  }

  /** Closes every pending wait's eventfd and forgets every sync and submit. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const wait of [...this.#waits]) this.#drop(wait);
    this.#syncs.clear();
    this.#rings.clear();
    this.#pendingSubmits = 0;
  }
}
