import type { RecordingHostGlOptions } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, PASS_VS, RGBA8, res } from "../helpers.ts";
import { makeRecordedVirgl } from "../recording/recorded-virgl.ts";

const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
export const TRIANGLES = 4;
/** The pass-through vertex shader. */
export const PLAIN_VS = PASS_VS;
export const PLAIN_FS =
  "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 { 0.0, 1.0, 0.0, 1.0 }\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/** Creates buffer resource `id` of `bytes` bytes holding `data` (bind flags `bind`). */
export function createBuffer(
  v: ReturnType<typeof makeRecordedVirgl>,
  id: number,
  data: Uint8Array,
  bind = BIND_VERTEX_BUFFER,
): void {
  const backing = createWithBacking(
    v.rutabaga,
    id,
    res({ target: 0, format: R8, bind, width: data.byteLength, height: 1 }),
    data.byteLength,
  );
  backing.set(data);
  v.rutabaga.transferWrite(1, id, transfer2d(0, 0, data.byteLength, 1));
}

/**
 * A 4×4 RGBA8 target (1), a 3-vertex buffer (2) and the plain pipeline with shaders `vs` (20) and `fs` (21) bound
 * on a recording host GL; calls recorded so far are cleared.
 */
export function recordedScene(vs = PLAIN_VS, fs = PLAIN_FS, options: RecordingHostGlOptions = {}) {
  const v = makeRecordedVirgl(options);
  createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  createBuffer(v, 2, new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  const setup = bindPlainPipeline(
    new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .createShader(20, PipeShaderType.Vertex, vs)
      .createShader(21, PipeShaderType.Fragment, fs)
      .bindShader(20, PipeShaderType.Vertex)
      .bindShader(21, PipeShaderType.Fragment),
  );
  v.rutabaga.submitCommand(1, setup.finish());
  v.gl.clearCalls();
  return v;
}

/** The GL name the recording host gave resource `id`. */
export function glNameOf(v: ReturnType<typeof makeRecordedVirgl>, id: number): number {
  const name = v.component.resource(id)?.state.glName;
  if (name === undefined || name === 0) throw new Error(`resource ${id} has no GL name`);
  return name;
}
