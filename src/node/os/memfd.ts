import { closeFd } from "./fd.ts";
import { errno, LinuxConst, libc } from "./libc.ts";
import { OsError } from "./os-error.ts";

/** An anonymous shared-memory file of `size` bytes (`memfd_create` + `ftruncate`), close-on-exec. */
export function createMemfd(name: string, size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`memfd size ${size}`);
  const fd = libc().memfdCreate(name, LinuxConst.MFD_CLOEXEC) as number;
  if (fd < 0) throw new OsError("memfd_create", errno());
  if ((libc().ftruncate(fd, size) as number) !== 0) {
    const e = errno();
    closeFd(fd);
    throw new OsError("ftruncate", e, `size ${size}`);
  }
  return fd;
}

/** Size in bytes of the file behind `fd` (its end offset). */
export function fileSize(fd: number): number {
  const SEEK_END = 2;
  const size = Number(libc().fstatSize(fd, 0, SEEK_END));
  if (size < 0) throw new OsError("lseek", errno());
  return size;
}
