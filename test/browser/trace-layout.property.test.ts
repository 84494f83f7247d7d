import { test } from "node:test";
import fc from "fast-check";
import { layoutTrace } from "../../src/browser/trace-layout.ts";
import { encodeRequest, GpuCommandType, TraceError, type TraceRecord } from "../../src/virtio-gpu/index.ts";
import { assertCovers } from "./trace-layout-checks.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);

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
      bytes: encodeRequest({ type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries }),
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
    { numRuns: RUNS },
  );
});
