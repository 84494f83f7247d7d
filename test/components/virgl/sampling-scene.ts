import { PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import {
  bindPlainPipeline,
  createWithBacking,
  fullScreenTriangle,
  makeVirgl,
  PASS_VS,
  RGBA8,
  readPixels4x4,
  res,
} from "./helpers.ts";

export { PASS_VS, TRIANGLES } from "./helpers.ts";

/**
 * A 4×4 RGBA8 colour target (resource 1, surface 10, bound alone), a vertex buffer (resource 2) with one triangle
 * over it, plain state and the pass-through vertex shader (handle 20) bound; fragment shaders are the test's.
 */
export function samplingScene() {
  const v = makeVirgl();
  const target = createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  fullScreenTriangle(v.rutabaga);
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, PASS_VS)
      .bindShader(20, PipeShaderType.Vertex),
  );
  v.rutabaga.submitCommand(1, setup.finish());
  /** The target's 16 pixels, RGBA bytes each. */
  const pixels = (): number[][] => readPixels4x4(v.rutabaga, target);
  return { ...v, pixels };
}
