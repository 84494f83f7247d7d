/** A failed libc call: `call` is the function's name, `errno` the error number it left. */
export class OsError extends Error {
  /** The libc function that failed. */
  readonly call: string;
  /** `errno` after the call (Linux numbering). */
  readonly errno: number;

  constructor(call: string, errno: number, detail?: string) {
    super(`${call} failed: errno ${errno}${detail === undefined ? "" : ` (${detail})`}`);
    this.name = "OsError";
    this.call = call;
    this.errno = errno;
  }
}

/** Linux errno values the wrappers react to. */
export const Errno = {
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  EINVAL: 22,
  EPIPE: 32,
  ENAMETOOLONG: 36,
  ECONNRESET: 104,
} as const;
