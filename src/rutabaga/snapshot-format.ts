import type { RutabagaComponentType } from "./constants.ts";
import { crc32 } from "./crc32.ts";
import { RutabagaError } from "./error.ts";
import { emptyResource, type RutabagaResource } from "./resource.ts";
import { type Json, jsonArray, jsonBool, jsonObject, jsonU32, jsonU64, snapshotFail } from "./snapshot-json.ts";
import type { Resource3DInfo, VulkanInfo } from "./types.ts";

/**
 * Snapshot layout, all little-endian:
 * `"RUTABAGA"` magic (8) · u32 format version · u32 header length H · H bytes of UTF-8 JSON header · the payload (every
 * section's bytes, at the offsets the header gives, relative to the payload start) · u32 CRC-32 of all bytes before it.
 */
const SNAPSHOT_MAGIC = new TextEncoder().encode("RUTABAGA");
/** The format version this build writes; it also reads version 1 (written before resources had component state). */
export const SNAPSHOT_VERSION = 2;
const PREFIX_BYTES = 16;
const CRC_BYTES = 4;
/** Largest JSON header accepted: 64 MiB. */
export const MAX_SNAPSHOT_HEADER_BYTES = 64 * 1024 * 1024;

/** What a snapshot holds. */
export interface SnapshotContents {
  defaultComponent: RutabagaComponentType;
  componentState: Uint8Array;
  resources: RutabagaResource[];
  /** By resource id: what the owning component keeps beyond the record (`RutabagaComponent.snapshotResource`). */
  resourceStates: ReadonlyMap<number, Uint8Array>;
  contexts: { ctxId: number; componentType: RutabagaComponentType; state: Uint8Array }[];
}

