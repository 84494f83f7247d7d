import { VirglComponent } from "../../components/virgl/virgl-component.ts";
import type { ComponentInit, RutabagaComponent } from "../../rutabaga/component.ts";
import { EglHostGl } from "./egl-host-gl.ts";

/**
 * Factory for `RutabagaBuilder.setComponentFactory(RutabagaComponentType.VirglRenderer, virglComponentFactory)`:
 * a `VirglComponent` on Mesa's EGL surfaceless display with a desktop GL core context.
 * Throws `RutabagaError("ComponentError")` when libEGL or a GL 3.3+ core context is unavailable.
 */
export function virglComponentFactory(init: ComponentInit): RutabagaComponent {
  const gl = new EglHostGl();
  try {
    return new VirglComponent(init, gl);
  } catch (e) {
    gl.destroy();
    throw e;
  }
}
