// `WebGl2HostGl` in real Chromium on SwiftShader: uploads and read-backs, clears, blits, a draw of emitted GLSL ES
// 3.00 bound by name, buffers, per-context state across switches, and typed refusals of what WebGL2 lacks.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "puppeteer-core";
import { launchChromium, SWIFTSHADER_ARGS, watchedPage } from "../chromium.ts";
import { webGl2PageScript } from "./page-bundle.ts";

let browser: Browser;
let page: Page;
let problems: string[];

before(async () => {
  browser = await launchChromium(SWIFTSHADER_ARGS);
  ({ page, problems } = await watchedPage(browser));
  await page.goto("about:blank");
  await page.addScriptTag({ content: await webGl2PageScript() });
  await page.evaluate(`
    globalThis.canvas = new OffscreenCanvas(16, 16);
    globalThis.gl2 = canvas.getContext("webgl2");
    globalThis.host = gl2 && new rutabagaWebGl2.WebGl2HostGl(gl2);
    globalThis.G = rutabagaWebGl2.GL;
    /** A 2D RGBA8 texture w × h attached to a new framebuffer. */
    globalThis.target = (w, h) => {
      const tex = host.createTexture(G.TEXTURE_2D);
      host.textureStorage(tex, { dims: 2, levels: 1, samples: 1, internalFormat: 0x8058, width: w, height: h, depth: 1 });
      const fb = host.createFramebuffer();
      host.framebufferTexture(fb, G.COLOR_ATTACHMENT0, tex, 0);
      return { tex, fb };
    };
    globalThis.readRgba = (tex, w, h) => {
      const out = new Uint8Array(w * h * 4);
      host.getTextureSubImage(tex, 0, { x: 0, y: 0, z: 0, w, h, d: 1 }, G.RGBA, G.UNSIGNED_BYTE, out);
      return Array.from(out);
    };
  `);
});

after(async () => {
  assert.deepEqual(problems, [], "page errors");
  await browser?.close();
});

test("the page has a WebGL2 context on SwiftShader (the CI renderer; anything else fails)", async () => {
  const info = (await page.evaluate(`(() => {
    if (!gl2) return { webgl2: false, renderer: "" };
    const ext = gl2.getExtension("WEBGL_debug_renderer_info");
    return { webgl2: true, renderer: String(gl2.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl2.RENDERER)) };
  })()`)) as { webgl2: boolean; renderer: string };
  assert.deepEqual(info.webgl2, true);
  assert.match(info.renderer, /SwiftShader/);
});

test("a BGRA upload reads back as BGRA, and as RGBA with red and blue swapped", async () => {
  const r = await page.evaluate(`(() => {
    const { tex } = target(2, 1);
    const bgra = new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80]);
    host.textureSubImage(tex, 2, 0, { x: 0, y: 0, z: 0, w: 2, h: 1, d: 1 }, G.BGRA, G.UNSIGNED_BYTE, bgra);
    const back = new Uint8Array(8);
    host.getTextureSubImage(tex, 0, { x: 0, y: 0, z: 0, w: 2, h: 1, d: 1 }, G.BGRA, G.UNSIGNED_BYTE, back);
    return { bgra: Array.from(back), rgba: readRgba(tex, 2, 1), err: host.getError() };
  })()`);
  assert.deepEqual(r, { bgra: [10, 20, 30, 40, 50, 60, 70, 80], rgba: [30, 20, 10, 40, 70, 60, 50, 80], err: 0 });
});

test("clears, zero texture clears and blits land where asked, read back through a framebuffer", async () => {
  const r = await page.evaluate(`(() => {
    const a = target(4, 4), b = target(4, 4);
    host.clearBufferfv(a.fb, G.COLOR, 0, new Float32Array([1, 0, 0, 1]));
    host.clearBufferfv(b.fb, G.COLOR, 0, new Float32Array([0, 0, 1, 1]));
    host.blitFramebuffer(a.fb, b.fb, { x0: 0, y0: 0, x1: 2, y1: 4 }, { x0: 2, y0: 0, x1: 4, y1: 4 }, G.COLOR_BUFFER_BIT, G.NEAREST);
    host.clearTexSubImage(b.tex, 0, { x: 0, y: 0, z: 0, w: 1, h: 1, d: 1 }, G.RGBA, G.UNSIGNED_BYTE, new Uint8Array(4));
    return { row: readRgba(b.tex, 4, 1), err: host.getError() };
  })()`);
  assert.deepEqual(r, { row: [0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 255, 255, 0, 0, 255], err: 0 });
});

