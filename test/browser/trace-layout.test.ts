import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { sharedGuestMemory } from "../../src/browser/shared-transport.ts";
import { layoutTrace, MAX_SHARED_RAM_BYTES } from "../../src/browser/trace-layout.ts";
import {
  decodeCommand,
  decodeTrace,
  encodeRequest,
  GpuCommandType as T,
  TraceError,
  type TraceRecord,
} from "../../src/virtio-gpu/index.ts";

const LINUX = new Uint8Array(readFileSync("test/browser/fixtures/linux-640x480.trace"));

/** Every guest range the trace's memory records and backing entries name. */
function namedRanges(records: readonly TraceRecord[]): { addr: bigint; length: number }[] {
  const out: { addr: bigint; length: number }[] = [];
  for (const r of records) {
    if (r.kind === "memory") out.push({ addr: r.addr, length: r.bytes.length });
    if (r.kind !== "request") continue;
    const d = decodeCommand(
      r.bytes,
      new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
      r.bytes.length,
    );
    if (d.ok && (d.command.type === T.ResourceAttachBacking || d.command.type === T.ResourceCreateBlob)) {
      for (const e of d.command.entries) out.push({ addr: e.addr, length: e.length });
    }
  }
  return out;
}

function assertCovers(records: readonly TraceRecord[]): void {
  const layout = layoutTrace(records);
  const ram = new SharedArrayBuffer(layout.bytes);
  const memory = sharedGuestMemory(ram, [...layout.regions, layout.driverArea]);
  for (const { addr, length } of namedRanges(records)) {
    assert.notEqual(memory.translate(addr, length), undefined, `0x${addr.toString(16)}+${length} is in the layout`);
  }
  const d = layout.driverArea;
  assert.equal(d.offset + d.length, layout.bytes);
  for (const r of layout.regions) assert.ok(r.guestAddr + BigInt(r.length) <= d.guestAddr, "driver area above all");
}

test("a Linux guest's scattered framebuffer pages pack into a few MiB of shared RAM", () => {
  const { records } = decodeTrace(LINUX);
  const layout = layoutTrace(records);
  assertCovers(records);
  const highest = namedRanges(records).reduce((m, r) => (r.addr > m ? r.addr : m), 0n);
  assert.ok(highest > 64n * 1024n * 1024n, `pages as high as 0x${highest.toString(16)}`);
  assert.ok(layout.bytes < 8 * 1024 * 1024, `${layout.bytes} bytes`);
});

test("backing entries naming more than the shared RAM limit are a TraceError", () => {
  const attach = (addr: bigint, length: number): TraceRecord => ({
    kind: "request",
    queueIndex: 0,
    bytes: encodeRequest({ type: T.ResourceAttachBacking, resourceId: 1, entries: [{ addr, length }] }),
  });
  const huge = Array.from({ length: 200 }, (_, i) => attach(BigInt(i) << 32n, 0xffff_f000));
  assert.throws(() => layoutTrace(huge), TraceError);
  assert.throws(
    () => layoutTrace([attach(0xffff_ffff_ffff_f000n, 0x1000)]),
    TraceError,
    "no room above for the driver",
  );
  assert.ok(layoutTrace([attach(0x1000n, MAX_SHARED_RAM_BYTES / 2)]).bytes > MAX_SHARED_RAM_BYTES / 2);
});

test("layoutTrace on arbitrary records: a layout covering every named range, or a TraceError", () => {
  const addr = fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    fc.bigInt({ min: 0n, max: 1n << 32n }),
    fc.constantFrom(0n, 0xfffn, 0x1000n, 0xffff_ffff_ffff_f000n),
  );
  const length = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 3 * 4096 }));
  const record: fc.Arbitrary<TraceRecord> = fc.oneof(
    fc.record({ kind: fc.constant("memory" as const), addr, bytes: fc.uint8Array({ maxLength: 9000 }) }),
    fc.array(fc.record({ addr, length }), { maxLength: 8 }).map((entries) => ({
      kind: "request" as const,
      queueIndex: 0,
      bytes: encodeRequest({ type: T.ResourceAttachBacking, resourceId: 1, entries }),
    })),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "request" as const, queueIndex: 0, bytes })),
  );
  fc.assert(
    fc.property(fc.array(record, { maxLength: 12 }), (records) => {
      const memoryFits = records.every((r) => r.kind !== "memory" || r.addr + BigInt(r.bytes.length) < 1n << 63n);
      try {
        if (memoryFits) assertCovers(records);
        else layoutTrace(records);
      } catch (e) {
        if (!(e instanceof TraceError)) throw e;
      }
    }),
    { numRuns: 300 },
  );
});
