import { readlinkSync } from "node:fs";
import type {
  CrossDomainChannel,
  CrossDomainDescriptorInfo,
  CrossDomainHost,
  CrossDomainWatch,
} from "../../components/cross-domain/host.ts";
import { RutabagaHandleType, RutabagaMapInfo } from "../../rutabaga/constants.ts";
import type { RutabagaHandle } from "../../rutabaga/types.ts";
import { closeFd, dupFd } from "../os/fd.ts";
import { watchFd } from "../os/fd-watch.ts";
import { addressOf, errno, LinuxConst, libc, viewOf } from "../os/libc.ts";
import { createMemfd, fileSize } from "../os/memfd.ts";
import { Errno, OsError } from "../os/os-error.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import { createPipeForWriter, makeNonBlocking } from "./pipe.ts";

const O_ACCMODE = 3;
const O_WRONLY = 1;
const O_RDWR = 2;
const MAP_PRIVATE = 2;
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;
/** Bytes queued for one pipe the reader is slow to drain; more is refused (the guest cannot grow host memory). */
export const MAX_QUEUED_PIPE_BYTES = 16 * 1024 * 1024;

function fdOf(handle: RutabagaHandle): number {
  const fd = handle.os;
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) throw new OsError("fd", Errno.EBADF, String(fd));
  return fd;
}

const handle = (fd: number, handleType = 0): RutabagaHandle => ({ os: fd, handleType });

interface PipeQueue {
  chunks: Uint8Array[];
  bytes: number;
  closeWhenDrained: boolean;
  watch: ReturnType<typeof watchFd> | undefined;
}

/**
 * The cross-domain component's OS access on Linux through koffi: channels on the fd-passing {@link UnixSocket}, shared
 * memory as memfds, non-blocking pipes, eventfds, readiness from Node's event loop. Handles are file descriptors.
 */
export class NodeCrossDomainHost implements CrossDomainHost {
  readonly #pipeQueues = new Map<number, PipeQueue>();
  readonly #counter = new BigUint64Array(1);

  connect(path: string): CrossDomainChannel {
    return socketChannel(UnixSocket.connect(path));
  }

  channelFromSocket(h: RutabagaHandle): CrossDomainChannel {
    return socketChannel(UnixSocket.fromFd(fdOf(h)));
  }

  allocateSharedMemory(size: number, name: string): RutabagaHandle {
    return handle(createMemfd(name, size), RutabagaHandleType.MemShm);
  }

  createPipe(): { read: RutabagaHandle; write: RutabagaHandle } {
    const [r, w] = createPipeForWriter();
    return { read: handle(r), write: handle(w) };
  }

  describe(h: RutabagaHandle): CrossDomainDescriptorInfo {
    const fd = fdOf(h);
    const target = readlinkSync(`/proc/self/fd/${fd}`);
    const flags = libc().fcntl(fd, LinuxConst.F_GETFL, 0) as number;
    if (flags < 0) throw new OsError("fcntl", errno(), `fd ${fd}`);
    const mode = flags & O_ACCMODE;
    if (target.startsWith("pipe:")) return { kind: mode === O_WRONLY ? "writePipe" : "readPipe", size: 0, access: 0 };
    if (target.startsWith("socket:")) return { kind: "socket", size: 0, access: 0 };
    if (target === "anon_inode:[eventfd]") return { kind: "event", size: 0, access: 0 };
    // memfds read "/memfd:name (deleted)"; shm files and unlinked temporary files are paths too.
    if (target.startsWith("/")) {
      const access = mode === O_RDWR ? RutabagaMapInfo.AccessRw : RutabagaMapInfo.AccessRead;
      return { kind: "memory", size: fileSize(fd), access };
    }
    return { kind: "other", size: 0, access: 0 };
  }

  read(h: RutabagaHandle, buf: Uint8Array): number | undefined {
    const n = libc().read(fdOf(h), buf, buf.length) as number;
    if (n >= 0) return n;
    const e = errno();
    if (e === Errno.EAGAIN || e === Errno.EINTR) return undefined;
    throw new OsError("read", e, `fd ${fdOf(h)}`);
  }

  write(h: RutabagaHandle, data: Uint8Array): void {
    const fd = fdOf(h);
    const queue = this.#pipeQueues.get(fd);
    if (queue !== undefined) {
      this.#enqueue(fd, queue, data);
      return;
    }
    makeNonBlocking(fd);
    const n = libc().write(fd, data, data.length) as number;
    if (n === data.length) return;
    if (n < 0) {
      const e = errno();
      if (e !== Errno.EAGAIN && e !== Errno.EINTR) throw new OsError("write", e, `fd ${fd}`);
    }
    const q: PipeQueue = { chunks: [], bytes: 0, closeWhenDrained: false, watch: undefined };
    this.#pipeQueues.set(fd, q);
    this.#enqueue(fd, q, data.subarray(Math.max(0, n)));
  }

  #enqueue(fd: number, q: PipeQueue, data: Uint8Array): void {
    if (q.bytes + data.length > MAX_QUEUED_PIPE_BYTES) {
      throw new OsError("write", Errno.EAGAIN, `more than ${MAX_QUEUED_PIPE_BYTES} bytes queued for fd ${fd}`);
    }
    q.chunks.push(data.slice());
    q.bytes += data.length;
    q.watch ??= watchFd(fd, { writable: true }, () => this.#flush(fd, q));
  }

