import assert from "node:assert/strict";
import { test } from "node:test";
import { queryHostGlLimits } from "../../../../src/components/virgl/caps/caps.ts";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";

// virgl_hw.h: S8_UINT 23, Z24_UNORM_S8_UINT 19, X24S8_UINT 136, S8X24_UINT 137, X32_S8X24_UINT 138.
const sampled = (glVersion: number, extensions: string[] = []) =>
  queryHostGlLimits(new RecordingHostGl({ glVersion, extensions })).sampler;

test("stencil views are sampled from GL 4.3 (or ARB_stencil_texturing), S8 textures from GL 4.4", () => {
  const s42 = sampled(42);
  assert.ok(s42.has(19) && !s42.has(136) && !s42.has(137) && !s42.has(138) && !s42.has(23));
  const s42ext = sampled(42, ["GL_ARB_stencil_texturing"]);
  assert.ok(s42ext.has(136) && s42ext.has(137) && s42ext.has(138) && !s42ext.has(23));
  const s43 = sampled(43);
  assert.ok(s43.has(136) && !s43.has(23));
  const s44 = sampled(44);
  assert.ok(s44.has(136) && s44.has(23));
});
