import { VirglComponent } from "../../components/virgl/virgl-component.ts";
import type { ComponentInit, RutabagaComponent } from "../../rutabaga/component.ts";
import { EglHostGl, type EglHostGlOptions } from "./egl-host-gl.ts";

/** How the virgl component on the host GL is set up (the CLI derives these from its environment). */
export interface VirglHostOptions extends EglHostGlOptions {
  /** Receives shader variants that fail to translate, compile or link (default: dropped). */
  readonly warn?: (message: string) => void;
}

/**
 * Factory for `RutabagaBuilder.setComponentFactory(RutabagaComponentType.VirglRenderer, virglComponentFactory)`:
 * a `VirglComponent` on Mesa's EGL surfaceless display with a desktop GL core context.
 * Throws `RutabagaError("ComponentError")` when libEGL or a GL 3.3+ core context is unavailable.
 */
export function virglComponentFactory(init: ComponentInit, options: VirglHostOptions = {}): RutabagaComponent {
  const gl = new EglHostGl(options);
  try {
    const component = new VirglComponent(init, gl);
    if (options.warn !== undefined) component.warn = options.warn;
    return component;
  } catch (e) {
    gl.destroy();
    throw e;
  }
}
