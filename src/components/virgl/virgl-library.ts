import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import type { RutabagaComponent, RutabagaComponentFactory } from "../../rutabaga/component.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";

/** Capsets VIRGL (1) and VIRGL2 (2). */
export const VIRGL_CAPSET_MASK = (1n << 1n) | (1n << 2n);

/** How {@link buildVirglLibrary} builds. */
export interface VirglLibraryOptions {
  /** Host memory for resources (the builder's default when absent). */
  readonly hostMemoryLimit?: number;
  /** Receives the virgl component once built. */
  readonly onComponent?: (component: RutabagaComponent) => void;
  /** Names the host GL in the error when the component cannot start (" on WebGL2"); empty by default. */
  readonly where?: string;
}

/**
 * The library a virgl device serves with, whatever the host GL: the virgl component `factory` builds (capsets VIRGL
 * and VIRGL2) and the console's 2D resources on the 2D component, so a console flush never becomes a GL read-back.
 * Throws `RutabagaError("ComponentError")` with the factory's reason when the component cannot start: the builder
 * would fall back to 2D with a warning, where a virgl device wants the reason instead.
 */
export function buildVirglLibrary(
  fenceHandler: RutabagaFenceHandler,
  factory: RutabagaComponentFactory,
  options: VirglLibraryOptions = {},
): Rutabaga {
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
      options.onComponent?.(component);
      return component;
    })
    .setConsoleOn2D(true)
    .setWarningHandler(() => {});
  if (options.hostMemoryLimit !== undefined) b.setHostMemoryLimit(options.hostMemoryLimit);
  const rutabaga = b.build();
  if (rutabaga.defaultComponent !== RutabagaComponentType.VirglRenderer) {
    rutabaga.destroy();
    const why = failure instanceof Error ? failure.message : failure === undefined ? "not available" : String(failure);
    throw new RutabagaError("ComponentError", `the virgl component cannot start${options.where ?? ""}: ${why}`);
  }
  return rutabaga;
}
