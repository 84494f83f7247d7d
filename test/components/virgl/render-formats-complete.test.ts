import assert from "node:assert/strict";
import { test } from "node:test";
import { VirglCapsView } from "../../../src/components/virgl/caps/caps-view.ts";
import { GL } from "../../../src/components/virgl/host-gl/gl-constants.ts";
import { VIRGL_FORMATS } from "../../../src/components/virgl/resources/formats.ts";
import { makeVirgl } from "./helpers.ts";

test("every colour format the caps call renderable makes a complete framebuffer on this host", () => {
  const { rutabaga, component } = makeVirgl();
  try {
    const caps = new VirglCapsView(rutabaga.getCapset(2, 2));
    const gl = component.gl;
    gl.ensureCurrent();
    const incomplete: string[] = [];
    for (const f of VIRGL_FORMATS.values()) {
      if (!caps.hasFormat("render", f.virgl)) continue;
      const tex = gl.createTexture(GL.TEXTURE_2D);
      const fb = gl.createFramebuffer();
      gl.textureStorage(tex, {
        dims: 2,
        levels: 1,
        samples: 0,
        internalFormat: f.internalFormat,
        width: 1,
        height: 1,
        depth: 1,
      });
      gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, tex, 0);
      if (gl.checkFramebufferStatus(fb) !== GL.FRAMEBUFFER_COMPLETE) incomplete.push(f.name);
      gl.deleteFramebuffer(fb);
      gl.deleteTexture(tex);
    }
    assert.deepEqual(incomplete, []);
  } finally {
    rutabaga.destroy();
  }
});
