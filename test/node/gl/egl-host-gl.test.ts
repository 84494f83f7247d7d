import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { GL } from "../../../src/components/virgl/host-gl/gl-constants.ts";
import { EglHostGl } from "../../../src/node/gl/egl-host-gl.ts";

let gl: EglHostGl;
before(() => {
  gl = new EglHostGl();
});
after(() => gl.destroy());

/** A compute program writing `index × 3 + base` into the SSBO at binding 0, one invocation per word. */
function computeProgram(): number {
  const cs = gl.compileShader(
    GL.COMPUTE_SHADER,
    `#version 430
layout(local_size_x = 4) in;
layout(std430, binding = 0) buffer Out { uint v[]; };
uniform uint base;
void main() { v[gl_GlobalInvocationID.x] = gl_GlobalInvocationID.x * 3u + base; }
`,
  );
  assert.notEqual(cs.name, 0, cs.log);
  const prog = gl.linkProgram([cs.name]);
  gl.deleteShader(cs.name);
  assert.notEqual(prog.name, 0, prog.log);
  return prog.name;
}

test("dispatchCompute and dispatchComputeIndirect write a shader storage buffer bound by range", () => {
  gl.makeCurrent(undefined);
  const program = computeProgram();
  const ssbo = gl.createBuffer(64);
  const indirect = gl.createBuffer(12);
  gl.bufferSubData(indirect, 0, new Uint8Array(new Uint32Array([2, 1, 1]).buffer));
  gl.useProgram(program);
  gl.bindBufferRange(GL.SHADER_STORAGE_BUFFER, 0, ssbo, 0, 64);
  gl.dispatchCompute(2, 1, 1);
  gl.memoryBarrier(GL.ALL_BARRIER_BITS);
  const out = new Uint8Array(32);
  gl.getBufferSubData(ssbo, 0, out);
  assert.deepEqual([...new Uint32Array(out.buffer)], [0, 3, 6, 9, 12, 15, 18, 21]);
  gl.bufferSubData(ssbo, 0, new Uint8Array(64));
  gl.bindDispatchIndirectBuffer(indirect);
  gl.dispatchComputeIndirect(0);
  gl.memoryBarrier(GL.ALL_BARRIER_BITS);
  gl.getBufferSubData(ssbo, 0, out);
  assert.deepEqual([...new Uint32Array(out.buffer)], [0, 3, 6, 9, 12, 15, 18, 21]);
  assert.equal(gl.getError(), GL.NO_ERROR);
  gl.bindDispatchIndirectBuffer(0);
  gl.useProgram(0);
  gl.deleteProgram(program);
  gl.deleteBuffer(ssbo);
  gl.deleteBuffer(indirect);
});

test("a texture view shows one level of its original; an image unit binds it", () => {
  gl.makeCurrent(undefined);
  const tex = gl.createTexture(GL.TEXTURE_2D);
  const RGBA8 = 0x8058;
  const R32UI = 0x8236;
  gl.textureStorage(tex, { dims: 2, levels: 2, samples: 1, internalFormat: RGBA8, width: 4, height: 4, depth: 1 });
  const level1 = new Uint8Array(2 * 2 * 4).fill(7);
  const box = { x: 0, y: 0, z: 0, w: 2, h: 2, d: 1 };
  gl.textureSubImage(tex, 2, 1, box, GL.RGBA, GL.UNSIGNED_BYTE, level1);
  const view = gl.createTextureName();
  gl.textureView(view, GL.TEXTURE_2D, tex, R32UI, { minLevel: 1, numLevels: 1, minLayer: 0, numLayers: 1 });
  const out = new Uint8Array(16);
  gl.getTextureSubImage(view, 0, box, GL.RED_INTEGER, GL.UNSIGNED_INT, out);
  assert.deepEqual([...new Uint32Array(out.buffer)], Array(4).fill(0x07070707));
  gl.bindImageTexture(0, view, 0, false, 0, GL.READ_ONLY, R32UI);
  assert.equal(gl.getError(), GL.NO_ERROR);
  gl.bindImageTexture(0, 0, 0, false, 0, GL.READ_ONLY, R32UI);
  gl.deleteTexture(view);
  gl.deleteTexture(tex);
});

