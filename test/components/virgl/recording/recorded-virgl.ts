import {
  RecordingHostGl,
  type RecordingHostGlOptions,
} from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { VirglComponent } from "../../../../src/components/virgl/virgl-component.ts";
import { type Rutabaga, RutabagaBuilder, RutabagaComponentType, type RutabagaFence } from "../../../../src/index.ts";

/** A Rutabaga whose virgl component runs on a {@link RecordingHostGl} (no GPU, no EGL), context 1 created. */
export function makeRecordedVirgl(options: RecordingHostGlOptions = {}): {
  rutabaga: Rutabaga;
  gl: RecordingHostGl;
  component: VirglComponent;
  fences: RutabagaFence[];
} {
  const gl = new RecordingHostGl(options);
  const fences: RutabagaFence[] = [];
  let component: VirglComponent | undefined;
  const rutabaga = new RutabagaBuilder((1n << 1n) | (1n << 2n), (f) => fences.push(f))
    .setComponentFactory(RutabagaComponentType.VirglRenderer, (init) => {
      component = new VirglComponent(init, gl);
      return component;
    })
    .setWarningHandler((m) => {
      throw new Error(m);
    })
    .build();
  rutabaga.createContext(1, 2, "recorded");
  if (component === undefined) throw new Error("virgl component not built");
  return { rutabaga, gl, component, fences };
}
