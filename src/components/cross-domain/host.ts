import type { RutabagaHandle } from "../../rutabaga/types.ts";

/** What kind of OS object a descriptor the host received is; decides the identifier type it travels as. */
export type CrossDomainDescriptorKind = "memory" | "event" | "readPipe" | "writePipe" | "socket" | "other";

/** A descriptor's kind, its byte size (memory) and the access it allows (`RutabagaMapInfo` access bits). */
export interface CrossDomainDescriptorInfo {
  kind: CrossDomainDescriptorKind;
  size: number;
  access: number;
}

/** A readiness watch: `onReadable` runs from the host's event loop while the descriptor is readable or hung up. */
export interface CrossDomainWatch {
  /** Stops reporting until {@link resume}. */
  pause(): void;
  resume(): void;
  /** Ends the watch for good. */
  stop(): void;
}

/** What one {@link CrossDomainChannel.recv} got; `bytes === 0` with no descriptors is end of stream. */
export interface CrossDomainReceived {
  bytes: number;
  /** Owned by the caller from now on. */
  fds: RutabagaHandle[];
  /** More descriptors came than fit: the message cannot be carried faithfully. */
  fdsTruncated: boolean;
}

/** A connected stream socket to a host service (a Wayland compositor): bytes with descriptors both ways. */
export interface CrossDomainChannel {
  /** Queues `data` with `fds` attached to its first byte; never blocks. The caller still owns (and closes) `fds`. */
  send(data: Uint8Array, fds: readonly RutabagaHandle[]): void;
  /** Reads what is there: `undefined` when nothing is, at most `maxFds` descriptors. */
  recv(buf: Uint8Array, maxFds: number): CrossDomainReceived | undefined;
  watch(onReadable: () => void): CrossDomainWatch;
  close(): void;
}

/**
 * Everything the cross-domain component needs from the OS, so its protocol logic stays isomorphic. Handles are the
 * host's (`os` is a file descriptor number on Node). Every method may throw; the component turns failures into
 * `RutabagaError`s. A handle passed to {@link close} is never used again.
 */
export interface CrossDomainHost {
  /** Connects to a host socket path (a channel of the configured paths). */
  connect(path: string): CrossDomainChannel;
  /** A channel over a socket descriptor received earlier (ASSIGN_SOCKET_UUID); takes ownership of it. */
  channelFromSocket(handle: RutabagaHandle): CrossDomainChannel;
  /** Shared memory of `size` bytes, zero-filled, handle type `MEM_SHM`. */
  allocateSharedMemory(size: number, name: string): RutabagaHandle;
  /** A pipe: the read end (ours) non-blocking, the write end (for the peer) blocking, as pipes peers make are. */
  createPipe(): { read: RutabagaHandle; write: RutabagaHandle };
  describe(handle: RutabagaHandle): CrossDomainDescriptorInfo;
  /** Reads from a pipe: bytes read, 0 at end of stream, `undefined` when nothing is there yet. */
  read(handle: RutabagaHandle, buf: Uint8Array): number | undefined;
  /**
   * Queues bytes for a pipe; never blocks, even on a write end a peer made blocking (the host buffers what the pipe
   * does not take yet).
   */
  write(handle: RutabagaHandle, data: Uint8Array): void;
  /** Adds to an eventfd's counter. */
  signalEvent(handle: RutabagaHandle, value: bigint): void;
  /** Reads and resets an eventfd's counter; `undefined` when it is zero. */
  readEvent(handle: RutabagaHandle): bigint | undefined;
  /** Maps `size` bytes of shared memory read-write; `unmap` ends it (the view must not be touched afterwards). */
  map(handle: RutabagaHandle, size: number): { bytes: Uint8Array; unmap(): void };
  dup(handle: RutabagaHandle): RutabagaHandle;
  /** Closes a handle (after queued pipe writes are flushed). */
  close(handle: RutabagaHandle): void;
  watch(handle: RutabagaHandle, onReadable: () => void): CrossDomainWatch;
}