test("tessellation parameters, sample shading and barriers are accepted; features reflect the GL version", () => {
  gl.makeCurrent(undefined);
  gl.patchParameteri(GL.PATCH_VERTICES, 4);
  assert.equal(gl.getInteger(GL.PATCH_VERTICES), 4);
  gl.patchParameterfv(GL.PATCH_DEFAULT_OUTER_LEVEL, new Float32Array([2, 2, 2, 2]));
  gl.patchParameteri(GL.PATCH_VERTICES, 3);
  gl.minSampleShading(0.5);
  if (gl.features.textureBarrier) gl.textureBarrier();
  else assert.throws(() => gl.textureBarrier(), /Unsupported|not in this host GL/);
  // glBlendBarrierKHR resolves exactly where the host lists KHR_blend_equation_advanced (desktop GL has no core one).
  const extensions = new Set(
    Array.from({ length: gl.getInteger(GL.NUM_EXTENSIONS) }, (_, i) => gl.getStringi(GL.EXTENSIONS, i)),
  );
  assert.equal(gl.features.blendBarrier, extensions.has("GL_KHR_blend_equation_advanced"));
  if (gl.features.blendBarrier) gl.blendBarrier();
  else assert.throws(() => gl.blendBarrier(), /Unsupported|not in this host GL/);
  assert.equal(gl.getError(), GL.NO_ERROR);
  if (gl.glVersion >= 46) assert.equal(gl.features.indirectParameters, true);
  if (gl.glVersion >= 45) assert.equal(gl.features.textureBarrier, true);
});

test("indirect draws read their records from the draw indirect buffer", () => {
  gl.makeCurrent(undefined);
  const vs = gl.compileShader(
    GL.VERTEX_SHADER,
    "#version 430\nout float id;\nvoid main() { id = float(gl_VertexID); gl_Position = vec4(0, 0, 0, 1); }\n",
  );
  const program = gl.linkProgram([vs.name], ["id"]);
  gl.deleteShader(vs.name);
  assert.notEqual(program.name, 0, program.log);
  const vao = gl.createVertexArray();
  const captured = gl.createBuffer(64);
  const xfb = gl.createTransformFeedback();
  gl.transformFeedbackBufferRange(xfb, 0, captured, 0, 64);
  const indices = gl.createBuffer(12);
  gl.bufferSubData(indices, 0, new Uint8Array(new Uint32Array([5, 6, 7]).buffer));
  gl.vertexArrayElementBuffer(vao, indices);
  // Arrays: count 2, 1 instance, first 3, base instance 0; elements: count 3, 1 instance, first 0, base vertex 10.
  const records = gl.createBuffer(36);
  gl.bufferSubData(records, 0, new Uint8Array(new Uint32Array([2, 1, 3, 0, 3, 1, 0, 10, 0]).buffer));
  // A surfaceless context has no default framebuffer, and a draw needs a complete one even while discarding.
  const target = gl.createTexture(GL.TEXTURE_2D);
  gl.textureStorage(target, { dims: 2, levels: 1, samples: 1, internalFormat: 0x8058, width: 1, height: 1, depth: 1 });
  const fb = gl.createFramebuffer();
  gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, target, 0);
  gl.bindFramebuffer(GL.DRAW_FRAMEBUFFER, fb);
  gl.useProgram(program.name);
  gl.bindVertexArray(vao);
  gl.bindDrawIndirectBuffer(records);
  gl.enable(GL.RASTERIZER_DISCARD);
  gl.bindTransformFeedback(xfb);
  gl.beginTransformFeedback(GL.POINTS);
  gl.drawArraysIndirect(GL.POINTS, 0);
  gl.drawElementsIndirect(GL.POINTS, GL.UNSIGNED_INT, 16);
  gl.multiDrawArraysIndirect(GL.POINTS, 0, 1, 0);
  gl.endTransformFeedback();
  gl.disable(GL.RASTERIZER_DISCARD);
  const out = new Uint8Array(7 * 4);
  gl.getBufferSubData(captured, 0, out);
  assert.deepEqual([...new Float32Array(out.buffer)], [3, 4, 15, 16, 17, 3, 4]);
  assert.equal(gl.getError(), GL.NO_ERROR);
  gl.bindTransformFeedback(0);
  gl.bindFramebuffer(GL.DRAW_FRAMEBUFFER, 0);
  gl.deleteFramebuffer(fb);
  gl.deleteTexture(target);
  gl.bindDrawIndirectBuffer(0);
  gl.bindVertexArray(0);
  gl.useProgram(0);
  for (const b of [captured, indices, records]) gl.deleteBuffer(b);
  gl.deleteTransformFeedback(xfb);
  gl.deleteVertexArray(vao);
  gl.deleteProgram(program.name);
});
