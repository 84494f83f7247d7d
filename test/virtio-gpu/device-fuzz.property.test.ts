import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  encodeRequest,
  type GpuCommand,
  GpuCommandType,
  GpuResponseType,
  MockGpuDriver,
  VirtioGpuDevice,
  VirtqDescFlags,
} from "../../src/virtio-gpu/index.ts";

// FC_RUNS scales the run count; CI runs a slice, `FC_RUNS=1000000` runs the million.
const RUNS = Number(process.env.FC_RUNS ?? 150);
const RESPONSE_TYPES = new Set<number>(Object.values(GpuResponseType));

const small = fc.nat({ max: 8 });
const dim = fc.oneof(fc.nat({ max: 96 }), fc.constantFrom(0xffff_ffff, 65536, 4096));
const rect = fc.record({ x: dim, y: dim, w: dim, h: dim });
const u32 = fc.oneof(small, fc.nat({ max: 0xffff_ffff }));

function commands(ramBase: bigint): fc.Arbitrary<GpuCommand> {
  const entry = fc.record({
    addr: fc.oneof(
      fc.bigInt({ min: ramBase, max: ramBase + 0x40_0000n }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    ),
    length: fc.oneof(fc.nat({ max: 8192 }), fc.nat({ max: 0xffff_ffff })),
  });
  return fc.oneof(
    fc.constant({ type: GpuCommandType.GetDisplayInfo }),
    fc.record({ type: fc.constant(GpuCommandType.GetEdid), scanoutId: small }),
    fc.record({
      type: fc.constant(GpuCommandType.ResourceCreate2d),
      resourceId: small,
      format: fc.constantFrom(1, 2, 67, 999),
      width: dim,
      height: dim,
    }),
    fc.record({
      type: fc.constantFrom(
        GpuCommandType.ResourceUnref,
        GpuCommandType.ResourceDetachBacking,
        GpuCommandType.ResourceAssignUuid,
        GpuCommandType.CtxAttachResource,
      ),
      resourceId: small,
    }),
    fc.record({
      type: fc.constant(GpuCommandType.ResourceAttachBacking),
      resourceId: small,
      entries: fc.array(entry, { maxLength: 6 }),
    }),
    fc.record({ type: fc.constant(GpuCommandType.SetScanout), rect, scanoutId: small, resourceId: small }),
    fc.record({ type: fc.constant(GpuCommandType.ResourceFlush), rect, resourceId: small }),
    fc.record({
      type: fc.constant(GpuCommandType.TransferToHost2d),
      rect,
      offset: fc.bigInt({ min: 0n, max: 1n << 40n }),
      resourceId: small,
    }),
    fc.record({
      type: fc.constant(GpuCommandType.ResourceCreateBlob),
      resourceId: small,
      blobMem: fc.constantFrom(1, 2, 3, 7),
      blobFlags: small,
      blobId: fc.bigInt({ min: 0n, max: 9n }),
      size: fc.bigInt({ min: 0n, max: 1n << 33n }),
      entries: fc.array(entry, { maxLength: 4 }),
    }),
    fc.record({
      type: fc.constant(GpuCommandType.SetScanoutBlob),
      rect,
      scanoutId: small,
      resourceId: small,
      width: dim,
      height: dim,
      format: fc.constantFrom(1, 2, 5),
      strides: fc.tuple(u32, u32, u32, u32),
      offsets: fc.tuple(u32, u32, u32, u32),
    }),
    fc.record({
      type: fc.constant(GpuCommandType.CtxCreate),
      contextInit: u32,
      debugName: fc.string({ maxLength: 70 }),
    }),
    fc.constant({ type: GpuCommandType.CtxDestroy }),
    fc.record({
      type: fc.constant(GpuCommandType.Submit3d),
      commands: fc.uint8Array({ maxLength: 32 }),
      numInFences: small,
    }),
    fc.record({
      type: fc.constantFrom(GpuCommandType.ResourceMapBlob),
      resourceId: small,
      offset: fc.bigInt({ min: 0n, max: 1n << 40n }),
    }),
    fc.record({
      type: fc.constantFrom(GpuCommandType.UpdateCursor, GpuCommandType.MoveCursor),
      scanoutId: small,
      x: u32,
      y: u32,
      resourceId: small,
      hotX: u32,
      hotY: u32,
    }),
  ) as fc.Arbitrary<GpuCommand>;
}

const header = fc.record({
  flags: fc.constantFrom(0, 1, 2, 3, 0xffff_ffff),
  fenceId: fc.bigInt({ min: 0n, max: 5n }),
  ctxId: small,
  ringIdx: small,
});

/** A request: a valid encoding, the same with bytes flipped, cut short or padded, or pure noise. */
function requests(ramBase: bigint) {
  return fc.oneof(
    fc.tuple(commands(ramBase), header).map(([c, h]) => encodeRequest(c, h)),
    fc
      .tuple(commands(ramBase), header, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }))
      .map(([c, h, flips]) => {
        const b = encodeRequest(c, h);
        for (const [at, v] of flips) b[at % b.length] = v;
        return b;
      }),
    fc.tuple(commands(ramBase), fc.nat()).map(([c, cut]) => {
      const b = encodeRequest(c);
      return b.subarray(0, cut % (b.length + 1));
    }),
    fc.uint8Array({ maxLength: 120 }),
  );
}

