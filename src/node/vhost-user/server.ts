import { UnixListener } from "../os/unix-listener.ts";
import { UnixSocket } from "../os/unix-socket.ts";
import { VhostUserGpuBackend, type VhostUserGpuOptions } from "./backend.ts";

/** Where the front-end connects: a path to listen on, or an already connected descriptor (`--fd`). */
export type VhostUserEndpoint = { socketPath: string } | { fd: number };

/**
 * Serves one vhost-user-gpu front-end, as QEMU's backend programs do: listens (the socket exists when `onListening`
 * runs), accepts the first connection, stops listening, and resolves with why the connection ended. Aborting `stop`
 * (e.g. on SIGTERM) ends the connection, or before one arrives stops listening (the socket file goes), and resolves
 * with the abort reason. A path another server listens on rejects with an `OsError` (`EADDRINUSE`).
 */
export function serveVhostUserGpu(
  endpoint: VhostUserEndpoint,
  options: VhostUserGpuOptions,
  onListening: (where: string) => void = () => {},
  onBackend: (backend: VhostUserGpuBackend) => void = () => {},
  stop?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const why = () => (typeof stop?.reason === "string" ? stop.reason : "stopped");
    if (stop?.aborted) return resolve(why());
    const serve = (socket: UnixSocket) => {
      const backend = new VhostUserGpuBackend(socket, options);
      onBackend(backend);
      backend.onEnd(resolve);
      stop?.addEventListener("abort", () => backend.close(why()), { once: true });
    };
    if ("fd" in endpoint) {
      serve(UnixSocket.fromFd(endpoint.fd));
      return;
    }
    let listener: UnixListener;
    try {
      listener = UnixListener.listen(endpoint.socketPath, 1);
    } catch (e) {
      return reject(e);
    }
    const stopListening = () => {
      listener.close();
      resolve(why());
    };
    stop?.addEventListener("abort", stopListening, { once: true });
    onListening(endpoint.socketPath);
    listener.onConnection((socket) => {
      stop?.removeEventListener("abort", stopListening);
      listener.close();
      serve(socket);
    });
  });
}
