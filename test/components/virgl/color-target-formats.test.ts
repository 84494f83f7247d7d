import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset } from "../../../src/components/virgl/caps/caps.ts";
import { PipeClear, PipeShaderType, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, res } from "./helpers.ts";

// virgl formats: A8_UNORM, L8A8_UNORM, R8G8B8X8_UNORM, R9G9B9E5_FLOAT; VIRGL_BIND_VERTEX_BUFFER, R8_UNORM.
const A8 = 10;
const L8A8 = 12;
const RGBX8 = 134;
const RGB9E5 = 125;
const BIND_VERTEX_BUFFER = 1 << 4;
const R8 = 64;
const TRIANGLES = 4;
// PIPE_BLENDFACTOR_DST_ALPHA / ZERO / ONE, PIPE_BLEND_ADD; blend rt word: enable, rgb func/src/dst, alpha func/src/dst, mask.
const DST_ALPHA = 0x04;
const ZERO = 0x11;
const ONE = 0x01;
const blendRt = (rgbSrc: number, rgbDst: number, aSrc: number, aDst: number) =>
  1 | (rgbSrc << 4) | (rgbDst << 9) | (aSrc << 17) | (aDst << 22) | (0xf << 27);

const VS = PASS_VS;
const FS = "FRAG\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n";

/** A 4×4 colour target of `format` (resource 1, surface 10) with the plain pipeline bound; its first texel's bytes. */
function target(format: number, bytesPerTexel: number) {
  const v = makeVirgl();
  const texels = createWithBacking(v.rutabaga, 1, res({ format }), 16 * bytesPerTexel);
  const vb = createWithBacking(
    v.rutabaga,
    2,
    res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
    48,
  );
  vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
  v.rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
  v.rutabaga.submitCommand(
    1,
    bindPlainPipeline(
      new VirglEncoder()
        .createSurface(10, 1, format)
        .setFramebufferState(0, [10])
        .createShader(20, PipeShaderType.Vertex, VS)
        .createShader(21, PipeShaderType.Fragment, FS)
        .bindShader(20, PipeShaderType.Vertex)
        .bindShader(21, PipeShaderType.Fragment),
    ).finish(),
  );
  const first = () => {
    v.rutabaga.transferRead(1, 1, transfer2d(0, 0, 4, 4));
    return [...texels.subarray(0, bytesPerTexel)];
  };
  return { ...v, first };
}

test("CLEAR of an alpha-only target stores the clear colour's alpha (kept in GL red)", () => {
  const { rutabaga, first } = target(A8, 1);
  try {
    rutabaga.submitCommand(1, new VirglEncoder().clear(PipeClear.Color0, [1, 1, 1, 0.25]).finish());
    assert.deepEqual(first(), [64]);
  } finally {
    rutabaga.destroy();
  }
});

test("blending into a format without alpha reads a destination alpha of 1, whatever its storage holds", () => {
  const { rutabaga, first } = target(RGBX8, 4);
  try {
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .clear(PipeClear.Color0, [0, 0, 0, 0])
        .createBlend(50, 0, 0, [blendRt(DST_ALPHA, ZERO, ONE, ZERO)])
        .bindObject(VirglObject.Blend, 50)
        .setConstantBuffer(PipeShaderType.Fragment, 0, [0.5, 0.5, 0.5, 0.5])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    const [r, g, b] = first();
    for (const c of [r!, g!, b!]) assert.ok(Math.abs(c - 128) <= 1, `${first()}`);
  } finally {
    rutabaga.destroy();
  }
});

test("render caps leave out luminance-alpha (it cannot blend as stored) and formats the host cannot attach", () => {
  const { rutabaga } = makeVirgl();
  try {
    const v2 = rutabaga.getCapset(2, 2);
    const d = new DataView(v2.buffer, v2.byteOffset);
    const render = (f: number) => (d.getUint32(CapsOffset.render + (f >>> 5) * 4, true) & (1 << (f & 31))) !== 0;
    assert.equal(render(L8A8), false);
    assert.equal(render(RGBX8), true);
    assert.equal(render(A8), true);
    // llvmpipe answers FRAMEBUFFER_RENDERABLE for RGB9_E5 but refuses it as an attachment.
    if (/llvmpipe/.test(new TextDecoder().decode(v2.subarray(CapsOffset.renderer, CapsOffset.renderer + 64))))
      assert.equal(render(RGB9E5), false);
  } finally {
    rutabaga.destroy();
  }
});
