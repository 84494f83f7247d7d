import { WAYLAND_PROTOCOL_ROWS } from "./protocols.generated.ts";

/**
 * One interface as generated from protocol XML: name, version, requests, events. Each message is a string
 * `[~]name arg…` (`~` marks a destructor); arguments are `i` int, `u` uint, `f` fixed, `s` string, `o` object,
 * `n:iface` new_id of an interface, `N` new_id of any interface (wl_registry.bind: string, version, id), `a` array,
 * `h` fd; a leading `?` allows null.
 */
export type WaylandInterfaceRow = readonly [name: string, version: number, requests: string[], events: string[]];

/** Argument kinds on the wire. */
export type WaylandArgKind = "int" | "uint" | "fixed" | "string" | "object" | "new_id" | "array" | "fd";

/** One argument of a message. */
export interface WaylandArg {
  kind: WaylandArgKind;
  nullable: boolean;
  /** For `new_id`: the new object's interface (`undefined` for wl_registry.bind's, which names it on the wire). */
  interface: string | undefined;
}

/** One request or event. */
export interface WaylandMessage {
  name: string;
  args: readonly WaylandArg[];
  /** How many descriptors ride with it (out of band, `SCM_RIGHTS`). */
  fdCount: number;
  destructor: boolean;
}

/** One interface with its requests and events indexed by opcode. */
export interface WaylandInterface {
  name: string;
  version: number;
  requests: readonly WaylandMessage[];
  events: readonly WaylandMessage[];
}

const KINDS: Record<string, WaylandArgKind> = {
  i: "int",
  u: "uint",
  f: "fixed",
  s: "string",
  o: "object",
  n: "new_id",
  a: "array",
  h: "fd",
};

function parseMessage(text: string): WaylandMessage {
  const [head, ...codes] = text.split(" ");
  const destructor = head!.startsWith("~");
  const args: WaylandArg[] = [];
  for (const code of codes) {
    if (code === "N") {
      args.push({ kind: "string", nullable: false, interface: undefined });
      args.push({ kind: "uint", nullable: false, interface: undefined });
      args.push({ kind: "new_id", nullable: false, interface: undefined });
      continue;
    }
    const nullable = code.startsWith("?");
    const bare = nullable ? code.slice(1) : code;
    const kind = KINDS[bare[0]!];
    if (kind === undefined) throw new Error(`bad argument code ${code}`);
    args.push({ kind, nullable, interface: bare.startsWith("n:") ? bare.slice(2) : undefined });
  }
  return {
    name: destructor ? head!.slice(1) : head!,
    args,
    fdCount: args.filter((a) => a.kind === "fd").length,
    destructor,
  };
}

/** Builds the interface table from generated rows. */
export function buildInterfaces(rows: readonly WaylandInterfaceRow[]): ReadonlyMap<string, WaylandInterface> {
  const map = new Map<string, WaylandInterface>();
  for (const [name, version, requests, events] of rows) {
    map.set(name, { name, version, requests: requests.map(parseMessage), events: events.map(parseMessage) });
  }
  return map;
}

let table: ReadonlyMap<string, WaylandInterface> | undefined;

/** Every interface of wayland.xml and wayland-protocols, by name (built on first use). */
export function waylandInterfaces(): ReadonlyMap<string, WaylandInterface> {
  table ??= buildInterfaces(WAYLAND_PROTOCOL_ROWS);
  return table;
}
