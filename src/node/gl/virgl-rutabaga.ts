import { buildVirglLibrary } from "../../components/virgl/virgl-library.ts";
import type { RutabagaComponent, RutabagaComponentFactory } from "../../rutabaga/component.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { GpuFeature } from "../../virtio-gpu/protocol.ts";
import { type VirglHostOptions, virglComponentFactory } from "./virgl-factory.ts";

/** What a virgl device offers, as QEMU's built-in virtio-gpu-gl does for a Linux guest: VIRGL and EDID (vm-3d.md). */
export const VIRGL_DEVICE_FEATURES = (1n << GpuFeature.Virgl) | (1n << GpuFeature.Edid);
export { VIRGL_CAPSET_MASK } from "../../components/virgl/virgl-library.ts";

/** How {@link buildVirglRutabaga} builds. */
export interface VirglRutabagaOptions {
  /** Host memory for resources (the builder's default when absent). */
  readonly hostMemoryLimit?: number;
  /** Replaces the virgl component's factory. */
  readonly factory?: RutabagaComponentFactory;
  /** How the default factory's component opens the host GL. */
  readonly virgl?: VirglHostOptions;
  /** Receives the virgl component (a `VirglComponent`: statistics, scanout read-back) once built. */
  readonly onComponent?: (component: RutabagaComponent) => void;
}

/**
 * The library a virgl virtio-gpu device or a vtest client serves with: the virgl component by default (VIRGL and
 * VIRGL2 capsets) and the console's 2D resources on the 2D component, so a console flush never becomes a GL
 * read-back. Throws `RutabagaError("ComponentError")` with the host GL's reason when it cannot run the virgl
 * component (no silent 2D fallback).
 */
export function buildVirglRutabaga(fenceHandler: RutabagaFenceHandler, options: VirglRutabagaOptions = {}): Rutabaga {
  const factory: RutabagaComponentFactory = options.factory ?? ((init) => virglComponentFactory(init, options.virgl));
  return buildVirglLibrary(fenceHandler, factory, {
    ...(options.hostMemoryLimit === undefined ? {} : { hostMemoryLimit: options.hostMemoryLimit }),
    ...(options.onComponent === undefined ? {} : { onComponent: options.onComponent }),
  });
}
