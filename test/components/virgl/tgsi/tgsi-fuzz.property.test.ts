import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { GlslEmitError } from "../../../../src/components/virgl/tgsi/glsl-emit-error.ts";
import { emitGlsl } from "../../../../src/components/virgl/tgsi/glsl-emitter.ts";
import type { ShaderKey } from "../../../../src/components/virgl/tgsi/shader-key.ts";
import { TgsiParseError } from "../../../../src/components/virgl/tgsi/tgsi-parse-error.ts";
import { parseTgsi } from "../../../../src/components/virgl/tgsi/tgsi-parser.ts";
import { loadCorpus } from "./fixtures.ts";

const RUNS = Number(process.env.FC_RUNS ?? 400);
/** Per-input budget for parse + two emits; generous for a loaded 2-core CI machine. */
const MAX_MS = 2000;

const corpus = loadCorpus().map((s) => s.text);
const EDGE_NUMBERS = [
  "0",
  "1",
  "3",
  "7",
  "8",
  "15",
  "16",
  "31",
  "32",
  "79",
  "80",
  "255",
  "4095",
  "4096",
  "65535",
  "2147483647",
  "2147483648",
  "4294967295",
  "4294967296",
  "4000000000",
  "99999999999",
  "-1",
  "-2147483648",
  "1e30",
  "0x7fc00000",
  "0xffffffffffffffff",
  "nan",
];
const WORDS = [
  "VERT",
  "FRAG",
  "GEOM",
  "TESS_CTRL",
  "TESS_EVAL",
  "COMP",
  "DCL",
  "IMM",
  "PROPERTY",
  "IN",
  "OUT",
  "TEMP",
  "CONST",
  "ADDR",
  "SAMP",
  "SVIEW",
  "SV",
  "IMAGE",
  "BUFFER",
  "MEMORY",
  "GENERIC",
  "COLOR",
  "POSITION",
  "CLIPDIST",
  "ARRAY",
  "LOCAL",
  "CONSTANT",
  "LINEAR",
  "2D",
  "SHADOW2D",
  "CUBE_ARRAY",
  "BUFFER",
  "FLOAT",
  "UINT",
  "UINT32",
  "FLT32",
  "FLT64",
  "MOV",
  "ADD_SAT",
  "UCMP",
  "TEX",
  "TXQ",
  "TG4",
  "UIF",
  "ELSE",
  "ENDIF",
  "BGNLOOP",
  "ENDLOOP",
  "BRK",
  "SWITCH",
  "CASE",
  "ENDSWITCH",
  "CAL",
  "BGNSUB",
  "ENDSUB",
  "RET",
  "EMIT",
  "END",
  "GS_INPUT_PRIMITIVE",
  "TRIANGLES",
  "GS_OUTPUT_PRIMITIVE",
  "TRIANGLE_STRIP",
  "GS_MAX_OUTPUT_VERTICES",
  "TCS_VERTICES_OUT",
  "CS_FIXED_BLOCK_WIDTH",
  "F2D",
  "DADD",
  "D2F",
];
const PUNCT = [
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  ",",
  ".",
  ":",
  "-",
  "|",
  "+",
  "..",
  ".xyzw",
  ".x",
  ".xxxx",
  "\n",
  " ",
  "\0",
];

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const randomText = fc.array(token, { maxLength: 80 }).map((t) => t.join(" "));

/** A corpus shader split into tokens (words, numbers, punctuation kept). */
function tokens(text: string): string[] {
  return text.match(/[A-Za-z0-9_]+|\.\.|\s+|./g) ?? [];
}
// Weighted toward edits that keep the text parseable, so the emitter sees many near-valid shaders.
const mutation = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("drop" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("dup" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), to: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("number" as const),
      at: fc.nat(),
      value: fc.constantFrom(...EDGE_NUMBERS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: token }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("lines" as const), at: fc.nat(), to: fc.nat() }) },
);
const mutated = fc
  .tuple(fc.nat(corpus.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([which, muts]) => {
    let t = tokens(corpus[which]!);
    for (const m of muts) {
      const n = t.length;
      if (n === 0) break;
      const at = m.at % n;
      switch (m.kind) {
        case "drop":
          t.splice(at, m.len);
          break;
        case "dup":
          t.splice(at, 0, ...t.slice(at, at + m.len));
          break;
        case "swap": {
          const to = m.to % n;
          [t[at], t[to]] = [t[to]!, t[at]!];
          break;
        }
        case "number": {
          const idx = t.findIndex((x, i) => i >= at && /^[0-9]+$/.test(x));
          if (idx >= 0) t[idx] = m.value;
          break;
        }
        case "insert":
          t.splice(at, 0, m.value);
          break;
        case "lines": {
          const lines = t.join("").split("\n");
          const a = m.at % lines.length;
          const b = m.to % lines.length;
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
          t = tokens(lines.join("\n"));
          break;
        }
      }
    }
    return t.join("");
  });

const KEYS: ShaderKey[] = [
  { target: "glsl450" },
  {
    target: "glsl450",
    producer: "GEOM",
    producerOutputs: ["GENERIC0", "COLOR0"],
    nrCbufs: 8,
    alphaFunc: 3,
    alphaRef: Number.NaN,
    twoSidedColor: true,
    flatShade: true,
    spriteCoordEnable: 0xffffffff,
    polygonStipple: true,
    clipPlaneEnable: 0xff,
    flipY: true,
    vsIntInputs: 0xffffffff,
    fsUintOutputs: 0xff,
    shadowSwizzle: { 0: [5, 4, 3, 0] },
    loopLimit: 0,
    constantsAsUniforms: true,
  },
  { target: "glsl300es" },
];

test("random and mutated TGSI through parser and emitter: only typed errors escape, in bounded time", () => {
  let parsed = 0;
  let emitted = 0;
  let maxMs = 0;
  const t0 = performance.now();
  fc.assert(
    fc.property(
      fc.oneof({ weight: 1, arbitrary: randomText }, { weight: 3, arbitrary: mutated }),
      fc.nat(2),
      (text, k) => {
        const start = performance.now();
        const r = parseTgsi(text);
        if (!r.ok) {
          assert.ok(r.error instanceof TgsiParseError);
          assert.ok(r.error.excerpt.length <= 81);
        } else {
          parsed++;
          const g = emitGlsl(r.shader, KEYS[k]!);
          if (g.ok) {
            emitted++;
            assert.ok(g.glsl.startsWith("#version"));
          } else assert.ok(g.error instanceof GlslEmitError && g.error.code === "Unsupported");
        }
        const ms = performance.now() - start;
        maxMs = Math.max(maxMs, ms);
        assert.ok(ms < MAX_MS, `${ms} ms for one input`);
      },
    ),
    { numRuns: RUNS },
  );
  const total = performance.now() - t0;
  console.log(
    `tgsi fuzz: ${RUNS} runs, ${parsed} parsed, ${emitted} emitted, ${total.toFixed(0)} ms, max ${maxMs.toFixed(1)} ms/input`,
  );
  assert.ok(parsed > 0 && emitted > 0, "the generators reach the emitter");
});
