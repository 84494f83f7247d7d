// Whether a host's virgl caps cover those a guest was given (trace replay refuses a host that does not): masks as
// supersets, limits reached, offset ranges contained, alignments dividing, informational fields ignored.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset, VIRGL_CAPS_V1_SIZE, VIRGL_CAPS_V2_SIZE } from "../../../src/components/virgl/caps/caps.ts";
import { uncoveredVirglCaps } from "../../../src/components/virgl/caps/caps-coverage.ts";
import { makeVirgl } from "./helpers.ts";

function hostCaps(): Uint8Array {
  const { rutabaga } = makeVirgl();
  try {
    return rutabaga.getCapset(2, 2).slice();
  } finally {
    rutabaga.destroy();
  }
}

test("the host's own caps cover themselves, a v1 blob's view of them, and less", () => {
  const host = hostCaps();
  assert.equal(host.length, VIRGL_CAPS_V2_SIZE);
  assert.deepEqual(uncoveredVirglCaps(host, host), []);
  assert.deepEqual(uncoveredVirglCaps(host.subarray(0, VIRGL_CAPS_V1_SIZE), host), []);
  const less = host.slice();
  const v = new DataView(less.buffer);
  v.setUint32(CapsOffset.render, v.getUint32(CapsOffset.render, true) & 0xffff_fff0, true);
  v.setUint32(CapsOffset.maxTexture2dSize, 1024, true);
  v.setInt32(CapsOffset.minTexelOffset, -2, true);
  v.setUint32(CapsOffset.uniformBufferOffsetAlignment, 1024, true);
  // The renderer's name and the video memory size say nothing about what the host can run.
  less.set(new TextEncoder().encode("another GPU"), CapsOffset.renderer);
  v.setUint32(CapsOffset.maxVideoMemory, 12345, true);
  assert.deepEqual(uncoveredVirglCaps(less, host), []);
});

test("each way a host can fall short is named", () => {
  const host = hostCaps();
  const want = host.slice();
  const v = new DataView(want.buffer);
  const h = new DataView(host.buffer);
  v.setUint32(CapsOffset.sampler + 8, h.getUint32(CapsOffset.sampler + 8, true) | 0x8000_0000, true);
  v.setUint32(CapsOffset.bset, 0xffff_ffff, true);
  v.setUint32(CapsOffset.maxComputeBlockSize + 4, h.getUint32(CapsOffset.maxComputeBlockSize + 4, true) + 1, true);
  v.setInt32(CapsOffset.minTexelOffset, h.getInt32(CapsOffset.minTexelOffset, true) - 1, true);
  v.setInt32(CapsOffset.maxTextureGatherOffset, h.getInt32(CapsOffset.maxTextureGatherOffset, true) + 1, true);
  // An alignment the host's does not divide: the guest's offsets may be misaligned for it.
  const align = h.getUint32(CapsOffset.uniformBufferOffsetAlignment, true);
  v.setUint32(CapsOffset.uniformBufferOffsetAlignment, align + align / 2, true);
  v.setFloat32(CapsOffset.maxAnisotropy, h.getFloat32(CapsOffset.maxAnisotropy, true) + 1, true);
  v.setFloat32(CapsOffset.pointAndLineRanges + 4, h.getFloat32(CapsOffset.pointAndLineRanges + 4, true) * 2, true);
  const short = uncoveredVirglCaps(want, host);
  assert.deepEqual(short.sort(), [
    "bset",
    "maxAnisotropy",
    "maxComputeBlockSize[1]",
    "maxTextureGatherOffset",
    "minTexelOffset",
    "pointAndLineRanges+4",
    "sampler[2]",
    "uniformBufferOffsetAlignment",
  ]);
  // A v1 host blob lacks every v2 limit a v2 guest relied on.
  assert.ok(uncoveredVirglCaps(host, host.subarray(0, VIRGL_CAPS_V1_SIZE)).includes("maxTexture2dSize"));
});
