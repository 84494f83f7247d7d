import assert from "node:assert/strict";
import { test } from "node:test";
import { capabilityBits } from "../../../../src/components/virgl/caps/capability-bits.ts";
import {
  CapsOffset,
  encodeVirglCaps,
  queryHostGlLimits,
  VirglCap,
} from "../../../../src/components/virgl/caps/caps.ts";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";
import { VIRGL_FORMATS } from "../../../../src/components/virgl/resources/formats.ts";
import { RGBA8 } from "../helpers.ts";

/** GL_RGBA8 and GL_DEPTH24_STENCIL8: the only formats the host below can store. */
const GL_RGBA8 = 0x8058;
const GL_DEPTH24 = 0x88f0;
const Z24X8 = 21;

function host(glVersion: number, extensions: readonly string[] = []): RecordingHostGl {
  return new RecordingHostGl({
    glVersion,
    extensions,
    ints: new Map([
      [GL.MAX_TEXTURE_SIZE, 8192],
      [GL.MAX_DRAW_BUFFERS, 12],
      [GL.MAX_SAMPLES, 8],
      [GL.MAX_VIEWPORTS, 0],
      [GL.MAX_VERTEX_ATTRIBS, 29],
      [GL.MIN_PROGRAM_TEXEL_OFFSET, -8],
    ]),
    floats: new Map([[GL.ALIASED_LINE_WIDTH_RANGE, [1, 7.5]]]),
    strings: new Map([[GL.RENDERER, "given renderer"]]),
    indexedInts: new Map([[GL.MAX_COMPUTE_WORK_GROUP_COUNT, [65535, 65534, 65533]]]),
    internalformat: (_target, ifmt, pname) => {
      if (ifmt !== GL_RGBA8 && ifmt !== GL_DEPTH24) return pname === GL.INTERNALFORMAT_SUPPORTED ? 0 : GL.NONE;
      return pname === GL.INTERNALFORMAT_SUPPORTED ? GL.TRUE : pname === GL.SAMPLES ? 4 : GL.FULL_SUPPORT;
    },
  });
}

test("queryHostGlLimits reads what the host answers: limits, floats, renderer, extensions, formats", () => {
  const limits = queryHostGlLimits(host(43, ["GL_ARB_clip_control"]));
  assert.equal(limits.glVersion, 43);
  assert.equal(limits.renderer, "given renderer");
  assert.deepEqual([...limits.extensions], ["GL_ARB_clip_control"]);
  assert.equal(limits.ints.get(GL.MAX_TEXTURE_SIZE), 8192);
  assert.deepEqual([...limits.floats.get(GL.ALIASED_LINE_WIDTH_RANGE)!], [1, 7.5]);
  assert.deepEqual(limits.computeGrid, [65535, 65534, 65533]);
  const storedAs = (ifmt: number) => [...VIRGL_FORMATS.values()].filter((f) => f.internalFormat === ifmt);
  assert.deepEqual(
    [...limits.render].sort(),
    storedAs(GL_RGBA8)
      .map((f) => f.virgl)
      .sort(),
  );
  assert.ok(limits.render.has(RGBA8) && limits.sampler.has(RGBA8));
  assert.ok(limits.depthStencil.has(Z24X8) && !limits.render.has(Z24X8));
  for (const f of storedAs(GL_DEPTH24)) assert.ok(limits.depthStencil.has(f.virgl));
});

test("encodeVirglCaps writes the given limits where Mesa reads them", () => {
  const limits = queryHostGlLimits(host(43));
  const caps = encodeVirglCaps(limits, 2, capabilityBits(limits));
  const v = new DataView(caps.buffer);
  assert.equal(v.getUint32(CapsOffset.maxVersion, true), 2);
  assert.equal(v.getUint32(CapsOffset.glslLevel, true), 430);
  assert.equal(v.getUint32(CapsOffset.maxTexture2dSize, true), 8192);
  assert.equal(v.getUint32(CapsOffset.maxRenderTargets, true), 8, "clamped to Gallium's 8");
  assert.equal(v.getUint32(CapsOffset.maxSamples, true), 8);
  assert.equal(v.getUint32(CapsOffset.maxViewports, true), 1, "at least one viewport");
  assert.equal(v.getUint32(CapsOffset.maxVertexAttribs, true), 29);
  assert.equal(v.getInt32(CapsOffset.minTexelOffset, true), -8);
  const inMask = (offset: number, f: number) => (v.getUint32(offset + (f >>> 5) * 4, true) & (1 << (f & 31))) !== 0;
  assert.ok(inMask(CapsOffset.render, RGBA8));
  const R16F = [...VIRGL_FORMATS.values()].find((f) => f.internalFormat === 0x822d /* GL_R16F */)!.virgl;
  assert.ok(!inMask(CapsOffset.render, R16F), "R16_FLOAT is not storable on this host");
  assert.ok(inMask(CapsOffset.depthStencil, Z24X8));
  const renderer = new TextDecoder().decode(caps.subarray(CapsOffset.renderer, CapsOffset.renderer + 14));
  assert.equal(renderer, "given renderer");
});

test("capability bits follow the host's version or extension", () => {
  const bits43 = capabilityBits(queryHostGlLimits(host(43)));
  assert.equal(bits43 & VirglCap.ClipHalfz, 0);
  assert.notEqual(bits43 & VirglCap.CopyImage, 0);
  assert.notEqual(capabilityBits(queryHostGlLimits(host(43, ["GL_ARB_clip_control"]))) & VirglCap.ClipHalfz, 0);
  assert.notEqual(capabilityBits(queryHostGlLimits(host(45))) & VirglCap.ClipHalfz, 0);
});
