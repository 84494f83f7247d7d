import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset, encodeVirglCaps, queryHostGlLimits } from "../../../src/components/virgl/caps/caps.ts";
import { packSamplePosition } from "../../../src/components/virgl/caps/sample-positions.ts";
import { GL } from "../../../src/components/virgl/host-gl/gl-constants.ts";
import { RecordingHostGl } from "../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { makeVirgl } from "./helpers.ts";

/** Sample `index` of an `n`-sample buffer as the guest's Mesa reads it from `sample_locations` (virgl_context.c). */
function guestPosition(caps: DataView, n: number, index: number): [number, number] {
  const word = n === 2 ? 0 : n === 4 ? 1 : (n === 8 ? 2 : 4) + (index >> 2);
  const shift = n <= 4 ? 8 * index : 8 * (index & 3);
  const bits = caps.getUint32(CapsOffset.sampleLocations + word * 4, true) >>> shift;
  return [((bits >> 4) & 0xf) / 16, (bits & 0xf) / 16];
}

test("a sample position packs as x in the high nibble, y in the low one, in sixteenths clamped to 15", () => {
  assert.equal(packSamplePosition(0.375, 0.125), 0x62);
  assert.equal(packSamplePosition(0.9999, 0), 0xf0);
  assert.equal(packSamplePosition(0, 1), 0x0f);
});

test("the caps carry each sample count's positions up to the host's maximum, in the words Mesa reads", () => {
  const gl = new RecordingHostGl({ ints: new Map([[GL.MAX_SAMPLES, 8]]) });
  const caps = encodeVirglCaps(queryHostGlLimits(gl), 2, 0);
  const v = new DataView(caps.buffer);
  const words = Array.from({ length: 8 }, (_, i) => v.getUint32(CapsOffset.sampleLocations + i * 4, true));
  // The recording host puts every sample at the centre (0x88); 16 samples are beyond its maximum.
  assert.deepEqual(words, [0x8888, 0x88888888, 0x88888888, 0x88888888, 0, 0, 0, 0]);
  const probes = gl.calls.filter((c) => c.name === "getSamplePosition").length;
  assert.equal(probes, 2 + 4 + 8);
});

test("this host's 4-sample positions reach the guest: four distinct positions inside the pixel", () => {
  const { rutabaga } = makeVirgl();
  try {
    const v = new DataView(rutabaga.getCapset(2, 2).buffer);
    const positions = [0, 1, 2, 3].map((i) => guestPosition(v, 4, i));
    assert.equal(new Set(positions.map((p) => p.join())).size, 4, JSON.stringify(positions));
    for (const [x, y] of positions) assert.ok(x > 0 && x < 1 && y > 0 && y < 1);
  } finally {
    rutabaga.destroy();
  }
});
