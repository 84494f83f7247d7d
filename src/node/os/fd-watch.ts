import { nodePoll, type PollCallback, type PollHandle } from "./libc.ts";

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
 * exist per descriptor.
 */
export function watchFd(fd: number, events: FdEvents, onReady: (ready: Required<FdEvents>) => void): FdWatch {
  let handle: PollHandle | undefined;
  const callback: PollCallback = (status, ev) => {
    if (handle === undefined) return;
    if (status < 0 || ev === undefined) onReady({ readable: true, writable: false });
    else onReady({ readable: ev.readable, writable: ev.writable });
  };
  const opts = (e: FdEvents) => ({ readable: e.readable === true, writable: e.writable === true });
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
