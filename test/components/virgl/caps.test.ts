import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset, VIRGL_CAPS_V1_SIZE, VIRGL_CAPS_V2_SIZE } from "../../../src/components/virgl/caps/caps.ts";
import { MAX_SAMPLER_SLOTS } from "../../../src/components/virgl/state/bound-state.ts";
import { makeVirgl } from "./helpers.ts";

test("caps blobs are sized as Mesa 22.3 reads them and agree with the host GL", () => {
  const { rutabaga } = makeVirgl();
  try {
    const v1 = rutabaga.getCapset(1, 1);
    const v2 = rutabaga.getCapset(2, 2);
    assert.equal(v1.byteLength, VIRGL_CAPS_V1_SIZE);
    assert.equal(v2.byteLength, VIRGL_CAPS_V2_SIZE);
    const d1 = new DataView(v1.buffer, v1.byteOffset);
    const d2 = new DataView(v2.buffer, v2.byteOffset);
    assert.equal(d1.getUint32(CapsOffset.maxVersion, true), 1);
    assert.equal(d2.getUint32(CapsOffset.maxVersion, true), 2);
    assert.ok(d2.getUint32(CapsOffset.glslLevel, true) >= 330, "GLSL level for GL 3.3 in the guest");
    assert.equal(d1.getUint32(CapsOffset.glslLevel, true), d2.getUint32(CapsOffset.glslLevel, true));
    assert.deepEqual(v1.subarray(4, 260), v2.subarray(4, 260), "format masks identical in both capsets");
    const hasFormat = (off: number, f: number) => (d2.getUint32(off + (f >>> 5) * 4, true) & (1 << (f & 31))) !== 0;
    for (const f of [1, 2, 64, 67]) assert.ok(hasFormat(CapsOffset.render, f), `render ${f}`);
    for (const f of [16, 18, 19]) assert.ok(hasFormat(CapsOffset.depthStencil, f), `depth ${f}`);
    assert.ok(hasFormat(CapsOffset.sampler, 113), "RGTC1 sampling (GL 3.0 needs it)");
    assert.ok(d2.getUint32(CapsOffset.maxTexture2dSize, true) >= 4096);
    assert.ok(d2.getUint32(CapsOffset.maxRenderTargets, true) >= 4);
    // The guest sizes its sampler views per stage by this: no more than a sub-context keeps, and GL 4.3's 16.
    assert.equal(d2.getUint32(CapsOffset.maxTextureImageUnits, true), MAX_SAMPLER_SLOTS);
    const renderer = new TextDecoder()
      .decode(v2.subarray(CapsOffset.renderer, CapsOffset.renderer + 64))
      .replace(/\0.*$/s, "");
    assert.ok(renderer.length > 0, "renderer string forwarded");
    assert.equal(rutabaga.getCapset(2, 2).byteLength, VIRGL_CAPS_V2_SIZE);
  } finally {
    rutabaga.destroy();
  }
});
