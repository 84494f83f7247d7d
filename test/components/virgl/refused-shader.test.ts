import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglShader } from "../../../src/components/virgl/state/shader.ts";
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

const VS = PASS_VS;
const FS = CONST_COLOR_FS;
/** Not TGSI: the parser refuses it at its second line. */
const BAD_FS = `FRAG\nDCL OUT[0], COLOR\n  0: FROB OUT[0], IN[7]\n${"  1: NOP\n".repeat(40)}  41: END\n`;

/** A 4×4 RGBA8 target (resource 1) and a vertex buffer (2) with one triangle over it; warnings collected. */
function scene() {
  const v = makeVirgl();
  const warnings: string[] = [];
  v.component.warn = (m) => warnings.push(m);
  const target = createWithBacking(v.rutabaga, 1, res({ width: 4, height: 4 }), 64);
  fullScreenTriangle(v.rutabaga);
  const pixels = () => readPixels4x4(v.rutabaga, target);
  return { ...v, warnings, pixels };
}

test("a shader whose TGSI does not parse is refused alone: the rest of the submit and later submits run", () => {
  const { rutabaga, component, warnings, pixels } = scene();
  try {
    rutabaga.submitCommand(
      1,
      bindPlainPipeline(
        new VirglEncoder()
          .createSurface(10, 1, RGBA8)
          .setFramebufferState(0, [10])
          .createShader(20, PipeShaderType.Vertex, VS)
          .createShader(21, PipeShaderType.Fragment, FS)
          // Refused in its first chunk, and (split into 8-dword chunks) when its last continuation arrives.
          .createShader(22, PipeShaderType.Fragment, BAD_FS)
          .createShader(23, PipeShaderType.Fragment, BAD_FS, 0, 8)
          .bindShader(20, PipeShaderType.Vertex)
          .bindShader(22, PipeShaderType.Fragment),
      )
        .clear(PipeClear.Color0, [1, 0, 0, 1])
        // Skipped: the bound fragment shader is refused.
        .setConstantBuffer(PipeShaderType.Fragment, 0, [0, 1, 0, 1])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(), new Array(16).fill([255, 0, 0, 255]));
    const ctx = component.context(1)!;
    for (const handle of [22, 23]) {
      const stored = ctx.currentSubContext.objects.get(handle);
      assert.equal(stored?.type, VirglObject.Shader);
      assert.ok(stored.state instanceof VirglShader);
      assert.equal(stored.state.tgsi, undefined);
      assert.match(stored.state.parseError ?? "", /FROB/);
    }
    assert.equal(warnings.length, 3, warnings.join("\n"));
    assert.match(warnings[0]!, /virgl context 1: shader 22 refused: .*FROB/);
    assert.match(warnings[1]!, /shader 23 refused/);
    // Two skipped draws, one warning.
    assert.match(warnings[2]!, /draws with refused shader 22 are skipped/);

    // The same submit goes on past the skipped draws, and later submits run.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .drawVbo({ count: 3, mode: TRIANGLES })
        .bindShader(21, PipeShaderType.Fragment)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(), new Array(16).fill([0, 255, 0, 255]));
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .bindShader(23, PipeShaderType.Fragment)
        .clear(PipeClear.Color0, [0, 0, 1, 1])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(), new Array(16).fill([0, 0, 255, 255]));
    assert.equal(warnings.length, 4);
    assert.match(warnings[3]!, /draws with refused shader 23 are skipped/);
    // Replacing the refused shader's handle with a good one makes it drawable.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createShader(23, PipeShaderType.Fragment, FS)
        .setConstantBuffer(PipeShaderType.Fragment, 0, [1, 1, 1, 1])
        .drawVbo({ count: 3, mode: TRIANGLES })
        .finish(),
    );
    assert.deepEqual(pixels(), new Array(16).fill([255, 255, 255, 255]));
    assert.equal(warnings.length, 4);
  } finally {
    rutabaga.destroy();
  }
});
