import { VenusComponent } from "../../components/venus/venus-component.ts";
import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import { RutabagaCapset, RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { NodeVenusHost, type NodeVenusHostOptions } from "./venus-host.ts";

/** Capset VENUS (4) only. */
export const VENUS_CAPSET_MASK = 1n << BigInt(RutabagaCapset.Venus);

/** How {@link buildVenusRutabaga} builds. */
export interface VenusRutabagaOptions extends NodeVenusHostOptions {
  readonly hostMemoryLimit?: number;
  /** Receives the host (its teardown records) once built. */
  readonly onHost?: (host: NodeVenusHost) => void;
}

/**
 * A library instance for venus contexts: the virglrenderer component type's factory builds the venus component (our
 * routing of capset 4, as virglrenderer routes it to its venus renderer; no host GL is opened).
 */
export function buildVenusRutabaga(fenceHandler: RutabagaFenceHandler, options: VenusRutabagaOptions = {}): Rutabaga {
  let failure: unknown;
  const b = new RutabagaBuilder(VENUS_CAPSET_MASK, fenceHandler)
    .setComponentFactory(RutabagaComponentType.VirglRenderer, (init) => {
      try {
        const host = new NodeVenusHost(options);
        options.onHost?.(host);
        return new VenusComponent(init, host);
      } catch (e) {
        failure = e;
        throw e;
      }
    })
    .setWarningHandler(() => {});
  if (options.hostMemoryLimit !== undefined) b.setHostMemoryLimit(options.hostMemoryLimit);
  const rutabaga = b.build();
  if (rutabaga.defaultComponent !== RutabagaComponentType.VirglRenderer) {
    rutabaga.destroy();
    throw new RutabagaError("ComponentError", `the venus component cannot start: ${String(failure)}`);
  }
  return rutabaga;
}
