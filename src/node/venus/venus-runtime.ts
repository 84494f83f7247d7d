import { VENUS_PROTOCOL_COMMANDS } from "../../components/venus/venus-executed.ts";
import { decodeVenusCommand, type VenusCommand, venusReplyBytes } from "../../components/venus/wire-codec.ts";
import { VenusWireReader } from "../../components/venus/wire-stream.ts";
import { isRutabagaError, RutabagaError } from "../../rutabaga/error.ts";
import { type RingCreateInfo, RingStatus, VenusRing } from "./venus-ring.ts";

/** VK_COMMAND_GENERATE_REPLY_BIT_EXT: the command's reply goes to the reply stream. */
const GENERATE_REPLY = 0x1;
/** sType of VkRingMonitorInfoMESA (its maxReportingPeriodMicroseconds sets the ALIVE stamp period). */
const RING_MONITOR_INFO = 1000384006;
/** Rings per context, and command streams one vkExecuteCommandStreamsMESA may name. */
const MAX_RINGS = 64;
const MAX_STREAMS = 256;

/** What runs the host commands (a {@link VenusExecutor} on the host's Vulkan). */
export interface VenusCommandRunner {
  /** Runs a decoded host command; its reply values. Refusals are `RutabagaError`s. */
  run(cmd: VenusCommand): Record<string, unknown>;
  /** Destroys every host object left. */
  destroyAll(): void;
}

/** What the runtime tells its owner (the worker's main loop, which forwards to the main thread). */
export interface VenusRuntimeEvents {
  fence(ringIdx: number, fenceId: bigint): void;
  ringCreated(ring: VenusRing, resourceId: number, statusByteOffset: number, periodUs: number): void;
  ringDestroyed(ring: VenusRing): void;
  /** The context can no longer run (a malformed or refused command): every ring is marked FATAL first. */
  fatal(message: string): void;
}

type QueueItem =
  | { readonly kind: "commands"; readonly bytes: Uint8Array; pos: number }
  | { readonly kind: "fence"; readonly ringIdx: number; readonly fenceId: bigint };

const BLOCKED = 1;

/** A pointer argument the command cannot do without. */
function required(args: Record<string, unknown>, name: string): unknown {
  const v = args[name];
  if (v === null || v === undefined) throw new RutabagaError("InvalidCommandBuffer", `${name}: NULL`);
  return v;
}
const PROTOCOL = new Set(VENUS_PROTOCOL_COMMANDS);

/** Where a command stream is read from, for the commands that only make sense in one place. */
interface StreamSource {
  readonly ring: VenusRing | undefined;
}
const VIRTQUEUE: StreamSource = { ring: undefined };

/**
 * One venus context's command processing, single-threaded (the worker runs it): the virtqueue (commands submitted
 * through vtest, in order, with fences between them), the rings in shared memory, the reply stream, and the host
 * commands through a {@link VenusCommandRunner}. A malformed or refused command is fatal for the context, as in
 * virglrenderer: every ring gets FATAL (the guest aborts) and nothing more runs.
 */
export class VenusRuntime {
  readonly #executor: VenusCommandRunner;
  readonly #events: VenusRuntimeEvents;
  readonly #blobs = new Map<number, Uint8Array>();
  readonly #rings = new Map<bigint, VenusRing>();
  readonly #queue: QueueItem[] = [];
  #reply: { bytes: Uint8Array; offset: number; size: number; pos: number } | undefined;
  #fatal: string | undefined;
  /** Bytes executed from rings and the virtqueue, and commands run (statistics). */
  readonly stats = { commands: 0, replies: 0 };
  #nestedStreams = false;
  /** The command being run, for error messages. */
  #current: string | undefined;

  constructor(executor: VenusCommandRunner, events: VenusRuntimeEvents) {
    this.#executor = executor;
    this.#events = events;
  }

  /** Why the context stopped, if it did. */
  get fatalReason(): string | undefined {
    return this.#fatal;
  }

