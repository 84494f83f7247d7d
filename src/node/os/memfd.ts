import { closeFd } from "./fd.ts";
import { errno, LinuxConst, libc } from "./libc.ts";
import { OsError } from "./os-error.ts";

/**
 * An anonymous shared-memory file of `size` bytes (`memfd_create` + `ftruncate`), close-on-exec; `allowSealing`
 * lets {@link addSeals} seal it (as libwayland clients make their shm pools).
 */
export function createMemfd(name: string, size: number, allowSealing = false): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`memfd size ${size}`);
  const flags = LinuxConst.MFD_CLOEXEC | (allowSealing ? LinuxConst.MFD_ALLOW_SEALING : 0);
  const fd = libc().memfdCreate(name, flags) as number;
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

/** File seals (`F_SEAL_*`): what can no longer be done to a sealable file (a memfd made with seals allowed). */
export const FileSeal = { Seal: 1, Shrink: 2, Grow: 4, Write: 8 } as const;

/**
 * Adds `seals` to the file behind `fd` (`F_ADD_SEALS`); true when they took. A file that does not allow seals (most
 * files, a memfd made without `MFD_ALLOW_SEALING`) refuses, and so does one already sealed against more seals.
 */
export function addSeals(fd: number, seals: number): boolean {
  return (libc().fcntl(fd, LinuxConst.F_ADD_SEALS, seals) as number) === 0;
}

/** True when every seal of `seals` is on the file behind `fd` (`F_GET_SEALS`; false for a file that has none). */
export function hasSeals(fd: number, seals: number): boolean {
  const on = libc().fcntl(fd, LinuxConst.F_GET_SEALS, 0) as number;
  return on >= 0 && (on & seals) === seals;
}
