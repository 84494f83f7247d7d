import koffi from "koffi";

// x86-64 / aarch64 Linux values (glibc).
/** libc constants used by the wrappers in this folder. */
export const LinuxConst = {
  AF_UNIX: 1,
  SOCK_STREAM: 1,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SO_SNDBUF: 7,
  SO_SNDBUFFORCE: 32,
  SCM_RIGHTS: 1,
  MSG_DONTWAIT: 0x40,
  MSG_CTRUNC: 0x8,
  MSG_NOSIGNAL: 0x4000,
  MSG_CMSG_CLOEXEC: 0x40000000,
  MFD_CLOEXEC: 1,
  PROT_READ: 1,
  PROT_WRITE: 2,
  MAP_SHARED: 1,
  EFD_NONBLOCK: 0o4000,
  EFD_CLOEXEC: 0o2000000,
  EPOLL_CLOEXEC: 0o2000000,
  EPOLL_CTL_ADD: 1,
  EPOLL_CTL_DEL: 2,
  EPOLLIN: 1,
  F_GETFL: 3,
  F_SETFL: 4,
  O_NONBLOCK: 0o4000,
  SIOCOUTQ: 0x5411,
} as const;

/** An opaque native pointer as koffi returns it. */
export type NativePointer = unknown;

function bind() {
  const lib = koffi.load("libc.so.6");
  return {
    close: lib.func("int close(int)"),
    read: lib.func("intptr_t read(int, void *, size_t)"),
    write: lib.func("intptr_t write(int, const void *, size_t)"),
    fcntl: lib.func("int fcntl(int, int, int)"),
    memfdCreate: lib.func("int memfd_create(const char *, unsigned int)"),
    ftruncate: lib.func("int ftruncate(int, int64_t)"),
    fstatSize: lib.func("int64_t lseek(int, int64_t, int)"),
    mmap: lib.func("void *mmap(void *, size_t, int, int, int, int64_t)"),
    munmap: lib.func("int munmap(void *, size_t)"),
    eventfd: lib.func("int eventfd(unsigned int, int)"),
    socket: lib.func("int socket(int, int, int)"),
    socketpair: lib.func("int socketpair(int, int, int, _Out_ int *)"),
    bind: lib.func("int bind(int, const void *, uint32_t)"),
    listen: lib.func("int listen(int, int)"),
    accept4: lib.func("int accept4(int, void *, void *, int)"),
    connect: lib.func("int connect(int, const void *, uint32_t)"),
    send: lib.func("intptr_t send(int, const void *, size_t, int)"),
    recv: lib.func("intptr_t recv(int, void *, size_t, int)"),
    sendmsg: lib.func("intptr_t sendmsg(int, void *, int)"),
    recvmsg: lib.func("intptr_t recvmsg(int, void *, int)"),
    setsockopt: lib.func("int setsockopt(int, int, int, const void *, uint32_t)"),
    getsockopt: lib.func("int getsockopt(int, int, int, _Out_ void *, _Inout_ uint32_t *)"),
    dup: lib.func("int dup(int)"),
    ioctlInt: lib.func("int ioctl(int, unsigned long, _Out_ int *)"),
    unlink: lib.func("int unlink(const char *)"),
    epollCreate1: lib.func("int epoll_create1(int)"),
    epollCtl: lib.func("int epoll_ctl(int, int, int, void *)"),
  };
}

let bound: ReturnType<typeof bind> | undefined;

/** The libc functions, bound on first use (loading libc costs a few milliseconds). */
export function libc(): ReturnType<typeof bind> {
  bound ??= bind();
  return bound;
}

/** `errno` of the calling thread, right after a failed call. */
export function errno(): number {
  return koffi.errno();
}

/** Native memory of `size` bytes with a view over it; it lives until {@link freeNative} (the GC never frees it). */
export function allocNative(size: number): { pointer: NativePointer; address: bigint; bytes: Uint8Array } {
  const pointer = koffi.alloc("uint8", size);
  return { pointer, address: koffi.address(pointer) as bigint, bytes: new Uint8Array(koffi.view(pointer, size)) };
}

/** Releases what {@link allocNative} allocated; its `bytes` must not be used afterwards. */
export function freeNative(native: { pointer: NativePointer }): void {
  koffi.free(native.pointer);
}

/** Address of a koffi pointer (`0xffff…` for `MAP_FAILED`). */
export function addressOf(pointer: NativePointer): bigint {
  return pointer === null ? 0n : (koffi.address(pointer) as bigint);
}

/** An `ArrayBuffer` over `length` bytes of native memory at `pointer`. */
export function viewOf(pointer: NativePointer, length: number): ArrayBuffer {
  return koffi.view(pointer, length);
}

/** A libuv poll handle as koffi hands it out. */
export interface PollHandle {
  start(opts: { readable: boolean; writable: boolean }, cb: PollCallback): void;
  stop(): void;
  close(): void;
}

/** koffi calls back with `(status, events)`, although its typings say `(events)`. */
export type PollCallback = (status: number, events: { readable: boolean; writable: boolean } | undefined) => void;

/** koffi's event-loop fd watcher (libuv `uv_poll`). */
export const nodePoll = koffi.node.poll as unknown as (
  fd: number,
  opts: { readable: boolean; writable: boolean },
  cb: PollCallback,
) => PollHandle;