test("emitted GLSL ES 3.00 draws with its constants bound by name and vertices through the emulated formats", async () => {
  const r = await page.evaluate(`(() => {
    const { parseTgsi, emitGlsl } = rutabagaWebGl2;
    const vs = parseTgsi("VERT\\nDCL IN[0]\\nDCL OUT[0], POSITION\\n 0: MOV OUT[0], IN[0]\\n 1: END\\n");
    const fs = parseTgsi("FRAG\\nDCL OUT[0], COLOR\\nDCL CONST[0]\\n 0: MOV OUT[0], CONST[0]\\n 1: END\\n");
    if (!vs.ok || !fs.ok) return { error: "parse" };
    const v = emitGlsl(vs.shader, { target: "glsl300es" }), f = emitGlsl(fs.shader, { target: "glsl300es" });
    if (!v.ok || !f.ok) return { error: "emit " + (v.error ?? f.error).message };
    const cv = host.compileShader(G.VERTEX_SHADER, v.glsl), cf = host.compileShader(G.FRAGMENT_SHADER, f.glsl);
    if (cv.name === 0 || cf.name === 0) return { error: cv.log + cf.log + v.glsl + f.glsl };
    const prog = host.linkProgram([cv.name, cf.name]);
    if (prog.name === 0) return { error: prog.log };
    const { tex, fb } = target(4, 4);
    const vbo = host.createBuffer(48);
    host.bufferSubData(vbo, 0, new Uint8Array(new Float32Array([-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1]).buffer));
    const ubo = host.createBuffer(16);
    host.bufferSubData(ubo, 0, new Uint8Array(new Float32Array([0, 1, 0, 1]).buffer));
    const vao = host.createVertexArray();
    host.vertexArrayAttribFormat(vao, 0, { size: 4, type: G.FLOAT, normalized: false, kind: "float", relativeOffset: 0 });
    host.vertexArrayAttribBinding(vao, 0, 0);
    host.vertexArrayVertexBuffer(vao, 0, vbo, 0, 16);
    host.enableVertexArrayAttrib(vao, 0, true);
    const ctx = host.createContext();
    host.makeCurrent(ctx);
    host.bindFramebuffer(G.FRAMEBUFFER, fb);
    host.viewportIndexed(0, { x: 0, y: 0, w: 4, h: 4, near: 0, far: 1 });
    host.useProgram(prog.name);
    host.bindVertexArray(vao);
    host.bindBufferRange(G.UNIFORM_BUFFER, 16, ubo, 0, 16);
    host.drawArrays({ mode: G.TRIANGLES, first: 0, count: 3, instances: 1, baseInstance: 0 });
    host.makeCurrent(undefined);
    return { pixel: readRgba(tex, 1, 1), err: host.getError() };
  })()`);
  assert.deepEqual(r, { pixel: [0, 255, 0, 255], err: 0 });
});

test("buffers: sub-data, copies and zeroing read back through getBufferSubData", async () => {
  const r = await page.evaluate(`(() => {
    const a = host.createBuffer(8), b = host.createBuffer(8);
    host.bufferSubData(a, 0, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    host.zeroBufferSubData(b, 0, 8);
    host.copyBufferSubData(a, b, 2, 4, 4);
    host.zeroBufferSubData(a, 0, 2);
    const outA = new Uint8Array(8), outB = new Uint8Array(8);
    host.getBufferSubData(a, 0, outA);
    host.getBufferSubData(b, 0, outB);
    return { a: Array.from(outA), b: Array.from(outB), err: host.getError() };
  })()`);
  assert.deepEqual(r, { a: [0, 0, 3, 4, 5, 6, 7, 8], b: [0, 0, 0, 0, 3, 4, 5, 6], err: 0 });
});

