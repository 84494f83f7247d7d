/** Node-only parts of rutabaga-ts: OS access through koffi (and, as they land, GL bindings and servers). */

export * from "./cross-domain/index.ts";
export * from "./os/index.ts";
export * from "./wayland-proxy/index.ts";
