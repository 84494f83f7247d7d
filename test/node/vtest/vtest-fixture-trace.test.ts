// Traces of real vtest clients (piglit through Mesa 22.3's virpipe driver: textures and mipmaps, uniform buffers,
// occlusion queries, stream output), recorded by scripts/record-vtest-trace.ts, replay on a new virgl library to the
// very bytes each client read back live (piglit passed on them). Mismatches go to test-output/vtest-fixture-NAME/.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { replayTraceOnHost } from "../../../src/node/gl/trace-replay.ts";
import { decodeTrace, FramebufferSink, GpuFeature } from "../../../src/virtio-gpu/index.ts";
import { decodeReadBacks, packBox } from "./readback-box.ts";

const fixture = (name: string) =>
  new Uint8Array(gunzipSync(readFileSync(new URL(`../../fixtures/vtest/${name}`, import.meta.url))));

for (const [name, readBacks] of [
  ["textures", 32],
  ["ubo", 4],
  ["queries", 0],
  ["stream-output", 4],
] as const) {
  test(`the piglit ${name} client's vtest trace replays to what it read back`, async () => {
    const trace = fixture(`piglit-${name}.trace.gz`);
    const { header } = decodeTrace(trace);
    assert.notEqual((header.features ?? 0n) & (1n << GpuFeature.Virgl), 0n);
    const live = decodeReadBacks(fixture(`piglit-${name}.readbacks.gz`));
    assert.equal(live.length, readBacks);
    const got: { resourceId: number; bytes: Uint8Array }[] = [];
    const result = await replayTraceOnHost(trace, new FramebufferSink(), {
      onReadBack: (r) => {
        const read = (offset: number, length: number) => r.read(offset, length) ?? new Uint8Array(length);
        got.push({ resourceId: r.resourceId, bytes: packBox(read, r.transfer, r.width, r.height, r.format) });
      },
    });
    try {
      assert.deepEqual([...result.errors], [], "no request failed");
      assert.ok(result.requests > 20);
      assert.equal(got.length, live.length);
      const differ = live.findIndex(
        (l, i) => l.resourceId !== got[i]!.resourceId || !Buffer.from(l.bytes).equals(Buffer.from(got[i]!.bytes)),
      );
      if (differ >= 0) {
        const dir = join("test-output", `vtest-fixture-${name}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `readback-${differ}-expected.bin`), live[differ]!.bytes);
        writeFileSync(join(dir, `readback-${differ}-actual.bin`), got[differ]!.bytes);
        assert.fail(`read-back ${differ} differs; both in ${dir}`);
      }
    } finally {
      result.device.destroy();
    }
  });
}
