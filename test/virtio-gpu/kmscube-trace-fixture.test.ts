// The kmscube guest session recorded from the 3D e2e (scripts/record-kmscube-trace.ts: QEMU 10, Debian's Mesa,
// `kmscube -M rgba -c 30` on `vhost-user-gpu --virgl --trace`, QEMU killed while the last frame was held) replays
// headless on this host's GL to exactly the screendump QEMU took of the live session. Pixel-exact holds on llvmpipe,
// where it was recorded.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { decodePng } from "../../src/node/display/png.ts";
import { replayTraceOnHost } from "../../src/node/gl/trace-replay.ts";
import { decodeTrace, FramebufferSink, GpuFeature, TRACE_VERSION } from "../../src/virtio-gpu/index.ts";
import { assertFrame } from "./helpers.ts";

const fixture = (name: string) => new URL(`../fixtures/virtio-gpu/${name}`, import.meta.url);

test("the kmscube guest trace replays to the live session's screendump, pixel-exactly", async () => {
  const gz = readFileSync(fixture("kmscube-virgl.trace.gz"));
  assert.ok(gz.length <= 2 * 1024 * 1024, "the fixture stays within 2 MiB");
  const trace = new Uint8Array(gunzipSync(gz));
  const { header } = decodeTrace(trace);
  assert.equal(new DataView(trace.buffer).getUint32(8, true), TRACE_VERSION);
  assert.notEqual((header.features ?? 0n) & (1n << GpuFeature.Virgl), 0n, "recorded on a virgl device");
  assert.ok(
    (header.capsets ?? []).some((c) => c.capsetId === 2),
    "the guest read capset VIRGL2",
  );

  const png = decodePng(readFileSync(fixture("kmscube-virgl-screendump.png")));
  const expected = new Uint8Array(png.width * png.height * 4);
  for (let i = 0; i < expected.length; i += 4) {
    expected[i] = png.rgba[i + 2]!;
    expected[i + 1] = png.rgba[i + 1]!;
    expected[i + 2] = png.rgba[i]!;
    expected[i + 3] = 0xff;
  }
  const sink = new FramebufferSink();
  const result = await replayTraceOnHost(trace, sink);
  try {
    assert.equal(result.virgl, true);
    assert.deepEqual([...result.errors], [], "no request failed");
    const fb = sink.framebuffers[0]!;
    assert.deepEqual([fb.width, fb.height], [png.width, png.height]);
    const actual = fb.pixels.slice();
    // The sink keeps X as the guest left it; the screendump's PNG has no alpha.
    for (let i = 3; i < actual.length; i += 4) actual[i] = 0xff;
    assertFrame("kmscube-trace-fixture", png.width, png.height, expected, actual);
  } finally {
    result.device.destroy();
  }
});
