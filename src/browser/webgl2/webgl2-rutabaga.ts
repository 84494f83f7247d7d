import { VirglComponent } from "../../components/virgl/virgl-component.ts";
import { buildVirglLibrary } from "../../components/virgl/virgl-library.ts";
import type { ComponentInit } from "../../rutabaga/component.ts";
import type { Rutabaga } from "../../rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../rutabaga/types.ts";
import { WebGl2HostGl } from "./webgl2-host-gl.ts";

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
  const factory = (init: ComponentInit) => {
    const c = new VirglComponent(init, new WebGl2HostGl(gl));
    if (options.warn !== undefined) c.warn = options.warn;
    return c;
  };
  return buildVirglLibrary(fenceHandler, factory, {
    ...(options.hostMemoryLimit === undefined ? {} : { hostMemoryLimit: options.hostMemoryLimit }),
    where: " on WebGL2",
  });
}
