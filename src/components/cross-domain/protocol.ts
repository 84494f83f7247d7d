import { GUEST_PAGE_SIZE } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";

// rutabaga_gfx cross_domain_protocol.rs: every struct little-endian, repr(C); offsets below are byte offsets.

/** Command ids (`CROSS_DOMAIN_CMD_*`). */
export const CrossDomainCmd = {
  Init: 1,
  GetImageRequirements: 2,
  Poll: 3,
  Send: 4,
  Receive: 5,
  Read: 6,
  Write: 7,
  CreateAtomicMemorySentinel: 8,
  SignalAtomicMemorySentinel: 9,
  DestroyAtomicMemorySentinel: 10,
  ReadCreateEvent: 11,
  ImportVirtioFsHandle: 12,
  AssignSocketUuid: 13,
} as const;

/** Ring indices of a context: the query ring answers GET_IMAGE_REQUIREMENTS, the channel ring carries RECEIVE/READ. */
export const CrossDomainRing = { Query: 0, Channel: 1, None: 0xffff_ffff } as const;

/** Kinds of identifiers in SEND/RECEIVE (`CROSS_DOMAIN_ID_TYPE_*`). */
export const CrossDomainIdType = {
  VirtgpuBlob: 1,
  VirtgpuSync: 2,
  ReadPipe: 3,
  WritePipe: 4,
  Event: 5,
  VirtioFsBlob: 6,
  Socket: 7,
} as const;

/** Channel type of INIT that names a socket handed over earlier with ASSIGN_SOCKET_UUID. */
export const CROSS_DOMAIN_CHANNEL_INTERNAL_SOCKET = 0xffff_ffff;
/** Most identifiers one SEND/RECEIVE carries (28 since Feb 2024; older C headers say 4). */
export const CROSS_DOMAIN_MAX_IDENTIFIERS = 28;
/** Read pipes get ids from here up (the first is 0x80000001). */
export const CROSS_DOMAIN_PIPE_READ_START = 0x8000_0000;
/** Bytes of opaque data one RECEIVE carries at most: a ring page minus the 352-byte struct. */
export const CROSS_DOMAIN_MAX_SEND_RECV_SIZE = GUEST_PAGE_SIZE - 352;

/** `CrossDomainHeader`: cmd u8, ring_idx u8, cmd_size u16 (whole command, header included), pad u32. */
export const Header = { cmd: 0, ringIdx: 1, cmdSize: 2, pad: 4, size: 8 } as const;

/** INIT in its three sizes; the size (cmd_size) picks the layout. */
export const Init = {
  queryRingId: 8,
  /** Legacy (16 bytes): channel type at 12, channel ring = query ring. */
  legacyChannelType: 12,
  legacySize: 16,
  channelRingId: 12,
  channelType: 16,
  v1Size: 20,
  internalSocketUuid: 20,
  size: 36,
} as const;

/** GET_IMAGE_REQUIREMENTS. */
export const GetImageRequirements = { width: 8, height: 12, drmFormat: 16, flags: 20, size: 24 } as const;

/** POLL: the header alone (older C headers pad it to 16). */
export const Poll = { size: 8 } as const;

/** SEND (guest→host) and RECEIVE (host→guest): identifiers, their types and sizes, then opaque data. */
export const SendReceive = {
  numIdentifiers: 8,
  opaqueDataSize: 12,
  identifiers: 16,
  identifierTypes: 16 + 4 * CROSS_DOMAIN_MAX_IDENTIFIERS,
  /** u32 each (a blob's byte size in RECEIVE). */
  identifierSizes: 16 + 8 * CROSS_DOMAIN_MAX_IDENTIFIERS,
  size: 16 + 12 * CROSS_DOMAIN_MAX_IDENTIFIERS,
} as const;

/** READ (host→guest) and WRITE (guest→host) on a pipe or event item; data follows the struct. */
export const ReadWrite = { identifier: 8, hangUp: 12, opaqueDataSize: 16, pad: 20, size: 24 } as const;

/** CREATE_ATOMIC_MEMORY_SENTINEL and IMPORT_VIRTIOFS_HANDLE share this layout. */
export const VirtioFsHandle = { fsId: 8, handle: 16, id: 24, pad: 28, size: 32 } as const;

/** SIGNAL/DESTROY_ATOMIC_MEMORY_SENTINEL and READ_CREATE_EVENT: one id. */
export const ItemIdCmd = { id: 8, pad: 12, size: 16 } as const;

