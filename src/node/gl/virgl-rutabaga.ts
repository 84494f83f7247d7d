import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import type { RutabagaComponent, RutabagaComponentFactory } from "../../rutabaga/component.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { GpuFeature } from "../../virtio-gpu/protocol.ts";
import { type VirglHostOptions, virglComponentFactory } from "./virgl-factory.ts";

/** What a virgl device offers, as QEMU's built-in virtio-gpu-gl does for a Linux guest: VIRGL and EDID (vm-3d.md). */
export const VIRGL_DEVICE_FEATURES = (1n << GpuFeature.Virgl) | (1n << GpuFeature.Edid);
/** Capsets VIRGL (1) and VIRGL2 (2). */
export const VIRGL_CAPSET_MASK = (1n << 1n) | (1n << 2n);

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
  const onComponent = options.onComponent;
  // The builder would fall back to 2D with a warning; a virgl device or vtest client wants the reason instead.
  let failure: unknown;
  const b = new RutabagaBuilder(VIRGL_CAPSET_MASK, fenceHandler)
    .setComponentFactory(RutabagaComponentType.VirglRenderer, (init) => {
      let component: RutabagaComponent;
      try {
        component = factory(init);
      } catch (e) {
        failure = e;
        throw e;
      }
      onComponent?.(component);
      return component;
    })
    .setConsoleOn2D(true)
    .setWarningHandler(() => {});
  if (options.hostMemoryLimit !== undefined) b.setHostMemoryLimit(options.hostMemoryLimit);
  const rutabaga = b.build();
  if (rutabaga.defaultComponent !== RutabagaComponentType.VirglRenderer) {
    rutabaga.destroy();
    const why = failure instanceof Error ? failure.message : failure === undefined ? "not available" : String(failure);
    throw new RutabagaError("ComponentError", `the virgl component cannot start: ${why}`);
  }
  return rutabaga;
}
