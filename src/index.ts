export { Rutabaga2D } from "./components/2d/rutabaga-2d.ts";
export * from "./components/cross-domain/index.ts";
export { VENUS_CAPSET_WORDS, venusCapset, venusCapsetExtensions } from "./components/venus/venus-capset.ts";
export {
  VenusComponent,
  type VenusHost,
  type VenusHostContext,
  type VenusHostShmem,
} from "./components/venus/venus-component.ts";
export { venusExecutedExtensions, venusExecutionCoverage } from "./components/venus/venus-executed.ts";
export type * from "./components/virgl/host-gl/buffers.ts";
export type * from "./components/virgl/host-gl/compute.ts";
export type * from "./components/virgl/host-gl/draws.ts";
export type * from "./components/virgl/host-gl/framebuffers.ts";
export type { HostGl, HostGlContext, HostGlContexts } from "./components/virgl/host-gl/host-gl.ts";
export type * from "./components/virgl/host-gl/indirect-draws.ts";
export type * from "./components/virgl/host-gl/memory.ts";
export type * from "./components/virgl/host-gl/pipeline-state.ts";
export type * from "./components/virgl/host-gl/programs.ts";
export type * from "./components/virgl/host-gl/queries.ts";
export type * from "./components/virgl/host-gl/samplers.ts";
export type * from "./components/virgl/host-gl/tessellation.ts";
export type * from "./components/virgl/host-gl/textures.ts";
export type * from "./components/virgl/host-gl/transform-feedback.ts";
export type * from "./components/virgl/host-gl/vertex-arrays.ts";
export { RutabagaBuilder } from "./rutabaga/builder.ts";
export {
  CAPSET_TABLE,
  type CapsetDefinition,
  calculateCapsetMask,
  calculateCapsetNames,
} from "./rutabaga/capsets.ts";
export type {
  ComponentInit,
  ComponentRestoreInput,
  PreparedRestore,
  RutabagaComponent,
  RutabagaComponentFactory,
  RutabagaContext,
} from "./rutabaga/component.ts";
export { RutabagaComponentBase } from "./rutabaga/component-base.ts";
export * from "./rutabaga/constants.ts";
export { isRutabagaError, RutabagaError, type RutabagaErrorCode } from "./rutabaga/error.ts";
export { DEFAULT_HOST_MEMORY_LIMIT, HostMemoryBudget } from "./rutabaga/host-memory.ts";
export { IovecList } from "./rutabaga/iovec-list.ts";
export { checkRect, checkVisibleRect, type Rect2D } from "./rutabaga/rect.ts";
export { emptyResource, ResourceStates, type Rutabaga2DInfo, type RutabagaResource } from "./rutabaga/resource.ts";
export {
  type CapsetEntry,
  type IovecSource,
  Rutabaga,
  type RutabagaParts,
  type RutabagaResourceInfo,
  type ScanoutView,
} from "./rutabaga/rutabaga.ts";
export { MAX_SNAPSHOT_HEADER_BYTES, SNAPSHOT_VERSION } from "./rutabaga/snapshot-format.ts";
export * from "./rutabaga/types.ts";
