// Requests an unmodified Linux 6.1 guest sent (recorded by scripts/capture-virtio-gpu-fixtures.ts into
// test/fixtures/virtio-gpu/). Sizes, type values and field offsets below are typed from Linux's
// include/uapi/linux/virtio_gpu.h, not taken from our protocol tables.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decodeCommand, decodeHeader, encodeRequest, type GpuCommand } from "../../src/virtio-gpu/index.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/virtio-gpu/${name}.bin`, import.meta.url)));
const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u64 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

/** Decodes a captured request, checks its type, and checks our encoder writes the same bytes back. */
function roundTrip(bytes: Uint8Array, type: number): GpuCommand {
  assert.equal(u32(bytes, 0), type, "virtio_gpu_ctrl_hdr.type");
  const decoded = decodeCommand(bytes, new DataView(bytes.buffer, bytes.byteOffset), bytes.length);
  assert.ok(decoded.ok, `decodes (${decoded.ok ? "" : decoded.why})`);
  const { type: _t, ...hdr } = decodeHeader(new DataView(bytes.buffer, bytes.byteOffset));
  assert.deepEqual(encodeRequest(decoded.command, hdr), bytes, "our encoder lays it out as Linux did");
  return decoded.command;
}

test("Linux's GET_DISPLAY_INFO and GET_EDID decode and re-encode byte for byte", () => {
  const info = fixture("get-display-info");
  assert.equal(info.length, 24, "sizeof(struct virtio_gpu_ctrl_hdr)");
  roundTrip(info, 0x0100);
  const edid = fixture("get-edid");
  assert.equal(edid.length, 32, "sizeof(struct virtio_gpu_cmd_get_edid)");
  const c = roundTrip(edid, 0x010a);
  assert.deepEqual(c, { type: 0x010a, scanoutId: u32(edid, 24) });
});

test("Linux's RESOURCE_CREATE_2D, ATTACH_BACKING and SET_SCANOUT for its framebuffer", () => {
  const create = fixture("resource-create-2d");
  assert.equal(create.length, 40, "sizeof(struct virtio_gpu_resource_create_2d)");
  const c = roundTrip(create, 0x0101);
  assert.deepEqual(c, {
    type: 0x0101,
    resourceId: u32(create, 24),
    format: u32(create, 28),
    width: u32(create, 32),
    height: u32(create, 36),
  });
  assert.deepEqual([u32(create, 32), u32(create, 36)], [1280, 800], "the framebuffer is the display's size");
  assert.equal(u32(create, 28), 2, "VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM");

  const attach = fixture("resource-attach-backing");
  const nrEntries = u32(attach, 28);
  assert.equal(attach.length, 32 + nrEntries * 16, "virtio_gpu_resource_attach_backing + nr_entries mem_entry");
  const a = roundTrip(attach, 0x0106);
  assert.ok(a.type === 0x0106);
  assert.equal(a.resourceId, u32(attach, 24));
  assert.equal(a.entries.length, nrEntries);
  assert.deepEqual(a.entries[1], { addr: u64(attach, 32 + 16), length: u32(attach, 32 + 16 + 8) });
  assert.equal(
    a.entries.reduce((n, e) => n + e.length, 0),
    1280 * 800 * 4,
    "the backing covers the framebuffer",
  );

  const scanout = fixture("set-scanout");
  assert.equal(scanout.length, 48, "sizeof(struct virtio_gpu_set_scanout)");
  const s = roundTrip(scanout, 0x0103);
  assert.deepEqual(s, {
    type: 0x0103,
    rect: { x: u32(scanout, 24), y: u32(scanout, 28), w: u32(scanout, 32), h: u32(scanout, 36) },
    scanoutId: u32(scanout, 40),
    resourceId: u32(scanout, 44),
  });
});

test("Linux's TRANSFER_TO_HOST_2D and RESOURCE_FLUSH", () => {
  const transfer = fixture("transfer-to-host-2d");
  assert.equal(transfer.length, 56, "sizeof(struct virtio_gpu_transfer_to_host_2d)");
  const t = roundTrip(transfer, 0x0105);
  assert.deepEqual(t, {
    type: 0x0105,
    rect: { x: u32(transfer, 24), y: u32(transfer, 28), w: u32(transfer, 32), h: u32(transfer, 36) },
    offset: u64(transfer, 40),
    resourceId: u32(transfer, 48),
  });
  const flush = fixture("resource-flush");
  assert.equal(flush.length, 48, "sizeof(struct virtio_gpu_resource_flush)");
  const f = roundTrip(flush, 0x0104);
  assert.deepEqual(f, {
    type: 0x0104,
    rect: { x: u32(flush, 24), y: u32(flush, 28), w: u32(flush, 32), h: u32(flush, 36) },
    resourceId: u32(flush, 40),
  });
});

test("Linux's UPDATE_CURSOR and MOVE_CURSOR (cursor queue)", () => {
  for (const [name, type, x, y] of [
    ["update-cursor", 0x0300, 0, 0],
    ["move-cursor", 0x0301, 100, 50],
  ] as const) {
    const bytes = fixture(name);
    assert.equal(bytes.length, 56, `sizeof(struct virtio_gpu_update_cursor) for ${name}`);
    const c = roundTrip(bytes, type);
    assert.deepEqual(c, {
      type,
      scanoutId: u32(bytes, 24),
      x: u32(bytes, 28),
      y: u32(bytes, 32),
      resourceId: u32(bytes, 40),
      hotX: u32(bytes, 44),
      hotY: u32(bytes, 48),
    });
    // test/e2e/qemu/cursor-client.c sets the cursor at (0, 0), then moves it to (100, 50).
    assert.deepEqual([u32(bytes, 28), u32(bytes, 32)], [x, y]);
    assert.notEqual(u32(bytes, 40), 0, "the cursor shows a resource");
  }
});
