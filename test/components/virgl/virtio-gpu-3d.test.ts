// The virtio-gpu device on the virgl library `vhost-user-gpu --virgl` serves with, driven through the mock GPU driver:
// what a Linux guest is offered, 3D resources moved with TRANSFER_TO/FROM_HOST_3D (which a Linux guest never sends:
// Mesa's uploads travel inside SUBMIT_3D), their scanouts read back from the host GL, the console's 2D resources on
// the CPU, fences, and every host GL object released at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { VirglComponent } from "../../../src/components/virgl/virgl-component.ts";
import { VirtioGpuFormat } from "../../../src/index.ts";
import { glObjectCensus } from "../../../src/node/gl/gl-object-census.ts";
import { virglComponentFactory } from "../../../src/node/gl/virgl-factory.ts";
import { buildVirglRutabaga, VIRGL_DEVICE_FEATURES } from "../../../src/node/gl/virgl-rutabaga.ts";
import { GpuCommandType, GpuResponseType, type MockGpuDriver } from "../../../src/virtio-gpu/index.ts";
import { GpuFeature } from "../../../src/virtio-gpu/protocol.ts";
import { assertFrame, pattern, setup } from "../../virtio-gpu/helpers.ts";
import { scanoutBuffer } from "./helpers.ts";

const W = 96;
const H = 40;
/** `VIRTIO_GPU_FLAG_FENCE`. */
const FENCE = 1;

function virglDevice() {
  let component: VirglComponent | undefined;
  const fences: bigint[] = [];
  const t = setup({
    features: VIRGL_DEVICE_FEATURES,
    rutabaga: (handler) =>
      buildVirglRutabaga(
        (f) => {
          fences.push(f.fenceId);
          handler(f);
        },
        {
          factory: (init) => {
            component = virglComponentFactory(init) as VirglComponent;
            return component;
          },
        },
      ),
  });
  const ok = (r: { type: number } | undefined) => assert.equal(r?.type, GpuResponseType.OkNodata, t.logs.join("\n"));
  return { ...t, component: () => component!, fences, ok };
}

type Pages = ReturnType<MockGpuDriver["scatteredPages"]>;

function create3d(d: ReturnType<typeof virglDevice>, resourceId: number, ctxId: number): Pages {
  const { driver, ok } = d;
  ok(
    driver.send(
      {
        type: GpuCommandType.ResourceCreate3d,
        resourceId,
        ...scanoutBuffer(W, H),
      },
      { ctxId },
    ),
  );
  const entries = driver.scatteredPages(W * H * 4, resourceId);
  ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId, entries }));
  ok(driver.send({ type: GpuCommandType.CtxAttachResource, resourceId }, { ctxId }));
  return entries;
}

test("a virgl device offers VIRGL and EDID only, with the VIRGL and VIRGL2 capsets", () => {
  const d = virglDevice();
  try {
    assert.equal(d.device.deviceFeatures(), (1n << GpuFeature.Virgl) | (1n << GpuFeature.Edid));
    assert.equal(new DataView(d.device.readConfig(0, 16).buffer).getUint32(12, true), 2, "num_capsets");
    const info = [0, 1].map((capsetIndex) => d.driver.send({ type: GpuCommandType.GetCapsetInfo, capsetIndex })!);
    assert.deepEqual(
      info.map((r) => [r.type, r.view.getUint32(24, true), r.view.getUint32(28, true)]),
      [
        [GpuResponseType.OkCapsetInfo, 1, 1],
        [GpuResponseType.OkCapsetInfo, 2, 2],
      ],
    );
    const caps = d.driver.send({ type: GpuCommandType.GetCapset, capsetId: 2, capsetVersion: 2 })!;
    assert.equal(caps.type, GpuResponseType.OkCapset);
    assert.equal(caps.bytes.length - 24, info[1]!.view.getUint32(32, true));
  } finally {
    d.device.destroy();
  }
});

