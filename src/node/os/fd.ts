import { errno, libc } from "./libc.ts";
import { OsError } from "./os-error.ts";

/** Closes a file descriptor; errors (a descriptor already closed) are reported, not thrown. */
export function closeFd(fd: number): boolean {
  return libc().close(fd) === 0;
}

/** A new descriptor for the same open file (`dup`), close-on-exec not set. */
export function dupFd(fd: number): number {
  const copy = libc().dup(fd) as number;
  if (copy < 0) throw new OsError("dup", errno());
  return copy;
}