  /** Whether a ring lives in blob `resourceId` (its memory must stay mapped). */
  ringsIn(resourceId: number): boolean {
    for (const r of this.#rings.values()) if (r.resourceId === resourceId) return true;
    return false;
  }

  get rings(): readonly VenusRing[] {
    return [...this.#rings.values()];
  }

  attachBlob(resourceId: number, bytes: Uint8Array): void {
    this.#blobs.set(resourceId, bytes);
  }

  detachBlob(resourceId: number): void {
    const bytes = this.#blobs.get(resourceId);
    this.#blobs.delete(resourceId);
    if (this.#reply !== undefined && this.#reply.bytes === bytes) this.#reply = undefined;
  }

  submit(bytes: Uint8Array): void {
    this.#queue.push({ kind: "commands", bytes, pos: 0 });
  }

  fence(ringIdx: number, fenceId: bigint): void {
    this.#queue.push({ kind: "fence", ringIdx, fenceId });
  }

  /** Whether anything (virtqueue items, ring commands) is waiting; ring IDLE handling is the caller's. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs what can run now; true when something was done. */
  step(): boolean {
    let did = false;
    this.#current = undefined;
    try {
      did = this.#drainQueue() || did;
      for (const ring of this.#rings.values()) did = this.#drainRing(ring) || did;
    } catch (e) {
      // A host-call marshalling failure is a bug of ours, not the guest's; the context ends either way.
      const what = isRutabagaError(e) ? e.message : `internal error: ${e instanceof Error ? e.stack : String(e)}`;
      this.#fail(this.#current === undefined ? what : `${this.#current}: ${what}`);
      return true;
    }
    return did;
  }

  #fail(message: string): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = message;
    for (const ring of this.#rings.values()) ring.setStatus(RingStatus.Fatal);
    this.#queue.length = 0;
    this.#events.fatal(message);
  }

  #drainQueue(): boolean {
    let did = false;
    while (this.#queue.length > 0 && this.#fatal === undefined) {
      const item = this.#queue[0]!;
      if (item.kind === "fence") {
        this.#queue.shift();
        this.#events.fence(item.ringIdx, item.fenceId);
        did = true;
        continue;
      }
      const r = new VenusWireReader(item.bytes);
      r.pos = item.pos;
      while (r.remaining > 0) {
        const start = r.pos;
        const cmd = decodeVenusCommand(r);
        if (this.#dispatch(cmd, VIRTQUEUE) === BLOCKED) {
          item.pos = start;
          return did;
        }
        did = true;
      }
      this.#queue.shift();
    }
    return did;
  }

  #drainRing(ring: VenusRing): boolean {
    if (ring.idle || this.#fatal !== undefined) return false;
    const n = ring.pending();
    if (n === 0) return false;
    const bytes = ring.read(n);
    const r = new VenusWireReader(bytes);
    const source = { ring };
    let did = false;
    while (r.remaining > 0) {
      const start = r.pos;
      const cmd = decodeVenusCommand(r);
      if (this.#dispatch(cmd, source) === BLOCKED) break;
      // The head moves per command, so the guest's ring space comes back as early as it can.
      ring.advance(r.pos - start);
      did = true;
      if (!this.#rings.has(ring.id)) break;
    }
    if (did) ring.lastActive = performance.now();
    return did;
  }

  /** Runs one command; BLOCKED when it waits for a seqno (it runs again later from the same place). */
  #dispatch(cmd: VenusCommand, source: StreamSource): number | undefined {
    this.stats.commands++;
    this.#current = cmd.name;
    if (PROTOCOL.has(cmd.name)) return this.#protocol(cmd, source);
    const values = this.#executor.run(cmd);
    if ((cmd.flags & GENERATE_REPLY) !== 0) this.#writeReply(cmd.type, values);
    return undefined;
  }

  #writeReply(type: number, values: Record<string, unknown>): void {
    const reply = this.#reply;
    if (reply === undefined) throw new RutabagaError("InvalidCommandBuffer", "a reply without a reply stream");
    const bytes = venusReplyBytes(type, values);
    if (reply.pos + bytes.byteLength > reply.size)
      throw new RutabagaError("InvalidCommandBuffer", `a reply of ${bytes.byteLength} bytes past the reply stream`);
    reply.bytes.set(bytes, reply.offset + reply.pos);
    reply.pos += bytes.byteLength;
    this.stats.replies++;
  }

  #blob(resourceId: unknown, offset: unknown, size: unknown, what: string): Uint8Array {
    const b = typeof resourceId === "number" ? this.#blobs.get(resourceId) : undefined;
    if (b === undefined) throw new RutabagaError("InvalidCommandBuffer", `${what}: no blob ${String(resourceId)}`);
    if (typeof offset !== "number" || typeof size !== "number" || offset + size > b.byteLength)
      throw new RutabagaError("InvalidCommandBuffer", `${what}: ${String(size)} bytes at ${String(offset)}`);
    return b;
  }

  #ring(id: unknown): VenusRing {
    const ring = typeof id === "bigint" ? this.#rings.get(id) : undefined;
    if (ring === undefined) throw new RutabagaError("InvalidCommandBuffer", `no ring ${String(id)}`);
    return ring;
  }

  #protocol(cmd: VenusCommand, source: StreamSource): number | undefined {
    const a = cmd.args;
    switch (cmd.name) {
      case "vkSetReplyCommandStreamMESA": {
        const s = required(a, "pStream") as { resourceId: number; offset: number; size: number };
        const bytes = this.#blob(s.resourceId, s.offset, s.size, "reply stream");
        this.#reply = { bytes, offset: s.offset, size: s.size, pos: 0 };
        return undefined;
      }
      case "vkSeekReplyCommandStreamMESA": {
        const reply = this.#reply;
        const pos = a.position as number;
        if (reply === undefined || pos > reply.size)
          throw new RutabagaError("InvalidCommandBuffer", `reply stream seek to ${pos}`);
        reply.pos = pos;
        return undefined;
      }
      case "vkExecuteCommandStreamsMESA":
        return this.#executeStreams(a, source);
      case "vkCreateRingMESA": {
        if (source.ring !== undefined) throw new RutabagaError("InvalidCommandBuffer", "a ring made from a ring");
        const id = a.ring as bigint;
        if (this.#rings.has(id)) throw new RutabagaError("InvalidCommandBuffer", `ring ${id} exists`);
        if (this.#rings.size >= MAX_RINGS) throw new RutabagaError("InvalidCommandBuffer", `over ${MAX_RINGS} rings`);
        const info = required(a, "pCreateInfo") as RingCreateInfo & { pNext: Record<string, unknown> | null };
        const memory = this.#blob(info.resourceId, info.offset, info.size, "ring");
        const ring = new VenusRing(id, info, memory);
        ring.lastActive = performance.now();
        let periodUs = 0;
        for (let e = info.pNext; e; e = e.pNext as Record<string, unknown> | null)
          if (e.sType === RING_MONITOR_INFO) periodUs = e.maxReportingPeriodMicroseconds as number;
        this.#rings.set(id, ring);
        if (periodUs > 0) ring.setStatus(RingStatus.Alive);
        this.#events.ringCreated(ring, info.resourceId, ring.statusByteOffset, periodUs);
        return undefined;
      }
      case "vkDestroyRingMESA": {
        const ring = this.#ring(a.ring);
        this.#rings.delete(ring.id);
        this.#events.ringDestroyed(ring);
        return undefined;
      }
      case "vkNotifyRingMESA": {
        const ring = this.#ring(a.ring);
        ring.idle = false;
        ring.clearStatus(RingStatus.Idle);
        ring.lastActive = performance.now();
        return undefined;
      }
      case "vkWriteRingExtraMESA":
        this.#ring(a.ring).writeExtra(a.offset as number, a.value as number);
        return undefined;
      case "vkSubmitVirtqueueSeqnoMESA": {
        const ring = this.#ring(a.ring);
        const seqno = a.seqno as bigint;
        if (seqno > ring.virtqueueSeqno) ring.virtqueueSeqno = seqno;
        return undefined;
      }
      case "vkWaitVirtqueueSeqnoMESA": {
        const ring = source.ring;
        if (ring === undefined) throw new RutabagaError("InvalidCommandBuffer", "a virtqueue wait outside a ring");
        return ring.virtqueueSeqno >= (a.seqno as bigint) ? undefined : BLOCKED;
      }
      case "vkWaitRingSeqnoMESA": {
        if (source.ring !== undefined) throw new RutabagaError("InvalidCommandBuffer", "a ring wait inside a ring");
        const ring = this.#ring(a.ring);
        return ring.reached(Number((a.seqno as bigint) & 0xffff_ffffn)) ? undefined : BLOCKED;
      }
      default:
        throw new RutabagaError("Unsupported", `${cmd.name} is not executed`);
    }
  }

  /** vkExecuteCommandStreamsMESA: command streams in blobs, run in order (dependencies hold by that order). */
  #executeStreams(a: Record<string, unknown>, source: StreamSource): number | undefined {
    if (this.#nestedStreams) throw new RutabagaError("InvalidCommandBuffer", "nested vkExecuteCommandStreamsMESA");
    const streams = (a.pStreams ?? []) as { resourceId: number; offset: number; size: number }[];
    const positions = a.pReplyPositions as number[] | null;
    if (streams.length > MAX_STREAMS) throw new RutabagaError("InvalidCommandBuffer", `${streams.length} streams`);
    this.#nestedStreams = true;
    try {
      for (const [i, s] of streams.entries()) {
        const b = this.#blob(s.resourceId, s.offset, s.size, "command stream");
        if (positions && this.#reply !== undefined) {
          const pos = positions[i]!;
          if (pos > this.#reply.size) throw new RutabagaError("InvalidCommandBuffer", `reply position ${pos}`);
          this.#reply.pos = pos;
        }
        const r = new VenusWireReader(b.slice(s.offset, s.offset + s.size));
        while (r.remaining > 0) {
          const cmd = decodeVenusCommand(r);
          if (this.#dispatch(cmd, source) === BLOCKED)
            throw new RutabagaError("InvalidCommandBuffer", `${cmd.name} waits inside a command stream`);
        }
      }
    } finally {
      this.#nestedStreams = false;
    }
    return undefined;
  }

  /** Ends the context: rings are forgotten, every host object is destroyed. */
  close(): void {
    for (const ring of this.#rings.values()) this.#events.ringDestroyed(ring);
    this.#rings.clear();
    this.#queue.length = 0;
    this.#executor.destroyAll();
  }
}
