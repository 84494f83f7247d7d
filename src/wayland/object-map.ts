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

/**
 * One connection's object table, kept the way both ends keep it: `wl_display` is object 1; a `new_id` argument adds
 * an object of its interface (wl_registry.bind names it on the wire); `wl_display.delete_id` removes one. It tells
 * which interface each message belongs to, so its descriptors can be counted.
 */
export class WaylandObjectMap {
  readonly #objects = new Map<number, WaylandInterface | undefined>();
  readonly #interfaces: ReadonlyMap<string, WaylandInterface>;

  constructor(interfaces: ReadonlyMap<string, WaylandInterface> = waylandInterfaces()) {
    this.#interfaces = interfaces;
    this.#objects.set(1, interfaces.get("wl_display"));
  }

  /** Objects known now. */
  get size(): number {
    return this.#objects.size;
  }

  /** The interface name of an object (`"?"` for one of an unknown interface), or `undefined` when it is not known. */
  interfaceOf(id: number): string | undefined {
    if (!this.#objects.has(id)) return undefined;
    return this.#objects.get(id)?.name ?? "?";
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
    const iface = this.#objects.get(objectId);
    const message = iface === undefined ? undefined : (direction === "request" ? iface.requests : iface.events)[opcode];
    if (message === undefined) return { interface: iface, message: undefined, values: undefined };
    const values = decodeArguments(message, view, offset, size);
    message.args.forEach((arg, i) => {
      if (arg.kind !== "new_id") return;
      const id = values[i] as number;
      if (this.#objects.size >= MAX_WAYLAND_OBJECTS && !this.#objects.has(id)) return;
      const name = arg.interface ?? (values[i - 2] as string);
      this.#objects.set(id, this.#interfaces.get(name));
    });
    if (direction === "event" && iface?.name === "wl_display" && message.name === "delete_id") {
      this.#objects.delete(values[0] as number);
    }
    return { interface: iface, message, values };
  }

  /**
   * Applies a message to the table like {@link observe}, checking its arguments the same way (the same errors), for
   * a caller that only forwards it: arguments are decoded only when the message changes the table.
   */
  track(direction: WaylandDirection, objectId: number, opcode: number, view: DataView, offset: number, size: number) {
    const iface = this.#objects.get(objectId);
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
