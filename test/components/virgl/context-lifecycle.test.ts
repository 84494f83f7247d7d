import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeClear, PipeShaderType, VirglCmd, VirglObject } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { VirglShader } from "../../../src/components/virgl/state/shader.ts";
import { isRutabagaError, RutabagaFenceFlags } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "./helpers.ts";

test("commands Mesa sends for state are stored or counted, not failed; shaders keep their TGSI text", () => {
  const { rutabaga, component } = makeVirgl();
  try {
    const tgsi = "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1.0, 0.0, 0.0, 1.0}\n  0: MOV OUT[0], IMM[0]\n  1: END\n";
    rutabaga.submitCommand(
      1,
      new VirglEncoder()
        .createShader(3, PipeShaderType.Fragment, tgsi, 20)
        .createBlend(4, 0, 0)
        .bindObject(VirglObject.Blend, 4)
        .bindShader(3, PipeShaderType.Fragment)
        .setBlendColor([0.25, 0, 0, 1])
        .setSampleMask(0xf)
        .destroyObject(VirglObject.Blend, 4)
        .setTessState([2, 3, 4, 5], [6, 7])
        // Not executed (nor advertised): decoded and counted.
        .raw(VirglCmd.SetDebugFlags, 0, [0, 0])
        .finish(),
    );
    const ctx = component.context(1)!;
    assert.deepEqual([...ctx.unsupported], [["SetDebugFlags", 1]]);
    const bound = ctx.currentSubContext.bound;
    assert.deepEqual([...bound.tessLevels], [2, 3, 4, 5, 6, 7]);
    assert.equal(bound.blend, 4);
    assert.equal(bound.shaders[PipeShaderType.Fragment], 3);
    assert.deepEqual(bound.blendColor, [0.25, 0, 0, 1]);
    assert.equal(bound.sampleMask, 0xf);
    const shader = ctx.currentSubContext.objects.get(3)!;
    assert.equal(shader.type, VirglObject.Shader);
    assert.ok(shader.state instanceof VirglShader);
    assert.equal(shader.state.stage, PipeShaderType.Fragment);
    assert.equal(shader.state.numTokens, 20);
    assert.equal(shader.state.text, tgsi);
    assert.equal(shader.state.tgsi?.stage, "FRAG");
    assert.equal(ctx.currentSubContext.objects.has(4), false);
  } finally {
    rutabaga.destroy();
  }
});

test("global and ring fences signal; the host memory budget is charged and released", () => {
  const { rutabaga, fences } = makeVirgl(1024);
  try {
    rutabaga.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 7n, ctxId: 0, ringIdx: 0 });
    rutabaga.createFence({
      flags: RutabagaFenceFlags.Fence | RutabagaFenceFlags.InfoRingIdx,
      fenceId: 9n,
      ctxId: 1,
      ringIdx: 2,
    });
    assert.deepEqual(
      fences.map((f) => [f.fenceId, f.ctxId, f.ringIdx]),
      [
        [7n, 0, 0],
        [9n, 1, 2],
      ],
    );
    rutabaga.resourceCreate3d(1, res({ width: 16, height: 16 }));
    assert.throws(
      () => rutabaga.resourceCreate3d(2, res({ width: 1, height: 1 })),
      (e: unknown) => isRutabagaError(e, "OutOfMemory"),
    );
    rutabaga.unrefResource(1);
    rutabaga.resourceCreate3d(2, res({ width: 16, height: 16 }));
  } finally {
    rutabaga.destroy();
  }
});