/** ASSIGN_SOCKET_UUID. */
export const AssignSocketUuid = { socketUuid: 8, id: 24, pad: 28, size: 32 } as const;

/** `CrossDomainImageRequirements`, written to the query ring. */
export const ImageRequirementsLayout = {
  strides: 0,
  offsets: 16,
  modifier: 32,
  size: 40,
  blobId: 48,
  mapInfo: 52,
  memoryIdx: 56,
  physicalDeviceIdx: 60,
  structSize: 64,
} as const;

/** `CrossDomainCapabilities` (capset 5). */
export const Capabilities = {
  version: 0,
  supportedChannels: 4,
  supportsDmabuf: 8,
  supportsExternalGpuMemory: 12,
  size: 16,
} as const;

/** One identifier of a SEND or RECEIVE. */
export interface CrossDomainIdentifier {
  id: number;
  type: number;
  size: number;
}

/** A parsed guest command; `size` is its cmd_size, `offset` where it starts in the submitted buffer. */
export type CrossDomainCommand =
  | { cmd: 1; queryRingId: number; channelRingId: number; channelType: number; socketUuid: Uint8Array | undefined }
  | { cmd: 2; width: number; height: number; drmFormat: number; flags: number }
  | { cmd: 3 }
  | { cmd: 4; identifiers: CrossDomainIdentifier[]; data: Uint8Array }
  | { cmd: 7; identifier: number; hangUp: number; data: Uint8Array }
  | { cmd: 8 | 12; fsId: bigint; handle: bigint; id: number }
  | { cmd: 9 | 10 | 11; id: number }
  | { cmd: 13; socketUuid: Uint8Array; id: number };

function need(view: DataView, offset: number, size: number, what: string): void {
  if (view.byteLength - offset < size) {
    throw new RutabagaError("InvalidCommandBuffer", `${what} needs ${size} bytes, ${view.byteLength - offset} remain`);
  }
}

/**
 * Parses the command at `offset` of a SUBMIT_3D buffer. Returns it with its cmd_size; the caller advances by that
 * size. A cmd_size smaller than the command's struct (0 included: rutabaga_gfx loops forever on it) or past the end
 * of the buffer is `InvalidCommandSize`; a short buffer is `InvalidCommandBuffer`; data must lie inside cmd_size.
 * Views of opaque data alias `bytes`.
 */
