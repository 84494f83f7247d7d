import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { atomicBufferBinding, shaderBufferBinding } from "../../../../src/components/virgl/tgsi/glsl-bindings.ts";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

// Compute shaders with buffers, shared memory and atomic counters, dispatched on the host GL; the buffers are read
// back and compared with what the TGSI says.

const ATOMIC_COUNTER_BUFFER = 0x92c0;

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

function compile(text: string, key: Partial<ShaderKey> = {}): { shader: number; glsl: string } {
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450", ...key });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  const c = gl.compile(r.shader.stage, g.glsl);
  assert.ok(c.ok, `${c.log}\n${g.glsl}`);
  return { shader: c.shader, glsl: g.glsl };
}

test("CS: block size, THREAD_ID/BLOCK_ID/BLOCK_SIZE/GRID_SIZE, STORE to a buffer at byte addresses", () => {
  const { shader, glsl } = compile(`COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 4
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL SV[1], BLOCK_ID
DCL SV[2], BLOCK_SIZE
DCL SV[3], GRID_SIZE
DCL BUFFER[1]
DCL TEMP[0..2]
IMM[0] UINT32 {8, 100, 0, 0}
  0: UMAD TEMP[0].x, SV[1].xxxx, SV[2].xxxx, SV[0].xxxx
  1: UMUL TEMP[1].x, TEMP[0].xxxx, IMM[0].xxxx
  2: UMUL TEMP[2].x, TEMP[0].xxxx, IMM[0].yyyy
  3: UADD TEMP[2].y, TEMP[2].xxxx, SV[3].xxxx
  4: STORE BUFFER[1].xy, TEMP[1].xxxx, TEMP[2].xyxx
  5: END
`);
  assert.match(glsl, /local_size_x = 4, local_size_y = 1, local_size_z = 1/);
  const out = gl.runCompute(
    shader,
    [{ binding: shaderBufferBinding("COMP", 1), data: new Uint32Array(16) }],
    [2, 1, 1],
  );
  // Global invocation i writes i*100 and i*100 + 2 (the grid width) at dwords 2i, 2i + 1.
  assert.deepEqual(
    [...out[0]!],
    [...Array(8).keys()].flatMap((i) => [i * 100, i * 100 + 2]),
  );
});

test("shared memory and BARRIER: each invocation reads its neighbour's word", () => {
  const { shader, glsl } = compile(
    `COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 8
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL MEMORY[1], SHARED
DCL BUFFER[0]
DCL TEMP[0..3]
IMM[0] UINT32 {4, 1, 7, 1000}
  0: UMUL TEMP[0].x, SV[0].xxxx, IMM[0].xxxx
  1: UADD TEMP[1].x, SV[0].xxxx, IMM[0].wwww
  2: STORE MEMORY[0].x, TEMP[0].xxxx, TEMP[1].xxxx
  3: MEMBAR IMM[0].xxxx
  4: BARRIER
  5: UADD TEMP[2].x, SV[0].xxxx, IMM[0].yyyy
  6: AND TEMP[2].x, TEMP[2].xxxx, IMM[0].zzzz
  7: UMUL TEMP[2].x, TEMP[2].xxxx, IMM[0].xxxx
  8: LOAD TEMP[3].x, MEMORY[0], TEMP[2].xxxx
  9: STORE BUFFER[0].x, TEMP[0].xxxx, TEMP[3].xxxx
 10: END
`,
    { sharedMemoryBytes: 32 },
  );
  assert.match(glsl, /shared uint cs_shared\[8\];/);
  const out = gl.runCompute(shader, [{ binding: 0, data: new Uint32Array(8) }]);
  assert.deepEqual([...out[0]!], [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1000]);
});

test("buffer atomics return the old value; signed min/max; compare-and-swap; RESQ is the size in bytes", () => {
  const { shader } = compile(`COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 16
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL BUFFER[0]
DCL BUFFER[2]
DCL TEMP[0..4]
IMM[0] UINT32 {0, 1, 4, 8}
IMM[1] INT32 {-8, 12, 16, 0}
  0: ATOMUADD TEMP[0].x, BUFFER[0], IMM[0].xxxx, IMM[0].yyyy
  1: UMUL TEMP[1].x, TEMP[0].xxxx, IMM[0].zzzz
  2: UADD TEMP[1].x, TEMP[1].xxxx, IMM[1].zzzz
  3: STORE BUFFER[2].x, TEMP[1].xxxx, SV[0].xxxx
  4: UADD TEMP[2].x, SV[0].xxxx, IMM[1].xxxx
  5: ATOMIMIN TEMP[3].x, BUFFER[0], IMM[0].zzzz, TEMP[2].xxxx
  6: ATOMIMAX TEMP[3].x, BUFFER[0], IMM[0].wwww, TEMP[2].xxxx
  7: ATOMCAS TEMP[3].x, BUFFER[0], IMM[1].yyyy, IMM[0].xxxx, SV[0].xxxx
  8: RESQ TEMP[4].x, BUFFER[2]
  9: STORE BUFFER[2].x, IMM[0].xxxx, TEMP[4].xxxx
 10: END
`);
  const out = gl.runCompute(shader, [
    { binding: 0, data: new Uint32Array(4) },
    { binding: 2, data: new Uint32Array(20) },
  ]);
  const [counters, slots] = [out[0]!, out[1]!];
  assert.equal(counters[0], 16);
  assert.equal(counters[1]! | 0, -8, "signed min of -8..7 and 0");
  assert.equal(counters[2]! | 0, 7, "signed max");
  assert.ok(counters[3]! < 16, "one invocation's id swapped in");
  assert.equal(slots[0], 80, "RESQ: 20 dwords");
  assert.deepEqual(
    [...slots.slice(4)].sort((a, b) => a - b),
    [...Array(16).keys()],
  );
});