  #flush(fd: number, q: PipeQueue): void {
    while (q.chunks.length > 0) {
      const head = q.chunks[0]!;
      const n = libc().write(fd, head, head.length) as number;
      if (n < 0) {
        const e = errno();
        if (e === Errno.EAGAIN || e === Errno.EINTR) return;
        // The reader went away: what was queued can go nowhere.
        q.chunks.length = 0;
        break;
      }
      q.bytes -= n;
      if (n === head.length) q.chunks.shift();
      else {
        q.chunks[0] = head.subarray(n);
        return;
      }
    }
    q.watch?.stop();
    this.#pipeQueues.delete(fd);
    if (q.closeWhenDrained) closeFd(fd);
  }

  signalEvent(h: RutabagaHandle, value: bigint): void {
    this.#counter[0] = value;
    const n = libc().write(fdOf(h), this.#counter, 8) as number;
    if (n !== 8) {
      const e = errno();
      if (e !== Errno.EAGAIN) throw new OsError("write(eventfd)", e, `fd ${fdOf(h)}`);
    }
  }

  readEvent(h: RutabagaHandle): bigint | undefined {
    const n = libc().read(fdOf(h), this.#counter, 8) as number;
    if (n === 8) return this.#counter[0]!;
    const e = errno();
    if (e === Errno.EAGAIN || e === Errno.EINTR) return undefined;
    throw new OsError("read(eventfd)", e, `fd ${fdOf(h)}`);
  }

  /**
   * Maps shared; memory the peer gave read-only (or sealed against writes, as weston's keymaps are) is mapped
   * copy-on-write, so a write through the view changes only our copy instead of faulting the process.
   */
  map(h: RutabagaHandle, size: number): { bytes: Uint8Array; unmap(): void } {
    const fd = fdOf(h);
    if (size === 0) return { bytes: new Uint8Array(0), unmap: () => {} };
    const have = fileSize(fd);
    // Touching a mapping past the end of its file raises SIGBUS and kills the process.
    if (size > have) throw new OsError("mmap", 22, `mapping ${size} bytes of a ${have}-byte file`);
    const prot = LinuxConst.PROT_READ | LinuxConst.PROT_WRITE;
    let pointer = libc().mmap(null, size, prot, LinuxConst.MAP_SHARED, fd, 0);
    if (pointer === null || addressOf(pointer) === MAP_FAILED) {
      pointer = libc().mmap(null, size, prot, MAP_PRIVATE, fd, 0);
      if (pointer === null || addressOf(pointer) === MAP_FAILED) throw new OsError("mmap", errno(), `fd ${fd}`);
    }
    let mapped = true;
    return {
      bytes: new Uint8Array(viewOf(pointer, size)),
      unmap: () => {
        if (!mapped) return;
        mapped = false;
        libc().munmap(pointer, size);
      },
    };
  }

  dup(h: RutabagaHandle): RutabagaHandle {
    return handle(dupFd(fdOf(h)), h.handleType);
  }

  close(h: RutabagaHandle): void {
    const fd = fdOf(h);
    const q = this.#pipeQueues.get(fd);
    if (q !== undefined) {
      q.closeWhenDrained = true;
      return;
    }
    closeFd(fd);
  }

  watch(h: RutabagaHandle, onReadable: () => void): CrossDomainWatch {
    const w = watchFd(fdOf(h), { readable: true }, () => onReadable());
    return {
      pause: () => w.update({}),
      resume: () => w.update({ readable: true }),
      stop: () => w.stop(),
    };
  }

  /** Pipes with bytes still queued (for leak checks and tests). */
  get queuedPipes(): number {
    return this.#pipeQueues.size;
  }
}

function socketChannel(socket: UnixSocket): CrossDomainChannel {
  let watching: (() => void) | undefined;
  return {
    send(data, fds) {
      if (socket.closed) throw new OsError("sendmsg", Errno.EPIPE, "channel closed");
      // Queued descriptors are sent later: keep our own copies alive until then.
      const copies = fds.map((f) => dupFd(fdOf(f)));
      try {
        socket.send(data, copies);
      } catch (e) {
        for (const c of copies) closeFd(c);
        throw e;
      }
      if (socket.queuedBytes === 0) for (const c of copies) closeFd(c);
      else void socket.flushed().then(() => copies.forEach((c) => void closeFd(c)));
      if (socket.closed) throw new OsError("sendmsg", Errno.EPIPE, "peer went away");
    },
    recv(buf, maxFds) {
      const got = socket.recv(buf, maxFds);
      if (got === undefined) return undefined;
      return { bytes: got.bytes, fds: got.fds.map((fd) => handle(fd)), fdsTruncated: got.fdsTruncated };
    },
    watch(onReadable) {
      watching = onReadable;
      socket.onReadable(onReadable);
      return {
        pause: () => socket.onReadable(undefined),
        resume: () => socket.onReadable(watching),
        stop: () => {
          watching = undefined;
          socket.onReadable(undefined);
        },
      };
    },
    close: () => socket.close(),
  };
}
