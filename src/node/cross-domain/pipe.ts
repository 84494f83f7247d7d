import koffi from "koffi";
import { errno, LinuxConst } from "../os/libc.ts";
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
