/**
 * Node-only parts of rutabaga-ts: the servers (QEMU's vhost-user-gpu backend, the vtest server for Mesa's virpipe
 * driver), the virgl component on the host's GL (EGL surfaceless through koffi), a display sink that writes PNG files,
 * and the OS wrappers they stand on (memfds, mappings, eventfds, `AF_UNIX` sockets with descriptor passing).
 *
 * @packageDocumentation
 */

export * from "./cross-domain/index.ts";
export { decodePng, encodePng } from "./display/png.ts";
export { PngSink, type PngSinkOptions } from "./display/png-sink.ts";
export type { EglDeviceChoice } from "./gl/egl-devices.ts";
export type { EglDisplayOptions } from "./gl/egl-display.ts";
export { EglHostGl, type EglHostGlOptions } from "./gl/egl-host-gl.ts";
export { type GlObjectKind, glObjectCensus } from "./gl/gl-object-census.ts";
export { type HostReplayOptions, type HostReplayResult, replayTraceOnHost } from "./gl/trace-replay.ts";
export { type VirglHostOptions, virglComponentFactory } from "./gl/virgl-factory.ts";
export {
  buildVirglRutabaga,
  VIRGL_CAPSET_MASK,
  VIRGL_DEVICE_FEATURES,
  type VirglRutabagaOptions,
} from "./gl/virgl-rutabaga.ts";
export * from "./os/index.ts";
export {
  NodeVenusHost,
  type NodeVenusHostOptions,
  type VenusTeardown,
} from "./venus/venus-host.ts";
export { buildVenusRutabaga, VENUS_CAPSET_MASK, type VenusRutabagaOptions } from "./venus/venus-rutabaga.ts";
export { VhostUserGpuBackend, type VhostUserGpuOptions } from "./vhost-user/backend.ts";
export { serveVhostUserGpu, type VhostUserEndpoint } from "./vhost-user/server.ts";
export {
  CAPS2_REPLY_ID,
  DEFAULT_VTEST_LIMITS,
  DEFAULT_VTEST_SOCKET,
  VTEST_HEADER_SIZE,
  VtestCommand,
  type VtestLimits,
} from "./vtest/protocol.ts";
export {
  type VirglCommandStatistics,
  VtestServer,
  type VtestServerOptions,
  virglRutabaga,
} from "./vtest/vtest-server.ts";
export * from "./wayland-proxy/index.ts";
