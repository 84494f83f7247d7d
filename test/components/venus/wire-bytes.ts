/** A hand builder for venus byte sequences in tests: little-endian words, written out explicitly. */
export class WireBytes {
  private readonly out: number[] = [];

  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.out.push((v >>> (8 * i)) & 0xff);
    return this;
  }

  i32(v: number): this {
    return this.u32(v >>> 0);
  }

  u64(v: number | bigint): this {
    let b = BigInt(v);
    for (let i = 0; i < 8; i++) {
      this.out.push(Number(b & 0xffn));
      b >>= 8n;
    }
    return this;
  }

  /** A NUL-terminated string: byte count (with the NUL) as u64, the bytes, zero padding to 4. */
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u64(b.length + 1);
    for (const x of b) this.out.push(x);
    this.out.push(0);
    while (this.out.length % 4) this.out.push(0);
    return this;
  }

  /** Raw bytes then zero padding to 4. */
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    while (this.out.length % 4) this.out.push(0);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
