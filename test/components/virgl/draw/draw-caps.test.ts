import assert from "node:assert/strict";
import { test } from "node:test";
import { CapsOffset, VirglCap } from "../../../../src/components/virgl/caps/caps.ts";
import { VirglCapsView } from "../../../../src/components/virgl/caps/caps-view.ts";
import { tessellationDrawn, uniformBlocksCap } from "../../../../src/components/virgl/caps/draw-limits.ts";
import { advertisedFeatures } from "../../../../src/components/virgl/caps/guest-features.ts";
import { makeVirgl } from "../helpers.ts";

test("this host's caps advertise the draw features executed here: UBOs, indirect draws, pause/resume, tessellation", () => {
  const { rutabaga, component } = makeVirgl();
  try {
    const bytes = rutabaga.getCapset(2, 2);
    const caps = new VirglCapsView(bytes);
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    const gl43 = component.limits.glVersion >= 43;
    assert.equal(caps.u32("maxUniformBlocks"), uniformBlocksCap(component.limits));
    assert.equal(caps.bset("hasIndirectDraw"), gl43);
    assert.equal(caps.cap(VirglCap.MultiDrawIndirect), gl43);
    assert.equal(caps.cap(VirglCap.IndirectParams), gl43);
    assert.equal(caps.bset("streamoutPauseResume"), component.limits.glVersion >= 40);
    assert.equal(caps.cap(VirglCap.TransformFeedback3), component.limits.glVersion >= 40);
    const tess = tessellationDrawn(component.limits);
    assert.equal(caps.bset("hasTessellationShaders"), tess);
    assert.equal((v.getUint32(CapsOffset.primMask, true) & (1 << 14)) !== 0, tess);
    const names = advertisedFeatures(bytes).map((f) => f.name);
    if (gl43) for (const n of ["ARB_draw_indirect", "ARB_multi_draw_indirect"]) assert.ok(names.includes(n), n);
    assert.equal(names.includes("ARB_tessellation_shader"), tess);
  } finally {
    rutabaga.destroy();
  }
});
