import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCap } from "../../../src/components/virgl/caps/caps.ts";
import { VirglCapsView } from "../../../src/components/virgl/caps/caps-view.ts";
import { PipeShaderType } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { RutabagaFenceFlags, transfer2d } from "../../../src/index.ts";
import { bindPlainPipeline, createWithBacking, makeVirgl, PASS_VS, res } from "./helpers.ts";

// p_defines.h / virgl_hw.h values typed here: PIPE_PRIM_TRIANGLES, PIPE_QUERY_OCCLUSION_COUNTER, VIRGL_FORMAT_R8_UNORM,
// VIRGL_BIND_VERTEX_BUFFER.
const TRIANGLES = 4;
const OCCLUSION_COUNTER = 0;
const R8 = 64;
const BIND_VERTEX_BUFFER = 1 << 4;

const VS = PASS_VS;
const FS = "FRAG\n  0: END\n";

/** Samples that passed while drawing one triangle over the whole viewport (`width`×`height`) with `setup` before. */
function samplesPassed(width: number, height: number, framebuffer: (e: VirglEncoder) => VirglEncoder): bigint {
  const { rutabaga } = makeVirgl();
  try {
    const vb = createWithBacking(
      rutabaga,
      2,
      res({ target: 0, format: R8, bind: BIND_VERTEX_BUFFER, width: 48, height: 1 }),
      48,
    );
    vb.set(new Uint8Array(Float32Array.of(-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1).buffer));
    rutabaga.transferWrite(1, 2, transfer2d(0, 0, 48, 1));
    const result = createWithBacking(rutabaga, 4, res({ target: 0, format: R8, bind: 0, width: 16, height: 1 }), 16);
    const e = framebuffer(
      bindPlainPipeline(
        new VirglEncoder()
          .createShader(20, PipeShaderType.Vertex, VS)
          .createShader(21, PipeShaderType.Fragment, FS)
          .bindShader(20, PipeShaderType.Vertex)
          .bindShader(21, PipeShaderType.Fragment),
      ).setViewports(0, [{ scale: [width / 2, height / 2, 0.5], translate: [width / 2, height / 2, 0.5] }]),
    );
    rutabaga.submitCommand(
      1,
      e
        .createQuery(40, OCCLUSION_COUNTER, 0, 4)
        .beginQuery(40)
        .drawVbo({ count: 3, mode: TRIANGLES })
        .endQuery(40)
        .getQueryResult(40, true)
        .finish(),
    );
    rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 1n, ctxId: 0, ringIdx: 0 });
    return new DataView(result.buffer).getBigUint64(8, true);
  } finally {
    rutabaga.destroy();
  }
}

test("a draw into a framebuffer without attachments rasterizes over the SET_FRAMEBUFFER_STATE_NO_ATTACH size", () => {
  const passed = samplesPassed(24, 8, (e) => e.setFramebufferState(0, []).setFramebufferStateNoAttach(24, 8, 1, 0));
  assert.equal(passed, 24n * 8n);
  // Half the size: the viewport is clipped to the default width and height.
  assert.equal(
    samplesPassed(24, 8, (e) => e.setFramebufferState(0, []).setFramebufferStateNoAttach(12, 4, 1, 0)),
    12n * 4n,
  );
});

test("without a NO_ATTACH size, a framebuffer with nothing attached draws nothing", () => {
  assert.equal(
    samplesPassed(24, 8, (e) => e.setFramebufferState(0, [])),
    0n,
  );
});

test("the caps offer framebuffers without attachments, multisampled ones too (format 0 of the multisample mask)", () => {
  const { rutabaga } = makeVirgl();
  try {
    const caps = new VirglCapsView(rutabaga.getCapset(2, 2));
    assert.ok(caps.cap(VirglCap.FbNoAttach));
    assert.ok(caps.hasFormat("multisample", 0), "Mesa reads GL_MAX_FRAMEBUFFER_SAMPLES from format 0");
    assert.ok(caps.u32("maxSamples") >= 4);
  } finally {
    rutabaga.destroy();
  }
});
