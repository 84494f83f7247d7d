import { closeFd } from "./fd.ts";
import { type FdWatch, watchFd } from "./fd-watch.ts";
import { errno, LinuxConst, libc } from "./libc.ts";
import { Errno, OsError } from "./os-error.ts";

/** Bytes read or written per system call. */
const CHUNK_BYTES = 256 << 10;

/** Makes `fd` non-blocking (a pipe or socket a peer handed over), so reads and writes wait on the event loop. */
function setNonBlocking(fd: number): void {
  const flags = libc().fcntl(fd, LinuxConst.F_GETFL, 0) as number;
  if (flags < 0 || (libc().fcntl(fd, LinuxConst.F_SETFL, flags | LinuxConst.O_NONBLOCK) as number) < 0) {
    throw new OsError("fcntl", errno(), `descriptor ${fd}`);
  }
}

/**
 * Reads `fd` (a pipe or socket) to its end of file without blocking the event loop, then closes it. Rejects with an
 * {@link OsError} on a read error, or when more than `maxBytes` arrive.
 */
export function readToEnd(fd: number, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let watch: FdWatch | undefined;
    const finish = (error: Error | undefined) => {
      watch?.stop();
      closeFd(fd);
      if (error !== undefined) return reject(error);
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
      }
      resolve(out);
    };
    const drain = () => {
      for (;;) {
        const buf = new Uint8Array(CHUNK_BYTES);
        const n = libc().read(fd, buf, buf.byteLength) as number;
        if (n === 0) return finish(undefined);
        if (n < 0) {
          const e = errno();
          if (e === Errno.EAGAIN || e === Errno.EINTR) return;
          return finish(new OsError("read", e, `descriptor ${fd}`));
        }
        total += n;
        if (total > maxBytes) return finish(new OsError("read", 0, `more than ${maxBytes} bytes`));
        chunks.push(buf.subarray(0, n));
      }
    };
    try {
      setNonBlocking(fd);
      watch = watchFd(fd, { readable: true }, drain);
      drain();
    } catch (e) {
      finish(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** Writes `bytes` to `fd` (a pipe or socket) without blocking the event loop, then closes it (the reader's EOF). */
export function writeAndClose(fd: number, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    let at = 0;
    let watch: FdWatch | undefined;
    const finish = (error: Error | undefined) => {
      watch?.stop();
      closeFd(fd);
      if (error !== undefined) reject(error);
      else resolve();
    };
    const pump = () => {
      while (at < bytes.byteLength) {
        const n = libc().write(
          fd,
          bytes.subarray(at, at + CHUNK_BYTES),
          Math.min(CHUNK_BYTES, bytes.byteLength - at),
        ) as number;
        if (n < 0) {
          const e = errno();
          if (e === Errno.EAGAIN || e === Errno.EINTR) {
            watch ??= watchFd(fd, { writable: true }, pump);
            return;
          }
          return finish(new OsError("write", e, `descriptor ${fd}`));
        }
        at += n;
      }
      finish(undefined);
    };
    try {
      setNonBlocking(fd);
      pump();
    } catch (e) {
      finish(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
