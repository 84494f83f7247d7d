import { UnixListener } from "../os/unix-listener.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import { VhostUserGpuBackend, type VhostUserGpuOptions } from "./backend.ts";

/** Where the front-end connects: a path to listen on, or an already connected descriptor (`--fd`). */
export type VhostUserEndpoint = { socketPath: string } | { fd: number };

/**
 * Serves one vhost-user-gpu front-end, as QEMU's backend programs do: listens (the socket exists when `onListening`
 * runs), accepts the first connection, stops listening, and resolves with why the connection ended.
 */
export function serveVhostUserGpu(
  endpoint: VhostUserEndpoint,
  options: VhostUserGpuOptions,
  onListening: (where: string) => void = () => {},
  onBackend: (backend: VhostUserGpuBackend) => void = () => {},
): Promise<string> {
  return new Promise((resolve) => {
    const serve = (socket: UnixSocket) => {
      const backend = new VhostUserGpuBackend(socket, options);
      onBackend(backend);
      backend.onEnd(resolve);
    };
    if ("fd" in endpoint) {
      serve(UnixSocket.fromFd(endpoint.fd));
      return;
    }
    const listener = UnixListener.listen(endpoint.socketPath, 1);
    onListening(endpoint.socketPath);
    listener.onConnection((socket) => {
      listener.close();
      serve(socket);
    });
  });
}
