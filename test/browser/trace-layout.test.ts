import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { layoutTrace, MAX_SHARED_RAM_BYTES } from "../../src/browser/trace-layout.ts";
import {
  decodeTrace,
  encodeRequest,
  GpuCommandType,
  TraceError,
  type TraceRecord,
} from "../../src/virtio-gpu/index.ts";
import { assertCovers, namedRanges } from "./trace-layout-checks.ts";

const LINUX = new Uint8Array(readFileSync("test/browser/fixtures/linux-640x480.trace"));

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
    bytes: encodeRequest({ type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries: [{ addr, length }] }),
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
