import { VirglComponent } from "../../components/virgl/virgl-component.ts";
import { RutabagaBuilder } from "../../rutabaga/builder.ts";
import { RutabagaComponentType } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { WebGl2HostGl } from "./webgl2-host-gl.ts";

/** Capsets VIRGL (1) and VIRGL2 (2). */
const VIRGL_CAPSET_MASK = (1n << 1n) | (1n << 2n);

/** How {@link buildWebGl2Rutabaga} builds. */
export interface WebGl2RutabagaOptions {
  /** Gets the virgl component's warnings (refused commands, shaders that do not compile, skipped draws). */
  readonly warn?: (message: string) => void;
  /** Host memory for resources (the builder's default when absent). */
  readonly hostMemoryLimit?: number;
}

/**
 * The library a virgl virtio-gpu device serves with in a page or a worker: the virgl component on a
 * {@link WebGl2HostGl} over `gl` (its capsets computed from that context), the console's 2D resources on the 2D
 * component. Throws `RutabagaError("ComponentError")` with the reason when the virgl component cannot start.
 */
export function buildWebGl2Rutabaga(
  gl: WebGL2RenderingContext,
  fenceHandler: RutabagaFenceHandler,
  options: WebGl2RutabagaOptions = {},
): Rutabaga {
  let failure: unknown;
  const b = new RutabagaBuilder(VIRGL_CAPSET_MASK, fenceHandler)
    .setComponentFactory(RutabagaComponentType.VirglRenderer, (init) => {
      try {
        const c = new VirglComponent(init, new WebGl2HostGl(gl));
        if (options.warn !== undefined) c.warn = options.warn;
        return c;
      } catch (e) {
        failure = e;
        throw e;
      }
    })
    .setConsoleOn2D(true)
    .setWarningHandler(() => {});
  if (options.hostMemoryLimit !== undefined) b.setHostMemoryLimit(options.hostMemoryLimit);
  const rutabaga = b.build();
  if (rutabaga.defaultComponent !== RutabagaComponentType.VirglRenderer) {
    rutabaga.destroy();
    const why = failure instanceof Error ? failure.message : "not available";
    throw new RutabagaError("ComponentError", `the virgl component cannot start on WebGL2: ${why}`);
  }
  return rutabaga;
}
