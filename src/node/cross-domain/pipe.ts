import koffi from "koffi";
import { closeFd } from "../os/fd.ts";
import { errno, LinuxConst, libc } from "../os/libc.ts";
import { OsError } from "../os/os-error.ts";

let pipe2: ((fds: number[], flags: number) => number) | undefined;

/** A pipe (`pipe2`), both ends non-blocking and close-on-exec: `[read, write]`. */
export function createPipe(): [number, number] {
  pipe2 ??= koffi.load("libc.so.6").func("int pipe2(_Out_ int *, int)") as unknown as (
    fds: number[],
    flags: number,
  ) => number;
  const fds = [0, 0];
  if (pipe2(fds, LinuxConst.O_NONBLOCK | LinuxConst.SOCK_CLOEXEC) !== 0) throw new OsError("pipe2", errno());
  return [fds[0]!, fds[1]!];
}

/**
 * A pipe whose write end goes to another process (a client or the compositor): `[read, write]`, the read end ours and
 * non-blocking, the write end blocking as pipes clients make are. Writers such as `cat` behind wl-copy treat EAGAIN
 * as a failure, so a non-blocking write end would cut text at the pipe's capacity (64 KiB).
 */
export function createPipeForWriter(): [number, number] {
  const [read, write] = createPipe();
  const flags = libc().fcntl(write, LinuxConst.F_GETFL, 0) as number;
  if (flags < 0 || (libc().fcntl(write, LinuxConst.F_SETFL, flags & ~LinuxConst.O_NONBLOCK) as number) < 0) {
    const e = errno();
    closeFd(read);
    closeFd(write);
    throw new OsError("fcntl", e, `fd ${write}`);
  }
  return [read, write];
}

/**
 * Makes a pipe end we write to and another process gave us non-blocking (its open file description, shared with the
 * peer's copies): a blocking write to a reader that does not read would stall every client of this process.
 */
export function makeNonBlocking(fd: number): void {
  const flags = libc().fcntl(fd, LinuxConst.F_GETFL, 0) as number;
  if (flags < 0) throw new OsError("fcntl", errno(), `fd ${fd}`);
  if ((flags & LinuxConst.O_NONBLOCK) !== 0) return;
  if ((libc().fcntl(fd, LinuxConst.F_SETFL, flags | LinuxConst.O_NONBLOCK) as number) < 0) {
    throw new OsError("fcntl", errno(), `fd ${fd}`);
  }
}
