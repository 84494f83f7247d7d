// A minimal Wayland client on the project's wire codec and fd-passing socket, for the small test programs beside it.
import { closeFd } from "../../../../src/node/os/fd.ts";
import { createMemfd } from "../../../../src/node/os/memfd.ts";
import { MemoryMapping } from "../../../../src/node/os/memory-mapping.ts";
import { UnixSocket } from "../../../../src/node/os/unix-socket.ts";
import { waylandSocketPath } from "../../../../src/node/wayland-proxy/wayland-proxy.ts";
import { type WaylandInterface, waylandInterfaces } from "../../../../src/wayland/protocol-table.ts";
import {
  decodeArguments,
  encodeMessage,
  readHeader,
  WAYLAND_MAX_FDS_PER_SEND,
  type WaylandValue,
} from "../../../../src/wayland/wire.ts";

/** Called for each event of one object: its name, decoded arguments, and the descriptors it carried (now ours). */
export type EventHandler = (event: string, values: WaylandValue[], fds: number[]) => void;

/** `WL_SHM_FORMAT_XRGB8888`. */
const XRGB8888 = 1;

/** Ends the program with a message on stderr (the test shows it). */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * One connection to `WAYLAND_DISPLAY`: allocates client object ids from 2, sends requests, dispatches events to
 * per-object handlers (objects created by events, such as wl_data_offer, are added to the table as libwayland does);
 * a wl_display.error ends the program.
 */
export class TestClient {
  readonly #socket: UnixSocket;
  readonly #ifaces = waylandInterfaces();
  readonly #objects = new Map<number, WaylandInterface>();
  readonly #handlers = new Map<number, EventHandler>();
  readonly #fds: number[] = [];
  readonly #buf = new Uint8Array(64 * 1024);
  #pending = new Uint8Array(0);
  #nextId = 2;
  /** Globals by interface name: the registry's numeric name and version. */
  readonly globals = new Map<string, { name: number; version: number }>();
  readonly registry: number;

