import assert from "node:assert/strict";
import { test } from "node:test";
import { PipeShaderType, VirglCmd } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import type { Transfer3D } from "../../../src/index.ts";
import { createWithBacking, makeVirgl, res } from "./helpers.ts";

// Compute on the host GL through the component: LAUNCH_GRID writes a shader buffer (through shared memory and a
// barrier), an image and an atomic counter; the guest reads the results back with transfers.

const R8 = 64;
/** `VIRGL_FORMAT_R32_UINT`. */
const R32UI = 193;
const BUFFER_BIND = 1 << 12;
const CS = `COMP
PROPERTY CS_FIXED_BLOCK_WIDTH 8
PROPERTY CS_FIXED_BLOCK_HEIGHT 1
PROPERTY CS_FIXED_BLOCK_DEPTH 1
DCL SV[0], THREAD_ID
DCL SV[1], BLOCK_ID
DCL BUFFER[0]
DCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, WR
DCL HWATOMIC[0][0]
DCL MEMORY[0], SHARED
DCL TEMP[0..3]
IMM[0] UINT32 {4, 1, 7, 8}
IMM[1] UINT32 {28, 100, 0, 0}
  0: UMUL TEMP[0].x, SV[0].xxxx, IMM[0].xxxx
  1: UMAD TEMP[1].x, SV[0].xxxx, IMM[1].yyyy, SV[1].xxxx
  2: STORE MEMORY[0].x, TEMP[0].xxxx, TEMP[1].xxxx
  3: BARRIER
  4: UADD TEMP[2].x, IMM[1].xxxx, -TEMP[0].xxxx
  5: LOAD TEMP[3].x, MEMORY[0], TEMP[2].xxxx
  6: UMAD TEMP[2].x, SV[1].xxxx, IMM[0].wwww, SV[0].xxxx
  7: UMUL TEMP[2].x, TEMP[2].xxxx, IMM[0].xxxx
  8: STORE BUFFER[0].x, TEMP[2].xxxx, TEMP[3].xxxx
  9: MOV TEMP[1].x, SV[0].xxxx
 10: MOV TEMP[1].y, SV[1].xxxx
 11: STORE IMAGE[0], TEMP[1].xyyy, TEMP[3].xxxx, 2D, PIPE_FORMAT_R32_UINT
 12: ATOMUADD TEMP[0].x, HWATOMIC[0][0], IMM[1].zzzz, IMM[0].yyyy
 13: END
`;

function box(w: number, h: number): Transfer3D {
  return { x: 0, y: 0, z: 0, w, h, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 };
}

test("a dispatch writes a shader buffer through shared memory, an image and a counter; transfers read them", () => {
  const { rutabaga } = makeVirgl();
  try {
    const buffer = (id: number, bytes: number) =>
      createWithBacking(
        rutabaga,
        id,
        res({ target: 0, format: R8, bind: BUFFER_BIND, width: bytes, height: 1 }),
        bytes,
      );
    buffer(1, 64);
    buffer(2, 4);
    buffer(3, 12);
    createWithBacking(rutabaga, 4, res({ format: R32UI, width: 8, height: 2 }), 64);
    rutabaga.transferWrite(1, 3, box(12, 1), new Uint8Array(Uint32Array.of(2, 1, 1).buffer));
    const e = new VirglEncoder()
      .createShader(50, PipeShaderType.Compute, CS, 0, 0xfff0, undefined, 32)
      .bindShader(50, PipeShaderType.Compute)
      .raw(VirglCmd.SetShaderBuffers, 0, [PipeShaderType.Compute, 0, 0, 64, 1])
      .raw(VirglCmd.SetShaderImages, 0, [PipeShaderType.Compute, 0, R32UI, 2, 0, 0, 4])
      .raw(VirglCmd.SetAtomicBuffers, 0, [0, 0, 4, 2])
      .raw(VirglCmd.LaunchGrid, 0, [8, 1, 1, 0, 0, 0, 3, 0])
      .raw(VirglCmd.MemoryBarrier, 0, [0x37ff]);
    rutabaga.submitCommand(1, e.finish());
    const ssbo = new Uint8Array(64);
    rutabaga.transferRead(1, 1, box(64, 1), ssbo);
    // Invocation t of group g reads what invocation 7 - t wrote: (7 - t) * 100 + g.
    const expected = Array.from({ length: 16 }, (_, i) => (7 - (i % 8)) * 100 + Math.floor(i / 8));
    assert.deepEqual([...new Uint32Array(ssbo.buffer)], expected);
    const counter = new Uint8Array(4);
    rutabaga.transferRead(1, 2, box(4, 1), counter);
    assert.equal(new Uint32Array(counter.buffer)[0], 16);
    const image = new Uint8Array(64);
    rutabaga.transferRead(1, 4, { ...box(8, 2), stride: 32 }, image);
    assert.deepEqual([...new Uint32Array(image.buffer)], expected);
  } finally {
    rutabaga.destroy();
  }
});
