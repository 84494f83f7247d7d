import type { VirglComponent } from "../../components/virgl/virgl-component.ts";
import { RutabagaCapset } from "../../rutabaga/constants.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import type { VirglHostOptions } from "../gl/virgl-factory.ts";
import { buildVirglRutabaga } from "../gl/virgl-rutabaga.ts";
import { UnixListener } from "../os/unix-listener.ts";
import type { UnixSocket } from "../os/unix-socket.ts";
import type { NodeVenusHostOptions } from "../venus/venus-host.ts";
import { buildVenusRutabaga } from "../venus/venus-rutabaga.ts";
import { DEFAULT_VTEST_LIMITS, type VtestLimits } from "./protocol.ts";
import type { VtestError } from "./vtest-error.ts";
import { VtestReader } from "./vtest-reader.ts";
import { VTEST_CONTEXT_ID, VtestSession } from "./vtest-session.ts";
import { VtestTraceWriter } from "./vtest-trace.ts";

/** How the server is set up. */
export interface VtestServerOptions {
  limits?: Partial<VtestLimits>;
  log?: (message: string) => void;
  /**
   * Builds a client's library instance at its first request that needs the host, for a first context of capset
   * `capset`; default: the virgl component on the host GL (capsets VIRGL, VIRGL2).
   */
  rutabaga?: (fenceHandler: RutabagaFenceHandler, hostMemoryLimit: number, capset: number) => Rutabaga;
  /** How the default library instance's virgl component opens the host GL. */
  virgl?: VirglHostOptions;
  /**
   * Serve venus (capset 4) contexts on the host's Vulkan: a client whose first context is venus gets a library
   * instance of the venus component (`virgl_test_server --venus`). Off by default.
   */
  venus?: NodeVenusHostOptions | boolean;
  /** Stop listening after the first connection (the socket file goes): `virgl_test_server --no-loop-or-fork`. */
  singleClient?: boolean;
  /** Runs after a client has gone (disconnected or dropped) and its resources are released. */
  onClientEnd?: (clientId: number) => void;
  /** Records each client's session as a virtio-gpu trace, handed over when the client has gone. */
  onTrace?: (clientId: number, trace: Uint8Array, untraced: number) => void;
}

/** What the server reads of a client's virgl component: per context, the commands counted but not executed. */
export interface VirglCommandStatistics {
  context(ctxId: number): { readonly unsupported: ReadonlyMap<string, number> } | undefined;
}

/**
 * Each client's own library instance: {@link buildVirglRutabaga} (a host GL that cannot run the virgl component
 * throws its reason, which drops the client); `onComponent` receives the component (for its contexts' statistics);
 * `options` set up the host GL.
 */
export function virglRutabaga(
  fenceHandler: RutabagaFenceHandler,
  hostMemoryLimit: number,
  onComponent?: (component: VirglCommandStatistics) => void,
  options: VirglHostOptions = {},
): Rutabaga {
  return buildVirglRutabaga(fenceHandler, {
    hostMemoryLimit,
    virgl: options,
    ...(onComponent !== undefined ? { onComponent: (c) => onComponent(c as VirglComponent) } : {}),
  });
}

/**
 * A vtest server: many clients at once, each with its own library instance (so each has its own resource-handle
 * namespace, as Mesa's clients all start at handle 1, and its own memory limit). A client that sends garbage or goes
 * away is dropped with a logged reason; the others carry on.
 */
export class VtestServer {
  readonly #listener: UnixListener;
  readonly #options: VtestServerOptions;
  readonly #clients = new Map<
    number,
    { socket: UnixSocket; session: VtestSession; trace: VtestTraceWriter | undefined }
  >();
  #next = 1;
  /** Clients served so far, and those dropped for an error. */
  readonly stats = { accepted: 0, dropped: 0, internalErrors: 0 };

  constructor(path: string, options: VtestServerOptions = {}) {
    this.#options = options;
    this.#listener = UnixListener.listen(path, 64);
    this.#listener.onConnection((socket) => this.#accept(socket));
  }

  /** The socket path. */
  get path(): string {
    return this.#listener.path;
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  #log(message: string): void {
    this.#options.log?.(message);
  }

  #accept(socket: UnixSocket): void {
    const id = this.#next++;
    this.stats.accepted++;
    if (this.#options.singleClient) this.#listener.close();
    this.#log(`client ${id} connected`);
    // Room in the kernel for a read-back frame (glxgears reads back 360 KB a frame), so it goes out in one send.
    socket.setSendBuffer(4 << 20);
    const limits = { ...DEFAULT_VTEST_LIMITS, ...this.#options.limits };
    let component: VirglCommandStatistics | undefined;
    const trace = this.#options.onTrace === undefined ? undefined : new VtestTraceWriter();
    const session = new VtestSession(
      { send: (bytes, fds) => socket.send(bytes, fds) },
      {
        rutabaga:
          this.#options.rutabaga ??
          ((fh, limit, capset) => {
            const venus = this.#options.venus;
            if (capset === RutabagaCapset.Venus && venus) {
              const opts = typeof venus === "object" ? venus : {};
              return buildVenusRutabaga(fh, { log: (m) => this.#log(m), ...opts, hostMemoryLimit: limit });
            }
            return virglRutabaga(fh, limit, (c) => (component = c), this.#options.virgl);
          }),
        limits,
        ...(trace !== undefined ? { trace } : {}),
      },
    );
    this.#clients.set(id, { socket, session, trace });
    const drop = (why: string | undefined) => {
      if (!this.#clients.has(id)) return;
      this.#clients.delete(id);
      const who = `client ${id}${session.name ? ` (${session.name})` : ""}`;
      const capset = session.capset;
      // Without the client's name: tests wait for the first line naming a client, which is its end.
      this.#log(
        `client ${id} spoke protocol ${session.version}${capset === undefined ? "" : `, context capset ${capset}`}`,
      );
      if (why !== undefined) {
        this.stats.dropped++;
        this.#log(`${who} dropped: ${why}`);
      } else {
        this.#log(`${who} disconnected`);
      }
      // What the client asked for that was not drawn (e.g. DRAW_VBO before draws land): said once, at its end.
      const notExecuted = [...(component?.context(VTEST_CONTEXT_ID)?.unsupported ?? [])];
      if (notExecuted.length > 0)
        this.#log(`${who}: commands counted but not executed: ${notExecuted.map(([n, k]) => `${n}×${k}`).join(", ")}`);
      try {
        session.close();
      } finally {
        socket.close();
        if (trace !== undefined) this.#options.onTrace?.(id, trace.finish(), trace.untraced);
        this.#options.onClientEnd?.(id);
      }
    };
    new VtestReader(
      socket,
      limits.maxMessageBytes,
      (command, payload) => {
        let refusal: VtestError | undefined;
        try {
          refusal = session.handle(command, payload);
        } catch (e) {
          // A bug of ours, not the client's: still only this client goes.
          this.stats.internalErrors++;
          drop(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          return;
        }
        if (refusal !== undefined) drop(refusal.message);
      },
      (why) => drop(why?.message),
    );
    socket.onClose(() => drop(undefined));
  }

  /** Stops listening (the socket file goes) and drops every client. */
  close(): void {
    this.#listener.close();
    for (const [id, { socket, session, trace }] of this.#clients) {
      session.close();
      socket.close();
      if (trace !== undefined) this.#options.onTrace?.(id, trace.finish(), trace.untraced);
    }
    this.#clients.clear();
  }
}
