import { isAbsolute, join } from "node:path";
import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import { RutabagaCapset, RutabagaChannelType, RutabagaComponentType } from "../../rutabaga/constants.ts";
import { VirtioGpuInProcessDriver } from "../../virtio-gpu/driver/virtio-gpu-driver.ts";
import { ViewRegion } from "../../virtio-gpu/host-visible-region.ts";
import { NodeCrossDomainHost, nodeCrossDomainFactory } from "../cross-domain/index.ts";
import { UnixListener } from "../os/unix-listener.ts";
import { ClientSession, type ProxyShared, type ProxyStats } from "./client-session.ts";
import { RegionAllocator } from "./region-allocator.ts";

/** Size of the host-visible region the proxy's device offers (views, not reserved memory). */
export const PROXY_HOST_VISIBLE_BYTES = 1n << 32n;

/** A Wayland socket name as `WAYLAND_DISPLAY` reads it: absolute, or relative to `XDG_RUNTIME_DIR`. */
export function waylandSocketPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (isAbsolute(name)) return name;
  const dir = env.XDG_RUNTIME_DIR;
  if (dir === undefined || dir === "") throw new Error(`XDG_RUNTIME_DIR is not set (needed for socket ${name})`);
  return join(dir, name);
}

/** How to start a {@link WaylandProxy}. */
export interface WaylandProxyOptions {
  /** Where clients connect (a path). */
  socketPath: string;
  /** The host compositor's socket (a path). */
  upstreamPath: string;
  /** Sessions that end and messages that cannot cross (the CLI's `--verbose`). */
  log?: (message: string) => void;
  /** A client refused at connection (no compositor at `upstreamPath`, say), with the reason; default: `log`. */
  warn?: (message: string) => void;
}

/**
 * The guest-side Wayland proxy (the role Sommelier plays in a guest): clients connect to its socket; each one's
 * traffic crosses a cross-domain context of a virtio-gpu device in this process, by the commands a guest driver
 * sends, to the host compositor.
 */
export class WaylandProxy {
  readonly driver: VirtioGpuInProcessDriver;
  readonly stats: ProxyStats = {
    requestBytes: 0,
    requestMessages: 0,
    eventBytes: 0,
    eventMessages: 0,
    fdsToCompositor: 0,
    fdsToClient: 0,
    sessions: 0,
    commits: 0,
    copiedBytes: 0,
    poolMoves: 0,
    pipeBytesToCompositor: 0,
    pipeBytesToClient: 0,
  };
  readonly #listener: UnixListener;
  readonly #sessions = new Set<ClientSession>();
  readonly #shared: ProxyShared;

  constructor(options: WaylandProxyOptions) {
    const verbose = options.log ?? (() => {});
    const warn = options.warn ?? verbose;
    // The device's last complaint: why a refused client's context could not start.
    let lastError: string | undefined;
    const log = (m: string) => {
      lastError = m;
      verbose(m);
    };
    const region = new ViewRegion(PROXY_HOST_VISIBLE_BYTES);
    this.driver = new VirtioGpuInProcessDriver({
      rutabaga: (handler) =>
        new RutabagaBuilder(1n << BigInt(RutabagaCapset.CrossDomain), handler)
          .setRutabagaPaths([{ path: options.upstreamPath, pathType: RutabagaChannelType.Wayland }])
          .setComponentFactory(RutabagaComponentType.CrossDomain, nodeCrossDomainFactory({ log }))
          .setHostMemoryLimit(1024 * 1024 * 1024)
          .build(),
      hostVisible: region,
      log,
    });
    let resourceId = 0;
    let ctxId = 0;
    this.#shared = {
      driver: this.driver,
      pipes: new NodeCrossDomainHost(),
      region,
      regionAllocator: new RegionAllocator(PROXY_HOST_VISIBLE_BYTES),
      nextResourceId: () => ++resourceId,
      nextContextId: () => ++ctxId,
      log,
      stats: this.stats,
    };
    this.#listener = UnixListener.listen(options.socketPath);
    this.#listener.onConnection((socket) => {
      const session = new ClientSession(socket, this.#shared, () => this.#sessions.delete(session));
      this.#sessions.add(session);
      lastError = undefined;
      try {
        session.start();
      } catch (e) {
        warn(`client refused: ${lastError ?? (e instanceof Error ? e.message : String(e))}`);
      }
    });
  }

  /** The socket clients connect to. */
  get socketPath(): string {
    return this.#listener.path;
  }

  /** Clients connected now. */
  get clients(): number {
    return this.#sessions.size;
  }

  /** Closes every session and the socket. */
  close(): void {
    for (const s of [...this.#sessions]) s.close();
    this.#listener.close();
  }
}