test("each guest context keeps its own state on the one WebGL2 context across switches", async () => {
  const r = await page.evaluate(`(() => {
    const { tex, fb } = target(4, 1);
    const a = host.createContext(), b = host.createContext();
    host.makeCurrent(a);
    host.enable(G.SCISSOR_TEST);
    host.scissor(0, 0, 1, 1);
    host.makeCurrent(b);
    host.clearBufferfv(fb, G.COLOR, 0, new Float32Array([0, 0, 1, 1]));
    const inB = readRgba(tex, 4, 1);
    host.makeCurrent(a);
    host.clearBufferfv(fb, G.COLOR, 0, new Float32Array([1, 0, 0, 1]));
    const inA = readRgba(tex, 4, 1);
    host.destroyContext(a);
    host.clearBufferfv(fb, G.COLOR, 0, new Float32Array([0, 1, 0, 1]));
    return { inB, inA, afterDestroy: readRgba(tex, 4, 1), err: host.getError() };
  })()`);
  const blue = [0, 0, 255, 255];
  const green = [0, 255, 0, 255];
  assert.deepEqual(r, {
    inB: [...blue, ...blue, ...blue, ...blue],
    inA: [255, 0, 0, 255, ...blue, ...blue, ...blue],
    afterDestroy: [...green, ...green, ...green, ...green],
    err: 0,
  });
});

test("what WebGL2 lacks is refused with RutabagaError Unsupported, and the host still works after", async () => {
  const r = (await page.evaluate(`(() => {
    const codes = {};
    const tex = host.createTexture(G.TEXTURE_2D);
    const tries = {
      bufferTexture: () => host.createTexture(G.TEXTURE_BUFFER),
      compute: () => host.dispatchCompute(1, 1, 1),
      geometry: () => host.compileShader(G.GEOMETRY_SHADER, "void main() {}"),
      swizzleSampled: () => {
        host.textureParameteriv(tex, G.TEXTURE_SWIZZLE_RGBA, new Int32Array([G.ALPHA, G.GREEN, G.BLUE, G.RED]));
        host.bindTextureUnit(0, tex);
      },
      clearNonZero: () => host.clearTexSubImage(tex, 0, { x: 0, y: 0, z: 0, w: 1, h: 1, d: 1 }, G.RGBA, G.UNSIGNED_BYTE, new Uint8Array([1, 0, 0, 0])),
      conditional: () => host.beginConditionalRender(1, 0),
      baseVertex: () => host.drawElements({ mode: G.TRIANGLES, count: 3, type: G.UNSIGNED_SHORT, offset: 0, instances: 1, baseVertex: 2, baseInstance: 0 }),
      view: () => host.textureView(1, G.TEXTURE_2D, tex, 0x8058, { minLevel: 0, numLevels: 1, minLayer: 0, numLayers: 1 }),
      indirect: () => host.drawArraysIndirect(G.TRIANGLES, 0),
      depthClamp: () => host.enable(G.DEPTH_CLAMP),
      drawBufferOrder: () => host.framebufferDrawBuffers(host.createFramebuffer(), new Uint32Array([G.COLOR_ATTACHMENT0 + 1])),
    };
    for (const [k, f] of Object.entries(tries)) {
      try { f(); codes[k] = "no error"; } catch (e) { codes[k] = e instanceof rutabagaWebGl2.RutabagaError ? e.code : "plain " + e; }
    }
    const { tex: t2, fb } = target(1, 1);
    host.clearBufferfv(fb, G.COLOR, 0, new Float32Array([1, 1, 1, 1]));
    return { codes, after: readRgba(t2, 1, 1), err: host.getError() };
  })()`)) as { codes: Record<string, string>; after: number[]; err: number };
  for (const [what, code] of Object.entries(r.codes)) assert.equal(code, "Unsupported", what);
  assert.equal(Object.keys(r.codes).length, 11);
  assert.deepEqual(r.after, [255, 255, 255, 255]);
  assert.equal(r.err, 0);
});
