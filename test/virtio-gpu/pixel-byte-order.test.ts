import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtioGpuFormat } from "../../src/index.ts";
import {
  PIXEL_BYTE_ORDER,
  type PixelByteOrder,
  pixelByteOrder,
  shuffleWords,
  wordShuffle,
} from "../../src/virtio-gpu/pixel-byte-order.ts";
import { swizzleToB8G8R8X8 } from "../../src/virtio-gpu/pixel-swizzle.ts";

/** The byte order a format's name spells (`B8G8R8A8Unorm`: bytes B, G, R, A in memory), independent of the table. */
function spelled(name: string): PixelByteOrder | undefined {
  const m = /^([RGBAX])8([RGBAX])8([RGBAX])8([RGBAX])8Unorm$/.exec(name);
  if (m === null) return undefined;
  const letters = m.slice(1);
  const at = (c: string) => letters.indexOf(c);
  const alpha = at("A") >= 0;
  return { r: at("R"), g: at("G"), b: at("B"), a: alpha ? at("A") : at("X"), alpha };
}

test("the byte-order table is what each 4-byte format's name spells, and only those formats are in it", () => {
  const named = Object.entries(VirtioGpuFormat).flatMap(([name, format]) => {
    const order = spelled(name);
    return order === undefined ? [] : [[format, order] as const];
  });
  assert.equal(named.length, 8);
  assert.deepEqual(new Map(named), new Map(PIXEL_BYTE_ORDER));
  assert.deepEqual(pixelByteOrder(999), spelled("B8G8R8X8Unorm"), "unknown formats are read as B8G8R8X8");
});

/** Byte by byte: `to`'s channels taken from `from`'s positions, the fourth byte set to 0xff when `opaque`. */
function model(bytes: Uint8Array, from: PixelByteOrder, to: PixelByteOrder, opaque: boolean): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let p = 0; p < bytes.length; p += 4) {
    out[p + to.r] = bytes[p + from.r]!;
    out[p + to.g] = bytes[p + from.g]!;
    out[p + to.b] = bytes[p + from.b]!;
    out[p + to.a] = opaque ? 0xff : bytes[p + from.a]!;
  }
  return out;
}

test("every shuffle between any two byte orders (all 24) moves bytes as the per-byte model, in place or not", () => {
  const perms: number[][] = [];
  const permute = (rest: number[], done: number[]) => {
    if (rest.length === 0) perms.push(done);
    for (const k of rest)
      permute(
        rest.filter((x) => x !== k),
        [...done, k],
      );
  };
  permute([0, 1, 2, 3], []);
  const orders = perms.map(([r, g, b, a]) => ({ r: r!, g: g!, b: b!, a: a!, alpha: true }));
  const bytes = Uint8Array.from({ length: 4 * 6 }, (_, i) => (i * 29 + 3) & 0xff);
  const kinds = new Set<string>();
  for (const from of orders) {
    for (const to of orders) {
      const shuffle = wordShuffle(from, to);
      kinds.add(shuffle.kind);
      for (const opaque of [false, true]) {
        const set = opaque ? 0xff << (8 * to.a) : 0;
        const out = new Uint8Array(bytes.length);
        const words = (b: Uint8Array) => ({ words: new Uint32Array(b.buffer), first: 0, pitch: 3 });
        shuffleWords(words(bytes), words(out), 3, 2, shuffle, set);
        const want = model(bytes, from, to, opaque);
        assert.deepEqual(out, want, `${JSON.stringify(from)} → ${JSON.stringify(to)} (${shuffle.kind})`);
        const inPlace = bytes.slice();
        shuffleWords(words(inPlace), words(inPlace), 3, 2, shuffle, set);
        assert.deepEqual(inPlace, want, "in place");
      }
    }
  }
  assert.deepEqual([...kinds].sort(), ["bytes", "reverse", "rotate", "same", "swap-0-2"]);
});

test("swizzleToB8G8R8X8 gives bytes B, G, R and the fourth byte for every format; B8G8R8* and unknown stay", () => {
  const bytes = Uint8Array.from({ length: 4 * 5 }, (_, i) => (i * 53 + 7) & 0xff);
  const bgrx = spelled("B8G8R8X8Unorm")!;
  for (const [name, format] of Object.entries(VirtioGpuFormat)) {
    const order = spelled(name) ?? bgrx;
    const words = bytes.slice();
    const rewritten = swizzleToB8G8R8X8(new Uint32Array(words.buffer), format);
    assert.deepEqual(words, model(bytes, order, bgrx, false), name);
    assert.equal(rewritten, order.r !== 2 || order.b !== 0, name);
  }
});
