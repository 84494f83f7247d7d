/** The guest-side Wayland proxy over cross-domain (`rutabaga-ts wayland-proxy`). */
export type { ProxyStats } from "./proxy-shared.ts";
export { RegionAllocator } from "./region-allocator.ts";
export { MAX_POOLS_PER_CLIENT, MAX_SHM_BYTES_PER_CLIENT } from "./shm-pools.ts";
export {
  PROXY_HOST_VISIBLE_BYTES,
  WaylandProxy,
  type WaylandProxyOptions,
  waylandSocketPath,
} from "./wayland-proxy.ts";
