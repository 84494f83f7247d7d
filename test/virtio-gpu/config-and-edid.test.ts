import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import {
  buildEdid,
  EDID_BLOCK_SIZE,
  GpuCommandType,
  GpuEvent,
  GpuFeature,
  GpuResponseType,
  VirtioGpuDevice,
} from "../../src/virtio-gpu/index.ts";
import { setup } from "./helpers.ts";

test("a 2D device offers EDID and RESOURCE_BLOB only; config reports scanouts and capsets", () => {
  const device = new VirtioGpuDevice({
    scanouts: [
      { width: 1024, height: 768 },
      { width: 640, height: 480 },
    ],
  });
  assert.equal(device.deviceFeatures(), (1n << GpuFeature.Edid) | (1n << GpuFeature.ResourceBlob));
  const config = new DataView(device.readConfig(0, 16).buffer);
  assert.deepEqual(
    [0, 4, 8, 12].map((o) => config.getUint32(o, true)),
    [0, 0, 2, device.rutabaga.getNumCapsets()],
  );
  assert.equal(device.readConfig(8, 4)[0], 2);
  assert.equal(device.readConfig(100, 4).length, 4);
});

test("hot-plug raises the display event until the driver clears it, and GET_DISPLAY_INFO follows", () => {
  let changes = 0;
  const { driver, device } = setup({ onConfigChange: () => changes++ });
  device.setScanoutConfig(0, { width: 1920, height: 1080 });
  assert.equal(changes, 1);
  assert.equal(device.readConfig(0, 1)[0]! & GpuEvent.Display, GpuEvent.Display);
  const info = driver.send({ type: GpuCommandType.GetDisplayInfo })!;
  assert.deepEqual(
    [32, 36].map((o) => info.view.getUint32(o, true)),
    [1920, 1080],
  );
  device.writeConfig(4, new Uint8Array([1, 0, 0, 0]));
  assert.equal(device.readConfig(0, 1)[0], 0);
  device.setScanoutConfig(0, { width: 1920, height: 1080, connected: false });
  assert.equal(driver.send({ type: GpuCommandType.GetDisplayInfo })!.view.getUint32(40, true), 0);
  assert.throws(() => device.setScanoutConfig(0, { width: 5000, height: 100 }), RangeError);
  assert.throws(() => device.setScanoutConfig(3, { width: 500, height: 100 }), RangeError);
});

test("EDID blocks have the header, a right checksum and the scanout size as the first detailed timing", () => {
  for (const [w, h] of [
    [1280, 800],
    [640, 480],
    [3840, 2160],
    [4095, 4095],
    [16, 16],
  ] as const) {
    const e = buildEdid({ width: w, height: h });
    assert.equal(e.length, EDID_BLOCK_SIZE);
    assert.deepEqual([...e.subarray(0, 8)], [0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
    assert.equal(e.reduce((a, b) => a + b, 0) % 256, 0);
    assert.equal(e[56]! | ((e[58]! >> 4) << 8), w);
    assert.equal(e[59]! | ((e[61]! >> 4) << 8), h);
    assert.ok((e[54]! | (e[55]! << 8)) > 0, "pixel clock");
  }
  assert.throws(() => buildEdid({ width: 4096, height: 100 }), RangeError);
});

test("edid-decode accepts our EDID and reads the preferred mode back", () => {
  const probe = spawnSync("edid-decode", ["--help"], { encoding: "utf8" });
  assert.ok(probe.error === undefined, "edid-decode is installed by scripts/deps.d/virtio-gpu.sh");
  const { driver } = setup({ scanouts: [{ width: 1280, height: 800 }] });
  const r = driver.send({ type: GpuCommandType.GetEdid, scanoutId: 0 })!;
  assert.equal(r.type, GpuResponseType.OkEdid);
  const size = r.view.getUint32(24, true);
  const edid = r.bytes.subarray(32, 32 + size);
  const out = spawnSync("edid-decode", ["--check"], { input: edid, encoding: "utf8" });
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /DTD 1:\s+1280x800/);
  assert.match(out.stdout, /Display Product Name: 'rutabaga-ts'/);
});
