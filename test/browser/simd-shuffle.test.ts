// The WebAssembly SIMD converter against the JavaScript one (Node has WebAssembly SIMD too): every format, with and
// without alpha, every count up to a few steps and a start off the memory's first pixel.
import assert from "node:assert/strict";
import { test } from "node:test";
import { convertToRgba } from "../../src/browser/rgba.ts";
import { SIMD_PIXELS_AT, SimdPixels } from "../../src/browser/simd-shuffle.ts";
import { VirtioGpuFormat } from "../../src/index.ts";

const PIXELS = 24;

for (const [name, format] of Object.entries(VirtioGpuFormat)) {
  test(`${name}: SIMD converts whole steps of four pixels as the JavaScript converter does, and no other byte`, () => {
    const simd = SimdPixels.create(PIXELS * 4);
    assert.ok(simd !== undefined, "Node has WebAssembly SIMD");
    const raw = new Uint8Array(PIXELS * 4).map((_, i) => (i * 37 + 11) & 0xff);
    const rawWords = new Uint32Array(raw.buffer);
    for (const keepAlpha of [false, true]) {
      const expected = new Uint32Array(PIXELS);
      const all = (words: Uint32Array) => ({ words, first: 0, pitch: PIXELS });
      convertToRgba(all(rawWords), all(expected), PIXELS, 1, format, keepAlpha);
      for (const first of [0, 3]) {
        for (let count = 0; count <= PIXELS - first; count++) {
          simd.bytes.set(raw, SIMD_PIXELS_AT);
          const tail: number = simd.convert(first * 4, count, format, keepAlpha);
          assert.equal(tail, count % 4);
          const converted = count - tail;
          for (let i = 0; i < PIXELS; i++) {
            const inside = i >= first && i < first + converted;
            const want = inside ? expected[i] : rawWords[i];
            assert.equal(simd.words[i], want, `keepAlpha ${keepAlpha}, from ${first}, ${count} pixels: pixel ${i}`);
          }
        }
      }
    }
  });
}