/** A raw chain: descriptors pointing anywhere, with any flags, published as is. */
const rawChain = fc.record({
  descriptors: fc.array(
    fc.record({
      addr: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      length: fc.nat({ max: 0xffff_ffff }),
      flags: fc.nat({ max: 7 }),
      next: fc.nat({ max: 300 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  head: fc.nat({ max: 300 }),
});

function checkStillWorks(driver: MockGpuDriver): void {
  const info = driver.send({ type: GpuCommandType.GetDisplayInfo });
  assert.equal(info?.type, GpuResponseType.OkDisplayInfo);
  assert.deepEqual(
    [32, 36, 40].map((o) => info!.view.getUint32(o, true)),
    [320, 200, 1],
  );
}

test("random and mutated command streams only ever get well-formed responses; the device keeps answering", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(requests(0x4000_0000n), fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>), { maxLength: 25 }),
      (stream) => {
        const device = new VirtioGpuDevice({
          scanouts: [{ width: 320, height: 200 }],
          rutabaga: undefined,
        });
        const driver = new MockGpuDriver(device, { ramBytes: 8 * 1024 * 1024, indirect: true });
        driver.allocPersistent(4 * 1024 * 1024);
        for (const [bytes, queue] of stream) {
          const r = driver.sendBytes(bytes, queue);
          // The 2D component completes every fence at once, so no response stays parked.
          assert.ok(r !== undefined, "a response came back");
          assert.ok(r.bytes.length === 0 || RESPONSE_TYPES.has(r.type), `response type 0x${r.type.toString(16)}`);
        }
        assert.ok(device.rutabaga.hostMemory.used <= device.rutabaga.hostMemory.limit);
        checkStillWorks(driver);
      },
    ),
    { numRuns: RUNS },
  );
});

test("malformed descriptor chains are refused without an exception and the queue keeps serving", () => {
  fc.assert(
    fc.property(fc.array(rawChain, { maxLength: 6 }), (chains) => {
      const device = new VirtioGpuDevice({ scanouts: [{ width: 320, height: 200 }] });
      const driver = new MockGpuDriver(device, { ramBytes: 1024 * 1024, size: 256 });
      const q = driver.queues[0];
      for (const c of chains) {
        c.descriptors.forEach((d, i) => {
          q.writeDescriptor(
            (c.head + i) % 256,
            d.addr,
            d.length,
            (d.flags & ~VirtqDescFlags.Indirect) | (d.flags & 4 && i === 0 ? 4 : 0),
            d.next,
          );
        });
        q.publishRawHead(c.head);
      }
      device.processQueue(0, driver.deviceQueues[0]);
      q.takeUsed();
      checkStillWorks(driver);
    }),
    { numRuns: RUNS },
  );
});
