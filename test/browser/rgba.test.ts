import assert from "node:assert/strict";
import { test } from "node:test";
import { convertToRgba, wordsOf } from "../../src/browser/rgba.ts";
import { VirtioGpuFormat } from "../../src/index.ts";
import { decodePng, encodePng } from "../../src/node/display/png.ts";

const ALPHA_FORMATS: ReadonlySet<number> = new Set([
  VirtioGpuFormat.B8G8R8A8Unorm,
  VirtioGpuFormat.A8R8G8B8Unorm,
  VirtioGpuFormat.R8G8B8A8Unorm,
  VirtioGpuFormat.A8B8G8R8Unorm,
]);

/** Pixels whose four bytes all differ, and differ between pixels. */
function pixels(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + (i >> 2) * 11 + 5) & 0xff;
  return out;
}

// The Node PNG writer is the reference the browser tests compare canvases with; here every format is checked.
for (const [name, format] of Object.entries(VirtioGpuFormat)) {
  test(`${name} converts to the PNG writer's RGB, opaque (and with its alpha for a cursor)`, () => {
    const width = 13;
    const height = 7;
    const src = pixels(width, height);
    const png = decodePng(encodePng({ width, height, stride: width * 4, format, pixels: src }));
    const opaque = new Uint8Array(width * height * 4);
    const rect = (words: Uint32Array) => ({ words, first: 0, pitch: width });
    convertToRgba(rect(wordsOf(src)), rect(wordsOf(opaque)), width, height, format);
    const cursor = new Uint8Array(width * height * 4);
    convertToRgba(rect(wordsOf(src)), rect(wordsOf(cursor)), width, height, format, true);
    for (let i = 0; i < opaque.length; i += 4) {
      assert.deepEqual([...opaque.subarray(i, i + 3)], [...png.rgba.subarray(i, i + 3)], `pixel ${i / 4}`);
      assert.equal(opaque[i + 3], 0xff);
      assert.deepEqual([...cursor.subarray(i, i + 3)], [...png.rgba.subarray(i, i + 3)]);
      assert.equal(cursor[i + 3], ALPHA_FORMATS.has(format) ? png.rgba[i + 3] : 0xff);
    }
  });
}

test("a sub-rectangle converts only its pixels, at pitches of both sides", () => {
  const src = pixels(20, 10);
  const dst = new Uint8Array(16 * 12 * 4);
  convertToRgba(
    { words: wordsOf(src), first: 3 * 20 + 4, pitch: 20 },
    { words: wordsOf(dst), first: 2 * 16 + 1, pitch: 16 },
    5,
    4,
    VirtioGpuFormat.R8G8B8X8Unorm,
  );
  const d = wordsOf(dst);
  const s = wordsOf(src);
  for (let y = 0; y < 12; y++) {
    for (let x = 0; x < 16; x++) {
      const inside = x >= 1 && x < 6 && y >= 2 && y < 6;
      const expected = inside ? (s[(y + 1) * 20 + x + 3]! | 0xff000000) >>> 0 : 0;
      assert.equal(d[y * 16 + x], expected, `(${x}, ${y})`);
    }
  }
});
