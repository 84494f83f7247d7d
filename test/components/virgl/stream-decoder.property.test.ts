import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { isRutabagaError } from "../../../src/index.ts";
import { createWithBacking, f32bits, makeVirgl, res, stream } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

test("random and mutated virgl streams fail only with typed errors and the context keeps working", () => {
  const { rutabaga } = makeVirgl();
  try {
    const backing = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    createWithBacking(rutabaga, 2, res({ target: 0, format: 64, bind: 0x10, width: 64, height: 1 }), 64);
    const valid = stream(
      [VirglCmd.CreateObject, VirglObject.Surface, 10, 1, 67, 0, 0],
      [VirglCmd.SetFramebufferState, 0, 1, 0, 10],
      [VirglCmd.Clear, 0, 4, f32bits(0), f32bits(0), f32bits(1), f32bits(1), 0, 0, 0],
      [VirglCmd.Transfer3D, 0, 2, 0, 0, 0, 0, 0, 0, 0, 16, 1, 1, 0, 2],
      [VirglCmd.ResourceCopyRegion, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 2, 2, 1],
    );
    const header = fc.tuple(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 13 }),
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 24 }),
    );
    const randomStream = fc
      .array(header, { maxLength: 6 })
      .map((cmds) => stream(...cmds.map(([c, o, p]) => [c, o, ...p])));
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
      stream(
        [VirglCmd.CreateSubCtx, 0, 7],
        [VirglCmd.SetSubCtx, 0, 7],
        [VirglCmd.CreateObject, VirglObject.Surface, 1, 1, 67, 0, 0],
        [VirglCmd.SetFramebufferState, 0, 1, 0, 1],
        [VirglCmd.Clear, 0, 4, f32bits(0), f32bits(1), f32bits(0), f32bits(1), 0, 0, 0],
      ),
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
    expectCode(new Uint8Array(Uint32Array.of(VirglCmd.Clear | (20 << 16)).buffer), "InvalidCommandSize");
    expectCode(stream([VirglCmd.Clear, 0, 1, 2]), "InvalidCommandSize");
    expectCode(stream([200, 0]), "InvalidCommandBuffer");
    expectCode(stream([VirglCmd.SetSubCtx, 0, 99]), "InvalidCommandBuffer");
    expectCode(stream([VirglCmd.Transfer3D, 0, 77, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1]), "InvalidCommandBuffer");
    // Mesa 22.3 pads its transfer buffer with an END_TRANSFERS carrying ~1000 ignored dwords; NOP may carry words too.
    rutabaga.submitCommand(
      1,
      stream([VirglCmd.EndTransfers, 0, ...new Array<number>(1023).fill(0)], [VirglCmd.Nop, 0, 1, 2]),
    );
    rutabaga.submitCommand(1, stream([VirglCmd.SetUniformBuffer, 0, 0, 1, 0, 16, 0]));
    expectCode(stream([VirglCmd.SetIndexBuffer, 0, 1, 2]), "InvalidCommandBuffer");
    // Parsed-only commands are counted, not failed.
    rutabaga.submitCommand(1, stream([VirglCmd.SetBlendColor, 0, 0, 0, 0, 0], [VirglCmd.SetSampleMask, 0, 0xffffffff]));
  } finally {
    rutabaga.destroy();
  }
});
