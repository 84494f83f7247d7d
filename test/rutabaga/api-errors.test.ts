import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Resource3DInfo,
  RutabagaBlobFlags,
  RutabagaBlobMem,
  RutabagaFenceFlags,
  transfer2d,
} from "../../src/index.ts";
import { assertCode, create2d, make2d } from "./helpers.ts";

const info3d: Resource3DInfo = {
  width: 4,
  height: 4,
  drmFourcc: 0x34325258,
  strides: [64, 0, 0, 0],
  offsets: [0, 0, 0, 0],
  modifier: 0n,
};

test("unknown resource ids are InvalidResourceId for every per-resource method", () => {
  const { rutabaga: r } = make2d();
  assertCode(() => r.attachBacking(7, []), "InvalidResourceId");
  assertCode(() => r.detachBacking(7), "InvalidResourceId");
  assertCode(() => r.unrefResource(7), "InvalidResourceId");
  assertCode(() => r.transferWrite(0, 7, transfer2d(0, 0, 1, 1)), "InvalidResourceId");
  assertCode(() => r.transferRead(0, 7, transfer2d(0, 0, 1, 1), new Uint8Array(4)), "InvalidResourceId");
  assertCode(() => r.resourceFlush(7), "InvalidResourceId");
  assertCode(() => r.setScanout(0, 7), "InvalidResourceId");
  assertCode(() => r.map(7), "InvalidResourceId");
  assertCode(() => r.unmap(7), "InvalidResourceId");
  assertCode(() => r.mapInfo(7), "InvalidResourceId");
  assertCode(() => r.vulkanInfo(7), "InvalidResourceId");
  assertCode(() => r.query(7), "InvalidResourceId");
  assertCode(() => r.exportBlob(7), "InvalidResourceId");
  assertCode(() => r.resourceInfo(7), "InvalidResourceId");
});

test("duplicate resource ids are refused and the first resource is kept", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(2, 2));
  assertCode(() => r.resourceCreate3d(1, create2d(8, 8)), "InvalidResourceId");
  assertCode(
    () => r.resourceCreateBlob(0, 1, { blobMem: RutabagaBlobMem.Guest, blobFlags: 0, blobId: 0n, size: 16n }, []),
    "InvalidResourceId",
  );
  assert.equal(r.resourceInfo(1).width, 2);
});

test("contexts: 2D cannot create them, unknown ids are InvalidContextId, checked before resources", () => {
  const { rutabaga: r } = make2d();
  assertCode(() => r.createContext(1, 0), "Unsupported");
  assertCode(() => r.destroyContext(1), "InvalidContextId");
  assertCode(() => r.contextAttachResource(1, 99), "InvalidContextId");
  assertCode(() => r.contextDetachResource(1, 99), "InvalidContextId");
  assertCode(() => r.submitCommand(1, new Uint8Array(4), []), "InvalidContextId");
  assertCode(
    () =>
      r.createFence({
        flags: RutabagaFenceFlags.InfoRingIdx | RutabagaFenceFlags.Fence,
        fenceId: 1n,
        ctxId: 3,
        ringIdx: 0,
      }),
    "InvalidContextId",
  );
  assertCode(() => r.resourceCreateBlob(5, 1, { blobMem: 1, blobFlags: 0, blobId: 0n, size: 0n }), "InvalidContextId");
});

test("2D global fences complete at once with identical fields", () => {
  const { rutabaga: r, fences } = make2d();
  r.createFence({ flags: RutabagaFenceFlags.Fence, fenceId: 0xffff_ffff_ffffn, ctxId: 3, ringIdx: 2 });
  assert.deepEqual(fences, [{ flags: 1, fenceId: 0xffff_ffff_ffffn, ctxId: 3, ringIdx: 2 }]);
});

test("2D has no flush, map, export, Vulkan or 3D info", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(2, 2));
  assertCode(() => r.resourceFlush(1), "Unsupported");
  assertCode(() => r.map(1), "Unsupported");
  assertCode(() => r.unmap(1), "Unsupported");
  assertCode(() => r.mapInfo(1), "Unsupported");
  assertCode(() => r.vulkanInfo(1), "InvalidVulkanInfo");
  assertCode(() => r.query(1), "Unsupported");
  assertCode(() => r.exportBlob(1), "BadHandle");
  assertCode(() => r.exportFence(1n), "Unsupported");
});

test("transfer_write: empty boxes are fine, missing backing is InvalidIovec, host buffers unsupported", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(4, 4));
  r.transferWrite(0, 1, transfer2d(0, 0, 0, 4));
  r.transferWrite(0, 1, { ...transfer2d(0, 0, 4, 4), d: 0 });
  assertCode(() => r.transferWrite(0, 1, transfer2d(0, 0, 4, 4)), "InvalidIovec");
  assertCode(() => r.transferWrite(0, 1, transfer2d(0, 0, 4, 4), new Uint8Array(64)), "Unsupported");
});