export function decodeCommand(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
): { command: CrossDomainCommand; size: number } {
  need(view, offset, Header.size, "cross-domain header");
  const cmd = view.getUint8(offset + Header.cmd);
  const size = view.getUint16(offset + Header.cmdSize, true);
  if (size > view.byteLength - offset) {
    throw new RutabagaError(
      "InvalidCommandSize",
      `cmd_size ${size} runs past the buffer (${view.byteLength - offset})`,
    );
  }
  const fixed = (n: number, what: string) => {
    if (size < n) throw new RutabagaError("InvalidCommandSize", `${what} cmd_size ${size} < ${n}`);
  };
  const u32 = (at: number) => view.getUint32(offset + at, true);
  switch (cmd) {
    case CrossDomainCmd.Init: {
      if (size === Init.legacySize) {
        const ring = u32(Init.queryRingId);
        return {
          command: {
            cmd,
            queryRingId: ring,
            channelRingId: ring,
            channelType: u32(Init.legacyChannelType),
            socketUuid: undefined,
          },
          size,
        };
      }
      if (size !== Init.v1Size && size !== Init.size) {
        throw new RutabagaError("InvalidCommandSize", `INIT cmd_size ${size} is none of 16, 20, 36`);
      }
      return {
        command: {
          cmd,
          queryRingId: u32(Init.queryRingId),
          channelRingId: u32(Init.channelRingId),
          channelType: u32(Init.channelType),
          socketUuid:
            size === Init.size ? bytes.slice(offset + Init.internalSocketUuid, offset + Init.size) : undefined,
        },
        size,
      };
    }
    case CrossDomainCmd.GetImageRequirements:
      fixed(GetImageRequirements.size, "GET_IMAGE_REQUIREMENTS");
      return {
        command: {
          cmd,
          width: u32(GetImageRequirements.width),
          height: u32(GetImageRequirements.height),
          drmFormat: u32(GetImageRequirements.drmFormat),
          flags: u32(GetImageRequirements.flags),
        },
        size,
      };
    case CrossDomainCmd.Poll:
      fixed(Poll.size, "POLL");
      return { command: { cmd }, size };
    case CrossDomainCmd.Send: {
      fixed(SendReceive.size, "SEND");
      const count = u32(SendReceive.numIdentifiers);
      if (count > CROSS_DOMAIN_MAX_IDENTIFIERS) {
        throw new RutabagaError(
          "InvalidCommandBuffer",
          `SEND with ${count} identifiers (max ${CROSS_DOMAIN_MAX_IDENTIFIERS})`,
        );
      }
      const dataSize = u32(SendReceive.opaqueDataSize);
      if (dataSize > size - SendReceive.size) {
        throw new RutabagaError("InvalidCommandSize", `SEND opaque data of ${dataSize} bytes past cmd_size ${size}`);
      }
      const identifiers = readIdentifiers(view, offset, count);
      const start = offset + SendReceive.size;
      return { command: { cmd, identifiers, data: bytes.subarray(start, start + dataSize) }, size };
    }
    case CrossDomainCmd.Write: {
      fixed(ReadWrite.size, "WRITE");
      const dataSize = u32(ReadWrite.opaqueDataSize);
      if (dataSize > size - ReadWrite.size) {
        throw new RutabagaError("InvalidCommandSize", `WRITE opaque data of ${dataSize} bytes past cmd_size ${size}`);
      }
      const start = offset + ReadWrite.size;
      return {
        command: {
          cmd,
          identifier: u32(ReadWrite.identifier),
          hangUp: u32(ReadWrite.hangUp),
          data: bytes.subarray(start, start + dataSize),
        },
        size,
      };
    }
    case CrossDomainCmd.CreateAtomicMemorySentinel:
    case CrossDomainCmd.ImportVirtioFsHandle:
      fixed(VirtioFsHandle.size, "virtio-fs handle command");
      return {
        command: {
          cmd,
          fsId: view.getBigUint64(offset + VirtioFsHandle.fsId, true),
          handle: view.getBigUint64(offset + VirtioFsHandle.handle, true),
          id: u32(VirtioFsHandle.id),
        },
        size,
      };
    case CrossDomainCmd.SignalAtomicMemorySentinel:
    case CrossDomainCmd.DestroyAtomicMemorySentinel:
    case CrossDomainCmd.ReadCreateEvent:
      fixed(ItemIdCmd.size, "item command");
      return { command: { cmd, id: u32(ItemIdCmd.id) }, size };
    case CrossDomainCmd.AssignSocketUuid:
      fixed(AssignSocketUuid.size, "ASSIGN_SOCKET_UUID");
      return {
        command: {
          cmd,
          socketUuid: bytes.slice(offset + AssignSocketUuid.socketUuid, offset + AssignSocketUuid.socketUuid + 16),
          id: u32(AssignSocketUuid.id),
        },
        size,
      };
    default:
      throw new RutabagaError("InvalidCommandBuffer", `cross-domain command ${cmd} is not a guest command`);
  }
}

/** Writes a header (ring_idx 0, pad 0). */
export function writeHeader(view: DataView, offset: number, cmd: number, size: number): void {
  view.setUint8(offset + Header.cmd, cmd);
  view.setUint8(offset + Header.ringIdx, 0);
  view.setUint16(offset + Header.cmdSize, size, true);
  view.setUint32(offset + Header.pad, 0, true);
}

/** Host layout of an image as GET_IMAGE_REQUIREMENTS reports it. */
export interface CrossDomainImageRequirements {
  strides: [number, number, number, number];
  offsets: [number, number, number, number];
  modifier: bigint;
  size: bigint;
  blobId: number;
  mapInfo: number;
  memoryIdx: number;
  physicalDeviceIdx: number;
}

/** Encodes `CrossDomainImageRequirements` (64 bytes). */
export function encodeImageRequirements(r: CrossDomainImageRequirements): Uint8Array {
  const out = new Uint8Array(ImageRequirementsLayout.structSize);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) {
    v.setUint32(ImageRequirementsLayout.strides + 4 * i, r.strides[i]!, true);
    v.setUint32(ImageRequirementsLayout.offsets + 4 * i, r.offsets[i]!, true);
  }
  v.setBigUint64(ImageRequirementsLayout.modifier, r.modifier, true);
  v.setBigUint64(ImageRequirementsLayout.size, r.size, true);
  v.setUint32(ImageRequirementsLayout.blobId, r.blobId, true);
  v.setUint32(ImageRequirementsLayout.mapInfo, r.mapInfo, true);
  v.setInt32(ImageRequirementsLayout.memoryIdx, r.memoryIdx, true);
  v.setInt32(ImageRequirementsLayout.physicalDeviceIdx, r.physicalDeviceIdx, true);
  return out;
}

