import type { VkRingCreateInfoMESA } from "../../components/venus/wire-types.generated.ts";
import { RutabagaError } from "../../rutabaga/error.ts";

/** VkRingStatusFlagBitsMESA. */
export const RingStatus = { Idle: 0x1, Fatal: 0x2, Alive: 0x4 } as const;

/** VkRingCreateInfoMESA's layout fields, as decoded (offsets relative to `offset` in the resource). */
export type RingCreateInfo = Omit<VkRingCreateInfoMESA, "sType" | "pNext" | "flags">;

function bad(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", `vkCreateRingMESA: ${what}`);
}

/**
 * A guest's command ring in shared memory (Mesa's vn_ring): u32 head (ours), tail (the guest's), status (bits both
 * sides set), a power-of-two buffer and an extra region. Positions are free-running u32 byte counts; the buffer index is
 * the position masked by its size.
 */
export class VenusRing {
  readonly id: bigint;
  readonly resourceId: number;
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #head: number;
  readonly #tail: number;
  readonly #status: number;
  readonly #buffer: number;
  readonly #extra: number;
  readonly extraSize: number;
  readonly bufferSize: number;
  /** Nanoseconds without commands before the ring reports IDLE and waits for a notify. */
  readonly idleTimeoutNs: number;
  /** Absolute byte offset of the status word in the resource (for the ALIVE stamp). */
  readonly statusByteOffset: number;
  /** Our read position (the head we publish). */
  cur = 0;
  /** The latest virtqueue seqno vkSubmitVirtqueueSeqnoMESA gave this ring. */
  virtqueueSeqno = 0n;
  /** Set while the ring sleeps after its idle timeout. */
  idle = false;
  /** When it last had commands (performance.now() ms). */
  lastActive = 0;
  readonly #scratch: Uint8Array;

  constructor(id: bigint, info: RingCreateInfo, memory: Uint8Array) {
    const { offset, size } = info;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset + size > memory.byteLength)
      bad(`ring of ${size} bytes at ${offset} in a resource of ${memory.byteLength}`);
    const word = (o: number, what: string) => {
      if (o % 4 !== 0 || o + 4 > size) bad(`${what} offset ${o}`);
      return (offset + o) / 4;
    };
    const base = memory.byteOffset + offset;
    if (base % 4 !== 0) bad("unaligned ring");
    this.#words = new Int32Array(memory.buffer, memory.byteOffset, Math.floor(memory.byteLength / 4));
    this.#bytes = memory;
    this.#head = word(info.headOffset, "head");
    this.#tail = word(info.tailOffset, "tail");
    this.#status = word(info.statusOffset, "status");
    const { bufferSize, bufferOffset, extraOffset, extraSize } = info;
    if (bufferSize < 4 || (bufferSize & (bufferSize - 1)) !== 0 || bufferSize > 1 << 30)
      bad(`buffer size ${bufferSize}`);
    if (bufferOffset + bufferSize > size) bad(`buffer at ${bufferOffset}`);
    if (extraOffset + extraSize > size || extraSize < 0 || (offset + extraOffset) % 4 !== 0)
      bad(`extra region at ${extraOffset}`);
    const words = [this.#head, this.#tail, this.#status];
    if (new Set(words).size !== 3) bad("head, tail and status overlap");
    for (const w of words) {
      const b = w * 4 - offset;
      if (b + 4 > bufferOffset && b < bufferOffset + bufferSize) bad("a control word inside the buffer");
    }
    if (Atomics.load(this.#words, this.#head) !== 0 || Atomics.load(this.#words, this.#status) !== 0)
      bad("head and status must start at 0");
    this.id = id;
    this.resourceId = info.resourceId;
    this.#buffer = offset + bufferOffset;
    this.#extra = offset + extraOffset;
    this.extraSize = extraSize;
    this.bufferSize = bufferSize;
    this.statusByteOffset = offset + info.statusOffset;
    this.idleTimeoutNs = Number(info.idleTimeout > 10_000_000_000n ? 10_000_000_000n : info.idleTimeout);
    this.#scratch = new Uint8Array(bufferSize);
  }

  /** Bytes the guest has written past our position (loads tail first, then the caller copies). */
  pending(): number {
    const tail = Atomics.load(this.#words, this.#tail) >>> 0;
    const n = (tail - this.cur) >>> 0;
    if (n > this.bufferSize) throw new RutabagaError("InvalidCommandBuffer", `ring tail ${tail} runs ${n} bytes ahead`);
    return n;
  }

  /** A copy of the next `n` pending bytes (unwrapped), valid until the next call. */
  read(n: number): Uint8Array {
    const at = this.cur & (this.bufferSize - 1);
    const first = Math.min(n, this.bufferSize - at);
    this.#scratch.set(this.#bytes.subarray(this.#buffer + at, this.#buffer + at + first), 0);
    if (first < n) this.#scratch.set(this.#bytes.subarray(this.#buffer, this.#buffer + n - first), first);
    return this.#scratch.subarray(0, n);
  }

  /** Consumes `n` bytes and publishes the head (the guest's seqno for commands done). */
  advance(n: number): void {
    this.cur = (this.cur + n) >>> 0;
    Atomics.store(this.#words, this.#head, this.cur | 0);
  }

  setStatus(bits: number): void {
    Atomics.or(this.#words, this.#status, bits);
  }

  clearStatus(bits: number): void {
    Atomics.and(this.#words, this.#status, ~bits);
  }

  /** vkWriteRingExtraMESA: a u32 into the extra region. */
  writeExtra(offset: number, value: number): void {
    if (!Number.isSafeInteger(offset) || offset % 4 !== 0 || offset + 4 > this.extraSize)
      throw new RutabagaError("InvalidCommandBuffer", `ring extra offset ${offset} (${this.extraSize} bytes)`);
    Atomics.store(this.#words, (this.#extra + offset) / 4, value | 0);
  }

  /** Whether our position has reached `seqno` (u32 positions compared modulo 2³²). */
  reached(seqno: number): boolean {
    return ((this.cur - seqno) | 0) >= 0;
  }
}
