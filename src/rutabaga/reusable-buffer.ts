/**
 * A byte buffer and a `DataView` over it, reused from call to call and replaced by a larger one (at least twice the
 * size) only when a call needs more room. What it held is not kept across a replacement.
 */
export class ReusableBuffer {
  #bytes: Uint8Array;
  #view: DataView;

  constructor(initialBytes: number) {
    this.#bytes = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** The buffer now (a later {@link reserve} may replace it). */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** A view of {@link bytes}, made once per buffer. */
  get view(): DataView {
    return this.#view;
  }

  /** Makes room for `size` bytes and returns the buffer. */
  reserve(size: number): Uint8Array {
    if (this.#bytes.length < size) {
      this.#bytes = new Uint8Array(Math.max(size, this.#bytes.length * 2));
      this.#view = new DataView(this.#bytes.buffer);
    }
    return this.#bytes;
  }
}