test("out-of-bounds buffer and shared accesses are dropped (stores) or read 0 (loads), never outside", () => {
  const { shader } = compile(
    `COMP
DCL BUFFER[0]
DCL MEMORY[1], SHARED
DCL TEMP[0..1]
IMM[0] UINT32 {4294967292, 16, 12, 7}
  0: STORE BUFFER[0].xyzw, IMM[0].yyyy, IMM[0].wwww
  1: STORE BUFFER[0].x, IMM[0].xxxx, IMM[0].wwww
  2: STORE MEMORY[0].x, IMM[0].yyyy, IMM[0].wwww
  3: LOAD TEMP[0].x, MEMORY[0], IMM[0].yyyy
  4: LOAD TEMP[1].xy, BUFFER[0], IMM[0].zzzz
  5: STORE BUFFER[0].xyz, IMM[0].xxxx, TEMP[0].xxxx
  6: ATOMUADD TEMP[1].z, BUFFER[0], IMM[0].yyyy, IMM[0].wwww
  7: STORE BUFFER[0].x, IMM[0].zzzz, TEMP[1].xyzx
  8: END
`,
    { sharedMemoryBytes: 16 },
  );
  const out = gl.runCompute(shader, [{ binding: 0, data: Uint32Array.of(1, 2, 3, 4) }]);
  assert.deepEqual([...out[0]!], [1, 2, 3, 4]);
});

test("atomic counters: increment, decrement (old value), counter ops, indirect index, LOAD", () => {
  const { shader, glsl } = compile(`COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 8
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL HWATOMIC[1][0..2]
DCL BUFFER[0]
DCL ADDR[0]
DCL TEMP[0..3]
IMM[0] UINT32 {0, 4, 8, 3}
IMM[1] INT32 {1, -1, 2, 0}
  0: ATOMUADD TEMP[0].x, HWATOMIC[1][0], IMM[0].xxxx, IMM[1].xxxx
  1: ATOMUADD TEMP[1].x, HWATOMIC[1][1], IMM[0].yyyy, IMM[1].yyyy
  2: UARL ADDR[0].x, IMM[1].zzzz
  3: ATOMOR TEMP[2].x, HWATOMIC[1][ADDR[0].x], IMM[0].zzzz, IMM[0].wwww
  4: LOAD TEMP[3].x, HWATOMIC[1][2], IMM[0].zzzz
  5: UMUL TEMP[0].y, SV[0].xxxx, IMM[0].yyyy
  6: STORE BUFFER[0].x, TEMP[0].yyyy, TEMP[1].xxxx
  7: END
`);
  assert.match(glsl, /layout\(binding = 1, offset = 4\) uniform atomic_uint ac1_1;/);
  assert.match(glsl, /atomicCounterIncrement\(ac1_0\)/);
  const out = gl.runCompute(shader, [
    { binding: atomicBufferBinding(1), data: Uint32Array.of(5, 100, 16), target: ATOMIC_COUNTER_BUFFER },
    { binding: 0, data: new Uint32Array(8) },
  ]);
  assert.deepEqual([...out[0]!], [13, 92, 19]);
  assert.deepEqual(
    [...out[1]!].sort((a, b) => a - b),
    [93, 94, 95, 96, 97, 98, 99, 100],
    "decrement's old values",
  );
});

