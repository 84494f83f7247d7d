// A hostile guest on the virgl device `vhost-user-gpu --virgl` serves: random and mutated 2D and 3D command streams
// (3D resources of any target and format, transfers with any box, contexts, attaches, submits, scanouts of 3D
// resources, capsets) only ever get well-formed responses, host memory stays within its limit, the device keeps
// answering, and destroying it leaves no host GL object behind.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { glObjectCensus } from "../../../src/node/gl/gl-object-census.ts";
import { buildVirglRutabaga, VIRGL_DEVICE_FEATURES } from "../../../src/node/gl/virgl-rutabaga.ts";
import {
  encodeRequest,
  type GpuCommand,
  GpuCommandType,
  GpuResponseType,
  MockGpuDriver,
  VirtioGpuDevice,
} from "../../../src/virtio-gpu/index.ts";

// Each run builds a device on the host GL (an EGL display and context), so runs are fewer than the 2D fuzz's.
const RUNS = Math.max(1, Math.round(Number(process.env.FC_RUNS ?? 150) / 6));
const RESPONSE_TYPES = new Set<number>(Object.values(GpuResponseType));
const RAM_BASE = 0x4000_0000n;

const small = fc.nat({ max: 6 });
const dim = fc.oneof(fc.nat({ max: 48 }), fc.constantFrom(0, 1, 0xffff_ffff, 65536, 16384));
const u32 = fc.oneof(small, fc.nat({ max: 0xffff_ffff }));
const rect = fc.record({ x: dim, y: dim, w: dim, h: dim });
const box = fc.record({ x: dim, y: dim, z: small, w: dim, h: dim, d: small });
const entry = fc.record({
  addr: fc.oneof(fc.bigInt({ min: RAM_BASE, max: RAM_BASE + 0x40_0000n }), fc.bigInt({ min: 0n, max: 1n << 50n })),
  length: fc.oneof(fc.nat({ max: 16384 }), fc.nat({ max: 0xffff_ffff })),
});

const commands = fc.oneof(
  fc.record({ type: fc.constant(GpuCommandType.GetCapsetInfo), capsetIndex: small }),
  fc.record({ type: fc.constant(GpuCommandType.GetCapset), capsetId: small, capsetVersion: small }),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceCreate3d),
    resourceId: small,
    target: fc.nat({ max: 9 }),
    format: fc.constantFrom(1, 2, 67, 134, 19, 71, 999),
    bind: fc.constantFrom(0, 2, 8, 0x40000 | 0x8 | 0x2, 0x10, 0xffff_ffff),
    width: dim,
    height: dim,
    depth: small,
    arraySize: small,
    lastLevel: small,
    nrSamples: small,
    flags: u32,
  }),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceCreate2d),
    resourceId: small,
    format: fc.constantFrom(1, 2, 67),
    width: dim,
    height: dim,
  }),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceAttachBacking),
    resourceId: small,
    entries: fc.array(entry, { maxLength: 4 }),
  }),
  fc.record({
    type: fc.constantFrom(
      GpuCommandType.ResourceUnref,
      GpuCommandType.ResourceDetachBacking,
      GpuCommandType.CtxAttachResource,
      GpuCommandType.CtxDetachResource,
    ),
    resourceId: small,
  }),
  fc.record({
    type: fc.constantFrom(GpuCommandType.TransferToHost3d, GpuCommandType.TransferFromHost3d),
    box,
    offset: fc.bigInt({ min: 0n, max: 1n << 40n }),
    resourceId: small,
    level: small,
    stride: fc.oneof(fc.nat({ max: 512 }), u32),
    layerStride: fc.oneof(fc.nat({ max: 65536 }), u32),
  }),
  fc.record({
    type: fc.constant(GpuCommandType.TransferToHost2d),
    rect,
    offset: fc.bigInt({ min: 0n, max: 1n << 40n }),
    resourceId: small,
  }),
  fc.record({ type: fc.constant(GpuCommandType.SetScanout), rect, scanoutId: small, resourceId: small }),
  fc.record({ type: fc.constant(GpuCommandType.ResourceFlush), rect, resourceId: small }),
  fc.record({ type: fc.constant(GpuCommandType.CtxCreate), contextInit: u32, debugName: fc.string({ maxLength: 20 }) }),
  fc.constant({ type: GpuCommandType.CtxDestroy }),
  fc.record({
    type: fc.constant(GpuCommandType.Submit3d),
    commands: fc.uint8Array({ maxLength: 64 }),
    numInFences: small,
  }),
) as fc.Arbitrary<GpuCommand>;

const header = fc.record({
  flags: fc.constantFrom(0, 1, 3),
  fenceId: fc.bigInt({ min: 0n, max: 5n }),
  ctxId: small,
  ringIdx: small,
});

const requests = fc.oneof(
  fc.tuple(commands, header).map(([c, h]) => encodeRequest(c, h)),
  fc
    .tuple(commands, header, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 3 }))
    .map(([c, h, flips]) => {
      const b = encodeRequest(c, h);
      for (const [at, v] of flips) b[at % b.length] = v;
      return b;
    }),
);

test("random 2D and 3D command streams on a virgl device get well-formed responses and leave no GL object", () => {
  const baseline = glObjectCensus.total();
  fc.assert(
    fc.property(fc.array(requests, { maxLength: 30 }), (stream) => {
      const device = new VirtioGpuDevice({
        scanouts: [{ width: 320, height: 200 }],
        features: VIRGL_DEVICE_FEATURES,
        rutabaga: (handler) => buildVirglRutabaga(handler, { hostMemoryLimit: 16 * 1024 * 1024 }),
      });
      try {
        const driver = new MockGpuDriver(device, { ramBytes: 8 * 1024 * 1024, indirect: true });
        driver.allocPersistent(4 * 1024 * 1024);
        for (const bytes of stream) {
          const r = driver.sendBytes(bytes, 0);
          assert.ok(r !== undefined, "virgl fences complete at once: no response is parked");
          assert.ok(r.bytes.length === 0 || RESPONSE_TYPES.has(r.type), `response type 0x${r.type.toString(16)}`);
        }
        assert.ok(device.rutabaga.hostMemory.used <= device.rutabaga.hostMemory.limit);
        const info = driver.send({ type: GpuCommandType.GetDisplayInfo });
        assert.equal(info?.type, GpuResponseType.OkDisplayInfo);
        assert.equal(
          driver.send({ type: GpuCommandType.GetCapsetInfo, capsetIndex: 1 })?.type,
          GpuResponseType.OkCapsetInfo,
        );
      } finally {
        device.destroy();
      }
      assert.equal(glObjectCensus.total(), baseline, JSON.stringify(glObjectCensus.live()));
    }),
    { numRuns: RUNS },
  );
});
