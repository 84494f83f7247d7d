import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { GpuCommand } from "../../src/virtio-gpu/commands.ts";
import { GpuCommandType, GpuResponseType } from "../../src/virtio-gpu/protocol.ts";
import { encodeRequest, encodeRequestInto, requestSize } from "../../src/virtio-gpu/request-encoder.ts";
import { setup } from "./helpers.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const u32 = fc.oneof(fc.nat({ max: 8 }), fc.nat({ max: 0xffff_ffff }));
const rect = fc.record({ x: u32, y: u32, w: u32, h: u32 });
const entries = fc.array(
  fc.record({ addr: fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map((a) => a[0]!), length: u32 }),
  {
    maxLength: 4,
  },
);
const command: fc.Arbitrary<GpuCommand> = fc.oneof(
  fc.constant({ type: GpuCommandType.GetDisplayInfo }),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceCreate2d),
    resourceId: u32,
    format: u32,
    width: u32,
    height: u32,
  }),
  fc.record({ type: fc.constant(GpuCommandType.SetScanout), rect, scanoutId: u32, resourceId: u32 }),
  fc.record({
    type: fc.constant(GpuCommandType.TransferToHost2d),
    rect,
    offset: fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map((a) => a[0]!),
    resourceId: u32,
  }),
  fc.record({ type: fc.constant(GpuCommandType.ResourceAttachBacking), resourceId: u32, entries }),
  fc.record({ type: fc.constant(GpuCommandType.CtxCreate), contextInit: u32, debugName: fc.string({ maxLength: 70 }) }),
  fc.record({
    type: fc.constant(GpuCommandType.Submit3d),
    commands: fc.uint8Array({ maxLength: 64 }),
    numInFences: u32,
  }),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceMapBlob),
    resourceId: u32,
    offset: fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map((a) => a[0]!),
  }),
  fc.record({ type: fc.constant(GpuCommandType.CtxAttachResource), resourceId: u32 }),
);
const header = fc.record({
  flags: u32,
  fenceId: fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map((a) => a[0]!),
  ctxId: u32,
  ringIdx: fc.nat({ max: 255 }),
});

test("encodeRequestInto writes into a used buffer exactly the bytes encodeRequest makes, padding zeroed", () => {
  const out = new Uint8Array(1024);
  const view = new DataView(out.buffer);
  fc.assert(
    fc.property(command, header, (c, hdr) => {
      out.fill(0xa5);
      const size = encodeRequestInto(c, hdr, out, view);
      assert.equal(size, requestSize(c));
      assert.deepEqual(out.subarray(0, size), encodeRequest(c, hdr));
      assert.equal(out[size], size < out.length ? 0xa5 : undefined, "nothing past the request is touched");
    }),
    { numRuns: RUNS },
  );
});

test("encodeRequestInto refuses a buffer too small or a view of other bytes", () => {
  const c: GpuCommand = { type: GpuCommandType.Submit3d, commands: new Uint8Array(100), numInFences: 0 };
  const small = new Uint8Array(requestSize(c) - 1);
  assert.throws(() => encodeRequestInto(c, {}, small, new DataView(small.buffer)), RangeError);
  const out = new Uint8Array(256);
  assert.throws(() => encodeRequestInto(c, {}, out, new DataView(new ArrayBuffer(256))), RangeError);
  assert.throws(() => encodeRequestInto(c, {}, out.subarray(8), new DataView(out.buffer)), RangeError);
});

test("executeForType answers the type execute's response carries, and runs the command the same way", () => {
  const a = setup().device;
  const b = setup().device;
  const memory = { translate: () => undefined };
  const sequence: GpuCommand[] = [
    { type: GpuCommandType.ResourceCreate2d, resourceId: 1, format: 1, width: 4, height: 4 },
    { type: GpuCommandType.ResourceCreate2d, resourceId: 1, format: 1, width: 4, height: 4 },
    { type: GpuCommandType.ResourceUnref, resourceId: 7 },
    { type: GpuCommandType.GetDisplayInfo },
    { type: GpuCommandType.ResourceUnref, resourceId: 1 },
    { type: GpuCommandType.ResourceUnref, resourceId: 1 },
  ];
  const types = sequence.map((c) => {
    const request = encodeRequest(c);
    const full = a.execute(0, request, memory);
    const type = b.executeForType(0, request, memory);
    assert.equal(type, new DataView(full.buffer, full.byteOffset).getUint32(0, true));
    return type;
  });
  assert.deepEqual(types, [
    GpuResponseType.OkNodata,
    GpuResponseType.ErrInvalidResourceId,
    GpuResponseType.ErrInvalidResourceId,
    GpuResponseType.OkDisplayInfo,
    GpuResponseType.OkNodata,
    GpuResponseType.ErrInvalidResourceId,
  ]);
});
