import { type WaylandInterface, type WaylandMessage, waylandInterfaces } from "./protocol-table.ts";
import { checkArguments, decodeArguments, type WaylandValue } from "./wire.ts";

/** Which way a message goes: requests client → compositor, events compositor → client. */
export type WaylandDirection = "request" | "event";

/** What one message is, as far as the protocol tables know. */
export interface ClassifiedMessage {
  /** The object's interface, or `undefined` for an object of an interface not in the tables. */
  interface: WaylandInterface | undefined;
  message: WaylandMessage | undefined;
  /** Decoded arguments (when the message is known). */
  values: WaylandValue[] | undefined;
}

/** Most objects one connection may have: libwayland allows far more, a proxy keeps its tables bounded. */
export const MAX_WAYLAND_OBJECTS = 1 << 20;

/** One object of a connection: its interface and what the map's user keeps about it. */
export interface WaylandObjectEntry<State> {
  /** `undefined` for an object of an interface not in the tables. */
  readonly interface: WaylandInterface | undefined;
  /** The user's per-object state; the map hands it to its `forget` callback when the id is freed or made again. */
  state: State | undefined;
}

/**
 * One connection's object table, kept the way both ends keep it: `wl_display` is object 1; a `new_id` argument adds
 * an object of its interface (wl_registry.bind names it on the wire); `wl_display.delete_id` removes one. It tells
 * which interface each message belongs to, so its descriptors can be counted, and holds its user's state per object.
 */
export class WaylandObjectMap<State = never> {
  readonly #objects = new Map<number, WaylandObjectEntry<State>>();
  readonly #interfaces: ReadonlyMap<string, WaylandInterface>;
  readonly #forget: ((state: State) => void) | undefined;

  /** `forget` gets the state of an entry that goes (`delete_id`) or is replaced (a `new_id` of a live id). */
  constructor(
    interfaces: ReadonlyMap<string, WaylandInterface> = waylandInterfaces(),
    forget?: (state: State) => void,
  ) {
    this.#interfaces = interfaces;
    this.#forget = forget;
    this.#objects.set(1, { interface: interfaces.get("wl_display"), state: undefined });
  }

  /** Objects known now. */
  get size(): number {
    return this.#objects.size;
  }

  /** The interface name of an object (`"?"` for one of an unknown interface), or `undefined` when it is not known. */
  interfaceOf(id: number): string | undefined {
    const entry = this.#objects.get(id);
    if (entry === undefined) return undefined;
    return entry.interface?.name ?? "?";
  }

  /** The entry of object `id`, or `undefined` when it is not known. */
  entry(id: number): WaylandObjectEntry<State> | undefined {
    return this.#objects.get(id);
  }

  /** Classifies a message and applies what it does to the table. Throws `WaylandWireError` on malformed arguments. */
  observe(
    direction: WaylandDirection,
    objectId: number,
    opcode: number,
    view: DataView,
    offset: number,
    size: number,
  ): ClassifiedMessage {
    const iface = this.#objects.get(objectId)?.interface;
    const message = iface === undefined ? undefined : (direction === "request" ? iface.requests : iface.events)[opcode];
    if (message === undefined) return { interface: iface, message: undefined, values: undefined };
    const values = decodeArguments(message, view, offset, size);
    message.args.forEach((arg, i) => {
      if (arg.kind !== "new_id") return;
      const id = values[i] as number;
      const old = this.#objects.get(id);
      if (this.#objects.size >= MAX_WAYLAND_OBJECTS && old === undefined) return;
      const name = arg.interface ?? (values[i - 2] as string);
      this.#objects.set(id, { interface: this.#interfaces.get(name), state: undefined });
      if (old?.state !== undefined) this.#forget?.(old.state);
    });
    if (direction === "event" && iface?.name === "wl_display" && message.name === "delete_id") {
      const id = values[0] as number;
      const old = this.#objects.get(id);
      this.#objects.delete(id);
      if (old?.state !== undefined) this.#forget?.(old.state);
    }
    return { interface: iface, message, values };
  }

  /**
   * Applies a message to the table like {@link observe}, checking its arguments the same way (the same errors), for
   * a caller that only forwards it: arguments are decoded only when the message changes the table.
   */
  track(direction: WaylandDirection, objectId: number, opcode: number, view: DataView, offset: number, size: number) {
    const iface = this.#objects.get(objectId)?.interface;
    const message = iface === undefined ? undefined : (direction === "request" ? iface.requests : iface.events)[opcode];
    if (message === undefined) return;
    if (changesTable(message, direction, iface!)) this.observe(direction, objectId, opcode, view, offset, size);
    else checkArguments(message, view, offset, size);
  }
}

/** Messages that add objects (a `new_id`) or remove one (`wl_display.delete_id`), remembered per message. */
const tableChanging = new WeakMap<WaylandMessage, boolean>();

function changesTable(message: WaylandMessage, direction: WaylandDirection, iface: WaylandInterface): boolean {
  let changes = tableChanging.get(message);
  if (changes === undefined) {
    changes =
      message.args.some((a) => a.kind === "new_id") ||
      (direction === "event" && iface.name === "wl_display" && message.name === "delete_id");
    tableChanging.set(message, changes);
  }
  return changes;
}
