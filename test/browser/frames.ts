import assert from "node:assert/strict";
import { saveMismatch } from "../virtio-gpu/helpers.ts";

/** An RGBA picture: a decoded PNG or a canvas's pixels. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * The canvas equals the PNG in red, green and blue, and is opaque everywhere (alpha formats too: a 2D canvas would
 * premultiply a translucent pixel's colour). On a difference both images go to test-output/.
 */
export function assertSameFrame(name: string, png: RgbaImage, canvas: RgbaImage): void {
  assert.deepEqual([canvas.width, canvas.height], [png.width, png.height], `${name}: canvas size`);
  const bgrx = (rgba: Uint8Array) => {
    const out = new Uint8Array(rgba.length);
    for (let i = 0; i < rgba.length; i += 4) out.set([rgba[i + 2]!, rgba[i + 1]!, rgba[i]!, 0xff], i);
    return out;
  };
  let bad = -1;
  for (let i = 0; i < png.rgba.length && bad < 0; i += 4) {
    const same = png.rgba[i] === canvas.rgba[i] && png.rgba[i + 1] === canvas.rgba[i + 1];
    if (!same || png.rgba[i + 2] !== canvas.rgba[i + 2] || canvas.rgba[i + 3] !== 0xff) bad = i >> 2;
  }
  if (bad >= 0) {
    const dir = saveMismatch(`browser-${name}`, png.width, png.height, bgrx(png.rgba), bgrx(canvas.rgba));
    assert.fail(
      `${name}: canvas differs first at pixel (${bad % png.width}, ${Math.floor(bad / png.width)}); images in ${dir}`,
    );
  }
}
