/** The cross-domain component (capset 5), its protocol codec, an in-memory host and a mock guest. */
export { CrossDomainComponent, type CrossDomainOptions, crossDomainComponentFactory } from "./component.ts";
export { CrossDomainContext, MAX_PENDING_RING_FENCES } from "./context.ts";
export * as crossDomainGuest from "./guest-encoder.ts";
export type {
  CrossDomainChannel,
  CrossDomainDescriptorInfo,
  CrossDomainDescriptorKind,
  CrossDomainHost,
  CrossDomainReceived,
  CrossDomainWatch,
} from "./host.ts";
export {
  DRM_FORMAT_PLANES,
  fourcc,
  fourccName,
  IMAGE_PAGE_SIZE,
  type ImageLayout,
  linearImageLayout,
  type PlaneLayout,
} from "./image-layout.ts";
export { MAX_CROSS_DOMAIN_ITEMS, MAX_IMAGE_REQUIREMENT_ITEMS } from "./items.ts";
export { type MemoryHandle, MemoryHost, type MemoryObject, type MemoryPeer } from "./memory-host.ts";
export { MockCrossDomainGuest, type MockGuestLayout } from "./mock-guest.ts";
export * as crossDomainProtocol from "./protocol.ts";
export { type BlobState, CrossDomainShared, MAX_INTERNAL_SOCKETS } from "./shared.ts";
