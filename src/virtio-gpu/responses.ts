import { ReusableBuffer } from "../rutabaga/reusable-buffer.ts";
import type { CtrlHeader, GpuRect } from "./commands.ts";
import { EDID_BLOB_SIZE, GpuFlags, GpuLayout, GpuResponseType, MAX_SCANOUTS } from "./protocol.ts";

/**
 * Writes responses into one reusable buffer. A fenced request's fence fields are echoed (§5.7.6.7: the device
 * copies flags, fence_id, ctx_id and ring_idx); any other response carries zeros there.
 */
export class ResponseEncoder {
  readonly #buffer = new ReusableBuffer(GpuLayout.RespEdid.size);

  /** The encoded response, valid until the next call. */
  get bytes(): Uint8Array {
    return this.#buffer.bytes;
  }

  /** The type (`VIRTIO_GPU_RESP_*`) of the encoded response. */
  get responseType(): number {
    return this.#buffer.view.getUint32(GpuLayout.CtrlHdr.type, true);
  }

  #reserve(size: number): DataView {
    this.#buffer.reserve(size).fill(0, 0, size);
    return this.#buffer.view;
  }

  #header(type: number, req: CtrlHeader | undefined, size: number): DataView {
    const v = this.#reserve(size);
    const H = GpuLayout.CtrlHdr;
    v.setUint32(H.type, type, true);
    if (req !== undefined && (req.flags & GpuFlags.Fence) !== 0) {
      v.setUint32(H.flags, req.flags & (GpuFlags.Fence | GpuFlags.InfoRingIdx), true);
      v.setBigUint64(H.fenceId, req.fenceId, true);
      v.setUint32(H.ctxId, req.ctxId, true);
      v.setUint8(H.ringIdx, req.ringIdx);
    }
    return v;
  }

  /** A header-only response (`OK_NODATA` or any `ERR_*`); returns its length. */
  plain(type: number, req: CtrlHeader | undefined): number {
    this.#header(type, req, GpuLayout.CtrlHdr.size);
    return GpuLayout.CtrlHdr.size;
  }

  /** `RESP_OK_DISPLAY_INFO`: one entry per scanout slot, unused slots zero. */
  displayInfo(req: CtrlHeader, modes: readonly { rect: GpuRect; enabled: boolean }[]): number {
    const F = GpuLayout.RespDisplayInfo;
    const D = GpuLayout.DisplayOne;
    const v = this.#header(GpuResponseType.OkDisplayInfo, req, F.size);
    for (let i = 0; i < Math.min(modes.length, MAX_SCANOUTS); i++) {
      const m = modes[i]!;
      const at = F.pmodes + i * D.size;
      v.setUint32(at + D.rect + GpuLayout.Rect.x, m.rect.x, true);
      v.setUint32(at + D.rect + GpuLayout.Rect.y, m.rect.y, true);
      v.setUint32(at + D.rect + GpuLayout.Rect.width, m.rect.w, true);
      v.setUint32(at + D.rect + GpuLayout.Rect.height, m.rect.h, true);
      v.setUint32(at + D.enabled, m.enabled ? 1 : 0, true);
    }
    return F.size;
  }

  /** `RESP_OK_CAPSET_INFO`. */
  capsetInfo(req: CtrlHeader, capsetId: number, maxVersion: number, maxSize: number): number {
    const F = GpuLayout.RespCapsetInfo;
    const v = this.#header(GpuResponseType.OkCapsetInfo, req, F.size);
    v.setUint32(F.capsetId, capsetId, true);
    v.setUint32(F.capsetMaxVersion, maxVersion, true);
    v.setUint32(F.capsetMaxSize, maxSize, true);
    return F.size;
  }

  /** `RESP_OK_CAPSET`: the header then the capset's bytes. */
  capset(req: CtrlHeader, data: Uint8Array): number {
    const F = GpuLayout.RespCapset;
    this.#header(GpuResponseType.OkCapset, req, F.size + data.length);
    this.#buffer.bytes.set(data, F.capsetData);
    return F.size + data.length;
  }

  /** `RESP_OK_EDID` with a blob of at most {@link EDID_BLOB_SIZE} bytes (longer ones are cut). */
  edid(req: CtrlHeader, edid: Uint8Array): number {
    const F = GpuLayout.RespEdid;
    const v = this.#header(GpuResponseType.OkEdid, req, F.size);
    const blob = edid.length > EDID_BLOB_SIZE ? edid.subarray(0, EDID_BLOB_SIZE) : edid;
    v.setUint32(F.edidSize, blob.length, true);
    this.#buffer.bytes.set(blob, F.edid);
    return F.size;
  }

  /** `RESP_OK_RESOURCE_UUID`. */
  uuid(req: CtrlHeader, uuid: Uint8Array): number {
    const F = GpuLayout.RespResourceUuid;
    this.#header(GpuResponseType.OkResourceUuid, req, F.size);
    this.#buffer.bytes.set(uuid, F.uuid);
    return F.size;
  }

  /** `RESP_OK_MAP_INFO`. */
  mapInfo(req: CtrlHeader, mapInfo: number): number {
    const F = GpuLayout.RespMapInfo;
    const v = this.#header(GpuResponseType.OkMapInfo, req, F.size);
    v.setUint32(F.mapInfo, mapInfo, true);
    return F.size;
  }
}
