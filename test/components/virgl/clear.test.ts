import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

test("CLEAR of a colour surface then transferRead gives the exact pixels", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ width: 8, height: 4 }), 8 * 4 * 4);
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createSubCtx(1)
        .setSubCtx(1)
        .createSurface(10, 1, RGBA8)
        .setFramebufferState(0, [10])
        .clear(PipeClear.Color0, [1, 0.5, 0, 1])
        .destroyObject(VirglObject.Surface, 10)
        .setSubCtx(0)
        .destroySubCtx(1)
        .finish(),
    );
    rutabaga.transferRead(1, 1, { x: 0, y: 0, z: 0, w: 8, h: 4, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 });
    // 0.5 → unorm8 is a rounding tie: llvmpipe gives 128, NVIDIA 127; both are within GL's 1 LSB.
    for (let i = 0; i < 32; i++) {
      const [r, g, b, a] = backing.subarray(i * 4, i * 4 + 4);
      assert.deepEqual([r, b, a], [255, 0, 255], `pixel ${i}`);
      assert.ok(g === 127 || g === 128, `pixel ${i}: green ${g} is 0.5 within 1 LSB`);
    }
  } finally {
    rutabaga.destroy();
  }
});
