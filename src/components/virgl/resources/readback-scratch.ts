/** Largest scratch kept between read-backs (a 4K frame of 4-byte pixels); a larger box gets a buffer of its own. */
export const MAX_KEPT_READBACK_BYTES = 3840 * 2160 * 4;

/**
 * The buffer a host read-back lands in when it cannot land in guest memory directly (scattered pages, rows apart
 * from each other, a format to convert), kept across read-backs and grown to the largest box seen up to
 * {@link MAX_KEPT_READBACK_BYTES}: a frame read back every frame allocates nothing.
 */
export class ReadbackScratch {
  #bytes = new Uint8Array(0);

  /** `n` bytes to read into (their contents are whatever the last read-back left). */
  view(n: number): Uint8Array {
    if (n > MAX_KEPT_READBACK_BYTES) return new Uint8Array(n);
    if (this.#bytes.byteLength < n) this.#bytes = new Uint8Array(n);
    return this.#bytes.subarray(0, n);
  }

  /** Bytes kept. */
  get keptBytes(): number {
    return this.#bytes.byteLength;
  }
}
