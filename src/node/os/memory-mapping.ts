import { addressOf, errno, LinuxConst, libc, type NativePointer, viewOf } from "./libc.ts";
import { OsError } from "./os-error.ts";

const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/**
 * A `MAP_SHARED` read-write mapping of a file. `bytes` views the mapped memory directly; after {@link unmap} the view
 * must not be touched again (the pages are gone and an access would fault the process).
 */
export class MemoryMapping {
  /** The mapped bytes. */
  readonly bytes: Uint8Array;
  /** Mapped length in bytes. */
  readonly length: number;
  #pointer: NativePointer;

  private constructor(pointer: NativePointer, length: number) {
    this.#pointer = pointer;
    this.length = length;
    this.bytes = length === 0 ? new Uint8Array(0) : new Uint8Array(viewOf(pointer, length));
  }

  /** Maps `length` bytes of `fd` from `offset` (a multiple of the page size). The fd may be closed afterwards. */
  static map(fd: number, length: number, offset = 0): MemoryMapping {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`mapping length ${length}`);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`mapping offset ${offset}`);
    if (length === 0) return new MemoryMapping(null, 0);
    const prot = LinuxConst.PROT_READ | LinuxConst.PROT_WRITE;
    const pointer = libc().mmap(null, length, prot, LinuxConst.MAP_SHARED, fd, offset);
    if (pointer === null || addressOf(pointer) === MAP_FAILED) {
      throw new OsError("mmap", errno(), `fd ${fd}, length ${length}, offset ${offset}`);
    }
    return new MemoryMapping(pointer, length);
  }

  /** True until {@link unmap}. */
  get mapped(): boolean {
    return this.#pointer !== undefined;
  }

  /** Unmaps the memory; calling it again does nothing. */
  unmap(): void {
    if (this.#pointer === undefined) return;
    if (this.length > 0) libc().munmap(this.#pointer, this.length);
    this.#pointer = undefined;
  }
}
