import assert from "node:assert/strict";
import { test } from "node:test";
import { capabilityBits } from "../../../../src/components/virgl/caps/capability-bits.ts";
import { CapsOffset, encodeVirglCaps, queryHostGlLimits } from "../../../../src/components/virgl/caps/caps.ts";
import { advertisedFeatures } from "../../../../src/components/virgl/caps/guest-features.ts";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { VirglCmd } from "../../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../../src/components/virgl/protocol/encoder.ts";
import { makeRecordedVirgl } from "./recorded-virgl.ts";

const KHR_ADVANCED = "GL_KHR_blend_equation_advanced";
/** p_defines.h `PIPE_TEXTURE_BARRIER_SAMPLER` / `_FRAMEBUFFER` (the latter is Mesa's `glBlendBarrier`). */
const SAMPLER = 1 << 0;
const FRAMEBUFFER = 1 << 1;

/** The caps a guest gets from a GL 4.5 host with these extensions and barrier entry points. */
function caps(extensions: readonly string[], blendBarrier?: boolean): Uint8Array {
  const gl = new RecordingHostGl({ extensions, ...(blendBarrier === undefined ? {} : { features: { blendBarrier } }) });
  const limits = queryHostGlLimits(gl);
  return encodeVirglCaps(limits, 2, capabilityBits(limits));
}

const advertised = (c: Uint8Array) => advertisedFeatures(c).some((f) => f.name === "KHR_blend_equation_advanced");
const v2Bits = (c: Uint8Array) => new DataView(c.buffer).getUint32(CapsOffset.capabilityBitsV2, true);

test("advanced blending is advertised only where the host has the extension and its blend barrier", () => {
  const none = caps([]);
  assert.equal(v2Bits(none) & 1, 0);
  assert.equal(advertised(none), false);
  // An extension string without a resolvable glBlendBarrierKHR cannot serve a guest's glBlendBarrier.
  const noBarrier = caps([KHR_ADVANCED], false);
  assert.equal(v2Bits(noBarrier) & 1, 0);
  assert.equal(advertised(noBarrier), false);
  const full = caps([KHR_ADVANCED]);
  assert.equal(v2Bits(full) & 1, 1);
  assert.equal(advertised(full), true);
  // The coherent variant changes nothing the guest is told: it gets the non-coherent extension either way.
  assert.deepEqual(caps([KHR_ADVANCED, "GL_KHR_blend_equation_advanced_coherent"]), full);
});

function barrierCalls(options: { textureBarrier: boolean; blendBarrier: boolean }, flags: number) {
  const v = makeRecordedVirgl({ features: options });
  try {
    v.rutabaga.submitCommand(1, new VirglEncoder().raw(VirglCmd.TextureBarrier, 0, [flags]).finish());
    return {
      calls: v.gl.callNames((n) => n === "blendBarrier" || n === "textureBarrier"),
      unsupported: v.component.context(1)!.unsupported.get("TextureBarrier") ?? 0,
    };
  } finally {
    v.rutabaga.destroy();
  }
}

test("TEXTURE_BARRIER: the framebuffer bit (glBlendBarrier) is glBlendBarrierKHR, the sampler bit glTextureBarrier", () => {
  const both = { textureBarrier: true, blendBarrier: true };
  assert.deepEqual(barrierCalls(both, FRAMEBUFFER), { calls: ["blendBarrier"], unsupported: 0 });
  assert.deepEqual(barrierCalls(both, SAMPLER), { calls: ["textureBarrier"], unsupported: 0 });
  assert.deepEqual(barrierCalls(both, SAMPLER | FRAMEBUFFER), {
    calls: ["blendBarrier", "textureBarrier"],
    unsupported: 0,
  });
  assert.deepEqual(barrierCalls(both, 0), { calls: ["textureBarrier"], unsupported: 0 });
  // Without the blend barrier a framebuffer barrier still orders through glTextureBarrier.
  assert.deepEqual(barrierCalls({ textureBarrier: true, blendBarrier: false }, FRAMEBUFFER), {
    calls: ["textureBarrier"],
    unsupported: 0,
  });
  assert.deepEqual(barrierCalls({ textureBarrier: false, blendBarrier: true }, SAMPLER), {
    calls: [],
    unsupported: 1,
  });
  assert.deepEqual(barrierCalls({ textureBarrier: false, blendBarrier: false }, FRAMEBUFFER), {
    calls: [],
    unsupported: 1,
  });
});