interface Section {
  offset: number;
  length: number;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Encodes `contents`; with `chunked`, returns the pieces (pixel chunks alias live memory) instead of one array. */
export function encodeSnapshot(contents: SnapshotContents, chunked: true): Uint8Array[];
export function encodeSnapshot(contents: SnapshotContents, chunked?: false): Uint8Array;
export function encodeSnapshot(contents: SnapshotContents, chunked = false): Uint8Array | Uint8Array[] {
  const payload: Uint8Array[] = [];
  let payloadLength = 0;
  const section = (bytes: Uint8Array): Section => {
    const s = { offset: payloadLength, length: bytes.byteLength };
    payload.push(bytes);
    payloadLength += bytes.byteLength;
    return s;
  };
  const header = {
    defaultComponent: contents.defaultComponent,
    component: section(contents.componentState),
    resources: contents.resources.map((r) => ({
      resourceId: r.resourceId,
      blob: r.blob,
      blobMem: r.blobMem,
      blobFlags: r.blobFlags,
      mapInfo: r.mapInfo ?? null,
      format: r.format ?? null,
      width: r.width,
      height: r.height,
      info2d:
        r.info2d === undefined
          ? null
          : { width: r.info2d.width, height: r.info2d.height, scanoutStride: r.info2d.scanoutStride ?? null },
      pixels: r.info2d?.hostMem === undefined ? null : section(r.info2d.hostMem),
      info3d:
        r.info3d === undefined
          ? null
          : {
              ...r.info3d,
              strides: [...r.info3d.strides],
              offsets: [...r.info3d.offsets],
              modifier: `${r.info3d.modifier}`,
            },
      vulkanInfo:
        r.vulkanInfo === undefined
          ? null
          : {
              memoryIdx: r.vulkanInfo.memoryIdx,
              deviceUuid: hex(r.vulkanInfo.deviceUuid),
              driverUuid: hex(r.vulkanInfo.driverUuid),
            },
      componentMask: r.componentMask,
      size: `${r.size}`,
      componentState: contents.resourceStates.has(r.resourceId)
        ? section(contents.resourceStates.get(r.resourceId)!)
        : null,
    })),
    contexts: contents.contexts.map((c) => ({
      ctxId: c.ctxId,
      componentType: c.componentType,
      state: section(c.state),
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(PREFIX_BYTES + json.byteLength);
  prefix.set(SNAPSHOT_MAGIC, 0);
  const view = new DataView(prefix.buffer);
  view.setUint32(8, SNAPSHOT_VERSION, true);
  view.setUint32(12, json.byteLength, true);
  prefix.set(json, PREFIX_BYTES);
  let crc = crc32(prefix);
  for (const p of payload) crc = crc32(p, crc);
  const trailer = new Uint8Array(CRC_BYTES);
  new DataView(trailer.buffer).setUint32(0, crc, true);
  const chunks = [prefix, ...payload, trailer];
  if (chunked) return chunks;
  const out = new Uint8Array(prefix.byteLength + payloadLength + CRC_BYTES);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function optU32(v: Json, what: string): number | undefined {
  return v === null ? undefined : jsonU32(v, what);
}
function quad(v: Json, what: string): [number, number, number, number] {
  const a = jsonArray(v, what);
  if (a.length !== 4) snapshotFail(`${what} does not have 4 entries`);
  return [jsonU32(a[0], what), jsonU32(a[1], what), jsonU32(a[2], what), jsonU32(a[3], what)];
}
function uuid(v: Json, what: string): Uint8Array {
  if (typeof v !== "string" || !/^[0-9a-f]{32}$/.test(v)) snapshotFail(`${what} is not 16 hex bytes`);
  return Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(v.slice(2 * i, 2 * i + 2), 16));
}

/** Decodes and fully checks a snapshot; the returned records own copies of the bytes. */
export function decodeSnapshot(bytes: Uint8Array): SnapshotContents {
  if (!(bytes instanceof Uint8Array)) snapshotFail("snapshot must be a Uint8Array");
  if (bytes.byteLength < PREFIX_BYTES + CRC_BYTES) snapshotFail(`snapshot of ${bytes.byteLength} bytes is truncated`);
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++)
    if (bytes[i] !== SNAPSHOT_MAGIC[i]) snapshotFail("not a rutabaga-ts snapshot");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION && version !== 1) {
    snapshotFail(`snapshot format version ${version}, this build reads 1 and ${SNAPSHOT_VERSION}`);
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_SNAPSHOT_HEADER_BYTES || PREFIX_BYTES + headerLength + CRC_BYTES > bytes.byteLength) {
    snapshotFail(`header of ${headerLength} bytes does not fit`);
  }
  const end = bytes.byteLength - CRC_BYTES;
  const stored = view.getUint32(end, true);
  if (crc32(bytes.subarray(0, end)) !== stored) snapshotFail("checksum mismatch: the snapshot is corrupt");
  let header: Record<string, Json>;
  try {
    header = jsonObject(
      JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + headerLength))),
      "header",
    );
  } catch (e) {
    if (e instanceof RutabagaError) throw e;
    snapshotFail("header is not JSON");
  }
  const payloadStart = PREFIX_BYTES + headerLength;
  const payloadLength = end - payloadStart;
  const section = (v: Json, what: string): Uint8Array => {
    const s = jsonObject(v, what);
    const offset = jsonU32(s.offset, `${what}.offset`);
    const length = jsonU32(s.length, `${what}.length`);
    if (offset + length > payloadLength) snapshotFail(`${what} lies outside the payload`);
    return bytes.slice(payloadStart + offset, payloadStart + offset + length);
  };

