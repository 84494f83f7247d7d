import { RutabagaError } from "./error.ts";

/** QEMU's default `max_hostmem` for virtio-gpu: 256 MiB. */
export const DEFAULT_HOST_MEMORY_LIMIT = 256 * 1024 * 1024;

/** Counts the host bytes the library holds for guest objects and refuses to go past the limit. */
export class HostMemoryBudget {
  /** The most bytes that may be held at once. */
  readonly limit: number;
  #used = 0;

  constructor(limit: number = DEFAULT_HOST_MEMORY_LIMIT) {
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new RutabagaError("CheckedRange", `host memory limit ${limit}`);
    this.limit = limit;
  }

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** Throws `OutOfMemory` (and charges nothing) when `bytes` more would pass the limit. */
  charge(bytes: number, what: string): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > this.limit - this.#used) {
      throw new RutabagaError(
        "OutOfMemory",
        `${what} needs ${bytes} bytes; ${this.#used} of the ${this.limit}-byte host memory limit are in use`,
      );
    }
    this.#used += bytes;
  }

  /** Gives back bytes charged earlier. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}
