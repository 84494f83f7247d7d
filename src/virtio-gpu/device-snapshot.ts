import { crc32 } from "../rutabaga/crc32.ts";
import { type Json, jsonArray, jsonObject, jsonU32, jsonU64, snapshotFail } from "../rutabaga/snapshot-json.ts";
import { MAX_MEM_ENTRIES } from "./codec.ts";
import type { DeviceDispatchState } from "./command-dispatch.ts";
import type { MemEntry } from "./commands.ts";
import type { ScanoutConfig } from "./display-model.ts";

/**
 * Device snapshot layout, all little-endian: `"RTBDEVIC"` (8) · u32 version · u32 header length H · H bytes of UTF-8
 * JSON (features, scanout modes, pending config events, backings with guest addresses, display requests as hex) ·
 * u32 length L · L bytes of the library's snapshot (its own format) · u32 CRC-32 of all bytes before it.
 */
const MAGIC = new TextEncoder().encode("RTBDEVIC");
/** The device snapshot version this build writes and reads. */
export const DEVICE_SNAPSHOT_VERSION = 1;
/** Largest JSON header a device snapshot may hold. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
/** Most display requests (one per scanout and the cursor). */
const MAX_REQUESTS = 17;

/** What a device snapshot holds. */
export interface DeviceSnapshot {
  readonly driverFeatures: bigint;
  readonly scanouts: readonly ScanoutConfig[];
  readonly eventsRead: number;
  readonly dispatch: DeviceDispatchState;
  readonly library: Uint8Array;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Encodes a device snapshot. */
export function encodeDeviceSnapshot(s: DeviceSnapshot): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      driverFeatures: `${s.driverFeatures}`,
      scanouts: s.scanouts.map((c) => ({ width: c.width, height: c.height, connected: c.connected !== false })),
      eventsRead: s.eventsRead,
      backings: s.dispatch.backings.map((b) => ({
        resourceId: b.resourceId,
        entries: b.entries.map((e) => [`${e.addr}`, e.length]),
      })),
      requests: s.dispatch.requests.map(hex),
    }),
  );
  const out = new Uint8Array(16 + header.length + 4 + s.library.length + 4);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint32(8, DEVICE_SNAPSHOT_VERSION, true);
  v.setUint32(12, header.length, true);
  out.set(header, 16);
  v.setUint32(16 + header.length, s.library.length, true);
  out.set(s.library, 20 + header.length);
  v.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function bytesOfHex(v: Json, what: string): Uint8Array {
  if (typeof v !== "string" || v.length % 2 !== 0 || v.length > 1024 || !/^[0-9a-f]*$/.test(v)) {
    snapshotFail(`${what} is not a request in hex`);
  }
  return Uint8Array.from({ length: v.length / 2 }, (_, i) => Number.parseInt(v.slice(2 * i, 2 * i + 2), 16));
}

/** Decodes and checks a device snapshot (the library's bytes are checked by the library's restore). */
export function decodeDeviceSnapshot(bytes: Uint8Array): DeviceSnapshot {
  if (!(bytes instanceof Uint8Array) || bytes.length < 24) snapshotFail("device snapshot is truncated");
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) snapshotFail("not a rutabaga-ts device snapshot");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint32(8, true);
  if (version !== DEVICE_SNAPSHOT_VERSION) {
    snapshotFail(`device snapshot version ${version}, this build reads ${DEVICE_SNAPSHOT_VERSION}`);
  }
  const headerLength = v.getUint32(12, true);
  if (headerLength > MAX_HEADER_BYTES || 16 + headerLength + 8 > bytes.length)
    snapshotFail("device snapshot is truncated");
  const libraryLength = v.getUint32(16 + headerLength, true);
  if (20 + headerLength + libraryLength + 4 !== bytes.length) snapshotFail("device snapshot sizes do not add up");
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== v.getUint32(bytes.length - 4, true)) {
    snapshotFail("checksum mismatch: the device snapshot is corrupt");
  }
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)));
  } catch {
    return snapshotFail("device snapshot header is not JSON");
  }
  const h = jsonObject(json, "header");
  const scanouts = jsonArray(h.scanouts, "scanouts", 16).map((c, i) => {
    const o = jsonObject(c, `scanouts[${i}]`);
    if (typeof o.connected !== "boolean") snapshotFail(`scanouts[${i}].connected is not a boolean`);
    return {
      width: jsonU32(o.width, `scanouts[${i}].width`),
      height: jsonU32(o.height, `scanouts[${i}].height`),
      connected: o.connected,
    };
  });
  const backings = jsonArray(h.backings, "backings", 1 << 20).map((b, i) => {
    const o = jsonObject(b, `backings[${i}]`);
    const entries = jsonArray(o.entries, `backings[${i}].entries`, MAX_MEM_ENTRIES).map((e, k): MemEntry => {
      const pair = jsonArray(e, `backings[${i}].entries[${k}]`, 2);
      return { addr: jsonU64(pair[0], "entry address"), length: jsonU32(pair[1], "entry length") };
    });
    return { resourceId: jsonU32(o.resourceId, `backings[${i}].resourceId`), entries };
  });
  const requests = jsonArray(h.requests, "requests", MAX_REQUESTS).map((r, i) => bytesOfHex(r, `requests[${i}]`));
  return {
    driverFeatures: jsonU64(h.driverFeatures, "driverFeatures"),
    scanouts,
    eventsRead: jsonU32(h.eventsRead, "eventsRead"),
    dispatch: { backings, requests },
    library: bytes.slice(20 + headerLength, 20 + headerLength + libraryLength),
  };
}
