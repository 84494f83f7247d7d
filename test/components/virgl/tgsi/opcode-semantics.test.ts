import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { GlCompiler } from "./gl-compiler.ts";

// Each case is a vertex shader run once on the host GL; OUT[0] (GENERIC[0]) is captured by transform feedback and
// compared word for word with what the TGSI semantics (not GLSL's) say.

let gl: GlCompiler;
before(() => {
  gl = new GlCompiler();
});
after(() => gl.destroy());

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function fb(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

function run(body: string, uniformBuffers: { binding: number; data: Uint32Array }[] = []): number[] {
  const text = `VERT\nDCL OUT[0], GENERIC[0]\nDCL TEMP[0..7]\nDCL ADDR[0]\n${body}\n`;
  const r = parseTgsi(text);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  const g = emitGlsl(r.shader, { target: "glsl450" });
  assert.ok(g.ok, g.ok ? "" : g.error.message);
  const c = gl.compile("VERT", g.glsl);
  assert.ok(c.ok, `${c.log}\n${g.glsl}`);
  return [...gl.evaluate(c.shader, ["vs_g0"], 4, uniformBuffers)];
}

const cases: [string, string, number[]][] = [
  [
    "UCMP selects on raw bits",
    `IMM[0] UINT32 {7, 0, 4294967295, 1065353216}
 0: UCMP OUT[0], IMM[0].xyzw, IMM[0].wwww, IMM[0].yyyy
 1: END`,
    [fb(1), 0, fb(1), fb(1)],
  ],
  [
    "USLT is unsigned, ISLT signed; both give ~0/0",
    `IMM[0] UINT32 {1, 4294967295, 5, 5}
IMM[1] UINT32 {2, 1, 5, 4}
 0: USLT TEMP[0], IMM[0], IMM[1]
 1: ISLT TEMP[1], IMM[0], IMM[1]
 2: MOV OUT[0].xy, TEMP[0].xyxx
 3: MOV OUT[0].zw, TEMP[1].xxxy
 4: END`,
    [0xffffffff, 0, 0xffffffff, 0xffffffff],
  ],
  [
    "I2F and U2F convert numerically from integer bits",
    `IMM[0] INT32 {-3, 0, 7, 2147483647}
IMM[1] UINT32 {4294967295, 0, 0, 0}
 0: I2F TEMP[0], IMM[0]
 1: U2F TEMP[1].x, IMM[1].xxxx
 2: MOV OUT[0], TEMP[0]
 3: MOV OUT[0].y, TEMP[1].xxxx
 4: END`,
    [fb(-3), fb(4294967296), fb(7), fb(2147483648)],
  ],
  [
    "F2I truncates, F2U truncates",
    `IMM[0] FLT32 {-2.5, 2.5, 1000000000, 3.75}
 0: F2I TEMP[0], IMM[0]
 1: F2U TEMP[1].x, IMM[0].wwww
 2: MOV OUT[0], TEMP[0]
 3: MOV OUT[0].w, TEMP[1].xxxx
 4: END`,
    [-2 >>> 0, 2, 1000000000, 3],
  ],
  [
    "UDIV and UMOD by zero give all ones",
    `IMM[0] UINT32 {7, 9, 0, 100}
IMM[1] UINT32 {2, 0, 5, 7}
 0: UDIV TEMP[0].xy, IMM[0].xyxx, IMM[1].xyxx
 1: UMOD TEMP[0].zw, IMM[0].xxyw, IMM[1].xxyw
 2: MOV OUT[0], TEMP[0]
 3: END`,
    [3, 0xffffffff, 0xffffffff, 2],
  ],
  [
    "shift counts use their low 5 bits",
    `IMM[0] UINT32 {1, 33, 31, 32}
IMM[1] UINT32 {2147483648, 4294967288, 0, 0}
 0: SHL TEMP[0].xy, IMM[0].xxxx, IMM[0].ywww
 1: USHR TEMP[0].z, IMM[1].xxxx, IMM[0].zzzz
 2: ISHR TEMP[0].w, IMM[1].yyyy, IMM[0].xxxx
 3: MOV OUT[0], TEMP[0]
 4: END`,
    [2, 1, 1, -4 >>> 0],
  ],
  [
    "UIF tests bits (-0.0 is true), IF tests the float (-0.0 is false)",
    `IMM[0] UINT32 {2147483648, 1065353216, 0, 0}
 0: MOV TEMP[0], IMM[0].zzzz
 1: UIF IMM[0].xxxx :3
 2:   MOV TEMP[0].x, IMM[0].yyyy
 3: ENDIF
 4: IF IMM[0].xxxx :6
 5:   MOV TEMP[0].y, IMM[0].yyyy
 6: ENDIF
 7: MOV OUT[0], TEMP[0]
 8: END`,
    [fb(1), 0, 0, 0],
  ],
  [
    "LRP is a*b + (1-a)*c, DP3 replicates, SLT gives 1.0/0.0, FSLT gives ~0",
    `IMM[0] FLT32 {0.25, 4.0, 8.0, 1.0}
IMM[1] FLT32 {1.0, 2.0, 3.0, 4.0}
IMM[2] FLT32 {5.0, 6.0, 7.0, 8.0}
 0: LRP TEMP[0].x, IMM[0].xxxx, IMM[0].yyyy, IMM[0].zzzz
 1: DP3 TEMP[0].y, IMM[1], IMM[2]
 2: SLT TEMP[0].z, IMM[1].xxxx, IMM[1].yyyy
 3: FSLT TEMP[0].w, IMM[1].yyyy, IMM[1].xxxx
 4: MOV OUT[0], TEMP[0]
 5: END`,
    [fb(7), fb(38), fb(1), 0],
  ],
  [
    "negate on an integer source is integer negation; saturate clamps",
    `IMM[0] UINT32 {10, 3, 0, 0}
IMM[1] FLT32 {2.0, -1.0, 0.5, 0.0}
 0: UADD TEMP[0].x, IMM[0].xxxx, -IMM[0].yyyy
 1: MOV_SAT TEMP[0].yzw, IMM[1].xxyz
 2: MOV OUT[0], TEMP[0]
 3: END`,
    [7, fb(1), fb(0), fb(0.5)],
  ],
  [
    "BGNLOOP/BRK/ENDLOOP with UARL-indexed temp array",
    `DCL TEMP[8..11], ARRAY(1)
IMM[0] UINT32 {0, 1, 4, 0}
IMM[1] FLT32 {10.0, 20.0, 30.0, 40.0}
 0: MOV TEMP[8], IMM[1].xxxx
 1: MOV TEMP[9], IMM[1].yyyy
 2: MOV TEMP[10], IMM[1].zzzz
 3: MOV TEMP[11], IMM[1].wwww
 4: MOV TEMP[0].x, IMM[0].xxxx
 5: MOV TEMP[1], IMM[0].xxxx
 6: BGNLOOP :0
 7:   USGE TEMP[2].x, TEMP[0].xxxx, IMM[0].zzzz
 8:   UIF TEMP[2].xxxx :10
 9:     BRK
10:   ENDIF
11:   UARL ADDR[0].x, TEMP[0].xxxx
12:   ADD TEMP[1].x, TEMP[1].xxxx, TEMP[ADDR[0].x+8](1).xxxx
13:   UADD TEMP[0].x, TEMP[0].xxxx, IMM[0].yyyy
14: ENDLOOP :0
15: MOV OUT[0].x, TEMP[1].xxxx
16: MOV OUT[0].y, TEMP[0].xxxx
17: MOV OUT[0].zw, IMM[0].xxxx
18: END`,
    [fb(100), 4, 0, 0],
  ],
  [
    "SWITCH/CASE/DEFAULT fall through like C; CAL runs a subroutine",
    `IMM[0] UINT32 {1, 10, 20, 99}
 0: MOV TEMP[0], IMM[0].xxxx
 1: MOV TEMP[1], IMM[0].xxxx
 2: SWITCH IMM[0].xxxx
 3: CASE IMM[0].xxxx
 4:   MOV TEMP[1].x, IMM[0].yyyy
 5: CASE IMM[0].yyyy
 6:   MOV TEMP[1].y, IMM[0].zzzz
 7:   BRK
 8: DEFAULT
 9:   MOV TEMP[1].z, IMM[0].wwww
10: ENDSWITCH
11: CAL :14
12: MOV OUT[0], TEMP[1]
13: END
14: BGNSUB :18
15:   MOV TEMP[1].w, IMM[0].wwww
16:   RET
17: ENDSUB`,
    [10, 20, 1, 99],
  ],
  [
    "UMUL_HI / IMUL_HI take the high word; bit ops",
    `IMM[0] UINT32 {2147483648, 4, 4294967294, 3}
IMM[1] UINT32 {240, 15, 1, 0}
 0: UMUL_HI TEMP[0].x, IMM[0].xxxx, IMM[0].yyyy
 1: IMUL_HI TEMP[0].y, IMM[0].zzzz, IMM[0].wwww
 2: POPC TEMP[0].z, IMM[1].xxxx
 3: XOR TEMP[0].w, IMM[1].xxxx, IMM[1].yyyy
 4: MOV OUT[0], TEMP[0]
 5: END`,
    [2, 0xffffffff, 4, 255],
  ],
  [
    "fp64: F2D, DADD, D2F through channel pairs",
    `IMM[0] FLT32 {1.5, 2.25, 0.0, 0.0}
 0: F2D TEMP[0], IMM[0].xyxx
 1: DADD TEMP[1].xy, TEMP[0].xyxy, TEMP[0].zwzw
 2: D2F TEMP[2].x, TEMP[1].xyxy
 3: MOV OUT[0], IMM[0].zzzz
 4: MOV OUT[0].x, TEMP[2].xxxx
 5: END`,
    [fb(3.75), 0, 0, 0],
  ],
  [
    "fp64: a 32-bit result written to .zw takes the xy then the zw double (tgsi_exec's order of written channels)",
    `IMM[0] FLT32 {1.5, 2.25, 0.0, 0.0}
 0: F2D TEMP[0], IMM[0].xyxx
 1: MOV TEMP[1], IMM[0].zzzz
 2: D2F TEMP[1].zw, TEMP[0]
 3: DSLT TEMP[1].y, TEMP[0].xyxy, TEMP[0].zwzw
 4: MOV OUT[0], TEMP[1]
 5: END`,
    [0, 0xffffffff, fb(1.5), fb(2.25)],
  ],
  [
    "PK2H packs x (low) and y (high) as halves, replicated; UP2H unpacks to (lo, hi, lo, hi)",
    `IMM[0] FLT32 {0x3f800000, 0xc0000000, 0, 0}
IMM[1] UINT32 {3221240832, 0, 0, 0}
 0: PK2H TEMP[0], IMM[0]
 1: UP2H TEMP[1], IMM[1].xxxx
 2: MOV OUT[0].xy, TEMP[0].xyxx
 3: MOV OUT[0].zw, TEMP[1].xxxy
 4: END`,
    [0xc0003c00, 0xc0003c00, fb(1), fb(-2)],
  ],
  [
    "DLDEXP scales a double by a power of two",
    `IMM[0] FLT32 {0x40400000, 0, 0, 0}
IMM[1] INT32 {4, 0, 0, 0}
 0: F2D TEMP[0].xy, IMM[0].xxxx
 1: DLDEXP TEMP[1].xy, TEMP[0], IMM[1].xxxx
 2: D2F TEMP[2].x, TEMP[1]
 3: MOV OUT[0], TEMP[2].xxxx
 4: END`,
    [fb(48), fb(48), fb(48), fb(48)],
  ],
];

cases.push(
  [
    "bitfield ops: IBFE sign-extends, UBFE zero-extends, BFI inserts, BREV/LSB/UMSB/IMSB",
    `IMM[0] UINT32 {240, 4, 4, 0}
IMM[1] UINT32 {4294967295, 2147483648, 1, 8}
 0: IBFE TEMP[0].x, IMM[0].xxxx, IMM[0].yyyy, IMM[0].zzzz
 1: UBFE TEMP[0].y, IMM[0].xxxx, IMM[0].yyyy, IMM[0].zzzz
 2: BFI TEMP[0].z, IMM[0].wwww, IMM[1].xxxx, IMM[0].yyyy, IMM[0].zzzz
 3: BREV TEMP[0].w, IMM[1].zzzz
 4: MOV OUT[0], TEMP[0]
 5: END`,
    [0xffffffff, 15, 0xf0, 0x80000000],
  ],
  [
    "LSB, UMSB, IMSB of edge values",
    `IMM[0] UINT32 {8, 2147483648, 4294967294, 0}
 0: LSB TEMP[0].x, IMM[0].xxxx
 1: UMSB TEMP[0].y, IMM[0].yyyy
 2: IMSB TEMP[0].z, IMM[0].zzzz
 3: LSB TEMP[0].w, IMM[0].wwww
 4: MOV OUT[0], TEMP[0]
 5: END`,
    [3, 31, 0, 0xffffffff],
  ],
  [
    "ARL floors, IDIV/MOD truncate toward zero, IMAX is signed and UMAX unsigned",
    `IMM[0] FLT32 {-1.5, 0.0, 0.0, 0.0}
IMM[1] INT32 {-7, 2, -1, 1}
 0: ARL ADDR[0].x, IMM[0].xxxx
 1: UADD TEMP[0].x, ADDR[0].xxxx, IMM[1].wwww
 2: IDIV TEMP[0].y, IMM[1].xxxx, IMM[1].yyyy
 3: MOD TEMP[0].z, IMM[1].xxxx, IMM[1].yyyy
 4: IMAX TEMP[1].x, IMM[1].zzzz, IMM[1].wwww
 5: UMAX TEMP[1].y, IMM[1].zzzz, IMM[1].wwww
 6: UADD TEMP[0].w, TEMP[1].xxxx, TEMP[1].yyyy
 7: MOV OUT[0], TEMP[0]
 8: END`,
    [-1 >>> 0, -3 >>> 0, -1 >>> 0, 0],
  ],
  [
    "ROUND is round-half-even, FRC/FLR, CMP selects on < 0, SSG",
    `IMM[0] FLT32 {2.5, -1.25, -0.0, 3.0}
 0: ROUND TEMP[0].x, IMM[0].xxxx
 1: FRC TEMP[0].y, IMM[0].yyyy
 2: CMP TEMP[0].z, IMM[0].yyyy, IMM[0].wwww, IMM[0].xxxx
 3: SSG TEMP[0].w, IMM[0].yyyy
 4: MOV OUT[0], TEMP[0]
 5: END`,
    [fb(2), fb(0.75), fb(3), fb(-1)],
  ],
  [
    "DP2, DPH, XPD, DST",
    `IMM[0] FLT32 {1.0, 2.0, 3.0, 4.0}
IMM[1] FLT32 {5.0, 6.0, 7.0, 8.0}
 0: DP2 TEMP[0].x, IMM[0], IMM[1]
 1: DPH TEMP[0].y, IMM[0], IMM[1]
 2: XPD TEMP[1], IMM[0], IMM[1]
 3: DST TEMP[2], IMM[0], IMM[1]
 4: MOV TEMP[0].z, TEMP[1].xxxx
 5: MOV TEMP[0].w, TEMP[2].yyyy
 6: MOV OUT[0], TEMP[0]
 7: END`,
    [fb(17), fb(46), fb(2 * 7 - 3 * 6), fb(12)],
  ],
  [
    "BGNLOOP with CONT skips the rest of the body",
    `IMM[0] UINT32 {0, 1, 5, 2}
 0: MOV TEMP[0], IMM[0].xxxx
 1: BGNLOOP :0
 2:   UADD TEMP[0].x, TEMP[0].xxxx, IMM[0].yyyy
 3:   USGE TEMP[1].x, TEMP[0].xxxx, IMM[0].zzzz
 4:   UIF TEMP[1].xxxx :6
 5:     BRK
 6:   ENDIF
 7:   USLT TEMP[1].x, TEMP[0].xxxx, IMM[0].wwww
 8:   UIF TEMP[1].xxxx :10
 9:     CONT
10:   ENDIF
11:   UADD TEMP[0].y, TEMP[0].yyyy, IMM[0].yyyy
12: ENDLOOP :0
13: MOV OUT[0], TEMP[0]
14: END`,
    [5, 3, 0, 0],
  ],
);

test("CONST reads the raw words of the bound buffer; indirect reads are clamped into the declared range", () => {
  const data = new Uint32Array([fb(1.5), 7, 0, 0, fb(2.5), 8, 0, 0, fb(3.5), 9, 0, 0]);
  const words = run(
    `DCL CONST[0..2]
IMM[0] UINT32 {1, 100, 0, 0}
 0: UARL ADDR[0].x, IMM[0].xxxx
 1: MOV TEMP[0].x, CONST[ADDR[0].x+0].xxxx
 2: UARL ADDR[0].x, IMM[0].yyyy
 3: MOV TEMP[0].y, CONST[ADDR[0].x+0].yyyy
 4: UADD TEMP[0].z, CONST[0].yyyy, CONST[2].yyyy
 5: MUL TEMP[0].w, CONST[0].xxxx, CONST[1].xxxx
 6: MOV OUT[0], TEMP[0]
 7: END`,
    [{ binding: 0, data }],
  );
  assert.deepEqual(words, [fb(2.5), 9, 16, fb(3.75)]);
});

for (const [title, body, expected] of cases) {
  test(`TGSI semantics on the host GL: ${title}`, () => {
    assert.deepEqual(
      run(body).map((w) => `0x${w.toString(16)}`),
      expected.map((w) => `0x${(w >>> 0).toString(16)}`),
    );
  });
}

test("an endless loop stops after the loop budget, shared by nested loops", () => {
  const words = run(`IMM[0] UINT32 {0, 1, 0, 0}
 0: MOV TEMP[0], IMM[0].xxxx
 1: BGNLOOP :0
 2:   BGNLOOP :0
 3:     UADD TEMP[0].x, TEMP[0].xxxx, IMM[0].yyyy
 4:   ENDLOOP :0
 5:   UADD TEMP[0].y, TEMP[0].yyyy, IMM[0].yyyy
 6: ENDLOOP :0
 7: MOV OUT[0], TEMP[0]
 8: END`);
  // 65536 loop-body entries in total: one outer, 65535 inner.
  assert.deepEqual(words.slice(0, 2), [65535, 1]);
});
