/** Node-only access to the Linux calls rutabaga-ts needs (through koffi): memfds, mappings, eventfds, fd passing. */

export { EventFd } from "./eventfd.ts";
export { closeFd, dupFd } from "./fd.ts";
export { type FdEvents, type FdWatch, watchFd } from "./fd-watch.ts";
export { addSeals, createMemfd, FileSeal, fileSize, hasSeals } from "./memfd.ts";
export { MemoryMapping } from "./memory-mapping.ts";
export { Errno, OsError } from "./os-error.ts";
export { UnixListener } from "./unix-listener.ts";
export { MAX_FDS_PER_MESSAGE, type Received, UnixSocket } from "./unix-socket.ts";
