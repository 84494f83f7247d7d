import { RutabagaError } from "../../rutabaga/error.ts";

const TWO32 = 0x1_0000_0000;
/** Largest high word of a u64 that still converts to an exact JS number. */
const SAFE_HIGH = 0x1f_ffff;

/**
 * A bounds-checked little-endian reader over one venus command stream. It keeps one DataView over the stream's bytes;
 * `reset` points it at a new range without allocating. Running past `end` throws `RutabagaError("InvalidCommandSize")`.
 */
export class VenusWireReader {
  /** The bytes being read. */
  bytes: Uint8Array;
  /** The one view over {@link bytes}. */
  view: DataView;
  /** Read offset, relative to `bytes`. */
  pos: number;
  /** End of the readable range. */
  end: number;

  constructor(bytes: Uint8Array = new Uint8Array(0)) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.byteLength;
  }

  /** Reads `bytes[start, end)` next; keeps the DataView when the underlying bytes are the same. */
  reset(bytes: Uint8Array, start = 0, end = bytes.byteLength): void {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    if (start < 0 || end > bytes.byteLength || start > end)
      throw new RutabagaError("InvalidCommandSize", "stream range");
    this.pos = start;
    this.end = end;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes can be read. */
  need(n: number): void {
    if (n > this.end - this.pos) {
      throw new RutabagaError("InvalidCommandSize", `need ${n} bytes at ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a JS number exactly (object ids, sizes, counts). */
  u64n(what: string): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi > SAFE_HIGH) throw new RutabagaError("InvalidCommandBuffer", `${what} ${hi}:${lo} is too large`);
    this.pos += 8;
    return hi * TWO32 + lo;
  }

  /** A copy of the next `n` bytes, then skips their padding to 4. */
  bytesPadded(n: number): Uint8Array {
    this.need(n);
    // Counts reach 2^53: 32-bit masking would wrap.
    const padded = n + ((4 - (n % 4)) % 4);
    this.need(padded);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += padded;
    return out;
  }
}

/** Largest stream the writer will grow to: replies and test commands beyond this are refused. */
export const MAX_WRITE_BYTES = 64 << 20;

/** A little-endian writer that grows its buffer (up to {@link MAX_WRITE_BYTES}); `finish` returns the bytes written. */
export class VenusWireWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written. */
  pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  private room(n: number): void {
    const want = this.pos + n;
    if (want <= this.buf.byteLength) return;
    if (want > MAX_WRITE_BYTES) throw new RutabagaError("OutOfMemory", `venus stream over ${MAX_WRITE_BYTES} bytes`);
    const next = new Uint8Array(Math.min(MAX_WRITE_BYTES, Math.max(want, this.buf.byteLength * 2)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  i32(v: number): void {
    this.room(4);
    this.view.setInt32(this.pos, v | 0, true);
    this.pos += 4;
  }

  f32(v: number): void {
    this.room(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  u64(v: bigint): void {
    this.room(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, v), true);
    this.pos += 8;
  }

  /** A non-negative integer number as u64. */
  u64n(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RutabagaError("InvalidCommandBuffer", `u64 value ${v}`);
    this.room(8);
    this.view.setUint32(this.pos, v % TWO32, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / TWO32), true);
    this.pos += 8;
  }

  /** Bytes, then zero padding to 4. */
  bytesPadded(b: Uint8Array): void {
    const padded = b.byteLength + ((4 - (b.byteLength % 4)) % 4);
    this.room(padded);
    this.buf.set(b, this.pos);
    this.buf.fill(0, this.pos + b.byteLength, this.pos + padded);
    this.pos += padded;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
