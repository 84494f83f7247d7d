import { closeFd } from "./fd.ts";
import { assertPollable, type FdWatch, watchFd } from "./fd-watch.ts";
import { errno, LinuxConst, libc } from "./libc.ts";
import { Errno, OsError } from "./os-error.ts";

/** A non-blocking Linux eventfd: a 64-bit counter that signals across processes (vhost-user kick and call). */
export class EventFd {
  /** The descriptor; owned by this object until {@link close}. */
  readonly fd: number;
  readonly #counter = new BigUint64Array(1);
  #watch: FdWatch | undefined;
  #closed = false;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** A new eventfd, non-blocking and close-on-exec. */
  static create(): EventFd {
    const fd = libc().eventfd(0, LinuxConst.EFD_NONBLOCK | LinuxConst.EFD_CLOEXEC) as number;
    if (fd < 0) throw new OsError("eventfd", errno());
    return new EventFd(fd);
  }

  /** Takes ownership of an eventfd received from another process and makes it non-blocking; refuses unwatchable descriptors. */
  static fromFd(fd: number): EventFd {
    assertPollable(fd);
    const flags = libc().fcntl(fd, LinuxConst.F_GETFL, 0) as number;
    if (flags < 0) throw new OsError("fcntl", errno(), `fd ${fd}`);
    if ((libc().fcntl(fd, LinuxConst.F_SETFL, flags | LinuxConst.O_NONBLOCK) as number) < 0) {
      throw new OsError("fcntl", errno(), `fd ${fd}`);
    }
    return new EventFd(fd);
  }

  /** Adds `value` to the counter, waking whoever waits on it. A full counter (EAGAIN) is already signalled. */
  signal(value = 1n): void {
    if (this.#closed) return;
    this.#counter[0] = value;
    const n = libc().write(this.fd, this.#counter, 8) as number;
    if (n !== 8) {
      const e = errno();
      if (e !== Errno.EAGAIN) throw new OsError("write(eventfd)", e, `fd ${this.fd}`);
    }
  }

  /** Reads and resets the counter; `0n` when nothing was signalled. Never blocks. */
  drain(): bigint {
    if (this.#closed) return 0n;
    const n = libc().read(this.fd, this.#counter, 8) as number;
    if (n === 8) return this.#counter[0]!;
    const e = errno();
    if (e === Errno.EAGAIN || e === Errno.EINTR) return 0n;
    throw new OsError("read(eventfd)", e, `fd ${this.fd}`);
  }

  /** Calls `onSignal` from the event loop each time the counter becomes non-zero (drain it there). */
  watch(onSignal: () => void): void {
    this.#watch?.stop();
    this.#watch = watchFd(this.fd, { readable: true }, () => onSignal());
  }

  /** Stops any watch and closes the descriptor; calling it again does nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch?.stop();
    this.#watch = undefined;
    closeFd(this.fd);
  }
}
