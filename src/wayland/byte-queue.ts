/**
 * Bytes received but not yet consumed (a stream's partial messages), in one buffer that is reused: new bytes are
 * written at the end ({@link reserve} + {@link commit}, or {@link push}), complete messages are read in place through
 * {@link bytes}/{@link view} between {@link start} and {@link end}, and {@link consume} drops them. The buffer grows
 * (doubling) up to `maxBytes` and never beyond; what is left is moved to the front only when room is needed.
 */
export class ByteQueue {
  readonly #maxBytes: number;
  #bytes: Uint8Array;
  #view: DataView;
  #start = 0;
  #end = 0;

  constructor(maxBytes: number, initialBytes = Math.min(maxBytes, 16 * 1024)) {
    if (!(maxBytes > 0) || initialBytes > maxBytes) throw new RangeError(`byte queue of ${maxBytes} bytes`);
    this.#maxBytes = maxBytes;
    this.#bytes = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** The whole buffer; pending bytes are `[start, end)`. Replaced when the queue grows (read it after writing). */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** A view of {@link bytes}. */
  get view(): DataView {
    return this.#view;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  /** Bytes pending. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Room for at least `n` more bytes at the end, as a view to write into before {@link commit}. */
  reserve(n: number): Uint8Array {
    if (this.#bytes.length - this.#end < n) this.#makeRoom(n);
    return this.#bytes.subarray(this.#end, this.#end + n);
  }

  /** Takes `n` bytes written into the last {@link reserve}d view as pending. */
  commit(n: number): void {
    if (n < 0 || this.#end + n > this.#bytes.length) throw new RangeError(`commit of ${n} bytes`);
    this.#end += n;
  }

  /** Appends a copy of `data`. */
  push(data: Uint8Array): void {
    this.reserve(data.length).set(data);
    this.#end += data.length;
  }

  /** Drops the first `n` pending bytes. */
  consume(n: number): void {
    if (n < 0 || n > this.length) throw new RangeError(`consume of ${n} of ${this.length} bytes`);
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
  }

  #makeRoom(n: number): void {
    const length = this.length;
    if (length + n > this.#maxBytes) {
      throw new RangeError(`byte queue full: ${length} + ${n} bytes > ${this.#maxBytes}`);
    }
    if (length + n <= this.#bytes.length) {
      this.#bytes.copyWithin(0, this.#start, this.#end);
    } else {
      let size = this.#bytes.length * 2;
      while (size < length + n) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.#maxBytes));
      grown.set(this.#bytes.subarray(this.#start, this.#end));
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#start = 0;
    this.#end = length;
  }
}
