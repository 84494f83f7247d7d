import { GUEST_PAGE_SIZE } from "../rutabaga/constants.ts";
import { decodeCommand, GpuCommandType, type MemEntry, TraceError, type TraceRecord } from "../virtio-gpu/index.ts";
import type { SharedRegion } from "./shared-transport.ts";

const PAGE = BigInt(GUEST_PAGE_SIZE);
/** Most shared guest RAM a trace may need (what browsers reliably grant a `SharedArrayBuffer`). */
export const MAX_SHARED_RAM_BYTES = 512 * 1024 * 1024;
/** Bytes the driver may use for a response (the largest is an EDID response). */
export const RESPONSE_BYTES = 2048;
/** Descriptors in the replaying driver's control queue. */
export const CONTROL_QUEUE_SIZE = 256;

/** Where a trace's guest memory goes in one `SharedArrayBuffer`. */
export interface TraceLayout {
  /** The guest-physical pages the trace touches, packed one after another (`offset`s) in the shared RAM. */
  readonly regions: SharedRegion[];
  /** The driver's own memory (rings, requests, responses), at guest addresses above every traced one. */
  readonly driverArea: SharedRegion;
  /** Bytes of shared RAM. */
  readonly bytes: number;
}

function entriesOf(record: TraceRecord, view: DataView): readonly MemEntry[] {
  if (record.kind !== "request") return [];
  const decoded = decodeCommand(record.bytes, view, record.bytes.length);
  if (!decoded.ok) return [];
  const c = decoded.command;
  if (c.type === GpuCommandType.ResourceAttachBacking || c.type === GpuCommandType.ResourceCreateBlob) {
    return c.entries;
  }
  return [];
}

/**
 * Packs the guest memory a trace needs (what its memory records write and what backing entries name) into as
 * little shared RAM as its pages take: a Linux guest's framebuffer pages lie anywhere in 512 MiB or more, but only
 * those pages are backed. Throws {@link TraceError} when that is more than {@link MAX_SHARED_RAM_BYTES}.
 */
export function layoutTrace(records: readonly TraceRecord[]): TraceLayout {
  const ranges: [bigint, bigint][] = [];
  let largestRequest = 0;
  const add = (addr: bigint, length: bigint) => {
    if (length <= 0n) return;
    const start = addr / PAGE;
    ranges.push([start, (addr + length + PAGE - 1n) / PAGE]);
  };
  for (const r of records) {
    if (r.kind === "memory") add(r.addr, BigInt(r.bytes.length));
    else if (r.kind === "request") {
      largestRequest = Math.max(largestRequest, r.bytes.length);
      const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
      for (const e of entriesOf(r, view)) add(e.addr, BigInt(e.length));
    }
  }
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const regions: SharedRegion[] = [];
  let offset = 0;
  let current: [bigint, bigint] | undefined;
  const close = () => {
    if (current === undefined) return;
    const pages = current[1] - current[0];
    if (BigInt(offset) + pages * PAGE > BigInt(MAX_SHARED_RAM_BYTES)) {
      throw new TraceError(`the trace touches more than ${MAX_SHARED_RAM_BYTES} bytes of guest memory`);
    }
    const length = Number(pages * PAGE);
    regions.push({ guestAddr: current[0] * PAGE, offset, length });
    offset += length;
  };
  for (const [start, end] of ranges) {
    if (current !== undefined && start <= current[1]) {
      if (end > current[1]) current[1] = end;
    } else {
      close();
      current = [start, end];
    }
  }
  close();
  const top = current === undefined ? 0n : current[1] * PAGE;
  // Rings of both queues, then room for a full control queue of the largest request with its response.
  const rings = 64 * 1024;
  const driverBytes =
    Math.ceil((rings + (largestRequest + RESPONSE_BYTES + 64) * 2 + 1024 * 1024) / GUEST_PAGE_SIZE) * GUEST_PAGE_SIZE;
  const driverAddr = ((top + 0x20_0000n - 1n) / 0x20_0000n) * 0x20_0000n + 0x20_0000n;
  if (offset + driverBytes > MAX_SHARED_RAM_BYTES || driverAddr + BigInt(driverBytes) > 1n << 64n) {
    throw new TraceError(`the trace needs more than ${MAX_SHARED_RAM_BYTES} bytes of shared guest memory`);
  }
  return { regions, driverArea: { guestAddr: driverAddr, offset, length: driverBytes }, bytes: offset + driverBytes };
}
