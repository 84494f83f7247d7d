import assert from "node:assert/strict";
import { test } from "node:test";
import { capabilityBits } from "../../../../src/components/virgl/caps/capability-bits.ts";
import {
  CapsOffset,
  encodeVirglCaps,
  queryHostGlLimits,
  VirglCap,
} from "../../../../src/components/virgl/caps/caps.ts";
import { guestVersions } from "../../../../src/components/virgl/caps/guest-features.ts";
import { MEMORY_LIMIT_QUERIES as Q } from "../../../../src/components/virgl/caps/memory-caps.ts";
import { GL } from "../../../../src/components/virgl/host-gl/gl-constants.ts";
import { RecordingHostGl } from "../../../../src/components/virgl/host-gl/recording-host-gl.ts";

// The compute, shader buffer, image and atomic counter caps come from the host's limits, capped by the binding
// contract's per-stage ranges.

function caps(glVersion: number, over: readonly [number, number][] = []): DataView {
  const perStage = (qs: readonly number[], n: number) => qs.map((q) => [q, n] as [number, number]);
  const gl = new RecordingHostGl({
    glVersion,
    ints: new Map([
      [GL.MAX_VERTEX_UNIFORM_BLOCKS, 14],
      ...perStage(
        [
          GL.MAX_VERTEX_SHADER_STORAGE_BLOCKS,
          GL.MAX_FRAGMENT_SHADER_STORAGE_BLOCKS,
          Q.MAX_GEOMETRY_SHADER_STORAGE_BLOCKS,
          Q.MAX_TESS_CONTROL_SHADER_STORAGE_BLOCKS,
          Q.MAX_TESS_EVALUATION_SHADER_STORAGE_BLOCKS,
          Q.MAX_COMPUTE_SHADER_STORAGE_BLOCKS,
        ],
        24,
      ),
      ...perStage(
        [
          GL.MAX_VERTEX_IMAGE_UNIFORMS,
          GL.MAX_FRAGMENT_IMAGE_UNIFORMS,
          Q.MAX_GEOMETRY_IMAGE_UNIFORMS,
          Q.MAX_TESS_CONTROL_IMAGE_UNIFORMS,
          Q.MAX_TESS_EVALUATION_IMAGE_UNIFORMS,
          Q.MAX_COMPUTE_IMAGE_UNIFORMS,
        ],
        8,
      ),
      [GL.MAX_COMBINED_SHADER_STORAGE_BLOCKS, 96],
      [Q.MAX_SHADER_STORAGE_BUFFER_BINDINGS, 96],
      [Q.MAX_IMAGE_UNITS, 96],
      [Q.MAX_ATOMIC_COUNTER_BUFFER_BINDINGS, 8],
      ...perStage(
        [
          GL.MAX_VERTEX_ATOMIC_COUNTER_BUFFERS,
          GL.MAX_FRAGMENT_ATOMIC_COUNTER_BUFFERS,
          GL.MAX_COMPUTE_ATOMIC_COUNTER_BUFFERS,
          GL.MAX_COMBINED_ATOMIC_COUNTER_BUFFERS,
        ],
        8,
      ),
      ...perStage(
        [GL.MAX_VERTEX_ATOMIC_COUNTERS, GL.MAX_FRAGMENT_ATOMIC_COUNTERS, GL.MAX_COMBINED_ATOMIC_COUNTERS],
        4096,
      ),
      [GL.MAX_COMPUTE_ATOMIC_COUNTERS, 100],
      [GL.MAX_COMPUTE_WORK_GROUP_INVOCATIONS, 1024],
      [GL.MAX_COMPUTE_SHARED_MEMORY_SIZE, 65536],
      ...over,
    ]),
    indexedInts: new Map([
      [GL.MAX_COMPUTE_WORK_GROUP_COUNT, [65535, 65534, 65533]],
      [GL.MAX_COMPUTE_WORK_GROUP_SIZE, [1024, 512, 64]],
    ]),
  });
  const limits = queryHostGlLimits(gl);
  const bytes = encodeVirglCaps(limits, 2, capabilityBits(limits));
  return new DataView(bytes.buffer);
}

