import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { createWithBacking, f32bits, makeVirgl, res, stream } from "./helpers.ts";

test("CLEAR of a colour surface then transferRead gives the exact pixels", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ width: 8, height: 4 }), 8 * 4 * 4);
    rutabaga.submitCommand(
      1,
      stream(
        [VirglCmd.CreateSubCtx, 0, 1],
        [VirglCmd.SetSubCtx, 0, 1],
        [VirglCmd.CreateObject, VirglObject.Surface, 10, 1, 67, 0, 0],
        [VirglCmd.SetFramebufferState, 0, 1, 0, 10],
        [VirglCmd.Clear, 0, 4, f32bits(1), f32bits(0.5), 0, f32bits(1), 0, 0, 0],
        [VirglCmd.DestroyObject, VirglObject.Surface, 10],
        [VirglCmd.SetSubCtx, 0, 0],
        [VirglCmd.DestroySubCtx, 0, 1],
      ),
    );
    rutabaga.transferRead(1, 1, { x: 0, y: 0, z: 0, w: 8, h: 4, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 });
    for (let i = 0; i < 32; i++)
      assert.deepEqual([...backing.subarray(i * 4, i * 4 + 4)], [255, 128, 0, 255], `pixel ${i}`);
  } finally {
    rutabaga.destroy();
  }
});
