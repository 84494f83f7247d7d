import {
  AssignSocketUuid,
  CROSS_DOMAIN_MAX_IDENTIFIERS,
  CrossDomainCmd,
  type CrossDomainIdentifier,
  GetImageRequirements,
  Header,
  Init,
  ItemIdCmd,
  Poll,
  ReadWrite,
  readIdentifiers,
  SendReceive,
  writeHeader,
  writeIdentifiers,
} from "./protocol.ts";

// The guest driver's side of the cross-domain protocol (what Sommelier or a guest proxy writes), for the mock guest,
// tests, fuzzers and benchmarks.

function command(size: number, cmd: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  writeHeader(view, 0, cmd, size);
  return { bytes, view };
}

/** INIT in one of its three sizes (16: legacy, 20: v1, 36: with an internal-socket uuid). */
export function encodeInit(
  queryRingId: number,
  channelRingId: number,
  channelType: number,
  size: 16 | 20 | 36 = 36,
  uuid?: Uint8Array,
): Uint8Array {
  const { bytes, view } = command(size, CrossDomainCmd.Init);
  view.setUint32(Init.queryRingId, queryRingId, true);
  if (size === Init.legacySize) {
    view.setUint32(Init.legacyChannelType, channelType, true);
    return bytes;
  }
  view.setUint32(Init.channelRingId, channelRingId, true);
  view.setUint32(Init.channelType, channelType, true);
  if (size === Init.size && uuid !== undefined) bytes.set(uuid.subarray(0, 16), Init.internalSocketUuid);
  return bytes;
}

export function encodeGetImageRequirements(
  width: number,
  height: number,
  drmFormat: number,
  flags: number,
): Uint8Array {
  const { bytes, view } = command(GetImageRequirements.size, CrossDomainCmd.GetImageRequirements);
  view.setUint32(GetImageRequirements.width, width, true);
  view.setUint32(GetImageRequirements.height, height, true);
  view.setUint32(GetImageRequirements.drmFormat, drmFormat, true);
  view.setUint32(GetImageRequirements.flags, flags, true);
  return bytes;
}

export function encodePoll(): Uint8Array {
  return command(Poll.size, CrossDomainCmd.Poll).bytes;
}

/** SEND of `data` with identifiers (at most 28); cmd_size is rounded up to 4 bytes as Sommelier does. */
export function encodeSend(identifiers: readonly CrossDomainIdentifier[], data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(sendSize(data.length));
  encodeSendInto(bytes, new DataView(bytes.buffer), identifiers, data);
  return bytes;
}

function sendSize(dataLength: number): number {
  const size = (SendReceive.size + dataLength + 3) & ~3;
  if (size > 0xffff) throw new RangeError("SEND larger than cmd_size can say");
  return size;
}

/**
 * {@link encodeSend} into the start of `out` (a reused buffer, `view` over it from its offset 0): every byte of the
 * command is written, unused identifier slots and padding zeroed. Returns the command's size.
 */
export function encodeSendInto(
  out: Uint8Array,
  view: DataView,
  identifiers: readonly CrossDomainIdentifier[],
  data: Uint8Array,
): number {
  if (identifiers.length > CROSS_DOMAIN_MAX_IDENTIFIERS) throw new RangeError("too many identifiers");
  const size = sendSize(data.length);
  if (out.length < size) throw new RangeError(`SEND of ${size} bytes into ${out.length}`);
  out.fill(0, 0, SendReceive.size);
  writeHeader(view, 0, CrossDomainCmd.Send, size);
  view.setUint32(SendReceive.numIdentifiers, identifiers.length, true);
  view.setUint32(SendReceive.opaqueDataSize, data.length, true);
  writeIdentifiers(view, 0, identifiers);
  out.set(data, SendReceive.size);
  out.fill(0, SendReceive.size + data.length, size);
  return size;
}

/** WRITE of `data` to a pipe or event item. */
export function encodeWrite(identifier: number, data: Uint8Array, hangUp = false): Uint8Array {
  const size = (ReadWrite.size + data.length + 3) & ~3;
  const { bytes, view } = command(size, CrossDomainCmd.Write);
  view.setUint32(ReadWrite.identifier, identifier, true);
  view.setUint32(ReadWrite.hangUp, hangUp ? 1 : 0, true);
  view.setUint32(ReadWrite.opaqueDataSize, data.length, true);
  bytes.set(data, ReadWrite.size);
  return bytes;
}

export function encodeReadCreateEvent(id: number): Uint8Array {
  const { bytes, view } = command(ItemIdCmd.size, CrossDomainCmd.ReadCreateEvent);
  view.setUint32(ItemIdCmd.id, id, true);
  return bytes;
}

export function encodeAssignSocketUuid(uuid: Uint8Array, id: number): Uint8Array {
  const { bytes, view } = command(AssignSocketUuid.size, CrossDomainCmd.AssignSocketUuid);
  bytes.set(uuid.subarray(0, 16), AssignSocketUuid.socketUuid);
  view.setUint32(AssignSocketUuid.id, id, true);
  return bytes;
}

/** What the host wrote at the start of the channel ring: a RECEIVE, a READ or something else. */
export type ChannelRingMessage =
  | { cmd: 5; identifiers: CrossDomainIdentifier[]; data: Uint8Array }
  | { cmd: 6; identifier: number; hangUp: boolean; data: Uint8Array }
  | { cmd: number };

/**
 * {@link decodeChannelRing} without copies: `data` is a view of the ring, valid until the guest's next ring-1 fence
 * lets the host write it again (read it, or copy it, before that).
 */
export function peekChannelRing(ring: Uint8Array, view: DataView): ChannelRingMessage {
  const cmd = view.getUint8(Header.cmd);
  if (cmd === CrossDomainCmd.Receive) {
    const count = Math.min(view.getUint32(SendReceive.numIdentifiers, true), CROSS_DOMAIN_MAX_IDENTIFIERS);
    const size = view.getUint32(SendReceive.opaqueDataSize, true);
    return {
      cmd,
      identifiers: readIdentifiers(view, 0, count),
      data: ring.subarray(SendReceive.size, SendReceive.size + size),
    };
  }
  if (cmd === CrossDomainCmd.Read) {
    const size = view.getUint32(ReadWrite.opaqueDataSize, true);
    return {
      cmd,
      identifier: view.getUint32(ReadWrite.identifier, true),
      hangUp: view.getUint32(ReadWrite.hangUp, true) !== 0,
      data: ring.subarray(ReadWrite.size, ReadWrite.size + size),
    };
  }
  return { cmd };
}

/** Decodes the channel ring as a guest does after a ring-1 fence (data is copied out). */
export function decodeChannelRing(ring: Uint8Array): ChannelRingMessage {
  const message = peekChannelRing(ring, new DataView(ring.buffer, ring.byteOffset, ring.byteLength));
  if ("data" in message) message.data = message.data.slice();
  return message;
}
