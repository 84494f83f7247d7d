import type { CtrlHeader, GpuRect } from "./commands.ts";
import { GpuFlags, GpuResponseType, MAX_SCANOUTS, GpuWireSize as S } from "./protocol.ts";

/**
 * Writes responses into one reusable buffer. A fenced request's fence fields are echoed (§5.7.6.7: the device
 * copies flags, fence_id, ctx_id and ring_idx); any other response carries zeros there.
 */
export class ResponseEncoder {
  #bytes = new Uint8Array(S.RespEdid);
  #view = new DataView(this.#bytes.buffer);

  /** The encoded response, valid until the next call. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  #reserve(size: number): DataView {
    if (this.#bytes.length < size) {
      this.#bytes = new Uint8Array(size);
      this.#view = new DataView(this.#bytes.buffer);
    } else {
      this.#bytes.fill(0, 0, size);
    }
    return this.#view;
  }

  #header(type: number, req: CtrlHeader | undefined, size: number): DataView {
    const v = this.#reserve(size);
    v.setUint32(0, type, true);
    if (req !== undefined && (req.flags & GpuFlags.Fence) !== 0) {
      v.setUint32(4, req.flags & (GpuFlags.Fence | GpuFlags.InfoRingIdx), true);
      v.setBigUint64(8, req.fenceId, true);
      v.setUint32(16, req.ctxId, true);
      v.setUint8(20, req.ringIdx);
    }
    return v;
  }

  /** A header-only response (`OK_NODATA` or any `ERR_*`); returns its length. */
  plain(type: number, req: CtrlHeader | undefined): number {
    this.#header(type, req, S.CtrlHdr);
    return S.CtrlHdr;
  }

  /** `RESP_OK_DISPLAY_INFO`: one entry per scanout slot, unused slots zero. */
  displayInfo(req: CtrlHeader, modes: readonly { rect: GpuRect; enabled: boolean }[]): number {
    const v = this.#header(GpuResponseType.OkDisplayInfo, req, S.RespDisplayInfo);
    for (let i = 0; i < Math.min(modes.length, MAX_SCANOUTS); i++) {
      const m = modes[i]!;
      const at = S.CtrlHdr + i * S.DisplayOne;
      v.setUint32(at, m.rect.x, true);
      v.setUint32(at + 4, m.rect.y, true);
      v.setUint32(at + 8, m.rect.width, true);
      v.setUint32(at + 12, m.rect.height, true);
      v.setUint32(at + 16, m.enabled ? 1 : 0, true);
    }
    return S.RespDisplayInfo;
  }

  /** `RESP_OK_CAPSET_INFO`. */
  capsetInfo(req: CtrlHeader, capsetId: number, maxVersion: number, maxSize: number): number {
    const v = this.#header(GpuResponseType.OkCapsetInfo, req, S.RespCapsetInfo);
    v.setUint32(24, capsetId, true);
    v.setUint32(28, maxVersion, true);
    v.setUint32(32, maxSize, true);
    return S.RespCapsetInfo;
  }

  /** `RESP_OK_CAPSET`: the header then the capset's bytes. */
  capset(req: CtrlHeader, data: Uint8Array): number {
    this.#header(GpuResponseType.OkCapset, req, S.RespCapset + data.length);
    this.#bytes.set(data, S.RespCapset);
    return S.RespCapset + data.length;
  }

  /** `RESP_OK_EDID` with a blob of at most 1024 bytes. */
  edid(req: CtrlHeader, edid: Uint8Array): number {
    const v = this.#header(GpuResponseType.OkEdid, req, S.RespEdid);
    v.setUint32(24, edid.length, true);
    this.#bytes.set(edid, 32);
    return S.RespEdid;
  }

  /** `RESP_OK_RESOURCE_UUID`. */
  uuid(req: CtrlHeader, uuid: Uint8Array): number {
    this.#header(GpuResponseType.OkResourceUuid, req, S.RespResourceUuid);
    this.#bytes.set(uuid, 24);
    return S.RespResourceUuid;
  }

  /** `RESP_OK_MAP_INFO`. */
  mapInfo(req: CtrlHeader, mapInfo: number): number {
    const v = this.#header(GpuResponseType.OkMapInfo, req, S.RespMapInfo);
    v.setUint32(24, mapInfo, true);
    return S.RespMapInfo;
  }
}
