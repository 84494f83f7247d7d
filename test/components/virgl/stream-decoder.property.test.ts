import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  PipeClear,
  PipeShaderType,
  VirglCmd,
  VirglTransferDirection,
} from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { isRutabagaError, transfer2d } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

test("random and mutated virgl streams fail only with typed errors and the context keeps working", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    createWithBacking(rutabaga, 2, res({ target: 0, format: 64, bind: 0x10, width: 64, height: 1 }), 64);
    const valid = new VirglEncoder()
      .createSurface(10, 1, RGBA8)
      .setFramebufferState(0, [10])
      .clear(PipeClear.Color0, [0, 0, 1, 1])
      .transfer3d(2, transfer2d(0, 0, 16, 1), VirglTransferDirection.FromHost)
      .copyRegion({ resourceId: 1, level: 0, x: 0, y: 0, z: 0 }, { resourceId: 1, level: 0, x: 1, y: 1, z: 0 }, 2, 2, 1)
      .finish();
    const header = fc.tuple(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 13 }),
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 24 }),
    );
    const randomStream = fc.array(header, { maxLength: 6 }).map((cmds) => {
      const e = new VirglEncoder();
      for (const [c, o, p] of cmds) e.raw(c, o, p);
      return e.finish();
    });
    const mutated = fc.tuple(fc.nat(valid.byteLength - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const copy = valid.slice();
      copy[i] = v;
      return copy;
    });
    const raw = fc.uint8Array({ maxLength: 256 });
    fc.assert(
      fc.property(fc.oneof(randomStream, mutated, raw), (bytes) => {
        try {
          rutabaga.submitCommand(1, bytes);
        } catch (e) {
          assert.ok(isRutabagaError(e), `untyped error: ${String(e)}`);
        }
      }),
      { numRuns: RUNS },
    );
    // Still works: a fresh sub-context clears resource 1 to a known colour and it reads back.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createSubCtx(7)
        .setSubCtx(7)
        .createSurface(1, 1, RGBA8)
        .setFramebufferState(0, [1])
        .clear(PipeClear.Color0, [0, 1, 0, 1])
        .finish(),
    );
    rutabaga.transferRead(1, 1, { x: 0, y: 0, z: 0, w: 4, h: 4, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 });
    assert.deepEqual([...backing.subarray(0, 4)], [0, 255, 0, 255]);
    assert.deepEqual([...backing.subarray(60, 64)], [0, 255, 0, 255]);
  } finally {
    rutabaga.destroy();
  }
});

test("a malformed submit reports InvalidCommandSize/InvalidCommandBuffer", () => {
  const { rutabaga } = makeVirgl();
  try {
    const expectCode = (bytes: Uint8Array, code: string) =>
      assert.throws(
        () => rutabaga.submitCommand(1, bytes),
        (e: unknown) => isRutabagaError(e) && e.code === code,
      );
    expectCode(new Uint8Array(3), "InvalidCommandSize");
    // A header announcing 20 dwords with none following.
    expectCode(new Uint8Array(Uint32Array.of(VirglCmd.Clear | (20 << 16)).buffer), "InvalidCommandSize");
    expectCode(new VirglEncoder().raw(VirglCmd.Clear, 0, [1, 2]).finish(), "InvalidCommandSize");
    expectCode(new VirglEncoder().raw(200, 0, []).finish(), "InvalidCommandBuffer");
    expectCode(new VirglEncoder().setSubCtx(99).finish(), "InvalidCommandBuffer");
    expectCode(new VirglEncoder().transfer3d(77, transfer2d(0, 0, 1, 1)).finish(), "InvalidCommandBuffer");
    // Mesa 22.3 pads its transfer buffer with an END_TRANSFERS carrying ~1000 ignored dwords; NOP may carry words too.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .raw(VirglCmd.EndTransfers, 0, new Array<number>(1023).fill(0))
        .raw(VirglCmd.Nop, 0, [1, 2])
        .finish(),
    );
    rutabaga.submitCommand(1, new VirglEncoder().setUniformBuffer(PipeShaderType.Vertex, 1, 0, 16, 0).finish());
    expectCode(new VirglEncoder().raw(VirglCmd.SetIndexBuffer, 0, [1, 2]).finish(), "InvalidCommandBuffer");
    // Parsed-only commands are counted, not failed.
    rutabaga.submitCommand(1, new VirglEncoder().setBlendColor([0, 0, 0, 0]).setSampleMask(0xffffffff).finish());
  } finally {
    rutabaga.destroy();
  }
});
