import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  decodeCommand,
  encodeRequest,
  type GpuCommand,
  GpuCommandType,
  GpuWireSize,
  ResponseEncoder,
} from "../../src/virtio-gpu/index.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
/** fast-check builds null-prototype records; compare plain data. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)));
const rect = { x: 1, y: 2, w: 3, h: 4 };
const hdr = { type: 0, flags: 0, fenceId: 0n, ctxId: 0, ringIdx: 0 };

test("requests have the spec's sizes", () => {
  const sizes: [GpuCommand, number][] = [
    [{ type: GpuCommandType.GetDisplayInfo }, GpuWireSize.CtrlHdr],
    [{ type: GpuCommandType.ResourceCreate2d, resourceId: 1, format: 2, width: 3, height: 4 }, 40],
    [{ type: GpuCommandType.ResourceUnref, resourceId: 1 }, 32],
    [{ type: GpuCommandType.SetScanout, rect, scanoutId: 0, resourceId: 1 }, 48],
    [{ type: GpuCommandType.ResourceFlush, rect, resourceId: 1 }, 48],
    [{ type: GpuCommandType.TransferToHost2d, rect, offset: 0n, resourceId: 1 }, 56],
    [{ type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries: [] }, 32],
    [{ type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries: [{ addr: 1n, length: 2 }] }, 32 + 16],
    [{ type: GpuCommandType.ResourceDetachBacking, resourceId: 1 }, 32],
    [{ type: GpuCommandType.GetCapsetInfo, capsetIndex: 0 }, 32],
    [{ type: GpuCommandType.GetCapset, capsetId: 1, capsetVersion: 0 }, 32],
    [{ type: GpuCommandType.GetEdid, scanoutId: 0 }, 32],
    [{ type: GpuCommandType.ResourceAssignUuid, resourceId: 1 }, 32],
    [
      {
        type: GpuCommandType.ResourceCreateBlob,
        resourceId: 1,
        blobMem: 1,
        blobFlags: 0,
        blobId: 0n,
        size: 0n,
        entries: [],
      },
      56,
    ],
    [
      {
        type: GpuCommandType.SetScanoutBlob,
        rect,
        scanoutId: 0,
        resourceId: 1,
        width: 1,
        height: 1,
        format: 2,
        strides: [4, 0, 0, 0],
        offsets: [0, 0, 0, 0],
      },
      96,
    ],
    [{ type: GpuCommandType.CtxCreate, contextInit: 0, debugName: "x" }, 96],
    [{ type: GpuCommandType.CtxDestroy }, 24],
    [{ type: GpuCommandType.CtxAttachResource, resourceId: 1 }, 32],
    [
      {
        type: GpuCommandType.ResourceCreate3d,
        resourceId: 1,
        target: 2,
        format: 2,
        bind: 2,
        width: 1,
        height: 1,
        depth: 1,
        arraySize: 1,
        lastLevel: 0,
        nrSamples: 0,
        flags: 0,
      },
      72,
    ],
    [
      {
        type: GpuCommandType.TransferToHost3d,
        box: { x: 0, y: 0, z: 0, w: 1, h: 1, d: 1 },
        offset: 0n,
        resourceId: 1,
        level: 0,
        stride: 0,
        layerStride: 0,
      },
      72,
    ],
    [{ type: GpuCommandType.Submit3d, commands: new Uint8Array(0), numInFences: 0 }, 32],
    [{ type: GpuCommandType.ResourceMapBlob, resourceId: 1, offset: 0n }, 40],
    [{ type: GpuCommandType.ResourceUnmapBlob, resourceId: 1 }, 32],
    [{ type: GpuCommandType.UpdateCursor, scanoutId: 0, x: 0, y: 0, resourceId: 0, hotX: 0, hotY: 0 }, 56],
  ];
  for (const [command, size] of sizes)
    assert.equal(encodeRequest(command).length, size, `0x${command.type.toString(16)}`);
  assert.deepEqual(
    [GpuWireSize.CtrlHdr, GpuWireSize.MemEntry, GpuWireSize.UpdateCursor, GpuWireSize.Config],
    [24, 16, 56, 16],
  );
});

test("responses have the spec's sizes", () => {
  const e = new ResponseEncoder();
  assert.equal(e.plain(0x1100, hdr), 24);
  assert.equal(e.displayInfo(hdr, []), 408);
  assert.equal(e.capsetInfo(hdr, 1, 2, 3), 40);
  assert.equal(e.capset(hdr, new Uint8Array(10)), 24 + 10);
  assert.equal(e.edid(hdr, new Uint8Array(128)), 1056);
  assert.equal(e.uuid(hdr, new Uint8Array(16)), 40);
  assert.equal(e.mapInfo(hdr, 3), 32);
});

test("a fenced response echoes the fence fields; an unfenced one carries zeros", () => {
  const e = new ResponseEncoder();
  e.plain(0x1100, { type: 0x105, flags: 3, fenceId: 0x1_0000_0002n, ctxId: 7, ringIdx: 2 });
  const v = new DataView(e.bytes.buffer);
  assert.deepEqual(
    [v.getUint32(4, true), v.getBigUint64(8, true), v.getUint32(16, true), v.getUint8(20)],
    [3, 0x1_0000_0002n, 7, 2],
  );
  e.plain(0x1100, { type: 0x105, flags: 0, fenceId: 9n, ctxId: 7, ringIdx: 2 });
  assert.deepEqual([v.getUint32(4, true), v.getBigUint64(8, true), v.getUint32(16, true)], [0, 0n, 0]);
});

const u32 = fc.nat({ max: 0xffff_ffff });
const u64 = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
const arbRect = fc.record({ x: u32, y: u32, w: u32, h: u32 });
const arbEntries = fc.array(fc.record({ addr: u64, length: u32 }), { maxLength: 8 });
const arbCommand: fc.Arbitrary<GpuCommand> = fc.oneof(
  fc.constant({ type: GpuCommandType.GetDisplayInfo } as GpuCommand),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceCreate2d),
    resourceId: u32,
    format: u32,
    width: u32,
    height: u32,
  }),
  fc.record({
    type: fc.constantFrom(
      GpuCommandType.ResourceUnref,
      GpuCommandType.ResourceDetachBacking,
      GpuCommandType.CtxAttachResource,
    ),
    resourceId: u32,
  }),
  fc.record({ type: fc.constant(GpuCommandType.SetScanout), rect: arbRect, scanoutId: u32, resourceId: u32 }),
  fc.record({ type: fc.constant(GpuCommandType.TransferToHost2d), rect: arbRect, offset: u64, resourceId: u32 }),
  fc.record({ type: fc.constant(GpuCommandType.ResourceAttachBacking), resourceId: u32, entries: arbEntries }),
  fc.record({
    type: fc.constant(GpuCommandType.ResourceCreateBlob),
    resourceId: u32,
    blobMem: u32,
    blobFlags: u32,
    blobId: u64,
    size: u64,
    entries: arbEntries,
  }),
  fc.record({
    type: fc.constant(GpuCommandType.Submit3d),
    commands: fc.uint8Array({ maxLength: 64 }),
    numInFences: u32,
  }),
  fc.record({
    type: fc.constantFrom(GpuCommandType.UpdateCursor, GpuCommandType.MoveCursor),
    scanoutId: u32,
    x: u32,
    y: u32,
    resourceId: u32,
    hotX: u32,
    hotY: u32,
  }),
) as fc.Arbitrary<GpuCommand>;

test("decode(encode(command)) gives the command back", () => {
  fc.assert(
    fc.property(arbCommand, (command) => {
      const bytes = encodeRequest(command);
      const decoded = decodeCommand(bytes, new DataView(bytes.buffer), bytes.length);
      assert.ok(decoded.ok);
      const got = decoded.command as unknown as Record<string, unknown>;
      if (command.type === GpuCommandType.Submit3d)
        assert.deepEqual([...(got.commands as Uint8Array)], [...command.commands]);
      else assert.deepEqual(plain(got), plain(command));
    }),
    { numRuns: RUNS },
  );
});

test("truncated requests are refused, never read past their length", () => {
  fc.assert(
    fc.property(arbCommand, fc.nat(), (command, cut) => {
      const bytes = encodeRequest(command);
      if (bytes.length <= 24) return;
      const length = cut % bytes.length;
      const decoded = decodeCommand(bytes, new DataView(bytes.buffer), length);
      if (length < 24) assert.equal(decoded.ok, false);
      else if (decoded.ok)
        assert.ok(
          command.type === GpuCommandType.ResourceAttachBacking ||
            command.type === GpuCommandType.ResourceCreateBlob ||
            command.type === GpuCommandType.Submit3d,
        );
    }),
    { numRuns: RUNS },
  );
});
