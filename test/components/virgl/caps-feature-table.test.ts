import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset, VIRGL_CAPS_V2_SIZE } from "../../../src/components/virgl/caps/caps.ts";
import {
  advertisedFeatures,
  GUEST_FEATURES,
  type GuestFeature,
  guestVersions,
} from "../../../src/components/virgl/caps/guest-features.ts";
import { UNSUPPORTED } from "../../../src/components/virgl/execute/executor.ts";
import { executorOf } from "../../../src/components/virgl/execute/executors.ts";
import { VirglCmd } from "../../../src/components/virgl/protocol/commands.ts";
import { makeVirgl } from "./helpers.ts";

function unexecuted(features: readonly GuestFeature[]): string[] {
  return features.flatMap((f) =>
    f.commands.filter((c) => executorOf(VirglCmd[c]) === UNSUPPORTED).map((c) => `${f.name}: ${c}`),
  );
}

/** A v2 caps blob in which every gate of the table holds. */
function everythingCaps(): Uint8Array {
  const bytes = new Uint8Array(VIRGL_CAPS_V2_SIZE);
  const v = new DataView(bytes.buffer);
  v.setUint32(CapsOffset.maxVersion, 2, true);
  for (let i = 0; i < 16; i++) v.setUint32(CapsOffset.sampler + i * 4, 0xffffffff, true);
  v.setUint32(CapsOffset.bset, 0xffffffff, true);
  v.setUint32(CapsOffset.capabilityBits, 0xffffffff, true);
  v.setUint32(CapsOffset.capabilityBitsV2, 0xffffffff, true);
  const limits: [keyof typeof CapsOffset, number][] = [
    ["glslLevel", 430],
    ["maxTexture2dSize", 16384],
    ["maxViewports", 16],
    ["maxUniformBlocks", 15],
    ["maxSamples", 4],
    ["maxTextureArrayLayers", 2048],
    ["maxTextureGatherComponents", 4],
    ["maxShaderImageFragCompute", 8],
    ["maxShaderBufferFragCompute", 8],
    ["shaderBufferOffsetAlignment", 16],
    ["textureBufferOffsetAlignment", 16],
    ["maxCombinedAtomicCounterBuffers", 8],
    ["maxComputeWorkGroupInvocations", 1024],
    ["maxVertexAttribStride", 2048],
  ];
  for (const [field, value] of limits) v.setUint32(CapsOffset[field], value, true);
  return bytes;
}

test("every feature the caps give this host's guest has an executor for each command it sends", () => {
  const { rutabaga } = makeVirgl();
  try {
    for (const capset of [1, 2] as const) {
      const caps = rutabaga.getCapset(capset, capset);
      assert.deepEqual(unexecuted(advertisedFeatures(caps)), [], `capset ${capset}`);
      const versions = guestVersions(caps);
      assert.ok(versions.gl >= 33 && versions.es >= 30, JSON.stringify(versions));
    }
  } finally {
    rutabaga.destroy();
  }
});

test("the executor check sees a feature advertised without its executor", () => {
  const all = advertisedFeatures(everythingCaps());
  assert.equal(all.length, GUEST_FEATURES.length, "every gate holds on the all-set blob");
  const fake: GuestFeature = { name: "fake", gate: () => true, commands: ["PipeResourceSetType"] };
  assert.deepEqual(unexecuted([fake]), ["fake: PipeResourceSetType"]);
});

test("guest versions follow Mesa's steps: all gates give GL 4.3 / ES 3.2, one missing gate holds its version back", () => {
  const all = everythingCaps();
  assert.deepEqual(guestVersions(all), { gl: 43, es: 32, missingForNextGl: [], missingForNextEs: [] });
  const noTess = all.slice();
  const v = new DataView(noTess.buffer);
  v.setUint32(CapsOffset.bset, 0xffffffff & ~(1 << 24), true);
  const t = guestVersions(noTess);
  assert.equal(t.gl, 33);
  assert.equal(t.es, 31);
  assert.deepEqual(t.missingForNextGl, ["ARB_tessellation_shader"]);
  assert.deepEqual(t.missingForNextEs, ["ARB_tessellation_shader"]);
  const fewBlocks = all.slice();
  new DataView(fewBlocks.buffer).setUint32(CapsOffset.maxUniformBlocks, 14, true);
  assert.equal(guestVersions(fewBlocks).gl, 42);
  const v1 = all.slice(0, 308);
  assert.equal(guestVersions(v1).es, 30, "a v1 blob has no compute, image or SSBO limits");
});
