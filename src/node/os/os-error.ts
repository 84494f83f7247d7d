import { getSystemErrorMap } from "node:util";

/**
 * A failed libc call, shaped like Node's own system errors: `code` is the errno name (`"ENOENT"`), `syscall` the call,
 * and the message reads `ENOENT: no such file or directory, connect '/tmp/x.sock'`. Unlike Node's, `errno` is the
 * positive Linux number.
 */
export class OsError extends Error {
  /** The libc function that failed. */
  readonly call: string;
  /** The same as {@link OsError.call}, under the name Node's errors use. */
  readonly syscall: string;
  /** `errno` after the call (Linux numbering, positive). */
  readonly errno: number;
  /** The errno name, as in Node's errors (`"ENOENT"`); `"E<number>"` for a number Node does not know. */
  readonly code: string;
  /** What the call was about (a path, a descriptor), when there is one. */
  readonly detail: string | undefined;

  /** `message` replaces the default `CODE: text, call 'detail'` where a plainer sentence says more. */
  constructor(call: string, errno: number, detail?: string, message?: string) {
    const [code, text] = describeErrno(errno);
    super(message ?? `${code}: ${text}, ${call}${detail === undefined ? "" : ` '${detail}'`}`);
    this.name = "OsError";
    this.call = call;
    this.syscall = call;
    this.errno = errno;
    this.code = code;
    this.detail = detail;
  }
}

/** The errno name and libuv's text for a positive Linux errno, e.g. `["ENOENT", "no such file or directory"]`. */
export function describeErrno(errno: number): [name: string, text: string] {
  const known = getSystemErrorMap().get(-errno);
  return known === undefined ? [`E${errno}`, `unknown error ${errno}`] : [known[0], known[1]];
}

/** Linux errno values the wrappers react to. */
export const Errno = {
  ENOENT: 2,
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  EEXIST: 17,
  EINVAL: 22,
  EPIPE: 32,
  ENAMETOOLONG: 36,
  EADDRINUSE: 98,
  ECONNRESET: 104,
  ECONNREFUSED: 111,
} as const;