test("resources are only visible to contexts they are attached to; sub-contexts have their own objects", () => {
  const { rutabaga } = makeVirgl();
  try {
    createWithBacking(rutabaga, 1, res({}), 64);
    rutabaga.createContext(2, 2, "other");
    const surf = new VirglEncoder().createSurface(1, 1, RGBA8).finish();
    assert.throws(
      () => rutabaga.submitCommand(2, surf),
      (e: unknown) => isRutabagaError(e, "InvalidCommandBuffer"),
    );
    rutabaga.contextAttachResource(2, 1);
    rutabaga.submitCommand(2, surf);
    rutabaga.contextDetachResource(2, 1);
    assert.throws(
      () => rutabaga.submitCommand(2, surf),
      (e: unknown) => isRutabagaError(e, "InvalidCommandBuffer"),
    );
    // Sub-context 5 does not see sub-context 0's surface 1.
    rutabaga.submitCommand(1, surf);
    const fb = new VirglEncoder().setFramebufferState(0, [1]).finish();
    rutabaga.submitCommand(1, fb);
    rutabaga.submitCommand(1, new VirglEncoder().createSubCtx(5).setSubCtx(5).finish());
    assert.throws(
      () => rutabaga.submitCommand(1, fb),
      (e: unknown) => isRutabagaError(e, "InvalidCommandBuffer"),
    );
    rutabaga.submitCommand(1, new VirglEncoder().destroySubCtx(5).finish());
    rutabaga.submitCommand(1, fb); // back on sub-context 0
    rutabaga.destroyContext(2);
    rutabaga.unrefResource(1);
    // The surface outlives its resource; using it is a typed error, not a GL call on a deleted texture.
    const clear = new VirglEncoder().clear(PipeClear.Color0, [0, 0, 0, 0]).finish();
    assert.throws(
      () => rutabaga.submitCommand(1, clear),
      (e: unknown) => isRutabagaError(e, "InvalidCommandBuffer"),
    );
  } finally {
    rutabaga.destroy();
  }
});

test("multisampled and compressed resources: create, and compressed blocks round-trip", () => {
  const { rutabaga } = makeVirgl();
  try {
    rutabaga.resourceCreate3d(1, res({ width: 16, height: 16, nrSamples: 4, bind: 2 }));
    const backing = createWithBacking(rutabaga, 2, res({ format: 113, width: 8, height: 8, bind: 8 }), 32);
    for (let i = 0; i < 32; i++) backing[i] = (i * 37) & 0xff;
    const expected = backing.slice();
    const box = { x: 0, y: 0, z: 0, w: 8, h: 8, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 };
    rutabaga.transferWrite(1, 2, box);
    backing.fill(0);
    rutabaga.transferRead(1, 2, box);
    assert.deepEqual(backing, expected);
  } finally {
    rutabaga.destroy();
  }
});

test("stored objects and sub-contexts are bounded per context; freeing makes room again", () => {
  const { rutabaga } = makeVirgl();
  try {
    // First chunks of shaders announcing 1 MiB of text (so not parsed yet), 65535 payload dwords each (5 header
    // words + 65530 of text): each is charged 65534 × 4 bytes.
    const text = new Uint32Array(65530).fill(0x20202020);
    const batch = (first: number) => {
      const e = new VirglEncoder();
      for (let i = 0; i < 60; i++) {
        e.raw(VirglCmd.CreateObject, VirglObject.Shader, [first + i, PipeShaderType.Fragment, 1 << 20, 0, 0, ...text]);
      }
      return e.finish();
    };
    let failedAt = -1;
    for (let b = 0; b < 6 && failedAt < 0; b++) {
      try {
        rutabaga.submitCommand(1, batch(1 + b * 60));
      } catch (e) {
        assert.ok(isRutabagaError(e, "InvalidCommandBuffer"), String(e));
        failedAt = b;
      }
    }
    assert.equal(failedAt, 4, "the 64 MiB budget is reached in the fifth batch of 60 × 256 KiB");
    const destroys = new VirglEncoder();
    for (let i = 0; i < 60; i++) destroys.destroyObject(VirglObject.Shader, 1 + i);
    rutabaga.submitCommand(1, destroys.finish());
    rutabaga.submitCommand(1, batch(1));
    const subs = new VirglEncoder();
    for (let i = 0; i < 63; i++) subs.createSubCtx(100 + i);
    rutabaga.submitCommand(1, subs.finish());
    assert.throws(
      () => rutabaga.submitCommand(1, new VirglEncoder().createSubCtx(999).finish()),
      (e: unknown) => isRutabagaError(e, "InvalidCommandBuffer"),
    );
    rutabaga.submitCommand(1, new VirglEncoder().destroySubCtx(100).createSubCtx(999).finish());
  } finally {
    rutabaga.destroy();
  }
});
