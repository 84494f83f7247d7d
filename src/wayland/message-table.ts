import type { WaylandDirection } from "./object-map.ts";
import { type WaylandInterface, waylandInterfaces } from "./protocol-table.ts";

/** The opcode of `interfaceName.messageName` in the generated tables; throws when the tables have no such message. */
export function waylandOpcode(
  interfaceName: string,
  direction: WaylandDirection,
  messageName: string,
  interfaces: ReadonlyMap<string, WaylandInterface> = waylandInterfaces(),
): number {
  const iface = interfaces.get(interfaceName);
  const opcode = (direction === "request" ? iface?.requests : iface?.events)?.findIndex((m) => m.name === messageName);
  if (opcode === undefined || opcode < 0) {
    throw new Error(`no ${direction} ${interfaceName}.${messageName} in the generated Wayland tables`);
  }
  return opcode;
}

/** Names of messages of one direction, by interface name: what {@link WaylandMessageTable} is built from. */
export type WaylandMessageSpec<T> = Readonly<Record<string, Readonly<Record<string, T>>>>;

/**
 * Values of one direction's messages keyed by the generated (interface, opcode) pairs: written with interface and
 * message names, each checked against the generated tables when the table is built, and looked up by the interface
 * an object map gives and the opcode on the wire (an array index, no name compared).
 */
export class WaylandMessageTable<T> {
  readonly direction: WaylandDirection;
  readonly #byInterface = new Map<WaylandInterface, readonly (T | undefined)[]>();

  constructor(
    direction: WaylandDirection,
    spec: WaylandMessageSpec<T>,
    interfaces: ReadonlyMap<string, WaylandInterface> = waylandInterfaces(),
  ) {
    this.direction = direction;
    for (const [interfaceName, messages] of Object.entries(spec)) {
      const iface = interfaces.get(interfaceName);
      if (iface === undefined) throw new Error(`no interface ${interfaceName} in the generated Wayland tables`);
      const row = new Array<T | undefined>((direction === "request" ? iface.requests : iface.events).length);
      for (const [messageName, value] of Object.entries(messages)) {
        row[waylandOpcode(interfaceName, direction, messageName, interfaces)] = value;
      }
      this.#byInterface.set(iface, row);
    }
  }

  /** The value for message `opcode` of `iface`, or `undefined` when the table has none. */
  get(iface: WaylandInterface, opcode: number): T | undefined {
    return this.#byInterface.get(iface)?.[opcode];
  }

  /** Every (interface, opcode) pair with its value. */
  *entries(): IterableIterator<[iface: WaylandInterface, opcode: number, value: T]> {
    for (const [iface, row] of this.#byInterface) {
      for (let opcode = 0; opcode < row.length; opcode++) {
        if (row[opcode] !== undefined) yield [iface, opcode, row[opcode]!];
      }
    }
  }
}