  const defaultComponent = jsonU32(header.defaultComponent, "defaultComponent") as RutabagaComponentType;
  const componentState = section(header.component, "component");
  const seenResources = new Set<number>();
  const resourceStates = new Map<number, Uint8Array>();
  const resources = jsonArray(header.resources, "resources").map((v, i): RutabagaResource => {
    const what = `resources[${i}]`;
    const s = jsonObject(v, what);
    const r = emptyResource(jsonU32(s.resourceId, `${what}.resourceId`));
    if (seenResources.has(r.resourceId)) snapshotFail(`resource ${r.resourceId} appears twice`);
    seenResources.add(r.resourceId);
    r.blob = jsonBool(s.blob, `${what}.blob`);
    r.blobMem = jsonU32(s.blobMem, `${what}.blobMem`);
    r.blobFlags = jsonU32(s.blobFlags, `${what}.blobFlags`);
    r.mapInfo = optU32(s.mapInfo, `${what}.mapInfo`);
    r.format = optU32(s.format, `${what}.format`);
    r.componentMask = jsonU32(s.componentMask, `${what}.componentMask`);
    r.size = jsonU64(s.size, `${what}.size`);
    if (s.info2d !== null) {
      const i2 = jsonObject(s.info2d, `${what}.info2d`);
      const width = jsonU32(i2.width, `${what}.info2d.width`);
      const height = jsonU32(i2.height, `${what}.info2d.height`);
      let hostMem: Uint8Array | undefined;
      if (s.pixels !== null) {
        hostMem = section(s.pixels, `${what}.pixels`);
        if (hostMem.byteLength !== width * height * 4) snapshotFail(`${what}.pixels is not ${width}x${height}x4 bytes`);
        r.hostBytes = hostMem.byteLength;
      }
      r.info2d = { width, height, hostMem, scanoutStride: optU32(i2.scanoutStride, `${what}.info2d.scanoutStride`) };
    } else if (s.pixels !== null) {
      snapshotFail(`${what} has pixels but no 2D info`);
    }
    if (s.info3d !== null) {
      const i3 = jsonObject(s.info3d, `${what}.info3d`);
      const info3d: Resource3DInfo = {
        width: jsonU32(i3.width, `${what}.info3d.width`),
        height: jsonU32(i3.height, `${what}.info3d.height`),
        drmFourcc: jsonU32(i3.drmFourcc, `${what}.info3d.drmFourcc`),
        strides: quad(i3.strides, `${what}.info3d.strides`),
        offsets: quad(i3.offsets, `${what}.info3d.offsets`),
        modifier: jsonU64(i3.modifier, `${what}.info3d.modifier`),
      };
      r.info3d = info3d;
    }
    if (s.vulkanInfo !== null) {
      const vi = jsonObject(s.vulkanInfo, `${what}.vulkanInfo`);
      const vulkanInfo: VulkanInfo = {
        memoryIdx: jsonU32(vi.memoryIdx, `${what}.vulkanInfo.memoryIdx`),
        deviceUuid: uuid(vi.deviceUuid, `${what}.vulkanInfo.deviceUuid`),
        driverUuid: uuid(vi.driverUuid, `${what}.vulkanInfo.driverUuid`),
      };
      r.vulkanInfo = vulkanInfo;
    }
    // Snapshots written before the library kept sizes of its own carry them only in the 2D/3D info.
    r.width = s.width === undefined ? (r.info2d?.width ?? r.info3d?.width ?? 0) : jsonU32(s.width, `${what}.width`);
    r.height =
      s.height === undefined ? (r.info2d?.height ?? r.info3d?.height ?? 0) : jsonU32(s.height, `${what}.height`);
    if (version >= 2 && s.componentState !== null) {
      resourceStates.set(r.resourceId, section(s.componentState, `${what}.componentState`));
    }
    return r;
  });
  const seenContexts = new Set<number>();
  const contexts = jsonArray(header.contexts, "contexts").map((v, i) => {
    const s = jsonObject(v, `contexts[${i}]`);
    const ctxId = jsonU32(s.ctxId, `contexts[${i}].ctxId`);
    if (seenContexts.has(ctxId)) snapshotFail(`context ${ctxId} appears twice`);
    seenContexts.add(ctxId);
    return {
      ctxId,
      componentType: jsonU32(s.componentType, `contexts[${i}].componentType`) as RutabagaComponentType,
      state: section(s.state, `contexts[${i}].state`),
    };
  });
  return { defaultComponent, componentState, resources, resourceStates, contexts };
}
