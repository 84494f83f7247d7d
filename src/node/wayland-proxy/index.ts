/** The guest-side Wayland proxy over cross-domain (`rutabaga-ts wayland-proxy`). */
export { MAX_POOLS_PER_CLIENT, type ProxyStats } from "./client-session.ts";
export { RegionAllocator } from "./region-allocator.ts";
export { MAX_SHM_BYTES_PER_CLIENT } from "./shm-pools.ts";
export {
  PROXY_HOST_VISIBLE_BYTES,
  WaylandProxy,
  type WaylandProxyOptions,
  waylandSocketPath,
} from "./wayland-proxy.ts";
