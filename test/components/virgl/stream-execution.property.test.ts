import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  PipeClear,
  PipeShaderType,
  VIRGL_CMD_COUNT,
  VIRGL_CMD_NAMES,
  VirglCmd,
  VirglObject,
} from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { isRutabagaError } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";
import { LEGAL_COMMAND_LENGTHS, LEGAL_OBJECT_LENGTHS } from "./protocol-lengths.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

/** Commands framed with a legal length and small field values, so most reach execution (and the GL). */
const EXECUTED = [
  VirglCmd.CreateSubCtx,
  VirglCmd.SetSubCtx,
  VirglCmd.DestroySubCtx,
  VirglCmd.CreateObject,
  VirglCmd.DestroyObject,
  VirglCmd.SetFramebufferState,
  VirglCmd.Clear,
  VirglCmd.ClearTexture,
  VirglCmd.ResourceCopyRegion,
  VirglCmd.Blit,
  VirglCmd.Transfer3D,
  VirglCmd.CopyTransfer3D,
  VirglCmd.ResourceInlineWrite,
  VirglCmd.BindObject,
  VirglCmd.BindShader,
  VirglCmd.SetVertexBuffers,
  VirglCmd.SetIndexBuffer,
  VirglCmd.SetConstantBuffer,
  VirglCmd.SetUniformBuffer,
  VirglCmd.SetSamplerViews,
  VirglCmd.BindSamplerStates,
  VirglCmd.SetViewportState,
  VirglCmd.SetScissorState,
  VirglCmd.DrawVbo,
  VirglCmd.BeginQuery,
  VirglCmd.EndQuery,
  VirglCmd.GetQueryResult,
  VirglCmd.SetRenderCondition,
];
const cmdId = fc.oneof(
  { arbitrary: fc.constantFrom(...EXECUTED), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: VIRGL_CMD_COUNT - 1 }), weight: 1 },
);
const objectType = fc.integer({ min: 0, max: VirglObject.MsaaSurface + 1 });
const command = fc.tuple(cmdId, objectType).chain(([cmd, object]) => {
  // CREATE_OBJECT mostly takes its object type's length, so most creates get past the length rule.
  const rule =
    (cmd === VirglCmd.CreateObject ? LEGAL_OBJECT_LENGTHS.get(object) : undefined) ??
    LEGAL_COMMAND_LENGTHS[VIRGL_CMD_NAMES[cmd]!]!;
  const min = rule.min;
  const top = Math.min(rule.max, min + 8);
  const word = fc.oneof(
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.constantFrom(67, 19, 0x80000000, 0xffff0000, 0x00010000),
  );
  return fc.tuple(fc.constant(cmd), fc.constant(object), fc.array(word, { minLength: min, maxLength: top }));
});

test("well-framed random commands execute or fail with typed errors; the context keeps working", () => {
  const { rutabaga } = makeVirgl();
  try {
    const colour = createWithBacking(rutabaga, 1, res({ width: 4, height: 4 }), 64);
    createWithBacking(rutabaga, 2, res({ target: 0, format: 64, bind: 0x10, width: 64, height: 1 }), 64);
    createWithBacking(rutabaga, 3, res({ format: 19, bind: 1 }), 64);
    createWithBacking(rutabaga, 4, res({ target: 7, width: 4, height: 4, arraySize: 3, lastLevel: 1 }), 256);
    createWithBacking(rutabaga, 5, res({ target: 3, width: 4, height: 4, depth: 2, format: 28 }), 128);
    // A drawable pipeline, so random DRAW_VBOs and state changes reach the GL rather than being skipped.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createShader(
          0x5000,
          PipeShaderType.Vertex,
          "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n  1: END\n",
        )
        .createShader(
          0x5001,
          PipeShaderType.Fragment,
          "FRAG\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n",
        )
        .bindShader(0x5000, PipeShaderType.Vertex)
        .bindShader(0x5001, PipeShaderType.Fragment)
        // VIRGL_FORMAT_R32G32B32A32_FLOAT from resource 2, 16-byte stride.
        .createVertexElements(0x5002, [{ srcOffset: 0, instanceDivisor: 0, vertexBufferIndex: 0, format: 31 }])
        .bindObject(VirglObject.VertexElements, 0x5002)
        .setVertexBuffers([{ stride: 16, offset: 0, resourceId: 2 }])
        .createSurface(0x5003, 1, RGBA8)
        .setFramebufferState(0, [0x5003])
        .setViewports(0, [{ scale: [2, 2, 0.5], translate: [2, 2, 0.5] }])
        .finish(),
    );
    const outcomes = { ok: 0, failed: 0 };
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 8 }), (cmds) => {
        try {
          const e = new VirglEncoder();
          for (const [c, o, p] of cmds) e.raw(c, o, p);
          rutabaga.submitCommand(1, e.finish());
          outcomes.ok++;
        } catch (e) {
          assert.ok(isRutabagaError(e), `untyped error: ${String(e)}`);
          outcomes.failed++;
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(outcomes.ok > 0 && outcomes.failed > 0, `both paths exercised: ${JSON.stringify(outcomes)}`);
    // Sub-context 0 always exists (long runs may have filled every other slot); the handle is one no run makes.
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .setSubCtx(0)
        .createSurface(0x7654321, 1, RGBA8)
        .setFramebufferState(0, [0x7654321])
        .clear(PipeClear.Color0, [1, 0, 1, 1])
        .finish(),
    );
    rutabaga.transferRead(1, 1, { x: 0, y: 0, z: 0, w: 4, h: 4, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 });
    for (let i = 0; i < 16; i++) assert.deepEqual([...colour.subarray(i * 4, i * 4 + 4)], [255, 0, 255, 255]);
  } finally {
    rutabaga.destroy();
  }
});