test("images: STORE/LOAD/ATOM*/RESQ on an r32ui 2D image, checked on the texture", () => {
  const { shader, glsl } = compile(`COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 4
PROPERTY CS_FIXED_BLOCK_HEIGHT 4
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, WR
DCL IMAGE[1], 2D, PIPE_FORMAT_R32_UINT, WR
DCL BUFFER[0]
DCL TEMP[0..3]
IMM[0] UINT32 {10, 1, 0, 4}
IMM[1] UINT32 {200, 0, 0, 0}
  0: UMAD TEMP[0].x, SV[0].yyyy, IMM[0].xxxx, SV[0].xxxx
  1: STORE IMAGE[0], SV[0].xyyy, TEMP[0].xxxx, 2D, PIPE_FORMAT_R32_UINT
  2: ATOMUADD TEMP[1].x, IMAGE[1], IMM[0].zzzz, IMM[0].yyyy, 2D, PIPE_FORMAT_R32_UINT
  3: ATOMUMAX TEMP[1].x, IMAGE[1], IMM[0].yzzz, TEMP[0].xxxx, 2D, PIPE_FORMAT_R32_UINT
  4: RESQ TEMP[2].xy, IMAGE[0]
  5: MEMBAR IMM[0].wwww
  6: BARRIER
  7: LOAD TEMP[3].x, IMAGE[0], SV[0].yxxx, 2D, PIPE_FORMAT_R32_UINT
  8: UMUL TEMP[0].y, TEMP[0].xxxx, IMM[0].wwww
  9: STORE BUFFER[0].x, TEMP[0].yyyy, TEMP[3].xxxx
 10: STORE BUFFER[0].xy, IMM[1].xxxx, TEMP[2].xyxx
 11: END
`);
  assert.match(glsl, /layout\(binding = 0, r32ui\) uniform uimage2D cs_img0;/);
  const [buf, img0, img1] = gl.runComputeWithImages(shader, 0, 2, 4, [{ binding: 0, data: new Uint32Array(64) }]);
  assert.deepEqual(
    [...img0!],
    [...Array(16).keys()].map((i) => (i >> 2) * 10 + (i & 3)),
  );
  assert.equal(img1![0], 16, "one ATOMUADD per invocation");
  assert.equal(img1![1], 33, "ATOMUMAX of every value at (1, 0)");
  // Buffer word 10y + x holds texel (y, x) = 10x + y (the transposed read); RESQ gives 4x4 at words 50, 51.
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) assert.equal(buf![10 * y + x], 10 * x + y);
  assert.deepEqual([buf![50], buf![51]], [4, 4]);
});

test("images: every target, float/int/uint formats, read-only and unformatted write-only declarations compile", () => {
  const targets: [string, string][] = [
    ["1D", "x"],
    ["2D", "xy"],
    ["3D", "xyz"],
    ["CUBE", "xyz"],
    ["RECT", "xy"],
    ["1D_ARRAY", "xy"],
    ["2D_ARRAY", "xyz"],
    ["CUBEARRAY", "xyz"],
    ["BUFFER", "x"],
    ["2D_MSAA", "xyw"],
    ["2D_ARRAY_MSAA", "xyzw"],
  ];
  for (const [target] of targets) {
    for (const [format, wr, ops] of [
      ["PIPE_FORMAT_R32_UINT", ", WR", ["LOAD", "STORE", "ATOMUADD", "ATOMCAS", "RESQ"]],
      ["PIPE_FORMAT_R32_SINT", ", WR", ["ATOMIMIN", "ATOMXCHG"]],
      ["PIPE_FORMAT_R16G16B16A16_FLOAT", "", ["LOAD", "RESQ"]],
      ["PIPE_FORMAT_R8G8B8A8_SNORM", ", WR", ["STORE"]],
      ["PIPE_FORMAT_NONE", ", WR", ["STORE"]],
    ] as const) {
      const lines = ops.map((op, i) => {
        const tail = `${target}${format === "PIPE_FORMAT_NONE" ? "" : `, ${format}`}`;
        if (op === "STORE") return `${i}: STORE IMAGE[3], TEMP[0], TEMP[1], ${tail}`;
        if (op === "RESQ") return `${i}: RESQ TEMP[2], IMAGE[3]`;
        if (op === "LOAD") return `${i}: LOAD TEMP[2], IMAGE[3], TEMP[0], ${tail}`;
        if (op === "ATOMCAS") return `${i}: ATOMCAS TEMP[2].x, IMAGE[3], TEMP[0], TEMP[1].xxxx, TEMP[1].yyyy, ${tail}`;
        return `${i}: ${op} TEMP[2].x, IMAGE[3], TEMP[0], TEMP[1].xxxx, ${tail}`;
      });
      const text = `FRAG\nDCL IMAGE[3], ${target}, ${format}${wr}\nDCL TEMP[0..2]\n${lines.join("\n")}\n${ops.length}: END\n`;
      const { glsl } = compile(text);
      if (wr === "") assert.match(glsl, /readonly uniform/, `${target} ${format}`);
      if (format === "PIPE_FORMAT_NONE") assert.match(glsl, /writeonly uniform/, `${target}`);
      assert.match(glsl, /binding = 3\b/, "FS image 3 at unit 3 (the FS range comes first)");
    }
  }
});
