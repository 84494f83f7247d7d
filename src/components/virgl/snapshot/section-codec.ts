import { RutabagaError } from "../../../rutabaga/error.ts";

function fail(why: string): never {
  throw new RutabagaError("SnapshotError", why);
}

/** Writes a snapshot section: little-endian u32 and u64 fields and length-prefixed byte strings. */
export class SectionWriter {
  readonly #chunks: Uint8Array[] = [];
  #scalar = new DataView(new ArrayBuffer(256));
  #used = 0;
  #length = 0;

  #flush(): void {
    if (this.#used === 0) return;
    this.#chunks.push(new Uint8Array(this.#scalar.buffer.slice(0, this.#used)));
    this.#used = 0;
  }

  #room(n: number): DataView {
    if (this.#used + n > this.#scalar.byteLength) this.#flush();
    return this.#scalar;
  }

  /** Appends a u32. */
  u32(v: number): this {
    this.#room(4).setUint32(this.#used, v >>> 0, true);
    this.#used += 4;
    this.#length += 4;
    return this;
  }

  /** Appends a u64. */
  u64(v: bigint): this {
    this.#room(8).setBigUint64(this.#used, BigInt.asUintN(64, v), true);
    this.#used += 8;
    this.#length += 8;
    return this;
  }

  /** Appends `bytes` after their length (a u32); the bytes are copied at {@link finish}. */
  bytes(bytes: Uint8Array): this {
    this.u32(bytes.byteLength);
    this.#flush();
    this.#chunks.push(bytes);
    this.#length += bytes.byteLength;
    return this;
  }

  /** Appends a UTF-8 string as {@link bytes}. */
  string(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  /** The section's bytes. */
  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}

/** Reads what a {@link SectionWriter} wrote; anything short, long or out of range throws `SnapshotError`. */
export class SectionReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #what: string;
  #at = 0;

  /** `what` names the section in error messages. */
  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#what = what;
  }

  #need(n: number): void {
    if (this.#at + n > this.#bytes.byteLength) fail(`${this.#what} is truncated`);
  }

  /** The next u32. */
  u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#at, true);
    this.#at += 4;
    return v;
  }

  /** The next u32, refused above `max` (a count that sizes an allocation). */
  count(max: number, field: string): number {
    const n = this.u32();
    if (n > max) fail(`${this.#what}: ${field} ${n} exceeds ${max}`);
    return n;
  }

  /** The next u64. */
  u64(): bigint {
    this.#need(8);
    const v = this.#view.getBigUint64(this.#at, true);
    this.#at += 8;
    return v;
  }

  /** The next length-prefixed bytes, as a view into the section. */
  bytes(): Uint8Array {
    const n = this.u32();
    this.#need(n);
    const out = this.#bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  /** The next length-prefixed UTF-8 string. */
  string(): string {
    const b = this.bytes();
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    } catch {
      return fail(`${this.#what} holds a string that is not UTF-8`);
    }
  }

  /** Checks that every byte was read. */
  end(): void {
    if (this.#at !== this.#bytes.byteLength)
      fail(`${this.#what} has ${this.#bytes.byteLength - this.#at} bytes too many`);
  }
}