test("transfer rectangles: overflow is CheckedArithmetic, outside is CheckedRange, x checked before y", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(4, 4));
  r.attachBacking(1, [new Uint8Array(64)]);
  assertCode(() => r.transferWrite(0, 1, transfer2d(0xffff_ffff, 0, 1, 1)), "CheckedArithmetic");
  assertCode(() => r.transferWrite(0, 1, transfer2d(0, 0xffff_ffff, 1, 1)), "CheckedArithmetic");
  assertCode(() => r.transferWrite(0, 1, transfer2d(1, 0, 4, 1)), "CheckedRange");
  assertCode(() => r.transferWrite(0, 1, transfer2d(0, 3, 1, 2)), "CheckedRange");
  assertCode(() => r.transferWrite(0, 1, transfer2d(4, 4, 1, 1)), "CheckedRange");
  assertCode(() => r.transferRead(0, 1, transfer2d(3, 0, 2, 1), new Uint8Array(64)), "CheckedRange");
});

test("transfer arguments that are not u32 are CheckedRange", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(4, 4));
  assertCode(() => r.transferWrite(0, 1, transfer2d(-1, 0, 1, 1)), "CheckedRange");
  assertCode(() => r.transferWrite(0, 1, transfer2d(0.5, 0, 1, 1)), "CheckedRange");
  assertCode(() => r.transferWrite(0, 1, transfer2d(0, 0, 1, 1, -4)), "CheckedRange");
  assertCode(() => r.transferWrite(-1, 1, transfer2d(0, 0, 1, 1)), "CheckedRange");
  assertCode(() => r.resourceCreate3d(2, { ...create2d(1, 1), width: 2 ** 32 }), "CheckedRange");
  assertCode(() => r.resourceCreate3d(2 ** 32, create2d(1, 1)), "CheckedRange");
  assertCode(() => r.attachBacking(1, [new Uint8Array(4), [1, 2] as unknown as Uint8Array]), "InvalidIovec");
});

test("transfer_read: no destination, or one too small, is InvalidIovec and writes nothing", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(4, 4));
  assertCode(() => r.transferRead(0, 1, transfer2d(0, 0, 4, 4)), "InvalidIovec");
  const small = new Uint8Array(63).fill(9);
  assertCode(() => r.transferRead(0, 1, { ...transfer2d(0, 0, 4, 4), stride: 16 }, small), "InvalidIovec");
  assert.ok(small.every((b) => b === 9));
});

test("guest blobs: writes are no-ops, reads need set_scanout, only x = y = 0", () => {
  const { rutabaga: r } = make2d();
  const memory = new Uint8Array(64).map((_, i) => i);
  r.resourceCreateBlob(
    0,
    5,
    { blobMem: RutabagaBlobMem.Guest, blobFlags: RutabagaBlobFlags.UseMappable, blobId: 0n, size: 64n },
    [memory],
  );
  r.transferWrite(0, 5, transfer2d(0, 0, 4, 4));
  const out = new Uint8Array(64);
  assertCode(() => r.transferRead(0, 5, { ...transfer2d(0, 0, 2, 2), stride: 8 }, out), "InvalidResourceId");
  r.setScanout(0, 5, { ...info3d, strides: [16, 0, 0, 0] });
  r.transferRead(0, 5, { ...transfer2d(0, 0, 2, 2), stride: 8 }, out);
  assert.deepEqual([...out.subarray(0, 16)], [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  assertCode(() => r.transferRead(0, 5, { ...transfer2d(1, 0, 1, 1), stride: 4 }, out), "CheckedRange");
  r.detachBacking(5);
  assertCode(() => r.transferRead(0, 5, { ...transfer2d(0, 0, 1, 1), stride: 4 }, out), "InvalidIovec");
});

test("blobs other than guest memory are Unsupported by 2D and create nothing", () => {
  const { rutabaga: r } = make2d();
  assertCode(
    () => r.resourceCreateBlob(0, 5, { blobMem: RutabagaBlobMem.Host3D, blobFlags: 0, blobId: 1n, size: 4096n }),
    "Unsupported",
  );
  assertCode(() => r.resourceInfo(5), "InvalidResourceId");
  assertCode(() => r.resourceCreateBlob(0, 5, { blobMem: 1, blobFlags: 0, blobId: -1n, size: 0n }), "CheckedRange");
});

test("set_scanout with info needs 2D info; without info it only checks the resource", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(4, 4));
  r.setScanout(0, 1);
  r.setScanout(0, 1, info3d);
  assertCode(() => r.setScanout(0, 2, info3d), "InvalidResourceId");
});

test("unref forgets the resource; attach replaces backing; detach drops it", () => {
  const { rutabaga: r } = make2d();
  r.resourceCreate3d(1, create2d(4, 4));
  r.attachBacking(1, [new Uint8Array(16), new Uint8Array(48)]);
  assert.equal(r.resourceInfo(1).backingLength, 64);
  r.attachBacking(1, [new Uint8Array(8)]);
  assert.equal(r.resourceInfo(1).backingLength, 8);
  r.detachBacking(1);
  assert.equal(r.resourceInfo(1).backingLength, 0);
  assert.deepEqual(r.resourceIds(), [1]);
  r.unrefResource(1);
  assert.deepEqual(r.resourceIds(), []);
  assertCode(() => r.unrefResource(1), "InvalidResourceId");
});
