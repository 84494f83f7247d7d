import assert from "node:assert/strict";
import test from "node:test";
import { CapsOffset } from "../../../../src/components/virgl/caps/caps.ts";
import { uncoveredVirglCaps } from "../../../../src/components/virgl/caps/caps-coverage.ts";
import { PipeShaderType } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { PipeQuery } from "../../../../src/components/virgl/render/gallium-to-gl.ts";
import { encodeComponentSection } from "../../../../src/components/virgl/snapshot/component-snapshot.ts";
import { RutabagaError, transfer2d } from "../../../../src/index.ts";
import { crc32 } from "../../../../src/rutabaga/crc32.ts";
import { createWithBacking, makeVirgl, res } from "../helpers.ts";
import { draw, reattach, snapshotScene, TRIANGLES } from "./scene.ts";

const R8 = 64;
const QUERY_BUFFER = 4;

function assertRefused(f: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof RutabagaError && e.code === code && pattern.test(e.message));
}

/** The scene with an occlusion query (handle 50, result at offset 16 of buffer 4) run over one draw. */
function sceneWithQuery() {
  const scene = snapshotScene();
  const result = createWithBacking(
    scene.rutabaga,
    QUERY_BUFFER,
    res({ target: 0, format: R8, bind: 0, width: 64, height: 1 }),
    64,
  );
  scene.rutabaga.submitCommand(
    1,
    new VirglEncoder()
      .createQuery(50, PipeQuery.OcclusionCounter, 0, QUERY_BUFFER, 16)
      .beginQuery(50)
      .setConstantBuffer(PipeShaderType.Fragment, 0, [0, 0, 0, 0])
      .drawVbo({ mode: TRIANGLES, count: 3 })
      .endQuery(50)
      .finish(),
  );
  return { ...scene, result };
}

test("a query's result is carried: GET_QUERY_RESULT after restore writes what the GL counted", () => {
  const live = sceneWithQuery();
  const bytes = live.rutabaga.snapshot();
  const other = makeVirgl();
  other.rutabaga.restore(bytes);
  reattach(other.rutabaga);
  const results = [live.rutabaga, other.rutabaga].map((r) => {
    const buffer = new Uint8Array(64);
    r.attachBacking(QUERY_BUFFER, [buffer]);
    r.submitCommand(1, new VirglEncoder().getQueryResult(50, true).finish());
    r.transferRead(1, QUERY_BUFFER, transfer2d(0, 0, 64, 1));
    return new DataView(buffer.buffer).getBigUint64(24, true);
  });
  assert.equal(results[0], 64n, "every pixel of the 8×8 target passed");
  assert.equal(results[1], results[0]);
  live.rutabaga.destroy();
  other.rutabaga.destroy();
});

test("a query running at the snapshot goes on counting after the restore, and in the source too", () => {
  const live = sceneWithQuery();
  const drawOnce = new VirglEncoder().drawVbo({ mode: TRIANGLES, count: 3 }).finish();
  // A query of its own (handle 51, result at 32), begun before the snapshot.
  live.rutabaga.submitCommand(
    1,
    new VirglEncoder().createQuery(51, PipeQuery.OcclusionCounter, 0, QUERY_BUFFER, 32).beginQuery(51).finish(),
  );
  live.rutabaga.submitCommand(1, drawOnce);
  const bytes = live.rutabaga.snapshot();
  const other = makeVirgl();
  other.rutabaga.restore(bytes);
  reattach(other.rutabaga);
  const results = [live.rutabaga, other.rutabaga].map((r) => {
    const buffer = new Uint8Array(64);
    r.attachBacking(QUERY_BUFFER, [buffer]);
    r.submitCommand(1, drawOnce);
    r.submitCommand(1, new VirglEncoder().endQuery(51).getQueryResult(51, true).finish());
    r.transferRead(1, QUERY_BUFFER, transfer2d(0, 0, 64, 1));
    return new DataView(buffer.buffer).getBigUint64(40, true);
  });
  assert.deepEqual(results, [128n, 128n], "two draws of 64 samples, one before and one after the snapshot");
  live.rutabaga.destroy();
  other.rutabaga.destroy();
});

test("a multisampled resource refuses the snapshot", () => {
  const { rutabaga } = makeVirgl();
  rutabaga.resourceCreate3d(9, res({ width: 4, height: 4, nrSamples: 4, bind: 2 }));
  assertRefused(() => rutabaga.snapshot(), "Unsupported", /multisampled/);
  rutabaga.destroy();
});

/** `bytes` with its component section replaced by `section` (same length), its checksum made right. */
function withComponentSection(bytes: Uint8Array, section: Uint8Array): Uint8Array {
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(16, 16 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true))),
  );
  const at = 16 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true) + header.component.offset;
  assert.equal(header.component.length, section.length);
  const out = bytes.slice();
  out.set(section, at);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

test("a host whose caps fall short of the snapshot's refuses it before building anything", () => {
  const live = snapshotScene();
  draw(live.rutabaga, live.target, [0, 0, 0, 0]);
  const bytes = live.rutabaga.snapshot();
  const caps = live.component.getCapset(2, 2);
  const view = new DataView(caps.buffer);
  // A host with one texture size fewer, and one without a capability bit the recording host had.
  const smaller = caps.slice();
  new DataView(smaller.buffer).setUint32(
    CapsOffset.maxTexture2dSize,
    view.getUint32(CapsOffset.maxTexture2dSize, true) - 1,
    true,
  );
  assert.deepEqual(uncoveredVirglCaps(caps, smaller), ["maxTexture2dSize"]);
  const fewerBits = caps.slice();
  const bits = view.getUint32(CapsOffset.capabilityBits, true);
  new DataView(fewerBits.buffer).setUint32(CapsOffset.capabilityBits, bits & (bits - 1), true);
  assert.deepEqual(uncoveredVirglCaps(caps, fewerBits), ["capabilityBits"]);
  assert.deepEqual(uncoveredVirglCaps(smaller, caps), [], "more than recorded is fine");
  // A snapshot whose recorded caps ask for more than this host has is refused before anything is built.
  const bigger = caps.slice();
  new DataView(bigger.buffer).setUint32(
    CapsOffset.maxTexture2dSize,
    view.getUint32(CapsOffset.maxTexture2dSize, true) + 1,
    true,
  );
  const tampered = withComponentSection(bytes, encodeComponentSection(live.component.getCapset(1, 1), bigger));
  const other0 = makeVirgl();
  assert.throws(
    () => other0.rutabaga.restore(tampered),
    (e: unknown) => e instanceof RutabagaError && e.code === "SnapshotError" && /maxTexture2dSize/.test(e.message),
  );
  other0.rutabaga.destroy();
  // The instance checks its own caps against the snapshot's: the same host takes it.
  const other = makeVirgl();
  other.rutabaga.restore(bytes);
  live.rutabaga.destroy();
  other.rutabaga.destroy();
});
