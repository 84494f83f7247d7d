// Golden tests of the vhost-user-gpu display payloads: QEMU 10.0.2's real replies (test/fixtures/vhost-user/,
// recorded from the e2e test in test/e2e/qemu/), and structs typed from QEMU's contrib/vhost-user-gpu/vugpu.h and
// docs/interop/vhost-user-gpu.rst field by field, in declaration order.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decodeU64, VhostUserRefusal } from "../../../src/node/vhost-user/codec.ts";
import {
  decodeCursorPos,
  decodeCursorUpdate,
  decodeDisplayInfo,
  decodeScanout,
  decodeUpdate,
  encodeCursorPos,
  encodeCursorUpdate,
  encodeDisplayInfo,
  encodeScanout,
  writeUpdateRect,
} from "../../../src/node/vhost-user/display-codec.ts";

/** Little-endian u32 fields, in the order a C struct declares them. */
const le32 = (...fields: number[]) => new Uint8Array(Uint32Array.from(fields).buffer);
/** `sizeof(struct virtio_gpu_resp_display_info)` (virtio spec 5.7.6.8). */
const RESP_DISPLAY_INFO_SIZE = 408;
/** `VHOST_USER_GPU_PROTOCOL_F_EDID` (bit 0) and `_DMABUF2` (bit 1): what QEMU 10 offers. */
const QEMU10_DISPLAY_FEATURES = 0b11n;

function ok<T>(value: T | VhostUserRefusal): T {
  if (value instanceof VhostUserRefusal) assert.fail(value.reason);
  return value;
}

test("QEMU 10's display replies decode to its features and its one 1280×800 output, and re-encode to the same bytes", () => {
  const bytes = new Uint8Array(
    readFileSync(new URL("../../fixtures/vhost-user/qemu10-display-replies.bin", import.meta.url)),
  );
  const v = new DataView(bytes.buffer);
  // Two replies: GET_PROTOCOL_FEATURES (u64), then GET_DISPLAY_INFO.
  const featuresSize = v.getUint32(8, true);
  const features = bytes.subarray(12, 12 + featuresSize);
  const infoAt = 12 + featuresSize;
  assert.equal(v.getUint32(infoAt, true), 3, "GET_DISPLAY_INFO");
  const info = bytes.subarray(infoAt + 12, infoAt + 12 + v.getUint32(infoAt + 8, true));
  assert.equal(info.length, RESP_DISPLAY_INFO_SIZE);
  assert.equal(ok(decodeU64(features)), QEMU10_DISPLAY_FEATURES);
  const modes = ok(decodeDisplayInfo(info));
  assert.deepEqual(modes[0], { width: 1280, height: 800, enabled: true });
  assert.ok(modes.slice(1).every((m) => !m.enabled && m.width === 0));
  assert.deepEqual(encodeDisplayInfo(modes.filter((m) => m.enabled)), info);
  assert.ok(decodeDisplayInfo(info.subarray(0, RESP_DISPLAY_INFO_SIZE - 1)) instanceof VhostUserRefusal);
});

test("SCANOUT, CURSOR_POS, CURSOR_UPDATE and UPDATE have the layouts of QEMU's vhost-user-gpu structs", () => {
  // VhostUserGpuScanout {scanout_id, width, height}
  const scanout = le32(1, 640, 480);
  assert.deepEqual(encodeScanout({ scanoutId: 1, width: 640, height: 480 }), scanout);
  assert.deepEqual(ok(decodeScanout(scanout)), { scanoutId: 1, width: 640, height: 480 });
  // VhostUserGpuCursorPos {scanout_id, x, y}
  const pos = le32(2, 30, 40);
  assert.deepEqual(encodeCursorPos({ scanoutId: 2, x: 30, y: 40 }), pos);
  assert.deepEqual(ok(decodeCursorPos(pos)), { scanoutId: 2, x: 30, y: 40 });
  // VhostUserGpuCursorUpdate {pos, hot_x, hot_y, data[64 * 64]}: 16404 bytes.
  const image = new Uint8Array(64 * 64 * 4).map((_, i) => i & 0xff);
  const cursor = encodeCursorUpdate({ scanoutId: 2, x: 30, y: 40, hotX: 5, hotY: 6, image });
  assert.equal(cursor.length, 16404);
  assert.deepEqual(cursor.subarray(0, 20), le32(2, 30, 40, 5, 6));
  assert.deepEqual(cursor.subarray(20), image);
  assert.deepEqual(ok(decodeCursorUpdate(cursor)), { scanoutId: 2, x: 30, y: 40, hotX: 5, hotY: 6, image });
  // VhostUserGpuUpdate {scanout_id, x, y, width, height, data[]}
  const update = new Uint8Array(20 + 2 * 1 * 4);
  writeUpdateRect(new DataView(update.buffer), 0, { scanoutId: 0, x: 7, y: 8, width: 2, height: 1 });
  assert.deepEqual(update.subarray(0, 20), le32(0, 7, 8, 2, 1));
  update.set([1, 2, 3, 4, 5, 6, 7, 8], 20);
  assert.deepEqual(ok(decodeUpdate(update)), {
    scanoutId: 0,
    x: 7,
    y: 8,
    width: 2,
    height: 1,
    pixels: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
  });
  assert.ok(decodeUpdate(update.subarray(0, 27)) instanceof VhostUserRefusal, "pixels short of the rectangle");
});