const u32 = (v: DataView, field: keyof typeof CapsOffset, i = 0) => v.getUint32(CapsOffset[field] + 4 * i, true);

test("a GL 4.5 host: compute and memory barriers advertised, limits capped by the per-stage binding ranges", () => {
  const v = caps(45);
  const bits = u32(v, "capabilityBits");
  assert.ok(bits & VirglCap.ComputeShader && bits & VirglCap.MemoryBarrier && bits & VirglCap.TextureBarrier);
  // 24 blocks per stage on the host, 16 slots per stage in the contract.
  assert.equal(u32(v, "maxShaderBufferFragCompute"), 16);
  assert.equal(u32(v, "maxShaderBufferOtherStages"), 16);
  assert.equal(u32(v, "maxShaderImageFragCompute"), 8);
  assert.equal(u32(v, "maxShaderImageOtherStages"), 8);
  // Counters: 32 per buffer binding (HWATOMIC indices 0..31), the host's own count when lower.
  assert.equal(u32(v, "maxAtomicCounterBuffers", 0), 8);
  assert.equal(u32(v, "maxAtomicCounters", 0), 256);
  assert.equal(u32(v, "maxAtomicCounters", 5), 100);
  assert.equal(u32(v, "maxCombinedAtomicCounterBuffers"), 8);
  assert.equal(u32(v, "maxComputeSharedMemorySize"), 32768);
  assert.deepEqual(
    [0, 1, 2].map((i) => u32(v, "maxComputeGridSize", i)),
    [65535, 65534, 65533],
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => u32(v, "maxComputeBlockSize", i)),
    [1024, 512, 64],
  );
  const versions = guestVersions(new Uint8Array(v.buffer));
  assert.ok(!versions.missingForNextEs.includes("ARB_compute_shader"), JSON.stringify(versions));
  assert.ok(!versions.missingForNextEs.includes("ARB_shader_storage_buffer_object"));
});

test("binding points too few for the tessellation stages' ranges: those stages get no shader buffers or images", () => {
  const v = caps(45, [
    [Q.MAX_SHADER_STORAGE_BUFFER_BINDINGS, 48],
    [Q.MAX_IMAGE_UNITS, 40],
  ]);
  assert.equal(u32(v, "maxShaderBufferOtherStages"), 0);
  assert.equal(u32(v, "maxShaderBufferFragCompute"), 16);
  assert.equal(u32(v, "maxShaderImageOtherStages"), 0);
  assert.equal(u32(v, "maxShaderImageFragCompute"), 8);
});

test("a host with 8 image units (as some GPUs have): the FS and CS get 8 images, the stages whose ranges follow none", () => {
  const v = caps(45, [[Q.MAX_IMAGE_UNITS, 8]]);
  assert.equal(u32(v, "maxShaderImageFragCompute"), 8);
  assert.equal(u32(v, "maxShaderImageOtherStages"), 0);
  assert.ok(!guestVersions(new Uint8Array(v.buffer)).missingForNextEs.includes("ARB_compute_shader"));
});

test("a GL 3.3 host without the extensions: no compute, no barriers, no memory limits", () => {
  const v = caps(33, [
    [GL.MAX_FRAGMENT_SHADER_STORAGE_BLOCKS, 0],
    [GL.MAX_FRAGMENT_IMAGE_UNIFORMS, 0],
    [GL.MAX_COMBINED_ATOMIC_COUNTER_BUFFERS, 0],
    [Q.MAX_ATOMIC_COUNTER_BUFFER_BINDINGS, 0],
  ]);
  const bits = u32(v, "capabilityBits");
  assert.equal(bits & (VirglCap.ComputeShader | VirglCap.MemoryBarrier | VirglCap.TextureBarrier), 0);
  assert.equal(u32(v, "maxShaderBufferFragCompute"), 0);
  assert.equal(u32(v, "maxShaderImageFragCompute"), 0);
  assert.equal(u32(v, "maxCombinedAtomicCounterBuffers"), 0);
  assert.equal(u32(v, "maxComputeWorkGroupInvocations"), 0);
});
