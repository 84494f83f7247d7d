import { lstatSync, readFileSync, unlinkSync } from "node:fs";
import { resolve } from "node:path";
import { closeFd } from "./fd.ts";
import { type FdWatch, watchFd } from "./fd-watch.ts";
import { errno, LinuxConst, libc } from "./libc.ts";
import { Errno, OsError } from "./os-error.ts";
import { encodeSockaddrUn, UnixSocket } from "./unix-socket.ts";

/**
 * A listening `AF_UNIX` stream socket served from Node's event loop. It never harms another process's server: a socket
 * file at the path that still accepts connections is refused (`PATH is in use by another server`, code
 * `EADDRINUSE`), only a stale one (connection refused) is replaced, any other file is an error; on close the path is
 * removed only while it is still the socket this listener bound.
 */
export class UnixListener {
  /** The listening descriptor. */
  readonly fd: number;
  /** The filesystem path it is bound to. */
  readonly path: string;
  readonly #dev: number;
  readonly #ino: number;
  #watch: FdWatch | undefined;
  #closed = false;

  private constructor(fd: number, path: string, dev: number, ino: number) {
    this.fd = fd;
    this.path = path;
    this.#dev = dev;
    this.#ino = ino;
  }

  /** Binds and listens on `path` (the socket exists and accepts connections when this returns). */
  static listen(path: string, backlog = 16): UnixListener {
    const addr = encodeSockaddrUn(path);
    removeStaleSocket(path, addr);
    const type = LinuxConst.SOCK_STREAM | LinuxConst.SOCK_NONBLOCK | LinuxConst.SOCK_CLOEXEC;
    const fd = libc().socket(LinuxConst.AF_UNIX, type, 0) as number;
    if (fd < 0) throw new OsError("socket", errno());
    if ((libc().bind(fd, addr, addr.length) as number) !== 0) {
      const e = errno();
      closeFd(fd);
      throw new OsError("bind", e, path);
    }
    // bind created the file: its identity tells our socket from one another process puts at the path later.
    const { dev, ino } = lstatSync(path);
    if ((libc().listen(fd, backlog) as number) !== 0) {
      const e = errno();
      closeFd(fd);
      unlinkIfSame(path, dev, ino);
      throw new OsError("listen", e, path);
    }
    return new UnixListener(fd, path, dev, ino);
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Calls `cb` with each accepted connection. */
  onConnection(cb: (socket: UnixSocket) => void): void {
    this.#watch?.stop();
    this.#watch = watchFd(this.fd, { readable: true }, () => {
      for (;;) {
        if (this.#closed) return;
        const type = LinuxConst.SOCK_NONBLOCK | LinuxConst.SOCK_CLOEXEC;
        const fd = libc().accept4(this.fd, null, null, type) as number;
        // EAGAIN/EINTR, a connection that died in the backlog (ECONNABORTED) or a transient shortage: try again later.
        if (fd < 0) return;
        cb(UnixSocket.fromFd(fd));
      }
    });
  }

  /**
   * Stops accepting, closes the descriptor and removes the socket file if the path still names the socket this
   * listener bound (another server may have replaced it since); calling it again does nothing.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch?.stop();
    closeFd(this.fd);
    unlinkIfSame(this.path, this.#dev, this.#ino);
  }
}

function unlinkIfSame(path: string, dev: number, ino: number): void {
  try {
    const now = lstatSync(path);
    if (now.dev === dev && now.ino === ino) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** `__SO_ACCEPTCON` in /proc/net/unix's Flags column: the socket listens. */
const SO_ACCEPTCON = 0x10000;

/**
 * Whether /proc/net/unix lists a listening socket bound to `path` (as given or made absolute; a server that bound a
 * relative path from elsewhere is not found, and the connection probe decides).
 */
function listeningInProcNet(path: string): boolean {
  let table: string;
  try {
    table = readFileSync("/proc/net/unix", "latin1");
  } catch {
    return false;
  }
  const absolute = resolve(path);
  // "Num RefCount Protocol Flags Type St Inode Path": the path is the eighth field and may hold spaces.
  for (const line of table.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const bound = fields.slice(7).join(" ");
    if ((bound === path || bound === absolute) && (Number.parseInt(fields[3]!, 16) & SO_ACCEPTCON) !== 0) return true;
  }
  return false;
}

/** Removes a socket file nobody listens on; refuses a live one and any other kind of file. */
function removeStaleSocket(path: string, addr: Uint8Array): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new OsError("bind", Errno.EEXIST, path, `${path} exists and is not a socket`);
  // Seen listening without connecting: a connection would be taken by a one-client server (QEMU's backend
  // programs serve the first connection) as its front-end, which would then see it end and exit.
  if (listeningInProcNet(path))
    throw new OsError("bind", Errno.EADDRINUSE, path, `${path} is in use by another server`);
  const probe = libc().socket(
    LinuxConst.AF_UNIX,
    LinuxConst.SOCK_STREAM | LinuxConst.SOCK_NONBLOCK | LinuxConst.SOCK_CLOEXEC,
    0,
  ) as number;
  if (probe < 0) throw new OsError("socket", errno());
  const connected = (libc().connect(probe, addr, addr.length) as number) === 0;
  const e = connected ? 0 : errno();
  closeFd(probe);
  // A full backlog (EAGAIN) is a live server too; only a refused connection proves nobody listens.
  if (connected || e === Errno.EAGAIN) {
    throw new OsError("bind", Errno.EADDRINUSE, path, `${path} is in use by another server`);
  }
  if (e !== Errno.ECONNREFUSED && e !== Errno.ENOENT) throw new OsError("connect", e, path);
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
