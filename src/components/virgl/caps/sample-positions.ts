import { GL } from "../host-gl/gl-constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";

/** `GL_RGBA8`: the colour format the probe framebuffers are made of. */
const RGBA8 = 0x8058;

/** Words of `virgl_caps_v2.sample_locations`. */
export const SAMPLE_LOCATION_WORDS = 8;

/**
 * Where the guest's Mesa reads sample `index` of an `n`-sample buffer in `sample_locations`: word and byte (2
 * samples: word 0; 4: word 1; 8: words 2-3; 16: words 4-7; four samples a word, sample 0 in the low byte).
 */
function slot(n: number, index: number): { word: number; shift: number } {
  if (n === 2) return { word: 0, shift: 8 * index };
  if (n === 4) return { word: 1, shift: 8 * index };
  return { word: (n === 8 ? 2 : 4) + (index >> 2), shift: 8 * (index & 3) };
}

/** One sample position as the caps carry it: x in the high nibble, y in the low one, in sixteenths of a pixel. */
export function packSamplePosition(x: number, y: number): number {
  const q = (v: number) => Math.max(0, Math.min(15, Math.floor(v * 16 + 0.5)));
  return (q(x) << 4) | q(y);
}

/**
 * `sample_locations` of the caps: the host's sample positions for 2, 4, 8 and 16 samples (those up to
 * `maxSamples`), read from a 1×1 multisample framebuffer of each count; counts the host cannot make read as 0.
 */
export function querySampleLocations(gl: HostGl, maxSamples: number): Uint32Array {
  const words = new Uint32Array(SAMPLE_LOCATION_WORDS);
  for (const n of [2, 4, 8, 16]) {
    if (n > maxSamples) break;
    const tex = gl.createTexture(GL.TEXTURE_2D_MULTISAMPLE);
    const fb = gl.createFramebuffer();
    try {
      gl.textureStorage(tex, { dims: 2, levels: 1, samples: n, internalFormat: RGBA8, width: 1, height: 1, depth: 1 });
      gl.framebufferTexture(fb, GL.COLOR_ATTACHMENT0, tex, 0);
      if (gl.checkFramebufferStatus(fb) !== GL.FRAMEBUFFER_COMPLETE) continue;
      for (let i = 0; i < n; i++) {
        const [x, y] = gl.getSamplePosition(fb, i);
        const { word, shift } = slot(n, i);
        words[word] = (words[word]! | (packSamplePosition(x, y) << shift)) >>> 0;
      }
    } finally {
      gl.deleteFramebuffer(fb);
      gl.deleteTexture(tex);
    }
  }
  return words;
}
