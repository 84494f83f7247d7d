import { VirglComponent } from "../../components/virgl/virgl-component.ts";
import type { ComponentInit, RutabagaComponent } from "../../rutabaga/component.ts";
import { EglHostGl } from "./egl-host-gl.ts";

/**
 * Factory for `RutabagaBuilder.setComponentFactory(RutabagaComponentType.VirglRenderer, virglComponentFactory)`:
 * a `VirglComponent` on Mesa's EGL surfaceless display with a desktop GL core context.
 * Throws `RutabagaError("ComponentError")` when libEGL or a GL 3.3+ core context is unavailable. With
 * `RUTABAGA_VIRGL_LOG` set, shader variants that fail to build are reported on stderr.
 */
export function virglComponentFactory(init: ComponentInit): RutabagaComponent {
  const gl = new EglHostGl();
  try {
    const component = new VirglComponent(init, gl);
    // RUTABAGA_VIRGL_LOG=1 prints shader variants that fail to translate, compile or link.
    if (process.env.RUTABAGA_VIRGL_LOG) component.warn = (m) => process.stderr.write(`rutabaga-ts virgl: ${m}\n`);
    return component;
  } catch (e) {
    gl.destroy();
    throw e;
  }
}