test("TRANSFER_TO_HOST_3D then SET_SCANOUT + RESOURCE_FLUSH shows the backing's pixels, read back from the GL", () => {
  const d = virglDevice();
  try {
    d.ok(d.driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "kmscube" }, { ctxId: 1 }));
    const entries = create3d(d, 5, 1);
    const frame = pattern(W, H, 9);
    d.driver.writeBacking(entries, 0, frame);
    const box = { x: 0, y: 0, z: 0, w: W, h: H, d: 1 };
    const to = {
      type: GpuCommandType.TransferToHost3d,
      box,
      offset: 0n,
      resourceId: 5,
      level: 0,
      stride: W * 4,
      layerStride: 0,
    };
    d.ok(d.driver.send(to, { ctxId: 1 }));
    const rect = { x: 0, y: 0, w: W, h: H };
    d.ok(d.driver.send({ type: GpuCommandType.SetScanout, rect, scanoutId: 0, resourceId: 5 }));
    const readsBefore = d.component().scanoutReadback.reads;
    d.ok(d.driver.send({ type: GpuCommandType.ResourceFlush, rect, resourceId: 5 }));
    assert.equal(d.component().scanoutReadback.reads, readsBefore + 1);
    const fb = d.sink.framebuffers[0]!;
    assert.equal(fb.format, VirtioGpuFormat.B8G8R8X8Unorm);
    assertFrame("virgl-scanout-full", W, H, frame, fb.pixels);

    // A damaged rectangle: only it is read back (in the guest's row order) and only it changes on the sink.
    const patch = pattern(10, 7, 77);
    const expected = frame.slice();
    for (let row = 0; row < 7; row++) {
      const off = (20 + row) * W * 4 + 30 * 4;
      expected.set(patch.subarray(row * 40, row * 40 + 40), off);
      d.driver.writeBacking(entries, off, patch.subarray(row * 40, row * 40 + 40));
    }
    const part = { x: 30, y: 20, z: 0, w: 10, h: 7, d: 1 };
    d.ok(d.driver.send({ ...to, box: part, offset: BigInt(20 * W * 4 + 30 * 4) }, { ctxId: 1 }));
    const pixelsBefore = d.component().scanoutReadback.pixels;
    d.ok(
      d.driver.send({
        type: GpuCommandType.ResourceFlush,
        rect: { x: 30, y: 20, w: 10, h: 7 },
        resourceId: 5,
      }),
    );
    assert.equal(d.component().scanoutReadback.pixels - pixelsBefore, 70);
    assertFrame("virgl-scanout-damage", W, H, expected, fb.pixels);

    // TRANSFER_FROM_HOST_3D brings the host's pixels back into a cleared backing.
    d.driver.writeBacking(entries, 0, new Uint8Array(W * H * 4));
    d.ok(d.driver.send({ ...to, type: GpuCommandType.TransferFromHost3d }, { ctxId: 1 }));
    const back = new Uint8Array(W * H * 4);
    let at = 0;
    for (const e of entries) {
      back.set(d.driver.ram.view(e.addr, e.length), at);
      at += e.length;
    }
    assertFrame("virgl-transfer-from-host", W, H, expected, back);
  } finally {
    d.device.destroy();
  }
});

test("a TRANSFER_TO_HOST_3D outside the resource or of an unknown resource is refused", () => {
  const d = virglDevice();
  try {
    d.ok(d.driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "t" }, { ctxId: 1 }));
    create3d(d, 5, 1);
    const to = (box: { x: number; y: number; z: number; w: number; h: number; d: number }, resourceId = 5) => ({
      type: GpuCommandType.TransferToHost3d,
      box,
      offset: 0n,
      resourceId,
      level: 0,
      stride: W * 4,
      layerStride: 0,
    });
    const outside = d.driver.send(to({ x: W - 4, y: 0, z: 0, w: 8, h: 1, d: 1 }), { ctxId: 1 })!;
    assert.notEqual(outside.type, GpuResponseType.OkNodata);
    const missing = d.driver.send(to({ x: 0, y: 0, z: 0, w: 1, h: 1, d: 1 }, 99), { ctxId: 1 })!;
    assert.equal(missing.type, GpuResponseType.ErrInvalidResourceId);
    // A zero-sized RESOURCE_CREATE_3D is a bad parameter, as rutabaga_gfx answers it.
    const zero = d.driver.send(
      { type: GpuCommandType.ResourceCreate3d, resourceId: 6, ...scanoutBuffer(0, H) },
      { ctxId: 1 },
    )!;
    assert.equal(zero.type, GpuResponseType.ErrInvalidParameter);
  } finally {
    d.device.destroy();
  }
});

