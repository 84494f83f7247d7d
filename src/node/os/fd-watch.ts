import { errno, LinuxConst, libc, nodePoll, type PollCallback, type PollHandle } from "./libc.ts";
import { OsError } from "./os-error.ts";

let probe = -1;
const probeEvent = new Uint8Array(12);

/**
 * Throws unless epoll can watch `fd` (regular files and directories cannot be watched): koffi's poll aborts the whole
 * process when libuv refuses a descriptor, and descriptors come from untrusted peers.
 */
export function assertPollable(fd: number): void {
  if (probe < 0) {
    probe = libc().epollCreate1(LinuxConst.EPOLL_CLOEXEC) as number;
    if (probe < 0) throw new OsError("epoll_create1", errno());
  }
  new DataView(probeEvent.buffer).setUint32(0, LinuxConst.EPOLLIN, true);
  if ((libc().epollCtl(probe, LinuxConst.EPOLL_CTL_ADD, fd, probeEvent) as number) !== 0) {
    throw new OsError("epoll_ctl", errno(), `descriptor ${fd} cannot be watched`);
  }
  libc().epollCtl(probe, LinuxConst.EPOLL_CTL_DEL, fd, probeEvent);
}

/** Which readiness a watch reports. */
export interface FdEvents {
  readable?: boolean;
  writable?: boolean;
}

/** A running watch on a descriptor; {@link FdWatch.stop} ends it for good. */
export interface FdWatch {
  /** Changes which readiness is reported. */
  update(events: FdEvents): void;
  /** Stops watching; the callback is not called again. */
  stop(): void;
}

/**
 * Calls `onReady` from Node's event loop whenever `fd` is ready as asked (level-triggered, libuv `uv_poll`). An error
 * on the descriptor (hang-up, reset) is reported as readable, so the read that follows sees it. Only one watch may
 * exist per descriptor. A descriptor epoll cannot watch is an {@link OsError}.
 */
export function watchFd(fd: number, events: FdEvents, onReady: (ready: Required<FdEvents>) => void): FdWatch {
  let handle: PollHandle | undefined;
  const callback: PollCallback = (status, ev) => {
    if (handle === undefined) return;
    if (status < 0 || ev === undefined) onReady({ readable: true, writable: false });
    else onReady({ readable: ev.readable, writable: ev.writable });
  };
  const opts = (e: FdEvents) => ({ readable: e.readable === true, writable: e.writable === true });
  assertPollable(fd);
  handle = nodePoll(fd, opts(events), callback);
  return {
    update(next: FdEvents) {
      if (handle === undefined) return;
      if (!next.readable && !next.writable) handle.stop();
      else handle.start(opts(next), callback);
    },
    stop() {
      const h = handle;
      handle = undefined;
      h?.close();
    },
  };
}
