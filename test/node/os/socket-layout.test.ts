// The native structs UnixSocket builds for sendmsg/recvmsg, against offsets typed from glibc's <bits/socket.h>,
// <bits/types/struct_iovec.h> and <sys/un.h> on x86-64 (LP64): `offsetof`/`sizeof` as gcc reports them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Cmsghdr, encodeSockaddrUn, Iovec, Msghdr, SockaddrUn } from "../../../src/node/os/unix-socket.ts";

test("msghdr, iovec, cmsghdr and sockaddr_un offsets are those of the Linux x86-64 headers", () => {
  // struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
  //                 void *msg_control; size_t msg_controllen; int msg_flags; }
  assert.deepEqual(
    [Msghdr.name, Msghdr.namelen, Msghdr.iov, Msghdr.iovlen, Msghdr.control, Msghdr.controllen, Msghdr.flags],
    [0, 8, 16, 24, 32, 40, 48],
  );
  assert.equal(Msghdr.SIZE, 56);
  // struct iovec { void *iov_base; size_t iov_len; }
  assert.deepEqual([Iovec.base, Iovec.len, Iovec.SIZE], [0, 8, 16]);
  // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }; CMSG_LEN(0) == 16
  assert.deepEqual([Cmsghdr.len, Cmsghdr.level, Cmsghdr.type, Cmsghdr.data], [0, 8, 12, 16]);
  // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
  assert.deepEqual([SockaddrUn.family, SockaddrUn.path, SockaddrUn.SIZE], [0, 2, 110]);
  assert.deepEqual([...encodeSockaddrUn("/a")], [1, 0, 0x2f, 0x61, 0]);
  assert.throws(
    () => encodeSockaddrUn("x".repeat(108)),
    (e: Error & { errno?: number }) => e.errno === 36 && /ENAMETOOLONG/.test(e.message),
  );
  assert.equal(encodeSockaddrUn("x".repeat(107)).length, 110);
});
