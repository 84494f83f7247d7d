import { lstatSync, unlinkSync } from "node:fs";
import { closeFd } from "./fd.ts";
import { type FdWatch, watchFd } from "./fd-watch.ts";
import { errno, LinuxConst, libc } from "./libc.ts";
import { Errno, OsError } from "./os-error.ts";
import { encodeSockaddrUn, UnixSocket } from "./unix-socket.ts";

/**
 * A listening `AF_UNIX` stream socket served from Node's event loop. A stale socket file left at the path by a dead
 * server is replaced; any other file there is an error.
 */
export class UnixListener {
  /** The listening descriptor. */
  readonly fd: number;
  /** The filesystem path it is bound to. */
  readonly path: string;
  #watch: FdWatch | undefined;
  #closed = false;

  private constructor(fd: number, path: string) {
    this.fd = fd;
    this.path = path;
  }

  /** Binds and listens on `path` (the socket exists and accepts connections when this returns). */
  static listen(path: string, backlog = 16): UnixListener {
    const addr = encodeSockaddrUn(path);
    removeStaleSocket(path);
    const type = LinuxConst.SOCK_STREAM | LinuxConst.SOCK_NONBLOCK | LinuxConst.SOCK_CLOEXEC;
    const fd = libc().socket(LinuxConst.AF_UNIX, type, 0) as number;
    if (fd < 0) throw new OsError("socket", errno());
    if ((libc().bind(fd, addr, addr.length) as number) !== 0 || (libc().listen(fd, backlog) as number) !== 0) {
      const e = errno();
      closeFd(fd);
      throw new OsError("bind/listen", e, path);
    }
    return new UnixListener(fd, path);
  }

  /** Calls `cb` with each accepted connection. */
  onConnection(cb: (socket: UnixSocket) => void): void {
    this.#watch?.stop();
    this.#watch = watchFd(this.fd, { readable: true }, () => {
      for (;;) {
        if (this.#closed) return;
        const type = LinuxConst.SOCK_NONBLOCK | LinuxConst.SOCK_CLOEXEC;
        const fd = libc().accept4(this.fd, null, null, type) as number;
        if (fd < 0) {
          const e = errno();
          if (e === Errno.EAGAIN || e === Errno.EINTR) return;
          // A connection that died in the backlog (ECONNABORTED) or a transient shortage: try again later.
          return;
        }
        cb(UnixSocket.fromFd(fd));
      }
    });
  }

  /** Stops accepting, closes the descriptor and removes the socket file; calling it again does nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch?.stop();
    closeFd(this.fd);
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new OsError("bind", 17, `${path} exists and is not a socket`);
  unlinkSync(path);
}
