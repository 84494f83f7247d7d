import assert from "node:assert/strict";
import { sharedGuestMemory } from "../../src/browser/shared-transport.ts";
import { layoutTrace } from "../../src/browser/trace-layout.ts";
import { decodeCommand, GpuCommandType, type TraceRecord } from "../../src/virtio-gpu/index.ts";

/** Every guest range the trace's memory records and backing entries name. */
export function namedRanges(records: readonly TraceRecord[]): { addr: bigint; length: number }[] {
  const out: { addr: bigint; length: number }[] = [];
  for (const r of records) {
    if (r.kind === "memory") out.push({ addr: r.addr, length: r.bytes.length });
    if (r.kind !== "request") continue;
    const d = decodeCommand(
      r.bytes,
      new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
      r.bytes.length,
    );
    if (
      d.ok &&
      (d.command.type === GpuCommandType.ResourceAttachBacking || d.command.type === GpuCommandType.ResourceCreateBlob)
    ) {
      for (const e of d.command.entries) out.push({ addr: e.addr, length: e.length });
    }
  }
  return out;
}

export function assertCovers(records: readonly TraceRecord[]): void {
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
