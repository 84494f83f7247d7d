import assert from "node:assert/strict";
import test from "node:test";
import { PipeShaderType, VirglObject } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import type { VirglBoundState } from "../../../../src/components/virgl/state/bound-state.ts";
import type { VirglSubContext } from "../../../../src/components/virgl/state/sub-context.ts";
import { createWithBacking, makeVirgl, RGBA8, res } from "../helpers.ts";

const R8 = 64;
const R32UI = 193;

/** The bound state without its change counters (they count commands, not state). */
function bindings(b: VirglBoundState) {
  const { version, constantsVersion, sysvalVersion, tessVersion, streamoutVersion, ...rest } = b;
  void [version, constantsVersion, sysvalVersion, tessVersion, streamoutVersion];
  return structuredClone({ ...rest, memory: structuredClone(b.memory) });
}

function subState(s: VirglSubContext) {
  return {
    bound: bindings(s.bound),
    colorSurfaces: [...s.colorSurfaces],
    zsSurface: s.zsSurface,
    noAttach: { ...s.noAttach },
    objects: [...s.objects.keys()],
    surfaces: [...s.surfaces.keys()],
  };
}

test("every binding of every sub-context is the same after a restore", () => {
  const { rutabaga, component } = makeVirgl();
  createWithBacking(rutabaga, 1, res({ width: 8, height: 8 }), 256);
  for (const id of [2, 3, 4]) {
    createWithBacking(rutabaga, id, res({ target: 0, format: R8, bind: 0, width: 256, height: 1 }), 256);
  }
  createWithBacking(rutabaga, 5, res({ format: R32UI, bind: 1 << 3, width: 4, height: 4 }), 64);
  const e = new VirglEncoder()
    .createSubCtx(3)
    .setSubCtx(3)
    .createBlend(7, 0, 0, [0xf << 27])
    .bindObject(VirglObject.Blend, 7)
    .setSampleMask(0x5)
    .setSubCtx(0)
    .createSurface(10, 1, RGBA8)
    .setFramebufferState(0, [10])
    .setFramebufferStateNoAttach(16, 8, 2, 0)
    .createRasterizer(31, 1 << 1)
    .bindObject(VirglObject.Rasterizer, 31)
    .createDsa(32, 0, 0, 0)
    .bindObject(VirglObject.Dsa, 32)
    .createVertexElements(33, [{ srcOffset: 0, instanceDivisor: 0, vertexBufferIndex: 0, format: 31 }])
    .bindObject(VirglObject.VertexElements, 33)
    .createSamplerView(40, 5, R32UI)
    .createSamplerState(41, 0)
    .setSamplerViews(PipeShaderType.Fragment, 2, [40])
    .bindSamplerStates(PipeShaderType.Vertex, 1, [41])
    .createStreamoutTarget(50, 2, 0, 128)
    .setStreamoutTargets([50], 0)
    .setVertexBuffers([{ stride: 16, offset: 4, resourceId: 2 }])
    .setIndexBuffer(3, 2, 8)
    .setViewports(1, [{ scale: [1, 2, 3], translate: [4, 5, 6] }])
    .setScissors(2, [{ minX: 1, minY: 2, maxX: 30, maxY: 40 }])
    .setConstantBuffer(PipeShaderType.Vertex, 0, [1, 2, 3, 4])
    .setUniformBuffer(PipeShaderType.Fragment, 3, 16, 64, 4)
    .setShaderBuffers(PipeShaderType.Compute, 1, [{ offset: 0, length: 32, resourceId: 3 }])
    .setShaderImages(PipeShaderType.Fragment, 0, [
      { format: R32UI, access: 3, layerOffset: 0, levelSize: 0, resourceId: 5 },
    ])
    .setAtomicBuffers(2, [{ offset: 4, length: 8, resourceId: 4 }])
    .setBlendColor([0.25, 0.5, 0.75, 1])
    .setStencilRef(3, 9)
    .setMinSamples(2)
    .setClipState(Float32Array.from({ length: 32 }, (_, i) => i / 4))
    .setPolygonStipple(Array.from({ length: 32 }, (_, i) => i * 0x01010101))
    .setTessState([2, 3, 4, 5], [6, 7]);
  rutabaga.submitCommand(1, e.finish());
  const before = component.context(1)!;
  assert.deepEqual(before.subContextIds, [0, 3]);
  assert.deepEqual([...before.unsupported], [], "every command of the scene executed");

  const other = makeVirgl();
  other.rutabaga.destroyContext(1);
  other.rutabaga.restore(rutabaga.snapshot());
  const after = other.component.context(1)!;
  assert.deepEqual(after.subContextIds, before.subContextIds);
  for (const id of before.subContextIds) {
    assert.deepEqual(subState(after.subContext(id)!), subState(before.subContext(id)!), `sub-context ${id}`);
  }
  assert.equal(after.currentSubContext, after.subContext(0), "the same sub-context is current");
  rutabaga.destroy();
  other.rutabaga.destroy();
});
