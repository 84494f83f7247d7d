// The bytes of a read-back's box, packed row after row: what a vtest client read with TRANSFER_GET2, taken from its
// shared memory (recording) or from a replay's guest memory (the replay test), laid out by the same rule as the
// virgl component's transfers (a stride of 0 is the level's row pitch). Shared by scripts/record-vtest-trace.ts
// and test/node/vtest/vtest-fixture-trace.test.ts, with the fixture's file format.
import { VIRGL_FORMATS } from "../../../src/components/virgl/resources/formats.ts";
import type { Transfer3D } from "../../../src/rutabaga/types.ts";

/** The box `t` of a `width`×`height` resource of virgl format `format`, read through `read(offset, length)`. */
export function packBox(
  read: (offset: number, length: number) => Uint8Array,
  t: Transfer3D,
  width: number,
  height: number,
  format: number,
): Uint8Array {
  const f = VIRGL_FORMATS.get(format);
  const [bw, bh, bb] = f === undefined ? [1, 1, 1] : [f.blockWidth, f.blockHeight, f.blockBytes];
  const rowBytes = Math.ceil(t.w / bw) * bb;
  const rows = Math.ceil(t.h / bh);
  const stride = t.stride !== 0 ? t.stride : Math.ceil(Math.max(1, width >> t.level) / bw) * bb;
  const layerStride = t.layerStride !== 0 ? t.layerStride : stride * Math.ceil(Math.max(1, height >> t.level) / bh);
  const out = new Uint8Array(rowBytes * rows * t.d);
  for (let z = 0; z < t.d; z++) {
    for (let y = 0; y < rows; y++) {
      out.set(read(t.offset + z * layerStride + y * stride, rowBytes), (z * rows + y) * rowBytes);
    }
  }
  return out;
}

/** Read-backs in order as one file: per read-back u32 resource id, u32 length, the packed bytes. */
export function encodeReadBacks(list: readonly { resourceId: number; bytes: Uint8Array }[]): Uint8Array {
  const out = new Uint8Array(list.reduce((n, r) => n + 8 + r.bytes.length, 0));
  const v = new DataView(out.buffer);
  let at = 0;
  for (const r of list) {
    v.setUint32(at, r.resourceId, true);
    v.setUint32(at + 4, r.bytes.length, true);
    out.set(r.bytes, at + 8);
    at += 8 + r.bytes.length;
  }
  return out;
}

/** The list {@link encodeReadBacks} wrote. */
export function decodeReadBacks(bytes: Uint8Array): { resourceId: number; bytes: Uint8Array }[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { resourceId: number; bytes: Uint8Array }[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = v.getUint32(at + 4, true);
    out.push({ resourceId: v.getUint32(at, true), bytes: bytes.subarray(at + 8, at + 8 + length) });
    at += 8 + length;
  }
  return out;
}
