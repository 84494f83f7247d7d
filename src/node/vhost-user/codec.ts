// The vhost-user message codec (QEMU docs/interop/vhost-user.rst): headers and payloads read and written through the
// layouts of ./protocol.ts only. Decoders return a {@link VhostUserRefusal} value for a payload they cannot read.
import type { MemoryRegionDescriptor } from "./memory-table.ts";
import {
  ConfigSpace,
  MemoryRegion,
  MemTable,
  SingleMemRegion,
  U64Payload,
  VhostUserHeader,
  VringAddr,
  VringFdWord,
  VringState,
} from "./protocol.ts";

/** Why the backend will not act on a message; the front end's edge answers it with a REPLY_ACK failure. */
export class VhostUserRefusal {
  /** What was wrong, for the log. */
  readonly reason: string;

  constructor(reason: string) {
    this.reason = reason;
  }
}

/** `{index, num}` of SET_VRING_NUM/BASE/ENABLE and GET_VRING_BASE. */
export interface VringStatePayload {
  index: number;
  num: number;
}

/** SET_VRING_ADDR: the rings' addresses in the front-end's address space. */
export interface VringAddrPayload {
  index: number;
  flags: number;
  desc: bigint;
  used: bigint;
  avail: bigint;
  log: bigint;
}

/** SET_VRING_KICK/CALL/ERR: which queue, and whether a descriptor rides along. */
export interface VringFdPayload {
  index: number;
  noFd: boolean;
}

/** GET_CONFIG/SET_CONFIG: a window of the device's config space. */
export interface ConfigPayload {
  offset: number;
  size: number;
  flags: number;
  /** The `size` bytes after the header (SET_CONFIG's data; GET_CONFIG's room for the answer). */
  data: Uint8Array;
}

const view = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset, p.byteLength);

function short(p: Uint8Array, need: number): VhostUserRefusal | undefined {
  return p.length < need ? new VhostUserRefusal(`payload of ${p.length} bytes, ${need} needed`) : undefined;
}

/** Writes the header `{request, flags, size}` at the start of `v`. */
export function writeHeader(v: DataView, request: number, flags: number, size: number): void {
  v.setUint32(VhostUserHeader.request, request, true);
  v.setUint32(VhostUserHeader.flags, flags, true);
  v.setUint32(VhostUserHeader.size, size, true);
}

/** Reads the header at the start of `v`. */
export function readHeader(v: DataView): { request: number; flags: number; size: number } {
  return {
    request: v.getUint32(VhostUserHeader.request, true),
    flags: v.getUint32(VhostUserHeader.flags, true),
    size: v.getUint32(VhostUserHeader.size, true),
  };
}

/** Encodes header + payload into one buffer (vhost-user and its display protocol share the framing). */
export function frameMessage(request: number, flags: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(VhostUserHeader.SIZE + payload.length);
  writeHeader(new DataView(out.buffer), request, flags, payload.length);
  out.set(payload, VhostUserHeader.SIZE);
  return out;
}

/** A u64 payload. */
export function encodeU64(value: bigint): Uint8Array {
  const p = new Uint8Array(U64Payload.SIZE);
  view(p).setBigUint64(U64Payload.value, value, true);
  return p;
}

export function decodeU64(p: Uint8Array): bigint | VhostUserRefusal {
  return short(p, U64Payload.SIZE) ?? view(p).getBigUint64(U64Payload.value, true);
}

export function encodeVringState(s: VringStatePayload): Uint8Array {
  const p = new Uint8Array(VringState.SIZE);
  const v = view(p);
  v.setUint32(VringState.index, s.index, true);
  v.setUint32(VringState.num, s.num, true);
  return p;
}

export function decodeVringState(p: Uint8Array): VringStatePayload | VhostUserRefusal {
  const v = view(p);
  return (
    short(p, VringState.SIZE) ?? { index: v.getUint32(VringState.index, true), num: v.getUint32(VringState.num, true) }
  );
}

export function encodeVringAddr(a: VringAddrPayload): Uint8Array {
  const p = new Uint8Array(VringAddr.SIZE);
  const v = view(p);
  v.setUint32(VringAddr.index, a.index, true);
  v.setUint32(VringAddr.flags, a.flags, true);
  v.setBigUint64(VringAddr.desc, a.desc, true);
  v.setBigUint64(VringAddr.used, a.used, true);
  v.setBigUint64(VringAddr.avail, a.avail, true);
  v.setBigUint64(VringAddr.log, a.log, true);
  return p;
}

export function decodeVringAddr(p: Uint8Array): VringAddrPayload | VhostUserRefusal {
  const v = view(p);
  return (
    short(p, VringAddr.SIZE) ?? {
      index: v.getUint32(VringAddr.index, true),
      flags: v.getUint32(VringAddr.flags, true),
      desc: v.getBigUint64(VringAddr.desc, true),
      used: v.getBigUint64(VringAddr.used, true),
      avail: v.getBigUint64(VringAddr.avail, true),
      log: v.getBigUint64(VringAddr.log, true),
    }
  );
}

