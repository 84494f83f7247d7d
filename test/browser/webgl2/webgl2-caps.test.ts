// The virgl capsets a page computes on `WebGl2HostGl` advertise nothing its WebGL2 context cannot execute: every
// sampler format can be stored, every render format is a complete colour attachment, limits stay within the
// context's, and what WebGL2 lacks (multisample textures, independent blend state, geometry and compute limits)
// reads as absent. Checked against the context itself in Chromium on SwiftShader.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { CapsOffset } from "../../../src/components/virgl/caps/caps.ts";
import { VIRGL_FORMATS } from "../../../src/components/virgl/resources/formats.ts";
import { launchChromium, SWIFTSHADER_ARGS, watchedPage } from "../chromium.ts";
import { webGl2PageScript } from "./page-bundle.ts";

const browserP = launchChromium(SWIFTSHADER_ARGS);
after(async () => (await browserP).close());

test("capset 2 computed on WebGL2 never advertises what the context lacks", { timeout: 120_000 }, async () => {
  const { page, problems } = await watchedPage(await browserP);
  await page.goto("about:blank");
  await page.addScriptTag({ content: await webGl2PageScript() });
  const formats = [...VIRGL_FORMATS.values()].map((f) => [f.virgl, f.internalFormat, f.compressed ? 1 : 0]);
  const r = (await page.evaluate(`(() => {
    const R = rutabagaWebGl2;
    const gl = new OffscreenCanvas(1, 1).getContext("webgl2");
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const rutabaga = new R.RutabagaBuilder(6n, () => {})
      .setComponentFactory(2, (init) => new R.VirglComponent(init, new R.WebGl2HostGl(gl)))
      .setWarningHandler(() => {})
      .build();
    const caps = Array.from(rutabaga.getCapset(2, 2));
    rutabaga.destroy();
    // A second context of its own, so the probes below share nothing with the host GL's state.
    const probe = new OffscreenCanvas(1, 1).getContext("webgl2");
    const storable = {}, renderable = {};
    for (const [virgl, internal, compressed] of ${JSON.stringify(formats)}) {
      const tex = probe.createTexture();
      probe.bindTexture(probe.TEXTURE_2D, tex);
      while (probe.getError()) {}
      probe.texStorage2D(probe.TEXTURE_2D, 1, internal, compressed ? 4 : 1, compressed ? 4 : 1);
      storable[virgl] = probe.getError() === 0;
      const fb = probe.createFramebuffer();
      probe.bindFramebuffer(probe.FRAMEBUFFER, fb);
      probe.framebufferTexture2D(probe.FRAMEBUFFER, probe.COLOR_ATTACHMENT0, probe.TEXTURE_2D, tex, 0);
      renderable[virgl] = storable[virgl] && probe.checkFramebufferStatus(probe.FRAMEBUFFER) === probe.FRAMEBUFFER_COMPLETE;
      while (probe.getError()) {}
      probe.deleteFramebuffer(fb);
      probe.deleteTexture(tex);
    }
    return {
      renderer, caps, storable, renderable,
      maxArrayLayers: probe.getParameter(probe.MAX_ARRAY_TEXTURE_LAYERS),
      maxDrawBuffers: probe.getParameter(probe.MAX_DRAW_BUFFERS),
    };
  })()`)) as {
    renderer: string;
    caps: number[];
    storable: Record<number, boolean>;
    renderable: Record<number, boolean>;
    maxArrayLayers: number;
    maxDrawBuffers: number;
  };
  assert.match(r.renderer, /SwiftShader/);
  const caps = new DataView(new Uint8Array(r.caps).buffer);
  const u32 = (o: number) => caps.getUint32(o, true);
  const has = (base: number, virgl: number) => (u32(base + 4 * (virgl >> 5)) & (1 << (virgl & 31))) !== 0;
  for (const f of VIRGL_FORMATS.values()) {
    if (has(CapsOffset.sampler, f.virgl)) assert.ok(r.storable[f.virgl], `sampler format ${f.virgl} cannot be stored`);
    if (has(CapsOffset.render, f.virgl)) assert.ok(r.renderable[f.virgl], `render format ${f.virgl} is not renderable`);
  }
  assert.equal(u32(CapsOffset.maxSamples), 0, "no multisample textures in WebGL2");
  assert.ok(u32(CapsOffset.maxTextureArrayLayers) <= r.maxArrayLayers);
  assert.ok(u32(CapsOffset.maxRenderTargets) <= r.maxDrawBuffers);
  assert.equal(u32(CapsOffset.maxGeomOutputVertices), 0, "no geometry shaders");
  assert.equal(u32(CapsOffset.maxTboSize), 0, "no buffer textures");
  // WebGl2HostGl sets blend state of draw buffer 0 only (it does not use OES_draw_buffers_indexed yet).
  assert.equal(u32(CapsOffset.bset) & 0b11, 0, "no independent blend enables or functions");
  assert.deepEqual(problems, []);
});