test("the console's 2D resource stays on the CPU: its flushes read nothing back from the GL", () => {
  const d = virglDevice();
  try {
    const texturesBefore = glObjectCensus.live().texture ?? 0;
    d.ok(
      d.driver.send({
        type: GpuCommandType.ResourceCreate2d,
        resourceId: 2,
        format: VirtioGpuFormat.B8G8R8X8Unorm,
        width: W,
        height: H,
      }),
    );
    assert.equal(glObjectCensus.live().texture ?? 0, texturesBefore, "no GL texture for a 2D resource");
    const entries = d.driver.scatteredPages(W * H * 4, 3);
    d.ok(d.driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries }));
    const frame = pattern(W, H, 4);
    d.driver.writeBacking(entries, 0, frame);
    const rect = { x: 0, y: 0, w: W, h: H };
    d.ok(d.driver.send({ type: GpuCommandType.TransferToHost2d, rect, offset: 0n, resourceId: 2 }));
    d.ok(d.driver.send({ type: GpuCommandType.SetScanout, rect, scanoutId: 0, resourceId: 2 }));
    d.ok(d.driver.send({ type: GpuCommandType.ResourceFlush, rect, resourceId: 2 }));
    assert.equal(d.component().scanoutReadback.reads, 0);
    assertFrame("virgl-console-2d", W, H, frame, d.sink.framebuffers[0]!.pixels);
    // A virgl context cannot reach it, and unref leaves no trace in the context.
    d.ok(d.driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "t" }, { ctxId: 1 }));
    d.ok(d.driver.send({ type: GpuCommandType.ResourceUnref, resourceId: 2 }));
    assert.equal(
      d.driver.send({ type: GpuCommandType.ResourceFlush, rect, resourceId: 2 })!.type,
      GpuResponseType.ErrInvalidResourceId,
    );
  } finally {
    d.device.destroy();
  }
});

test("fenced RESOURCE_CREATE_3D and SUBMIT_3D complete on their timelines once the work is done", () => {
  const d = virglDevice();
  try {
    d.ok(d.driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "t" }, { ctxId: 1 }));
    const created = d.driver.send(
      {
        type: GpuCommandType.ResourceCreate3d,
        resourceId: 7,
        ...scanoutBuffer(W, H),
      },
      { flags: FENCE, fenceId: 10n, ctxId: 1 },
    );
    d.ok(created);
    const submitted = d.driver.send(
      { type: GpuCommandType.Submit3d, commands: new Uint8Array(0), numInFences: 0 },
      { flags: FENCE, fenceId: 11n, ctxId: 1 },
    );
    d.ok(submitted);
    assert.equal(submitted!.view.getBigUint64(8, true), 11n, "the response carries its fence id");
    assert.deepEqual(d.fences, [10n, 11n]);
    assert.equal(d.device.parkedResponses, 0);
  } finally {
    d.device.destroy();
  }
});

test("destroying the device releases every host GL object it made", () => {
  const before = glObjectCensus.total();
  const d = virglDevice();
  d.ok(d.driver.send({ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "t" }, { ctxId: 1 }));
  create3d(d, 5, 1);
  create3d(d, 6, 1);
  const rect = { x: 0, y: 0, w: W, h: H };
  d.ok(d.driver.send({ type: GpuCommandType.SetScanout, rect, scanoutId: 0, resourceId: 5 }));
  assert.ok(glObjectCensus.total() > before);
  d.device.destroy();
  assert.equal(glObjectCensus.total(), before, JSON.stringify(glObjectCensus.live()));
});
