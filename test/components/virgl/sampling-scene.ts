import { PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

// virgl_hw.h / p_defines.h values: VIRGL_BIND_VERTEX_BUFFER, PIPE_PRIM_TRIANGLES, VIRGL_FORMAT_R8_UNORM.
const BIND_VERTEX_BUFFER = 1 << 4;
/** `PIPE_PRIM_TRIANGLES`. */
export const TRIANGLES = 4;
const R8 = 64;

/** Passes its vertex through. */
export const PASS_VS = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n  1: END\n";

/**
 * A 4×4 RGBA8 colour target (resource 1, surface 10, bound alone), a vertex buffer (resource 2) with one triangle
 * over it, plain state and the pass-through vertex shader (handle 20) bound; fragment shaders are the test's.
 */
export function samplingScene() {
  const v = makeVirgl();
  const target = createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  const vertices = Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1);
  const vb = createWithBacking(
    v.rutabaga,
    2,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
    48,
  );
  vb.set(new Uint8Array(vertices.buffer));
  v.rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, PASS_VS)
      .bindShader(20, PipeShaderType.Vertex),
  );
  v.rutabaga.submitCommand(1, setup.finish());
  /** The target's 16 pixels, RGBA bytes each. */
  const pixels = (): number[][] => {
    v.rutabaga.transferRead(1, 1, transfer2d(0, 0, 4, 4));
    return Array.from({ length: 16 }, (_, i) => [...target.subarray(i * 4, i * 4 + 4)]);
  };
  return { ...v, pixels };
}