/** Decodes `CrossDomainImageRequirements` (the guest side reads it from the query ring). */
export function decodeImageRequirements(bytes: Uint8Array): CrossDomainImageRequirements {
  if (bytes.length < ImageRequirementsLayout.structSize) {
    throw new RutabagaError("InvalidCommandBuffer", `image requirements need 64 bytes, have ${bytes.length}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const four = (at: number) =>
    [0, 1, 2, 3].map((i) => v.getUint32(at + 4 * i, true)) as [number, number, number, number];
  return {
    strides: four(ImageRequirementsLayout.strides),
    offsets: four(ImageRequirementsLayout.offsets),
    modifier: v.getBigUint64(ImageRequirementsLayout.modifier, true),
    size: v.getBigUint64(ImageRequirementsLayout.size, true),
    blobId: v.getUint32(ImageRequirementsLayout.blobId, true),
    mapInfo: v.getUint32(ImageRequirementsLayout.mapInfo, true),
    memoryIdx: v.getInt32(ImageRequirementsLayout.memoryIdx, true),
    physicalDeviceIdx: v.getInt32(ImageRequirementsLayout.physicalDeviceIdx, true),
  };
}

/** Encodes capset 5 (`CrossDomainCapabilities`, version 1). */
export function encodeCapabilities(supportedChannels: number, dmabuf: boolean, externalGpuMemory: boolean): Uint8Array {
  const out = new Uint8Array(Capabilities.size);
  const v = new DataView(out.buffer);
  v.setUint32(Capabilities.version, 1, true);
  v.setUint32(Capabilities.supportedChannels, supportedChannels >>> 0, true);
  v.setUint32(Capabilities.supportsDmabuf, dmabuf ? 1 : 0, true);
  v.setUint32(Capabilities.supportsExternalGpuMemory, externalGpuMemory ? 1 : 0, true);
  return out;
}

/**
 * Writes a RECEIVE struct (header cmd 5, other header fields 0) for `identifiers` and `dataSize` opaque bytes into
 * `out` (at least {@link SendReceive.size} bytes); the data itself goes at {@link SendReceive.size}.
 */
export function encodeReceive(out: DataView, identifiers: readonly CrossDomainIdentifier[], dataSize: number): void {
  for (let i = 0; i < SendReceive.size; i += 4) out.setUint32(i, 0, true);
  out.setUint8(Header.cmd, CrossDomainCmd.Receive);
  out.setUint32(SendReceive.numIdentifiers, identifiers.length, true);
  out.setUint32(SendReceive.opaqueDataSize, dataSize, true);
  writeIdentifiers(out, 0, identifiers);
}

/** Writes `identifiers` into the id, type and size arrays of the SEND or RECEIVE that starts at `base` in `view`. */
export function writeIdentifiers(view: DataView, base: number, identifiers: readonly CrossDomainIdentifier[]): void {
  for (let i = 0; i < identifiers.length; i++) {
    const id = identifiers[i]!;
    view.setUint32(base + SendReceive.identifiers + 4 * i, id.id, true);
    view.setUint32(base + SendReceive.identifierTypes + 4 * i, id.type, true);
    view.setUint32(base + SendReceive.identifierSizes + 4 * i, id.size, true);
  }
}

/** Reads `count` identifiers from the id, type and size arrays of the SEND or RECEIVE that starts at `base`. */
export function readIdentifiers(view: DataView, base: number, count: number): CrossDomainIdentifier[] {
  const identifiers: CrossDomainIdentifier[] = [];
  for (let i = 0; i < count; i++) {
    identifiers.push({
      id: view.getUint32(base + SendReceive.identifiers + 4 * i, true),
      type: view.getUint32(base + SendReceive.identifierTypes + 4 * i, true),
      size: view.getUint32(base + SendReceive.identifierSizes + 4 * i, true),
    });
  }
  return identifiers;
}

/** Writes a READ struct (header cmd 6) for an item; `dataSize` bytes follow at {@link ReadWrite.size}. */
export function encodeRead(out: DataView, identifier: number, hangUp: boolean, dataSize: number): void {
  for (let i = 0; i < ReadWrite.size; i += 4) out.setUint32(i, 0, true);
  out.setUint8(Header.cmd, CrossDomainCmd.Read);
  out.setUint32(ReadWrite.identifier, identifier, true);
  out.setUint32(ReadWrite.hangUp, hangUp ? 1 : 0, true);
  out.setUint32(ReadWrite.opaqueDataSize, dataSize, true);
}