  constructor() {
    this.#socket = UnixSocket.connect(waylandSocketPath(process.env.WAYLAND_DISPLAY ?? "wayland-0"));
    this.#objects.set(1, this.#iface("wl_display"));
    this.#handlers.set(1, (event, v) => {
      if (event === "error") fail(`wl_display.error: object ${v[0]} code ${v[1]}: ${v[2]}`);
      if (event === "delete_id") {
        this.#objects.delete(v[0] as number);
        this.#handlers.delete(v[0] as number);
      }
    });
    this.#socket.onReadable(() => this.#read());
    this.#socket.onClose(() => fail("the compositor closed the connection"));
    this.registry = this.create("wl_registry");
    this.request(1, "get_registry", [this.registry]);
    this.on(this.registry, (event, v) => {
      if (event === "global") this.globals.set(v[1] as string, { name: v[0] as number, version: v[2] as number });
    });
  }

  #iface(name: string): WaylandInterface {
    const iface = this.#ifaces.get(name);
    if (iface === undefined) throw new Error(`unknown interface ${name}`);
    return iface;
  }

  /** A new client object id of interface `name` (pass it as the request's new_id argument). */
  create(name: string): number {
    const id = this.#nextId++;
    this.#objects.set(id, this.#iface(name));
    return id;
  }

  on(id: number, handler: EventHandler): void {
    this.#handlers.set(id, handler);
  }

  /** Sends request `name` on object `id`; `fds` ride with it and are closed here once the kernel has them. */
  request(id: number, name: string, values: WaylandValue[], fds: number[] = []): void {
    const iface = this.#objects.get(id);
    if (iface === undefined) throw new Error(`request ${name} on unknown object ${id}`);
    const opcode = iface.requests.findIndex((m) => m.name === name);
    if (opcode < 0) throw new Error(`${iface.name} has no request ${name}`);
    this.#socket.send(encodeMessage(id, opcode, iface.requests[opcode]!, values), fds);
    if (fds.length === 0) return;
    if (this.#socket.queuedBytes === 0) for (const fd of fds) closeFd(fd);
    else void this.#socket.flushed().then(() => fds.forEach((fd) => void closeFd(fd)));
  }

  /** Binds global `name` at the lower of `version` and what the compositor offers. */
  bind(name: string, version: number): number {
    const global = this.globals.get(name);
    if (global === undefined) fail(`the compositor has no ${name}`);
    const id = this.create(name);
    const v = Math.min(version, global.version);
    this.request(this.registry, "bind", [global.name, name, v, id]);
    return id;
  }

  /** Binds wl_seat and wl_data_device_manager and makes the seat's wl_data_device (the clipboard's objects). */
  dataDevice(): { seat: number; manager: number; device: number } {
    const seat = this.bind("wl_seat", 5);
    const manager = this.bind("wl_data_device_manager", 3);
    const device = this.create("wl_data_device");
    this.request(manager, "get_data_device", [device, seat]);
    return { seat, manager, device };
  }

  /** Resolves once the compositor has handled every request sent so far (wl_display.sync). */
  roundtrip(): Promise<void> {
    const callback = this.create("wl_callback");
    this.request(1, "sync", [callback]);
    return new Promise((resolve) => this.on(callback, () => resolve()));
  }

  /**
   * Maps an xdg_toplevel showing a `width`×`height` shm buffer of one colour (kiosk gives a mapped toplevel keyboard
   * focus): answers xdg_wm_base.ping, acks each xdg_surface.configure, attaches the buffer after the first one.
   * Resolves with the wl_surface id once the buffer is committed.
   */
  mapToplevel(title: string, width = 64, height = 64): Promise<number> {
    const compositor = this.bind("wl_compositor", 4);
    const shm = this.bind("wl_shm", 1);
    const wmBase = this.bind("xdg_wm_base", 1);
    this.on(wmBase, (event, v) => {
      if (event === "ping") this.request(wmBase, "pong", [v[0]!]);
    });
    const stride = width * 4;
    const size = stride * height;
    const fd = createMemfd("test-client", size);
    const pixels = MemoryMapping.map(fd, size);
    new Uint32Array(pixels.bytes.buffer, pixels.bytes.byteOffset, size / 4).fill(0xff3366cc);
    pixels.unmap();
    const pool = this.create("wl_shm_pool");
    this.request(shm, "create_pool", [pool, "fd", size], [fd]);
    const buffer = this.create("wl_buffer");
    this.request(pool, "create_buffer", [buffer, 0, width, height, stride, XRGB8888]);
    this.request(pool, "destroy", []);
    const surface = this.create("wl_surface");
    this.request(compositor, "create_surface", [surface]);
    const xdgSurface = this.create("xdg_surface");
    this.request(wmBase, "get_xdg_surface", [xdgSurface, surface]);
    const toplevel = this.create("xdg_toplevel");
    this.request(xdgSurface, "get_toplevel", [toplevel]);
    this.request(toplevel, "set_title", [title]);
    this.request(surface, "commit", []);
    return new Promise((resolve) => {
      let attached = false;
      this.on(xdgSurface, (event, v) => {
        if (event !== "configure") return;
        this.request(xdgSurface, "ack_configure", [v[0]!]);
        if (!attached) {
          attached = true;
          this.request(surface, "attach", [buffer, 0, 0]);
          this.request(surface, "damage", [0, 0, width, height]);
        }
        this.request(surface, "commit", []);
        resolve(surface);
      });
    });
  }

  #read(): void {
    for (;;) {
      const got = this.#socket.recv(this.#buf, WAYLAND_MAX_FDS_PER_SEND);
      if (got === undefined) break;
      if (got.bytes === 0 && got.fds.length === 0) fail("the compositor closed the connection");
      this.#fds.push(...got.fds);
      const joined = new Uint8Array(this.#pending.length + got.bytes);
      joined.set(this.#pending);
      joined.set(this.#buf.subarray(0, got.bytes), this.#pending.length);
      this.#pending = joined;
    }
    const view = new DataView(this.#pending.buffer, this.#pending.byteOffset, this.#pending.byteLength);
    let at = 0;
    for (;;) {
      const header = readHeader(view, at, this.#pending.length);
      if (header === undefined || at + header.size > this.#pending.length) break;
      const iface = this.#objects.get(header.objectId);
      const message = iface?.events[header.opcode];
      if (iface === undefined || message === undefined) {
        fail(`event ${header.opcode} for object ${header.objectId} of unknown interface`);
      }
      const values = decodeArguments(message, view, at, header.size);
      message.args.forEach((arg, i) => {
        if (arg.kind === "new_id" && arg.interface !== undefined) {
          this.#objects.set(values[i] as number, this.#iface(arg.interface));
        }
      });
      const fds = this.#fds.splice(0, message.fdCount);
      if (fds.length < message.fdCount) fail(`${iface.name}.${message.name} came without its descriptor`);
      const handler = this.#handlers.get(header.objectId);
      if (handler !== undefined) handler(message.name, values, fds);
      else for (const fd of fds) closeFd(fd);
      at += header.size;
    }
    this.#pending = this.#pending.slice(at);
  }
}
