import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset } from "../../../src/components/virgl/caps/caps.ts";
import { guestVersions } from "../../../src/components/virgl/caps/guest-features.ts";
import type { HostGl } from "../../../src/components/virgl/host-gl/host-gl.ts";
import { PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { EglHostGl } from "../../../src/node/gl/egl-host-gl.ts";
import {
  bindPlainPipeline,
  CONST_COLOR_FS,
  createWithBacking,
  fullScreenTriangle,
  makeVirgl,
  PASS_VS,
  RGBA8,
  readPixels4x4,
  res,
  TRIANGLES,
} from "./helpers.ts";

/** GL_MAX_{VERTEX,GEOMETRY,FRAGMENT,TESS_CONTROL,TESS_EVALUATION}_UNIFORM_BLOCKS. */
const BLOCK_LIMITS = new Set([0x8a2b, 0x8a2c, 0x8a2d, 0x8e89, 0x8e8a]);

/** The host GL answering 14 uniform blocks per stage, as NVIDIA's driver does; everything else is the host's. */
function fourteenBlocks(gl: EglHostGl): HostGl {
  return new Proxy(gl, {
    get(target, key) {
      if (key === "getInteger") return (pname: number) => (BLOCK_LIMITS.has(pname) ? 14 : target.getInteger(pname));
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A vertex shader adding CONST[0][1] to the position: its own constants beside the fragment shader's. */
const OFFSET_VS =
  "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL CONST[0][0..1]\n  0: ADD OUT[0], IN[0], CONST[0][1]\n  1: END\n";

test("a host with 14 blocks per stage: constants as plain uniforms, 14 UBOs and GL 4.3 for the guest, draws right", () => {
  const egl = new EglHostGl();
  const v = makeVirgl(undefined, fourteenBlocks(egl));
  try {
    const caps = v.rutabaga.getCapset(2, 2);
    assert.equal(new DataView(caps.buffer).getUint32(CapsOffset.maxUniformBlocks, true), 15);
    assert.equal(guestVersions(caps).gl, 43, JSON.stringify(guestVersions(caps)));
    // The plain array counts against the stage's default-block components (VS: GL_MAX_VERTEX_UNIFORM_COMPONENTS).
    const vsBytes = Math.min(egl.getInteger(0x8a30), egl.getInteger(0x8b4a) * 4);
    assert.equal(new DataView(caps.buffer).getUint32(CapsOffset.maxConstBufferSize, true), vsBytes);
    const target = createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
    fullScreenTriangle(v.rutabaga);
    const draw = (fs: readonly number[], vs: readonly number[]) =>
      v.rutabaga.submitCommand(
        1,
        new VirglEncoder()
          .setConstantBuffer(PipeShaderType.Fragment, 0, fs)
          .setConstantBuffer(PipeShaderType.Vertex, 0, vs)
          .drawVbo({ count: 3, mode: TRIANGLES })
          .finish(),
      );
    v.rutabaga.submitCommand(
      1,
      bindPlainPipeline(
        new VirglEncoder()
          .createSurface(10, 1, RGBA8)
          .setFramebufferState(0, [10])
          .createShader(20, PipeShaderType.Vertex, OFFSET_VS)
          .createShader(21, PipeShaderType.Fragment, CONST_COLOR_FS)
          .createShader(22, PipeShaderType.Vertex, PASS_VS)
          .bindShader(20, PipeShaderType.Vertex)
          .bindShader(21, PipeShaderType.Fragment),
      ).finish(),
    );
    const f = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0]!;
    const green = [0, 1, 0, 1].map(f);
    draw(green, [0, 0, 0, 0, 0, 0, 0, 0].map(f));
    assert.deepEqual(readPixels4x4(v.rutabaga, target), Array(16).fill([0, 255, 0, 255]));
    // New data for the same program is set again; the vertex stage's row 1 moves the triangle off the target.
    draw([0, 0, 1, 1].map(f), [0, 0, 0, 0, 4, 4, 0, 0].map(f));
    assert.deepEqual(readPixels4x4(v.rutabaga, target), Array(16).fill([0, 255, 0, 255]));
    // Shorter vertex constants than the shader declares: the rows past them read zero (no offset left over).
    v.rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setConstantBuffer(PipeShaderType.Fragment, 0, [1, 0, 0, 1].map(f))
        .setConstantBuffer(PipeShaderType.Vertex, 0, [0, 0, 0, 0].map(f))
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(readPixels4x4(v.rutabaga, target), Array(16).fill([255, 0, 0, 255]));
    assert.equal(v.component.context(1)!.unsupported.size, 0);
  } finally {
    v.rutabaga.destroy();
  }
});
