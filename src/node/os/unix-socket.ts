import { closeFd } from "./fd.ts";
import { assertPollable, type FdWatch, watchFd } from "./fd-watch.ts";
import { allocNative, errno, freeNative, LinuxConst, libc } from "./libc.ts";
import { Errno, OsError } from "./os-error.ts";

/** Most descriptors one message may carry (Linux `SCM_MAX_FD`). */
export const MAX_FDS_PER_MESSAGE = 253;
/** `struct msghdr` on LP64 Linux (<bits/socket.h>). */
export const Msghdr = {
  name: 0,
  namelen: 8,
  iov: 16,
  iovlen: 24,
  control: 32,
  controllen: 40,
  flags: 48,
  SIZE: 56,
} as const;
/** `struct iovec` on LP64. */
export const Iovec = { base: 0, len: 8, SIZE: 16 } as const;
/** `struct cmsghdr` on LP64; its data starts at `CMSG_LEN(0)`, and each header is padded to 8 bytes (`CMSG_ALIGN`). */
export const Cmsghdr = { len: 0, level: 8, type: 12, data: 16 } as const;
/** `struct sockaddr_un`: a u16 family, then the NUL-terminated path. */
export const SockaddrUn = { family: 0, path: 2, SIZE: 110 } as const;
/** Bytes of one descriptor in an `SCM_RIGHTS` message. */
const FD_BYTES = 4;
/** Bytes one `recv` with descriptors reads at most; callers loop for more. */
const RECVMSG_CHUNK = 64 * 1024;
const cmsgAlign = (n: number) => (n + 7) & ~7;
/** Layout of the native buffer: msghdr, one iovec, control buffer for the most descriptors, data. */
const IOVEC_OFFSET = Msghdr.SIZE;
const CONTROL_OFFSET = IOVEC_OFFSET + Iovec.SIZE;
const DATA_OFFSET = CONTROL_OFFSET + Cmsghdr.data + cmsgAlign(FD_BYTES * MAX_FDS_PER_MESSAGE);

/** What one {@link UnixSocket.recv} got: `bytes === 0` is end of stream. */
export interface Received {
  bytes: number;
  /** Descriptors that arrived with these bytes; the caller owns them and must close them. */
  fds: number[];
  /** More descriptors were sent than asked for; the kernel closed the extra ones. */
  fdsTruncated: boolean;
}

interface Pending {
  data: Uint8Array;
  fds: readonly number[];
}

/** Writes a `struct sockaddr_un` for `path` and returns its length. */
export function encodeSockaddrUn(path: string): Uint8Array {
  const name = new TextEncoder().encode(path);
  // The path and its NUL must fit after the family.
  if (name.length === 0 || name.length + 1 > SockaddrUn.SIZE - SockaddrUn.path) {
    throw new OsError("sockaddr_un", Errno.ENAMETOOLONG, `path of ${name.length} bytes: ${path}`);
  }
  const addr = new Uint8Array(SockaddrUn.path + name.length + 1);
  new DataView(addr.buffer).setUint16(SockaddrUn.family, LinuxConst.AF_UNIX, true);
  addr.set(name, SockaddrUn.path);
  return addr;
}

/**
 * A non-blocking `AF_UNIX` stream socket on a raw descriptor, served from Node's event loop, that can carry
 * descriptors (`SCM_RIGHTS`) in both directions. Sends are queued in order and never block; a peer that went away
 * shows up as end of stream on `recv` and as {@link onClose} on a failed send, never as an exception from the loop.
 */
export class UnixSocket {
  /** The descriptor; owned by this object until {@link close}. */
  readonly fd: number;
  #watch: FdWatch | undefined;
  #onReadable: (() => void) | undefined;
  readonly #onClose: (() => void)[] = [];
  readonly #queue: Pending[] = [];
  readonly #drained: (() => void)[] = [];
  #closed = false;
  #native: ReturnType<typeof allocNative> | undefined;
  #nativeView: DataView | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Takes ownership of a connected stream socket descriptor and makes it non-blocking. */
  static fromFd(fd: number): UnixSocket {
    assertPollable(fd);
    const flags = libc().fcntl(fd, LinuxConst.F_GETFL, 0) as number;
    if (flags < 0 || (libc().fcntl(fd, LinuxConst.F_SETFL, flags | LinuxConst.O_NONBLOCK) as number) < 0) {
      throw new OsError("fcntl", errno(), `fd ${fd}`);
    }
    return new UnixSocket(fd);
  }

