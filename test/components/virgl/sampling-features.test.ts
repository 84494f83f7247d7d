import assert from "node:assert/strict";
import { test } from "node:test";
import { advertisedFeatures } from "../../../src/components/virgl/caps/guest-features.ts";
import { makeVirgl } from "./helpers.ts";

/** The guest features of the sampling work: each is executed (views, stencil views, min samples, fp64, gather). */
const SAMPLING_FEATURES = [
  "ARB_stencil_texturing, OES_texture_stencil8",
  "ARB_texture_view",
  "ARB_sample_shading",
  "ARB_texture_multisample",
  "ARB_texture_gather",
  "ARB_texture_cube_map_array",
  "ARB_texture_query_lod",
  "ARB_gpu_shader_fp64",
];

test("a GL 4.3 host's caps give the guest the sampling features, each one the component executes", (t) => {
  const { rutabaga, component } = makeVirgl();
  try {
    if (component.limits.glVersion < 43) {
      t.skip(`host GL ${component.limits.glVersion / 10}`);
      return;
    }
    const names = new Set(advertisedFeatures(rutabaga.getCapset(2, 2)).map((f) => f.name));
    assert.deepEqual(
      SAMPLING_FEATURES.filter((n) => !names.has(n)),
      [],
    );
  } finally {
    rutabaga.destroy();
  }
});
