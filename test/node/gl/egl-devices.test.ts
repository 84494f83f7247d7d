import assert from "node:assert/strict";
import { test } from "node:test";
import { GL } from "../../../src/components/virgl/host-gl/gl-constants.ts";
import { eglDevices } from "../../../src/node/gl/egl-display.ts";
import { EglHostGl } from "../../../src/node/gl/egl-host-gl.ts";
import { RutabagaError } from "../../../src/rutabaga/error.ts";

/** A buffer written and read back on `gl`: the context really runs GL commands. */
function roundTrip(gl: EglHostGl, seed: number): void {
  const b = gl.createBuffer(64);
  const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + seed) & 0xff);
  gl.bufferSubData(b, 0, data);
  const out = new Uint8Array(64);
  gl.getBufferSubData(b, 0, out);
  gl.deleteBuffer(b);
  assert.deepEqual(out, data);
}

test("the EGL devices are listed, and a display opened on one renders beside the surfaceless one", () => {
  const devices = eglDevices();
  assert.ok(devices.length >= 1, "this host's libEGL enumerates at least Mesa's software device");
  // Here the one device is Mesa's software rasterizer, which has no render node: it is chosen by index.
  const software = devices.find((d) => d.extensions.includes("EGL_MESA_device_software")) ?? devices[0]!;
  const onDevice = new EglHostGl({ device: { index: software.index } });
  const surfaceless = new EglHostGl();
  try {
    assert.ok(onDevice.glVersion >= 33);
    onDevice.ensureCurrent();
    assert.match(onDevice.getString(GL.RENDERER), /\S/);
    roundTrip(onDevice, 1);
    surfaceless.ensureCurrent();
    roundTrip(surfaceless, 2);
  } finally {
    onDevice.destroy();
  }
  // The device display's last user terminated it; the surfaceless display, another display, still works.
  surfaceless.ensureCurrent();
  roundTrip(surfaceless, 3);
  surfaceless.destroy();
});

test("a render node no device has is InvalidRutabagaBuild naming the devices there are", () => {
  assert.throws(
    () => new EglHostGl({ device: { renderNode: "/dev/dri/renderD9999" } }),
    (e: unknown) =>
      e instanceof RutabagaError &&
      e.code === "InvalidRutabagaBuild" &&
      /renderD9999/.test(e.message) &&
      /\n {2}0: /.test(e.message),
  );
  assert.throws(() => new EglHostGl({ device: { index: 10_000 } }), RutabagaError);
});