export function encodeVringFd(f: VringFdPayload): Uint8Array {
  return encodeU64((BigInt(f.index) & VringFdWord.INDEX_MASK) | (f.noFd ? VringFdWord.NOFD_MASK : 0n));
}

export function decodeVringFd(p: Uint8Array): VringFdPayload | VhostUserRefusal {
  const word = decodeU64(p);
  if (word instanceof VhostUserRefusal) return word;
  return { index: Number(word & VringFdWord.INDEX_MASK), noFd: (word & VringFdWord.NOFD_MASK) !== 0n };
}

function writeRegion(v: DataView, at: number, r: MemoryRegionDescriptor): void {
  v.setBigUint64(at + MemoryRegion.guestPhysAddr, r.guestPhysAddr, true);
  v.setBigUint64(at + MemoryRegion.memorySize, r.memorySize, true);
  v.setBigUint64(at + MemoryRegion.userspaceAddr, r.userspaceAddr, true);
  v.setBigUint64(at + MemoryRegion.mmapOffset, r.mmapOffset, true);
}

function readRegion(v: DataView, at: number): MemoryRegionDescriptor {
  return {
    guestPhysAddr: v.getBigUint64(at + MemoryRegion.guestPhysAddr, true),
    memorySize: v.getBigUint64(at + MemoryRegion.memorySize, true),
    userspaceAddr: v.getBigUint64(at + MemoryRegion.userspaceAddr, true),
    mmapOffset: v.getBigUint64(at + MemoryRegion.mmapOffset, true),
  };
}

/** SET_MEM_TABLE's payload (the descriptors travel beside it, one per region). */
export function encodeMemTable(regions: readonly MemoryRegionDescriptor[]): Uint8Array {
  const p = new Uint8Array(MemTable.regions + regions.length * MemoryRegion.SIZE);
  const v = view(p);
  v.setUint32(MemTable.nregions, regions.length, true);
  for (const [i, r] of regions.entries()) writeRegion(v, MemTable.regions + i * MemoryRegion.SIZE, r);
  return p;
}

/** SET_MEM_TABLE: 1 to {@link MemTable.MAX_REGIONS} regions. */
export function decodeMemTable(p: Uint8Array): MemoryRegionDescriptor[] | VhostUserRefusal {
  const head = short(p, MemTable.regions);
  if (head !== undefined) return head;
  const v = view(p);
  const n = v.getUint32(MemTable.nregions, true);
  if (n > MemTable.MAX_REGIONS || n === 0) return new VhostUserRefusal(`${n} regions`);
  return (
    short(p, MemTable.regions + n * MemoryRegion.SIZE) ??
    Array.from({ length: n }, (_, i) => readRegion(v, MemTable.regions + i * MemoryRegion.SIZE))
  );
}

/** ADD_MEM_REG/REM_MEM_REG's payload. */
export function encodeSingleMemRegion(r: MemoryRegionDescriptor): Uint8Array {
  const p = new Uint8Array(SingleMemRegion.SIZE);
  writeRegion(view(p), SingleMemRegion.region, r);
  return p;
}

export function decodeSingleMemRegion(p: Uint8Array): MemoryRegionDescriptor | VhostUserRefusal {
  return short(p, SingleMemRegion.SIZE) ?? readRegion(view(p), SingleMemRegion.region);
}

/** GET_CONFIG/SET_CONFIG: the header then `data` (its length is the `size` field). */
export function encodeConfig(c: { offset: number; flags: number; data: Uint8Array }): Uint8Array {
  const p = new Uint8Array(ConfigSpace.payload + c.data.length);
  const v = view(p);
  v.setUint32(ConfigSpace.offset, c.offset, true);
  v.setUint32(ConfigSpace.size, c.data.length, true);
  v.setUint32(ConfigSpace.flags, c.flags, true);
  p.set(c.data, ConfigSpace.payload);
  return p;
}

/**
 * GET_CONFIG/SET_CONFIG. With `withData` the `size` bytes must follow the header (SET_CONFIG); without, `data` is
 * what follows, at most `size` bytes (GET_CONFIG's room for the answer, which the backend does not read).
 */
export function decodeConfig(p: Uint8Array, withData: boolean): ConfigPayload | VhostUserRefusal {
  const head = short(p, ConfigSpace.payload);
  if (head !== undefined) return head;
  const v = view(p);
  const size = v.getUint32(ConfigSpace.size, true);
  if (withData) {
    const body = short(p, ConfigSpace.payload + size);
    if (body !== undefined) return body;
  }
  return {
    offset: v.getUint32(ConfigSpace.offset, true),
    size,
    flags: v.getUint32(ConfigSpace.flags, true),
    data: p.subarray(ConfigSpace.payload, ConfigSpace.payload + size),
  };
}