  /** Connects to a listening socket at `path`. */
  static connect(path: string): UnixSocket {
    const addr = encodeSockaddrUn(path);
    const fd = libc().socket(LinuxConst.AF_UNIX, LinuxConst.SOCK_STREAM | LinuxConst.SOCK_CLOEXEC, 0) as number;
    if (fd < 0) throw new OsError("socket", errno());
    if ((libc().connect(fd, addr, addr.length) as number) !== 0) {
      const e = errno();
      closeFd(fd);
      throw new OsError("connect", e, path);
    }
    return UnixSocket.fromFd(fd);
  }

  /** Two connected sockets (`socketpair`). */
  static pair(): [UnixSocket, UnixSocket] {
    const fds = [0, 0];
    const type = LinuxConst.SOCK_STREAM | LinuxConst.SOCK_NONBLOCK | LinuxConst.SOCK_CLOEXEC;
    if ((libc().socketpair(LinuxConst.AF_UNIX, type, 0, fds) as number) !== 0) throw new OsError("socketpair", errno());
    return [new UnixSocket(fds[0]!), new UnixSocket(fds[1]!)];
  }

  /** True after {@link close} (or a failed send). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes queued and not yet accepted by the kernel. */
  get queuedBytes(): number {
    let n = 0;
    for (const p of this.#queue) n += p.data.length;
    return n;
  }

  /**
   * Whether bytes this end handed to the kernel still wait unread at the peer (`SIOCOUTQ`, which for a Unix socket
   * counts the kernel's buffers, not bytes; false once closed): tells a test that one piece of a stream was read
   * before it sends the next.
   */
  get unreadByPeer(): boolean {
    if (this.#closed) return false;
    const out = [0];
    if ((libc().ioctlInt(this.fd, LinuxConst.SIOCOUTQ, out) as number) !== 0) throw new OsError("ioctl", errno());
    return out[0]! > 0;
  }

  /**
   * Reads into `buf`. Returns `undefined` when nothing is available yet, `bytes === 0` at end of stream (or when the
   * peer reset the connection). With `maxFds > 0` descriptors that ride on these bytes are returned (at most 64 KiB
   * is read per call then); with `maxFds === 0` any descriptors sent are discarded by the kernel.
   */
  recv(buf: Uint8Array, maxFds = 0): Received | undefined {
    if (this.#closed) return { bytes: 0, fds: [], fdsTruncated: false };
    if (buf.length === 0) return { bytes: 0, fds: [], fdsTruncated: false };
    if (maxFds <= 0) {
      const n = libc().recv(this.fd, buf, buf.length, LinuxConst.MSG_DONTWAIT) as number;
      if (n >= 0) return { bytes: n, fds: [], fdsTruncated: false };
      return this.#recvError("recv");
    }
    const fdCount = Math.min(maxFds, MAX_FDS_PER_MESSAGE);
    const native = this.#prepareMsghdr(fdCount, Math.min(buf.length, RECVMSG_CHUNK));
    const view = this.#nativeView!;
    const flags = LinuxConst.MSG_DONTWAIT | LinuxConst.MSG_CMSG_CLOEXEC;
    const n = libc().recvmsg(this.fd, this.#native!.pointer, flags) as number;
    if (n < 0) return this.#recvError("recvmsg");
    buf.set(native.subarray(DATA_OFFSET, DATA_OFFSET + n));
    const fds: number[] = [];
    const received = Number(view.getBigUint64(Msghdr.controllen, true));
    for (let off = CONTROL_OFFSET; off + Cmsghdr.data <= CONTROL_OFFSET + received; ) {
      const len = Number(view.getBigUint64(off + Cmsghdr.len, true));
      if (len < Cmsghdr.data) break;
      const level = view.getInt32(off + Cmsghdr.level, true);
      const type = view.getInt32(off + Cmsghdr.type, true);
      if (level === LinuxConst.SOL_SOCKET && type === LinuxConst.SCM_RIGHTS) {
        for (let p = off + Cmsghdr.data; p + FD_BYTES <= off + len; p += FD_BYTES) fds.push(view.getInt32(p, true));
      }
      off += cmsgAlign(len);
    }
    let fdsTruncated = (view.getInt32(Msghdr.flags, true) & LinuxConst.MSG_CTRUNC) !== 0;
    // The control buffer is 8-byte aligned, so the kernel may install one descriptor more than asked for.
    if (fds.length > fdCount) {
      for (const extra of fds.splice(fdCount)) closeFd(extra);
      fdsTruncated = true;
    }
    return { bytes: n, fds, fdsTruncated };
  }

  /**
   * Queues `data` with `fds` attached to its first byte. What the kernel does not take at once is copied, unless
   * `owned` says the caller hands the buffer over and will not touch it again. Descriptors are duplicated into the
   * peer by the kernel; the caller keeps and still owns its own copies.
   */
  send(data: Uint8Array, fds: readonly number[] = [], owned = false): void {
    if (this.#closed) return;
    if (fds.length > MAX_FDS_PER_MESSAGE) throw new OsError("sendmsg", Errno.EINVAL, `${fds.length} descriptors`);
    if (data.length === 0 && fds.length === 0) return;
    if (data.length === 0) throw new OsError("sendmsg", Errno.EINVAL, "descriptors need at least one byte");
    if (this.#queue.length === 0) {
      const sent = this.#trySend(data, fds);
      if (sent === data.length || this.#closed) return;
      this.#queue.push({ data: owned ? data.subarray(sent) : data.slice(sent), fds: sent > 0 ? [] : fds });
      this.#updateWatch();
      return;
    }
    this.#queue.push({ data: owned ? data : data.slice(), fds });
  }

  /** Resolves when every queued byte has been handed to the kernel (or the socket closed). */
  flushed(): Promise<void> {
    if (this.#queue.length === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /**
   * Asks the kernel for a send buffer of `bytes` (SO_SNDBUFFORCE when privileged, else SO_SNDBUF up to the system
   * maximum) and returns what it granted, so large messages go out in one call instead of being queued here.
   */
  setSendBuffer(bytes: number): number {
    const value = new Int32Array([bytes]);
    if ((libc().setsockopt(this.fd, LinuxConst.SOL_SOCKET, LinuxConst.SO_SNDBUFFORCE, value, 4) as number) !== 0) {
      libc().setsockopt(this.fd, LinuxConst.SOL_SOCKET, LinuxConst.SO_SNDBUF, value, 4);
    }
    const out = new Int32Array(1);
    const length = [4];
    libc().getsockopt(this.fd, LinuxConst.SOL_SOCKET, LinuxConst.SO_SNDBUF, out, length);
    return out[0]!;
  }

  /** Calls `cb` from the event loop while bytes (or end of stream) are waiting; `undefined` stops it. */
  onReadable(cb: (() => void) | undefined): void {
    this.#onReadable = cb;
    this.#updateWatch();
  }

  /** Calls `cb` once when the socket closes, locally or because a send found the peer gone. */
  onClose(cb: () => void): void {
    if (this.#closed) queueMicrotask(cb);
    else this.#onClose.push(cb);
  }

  /** Closes the descriptor, drops unsent data; calling it again does nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch?.stop();
    this.#watch = undefined;
    this.#queue.length = 0;
    closeFd(this.fd);
    if (this.#native !== undefined) {
      freeNative(this.#native);
      this.#native = undefined;
      this.#nativeView = undefined;
    }
    for (const resolve of this.#drained.splice(0)) resolve();
    for (const cb of this.#onClose.splice(0)) cb();
  }

  #recvError(call: string): Received | undefined {
    const e = errno();
    if (e === Errno.EAGAIN || e === Errno.EINTR) return undefined;
    if (e === Errno.ECONNRESET || e === Errno.EPIPE) return { bytes: 0, fds: [], fdsTruncated: false };
    throw new OsError(call, e, `fd ${this.fd}`);
  }

  /**
   * Fills the native msghdr for one iovec of `length` bytes at {@link DATA_OFFSET} and a zeroed control buffer with
   * room for `fdCount` descriptors at {@link CONTROL_OFFSET}; returns the native bytes.
   */
  #prepareMsghdr(fdCount: number, length: number): Uint8Array {
    const { bytes: native } = this.#nativeBuffer();
    const view = this.#nativeView!;
    const controlLength = Cmsghdr.data + cmsgAlign(FD_BYTES * fdCount);
    native.fill(0, CONTROL_OFFSET, CONTROL_OFFSET + controlLength);
    view.setBigUint64(Msghdr.controllen, BigInt(controlLength), true);
    view.setInt32(Msghdr.flags, 0, true);
    view.setBigUint64(IOVEC_OFFSET + Iovec.len, BigInt(length), true);
    return native;
  }

  /** The native buffer, its msghdr's fixed fields (no name, one iovec over the data, the control buffer) set once. */
  #nativeBuffer(): ReturnType<typeof allocNative> {
    if (this.#native === undefined) {
      const native = allocNative(DATA_OFFSET + RECVMSG_CHUNK);
      const view = new DataView(native.bytes.buffer, native.bytes.byteOffset, native.bytes.byteLength);
      native.bytes.fill(0, 0, CONTROL_OFFSET);
      view.setBigUint64(Msghdr.iov, native.address + BigInt(IOVEC_OFFSET), true);
      view.setBigUint64(Msghdr.iovlen, 1n, true);
      view.setBigUint64(Msghdr.control, native.address + BigInt(CONTROL_OFFSET), true);
      view.setBigUint64(IOVEC_OFFSET + Iovec.base, native.address + BigInt(DATA_OFFSET), true);
      this.#native = native;
      this.#nativeView = view;
    }
    return this.#native;
  }

  /** Sends what the kernel takes now; returns the bytes sent (0 when it would block). Closes on a dead peer. */
  #trySend(data: Uint8Array, fds: readonly number[]): number {
    let n: number;
    const flags = LinuxConst.MSG_DONTWAIT | LinuxConst.MSG_NOSIGNAL;
    if (fds.length === 0) {
      n = libc().send(this.fd, data, data.length, flags) as number;
    } else {
      const length = Math.min(data.length, RECVMSG_CHUNK);
      const native = this.#prepareMsghdr(fds.length, length);
      const view = this.#nativeView!;
      native.set(data.subarray(0, length), DATA_OFFSET);
      view.setBigUint64(CONTROL_OFFSET + Cmsghdr.len, BigInt(Cmsghdr.data + FD_BYTES * fds.length), true);
      view.setInt32(CONTROL_OFFSET + Cmsghdr.level, LinuxConst.SOL_SOCKET, true);
      view.setInt32(CONTROL_OFFSET + Cmsghdr.type, LinuxConst.SCM_RIGHTS, true);
      for (let i = 0; i < fds.length; i++) view.setInt32(CONTROL_OFFSET + Cmsghdr.data + FD_BYTES * i, fds[i]!, true);
      n = libc().sendmsg(this.fd, this.#native!.pointer, flags) as number;
    }
    if (n >= 0) return n;
    const e = errno();
    if (e === Errno.EAGAIN || e === Errno.EINTR) return 0;
    if (e === Errno.EPIPE || e === Errno.ECONNRESET) {
      this.close();
      return 0;
    }
    throw new OsError(fds.length === 0 ? "send" : "sendmsg", e, `fd ${this.fd}`);
  }

  #flushQueue(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const head = this.#queue[0]!;
      const sent = this.#trySend(head.data, head.fds);
      if (sent === head.data.length) {
        this.#queue.shift();
        continue;
      }
      if (sent > 0) this.#queue[0] = { data: head.data.subarray(sent), fds: [] };
      break;
    }
    if (this.#queue.length === 0) for (const resolve of this.#drained.splice(0)) resolve();
    this.#updateWatch();
  }

  #updateWatch(): void {
    if (this.#closed) return;
    const events = { readable: this.#onReadable !== undefined, writable: this.#queue.length > 0 };
    if (this.#watch === undefined) {
      if (!events.readable && !events.writable) return;
      this.#watch = watchFd(this.fd, events, (ready) => this.#ready(ready));
    } else {
      this.#watch.update(events);
    }
  }

  #ready(ready: { readable: boolean; writable: boolean }): void {
    if (ready.writable && this.#queue.length > 0) this.#flushQueue();
    if (ready.readable && !this.#closed) this.#onReadable?.();
  }
}
