// A plain Wayland pass-through on the same socket code as the proxy (koffi recvmsg/sendmsg from Node's event loop),
// with no virtio-gpu device, cross-domain context or shm copies: the floor a Node proxy pays on this machine, which
// the cross-domain bench runs as its baseline. Usage: pass-through.ts SOCKET_PATH UPSTREAM_PATH.
import { closeFd } from "../../src/node/os/fd.ts";
import { UnixListener } from "../../src/node/os/unix-listener.ts";
import { UnixSocket } from "../../src/node/os/unix-socket.ts";

const [socketPath, upstreamPath] = process.argv.slice(2);
const listener = UnixListener.listen(socketPath!);
const buf = new Uint8Array(64 * 1024);

function pipe(from: UnixSocket, to: UnixSocket): void {
  from.onReadable(() => {
    for (;;) {
      const got = from.recv(buf, 28);
      if (got === undefined) return;
      if (got.bytes === 0) {
        from.close();
        to.close();
        return;
      }
      to.send(buf.subarray(0, got.bytes), got.fds);
      // Queued descriptors go out later: close our copies once they have.
      if (to.queuedBytes === 0) for (const fd of got.fds) closeFd(fd);
      else void to.flushed().then(() => got.fds.forEach((fd) => void closeFd(fd)));
      if (got.bytes < buf.length) return;
    }
  });
}

listener.onConnection((client) => {
  const upstream = UnixSocket.connect(upstreamPath!);
  pipe(client, upstream);
  pipe(upstream, client);
});
console.log(`listening on ${socketPath}`);
process.once("SIGTERM", () => {
  listener.close();
  process.exit(0);
});
