/** The virtio-gpu device model: codec, virtqueues, device, display sinks, traces and a mock driver. Isomorphic. */
export { type Decoded, DecodeFailure, decodeCommand, decodeHeader, MAX_MEM_ENTRIES } from "./codec.ts";
export type { CtrlHeader, GpuBox, GpuCommand, GpuRect, MemEntry } from "./commands.ts";
export {
  DEFAULT_SCANOUT,
  MAX_REQUEST_BYTES,
  MIN_SCANOUT_DIMENSION,
  type RequestRecorder,
  type ScanoutConfig,
  VirtioGpuDevice,
  type VirtioGpuDeviceOptions,
} from "./device.ts";
export type { CursorState, DisplaySink, ScanoutFrame } from "./display-sink.ts";
export * from "./driver/index.ts";
export { buildEdid, EDID_BLOCK_SIZE, EDID_MAX_DIMENSION, type EdidOptions } from "./edid.ts";
export { FenceTimelines, GLOBAL_TIMELINE, ringTimeline, type TimelineKey } from "./fence-timelines.ts";
export { type Framebuffer, FramebufferSink } from "./framebuffer-sink.ts";
export type { GuestMemory } from "./guest-memory.ts";
export { GuestMemoryRegions, type GuestRegion } from "./guest-memory-regions.ts";
export {
  HOST_VISIBLE_ALIGNMENT,
  type HostVisibleRegion,
  VIRTIO_GPU_SHM_ID_HOST_VISIBLE,
  ViewRegion,
} from "./host-visible-region.ts";
export { MockGpuDriver, type MockResponse } from "./mock-gpu-driver.ts";
export { swizzleToB8G8R8X8 } from "./pixel-swizzle.ts";
export * from "./protocol.ts";
export { encodeRequest, type RequestHeader } from "./request-encoder.ts";
export { ResponseEncoder } from "./responses.ts";
export {
  decodeTrace,
  MAX_REPLAY_MEMORY_BYTES,
  MAX_TRACE_CAPSET_BYTES,
  MAX_TRACE_CAPSETS,
  MAX_TRACE_JSON_BYTES,
  OLDEST_TRACE_VERSION,
  type ReplayOptions,
  type ReplayResult,
  replayTrace,
  SparseGuestMemory,
  TRACE_VERSION,
  type TraceCapset,
  TraceError,
  type TraceHeader,
  type TraceRecord,
  TraceRecorder,
  traceNeedsVirgl,
} from "./trace.ts";
export type { TraceReadBack } from "./trace-readback.ts";
export {
  type ChainFault,
  DESC_SIZE,
  type DescriptorChain,
  type FaultyChain,
  isFaulty,
  MAX_INDIRECT_ENTRIES,
  MAX_QUEUE_SIZE,
  SplitVirtqueue,
  VirtqDescFlags,
  VirtqRingFlags,
  type VirtqueueConfig,
  VirtqueueError,
} from "./virtqueue.ts";
export { MockGuestRam, type MockQueueOptions, MockVirtqueueDriver, type PlacedChain } from "./virtqueue-mock-driver.ts";
