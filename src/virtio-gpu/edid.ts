// EDID 1.4 base block (VESA E-EDID Release A, Revision 2).

/** Bytes of an EDID base block. */
export const EDID_BLOCK_SIZE = 128;
/** Largest width or height a detailed timing descriptor can carry (12 bits). */
export const EDID_MAX_DIMENSION = 4095;

const HEADER = [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
// CVT reduced-blanking horizontal timing, in pixels.
const H_BLANK = 160;
const H_FRONT_PORCH = 48;
const H_SYNC = 32;
const V_FRONT_PORCH = 3;
const V_SYNC = 6;
/** Largest pixel clock a detailed timing holds: 65535 × 10 kHz. */
const MAX_PIXEL_CLOCK_HZ = 655_350_000;
const PIXELS_PER_MM = 3.78; // 96 dpi

/** What an EDID describes. */
export interface EdidOptions {
  width: number;
  height: number;
  /** Refresh rate in Hz (60 unless the pixel clock would overflow, then lower). */
  refreshHz?: number;
  /** Up to 13 characters. */
  monitorName?: string;
  serial?: number;
}

function descriptorText(block: Uint8Array, at: number, tag: number, text: string): void {
  block.set([0, 0, 0, tag, 0], at);
  const chars = text.slice(0, 13);
  for (let i = 0; i < 13; i++) {
    block[at + 5 + i] = i < chars.length ? chars.charCodeAt(i) & 0x7f : i === chars.length ? 0x0a : 0x20;
  }
}

/**
 * A valid EDID 1.4 base block whose preferred (first detailed) timing is `width`×`height`, which a Linux guest lists
 * as the preferred mode; established timings for the smaller classic modes follow. Width and height must be 1..4095.
 */
export function buildEdid(options: EdidOptions): Uint8Array {
  const { width, height } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`EDID mode ${width}x${height}`);
  }
  if (width > EDID_MAX_DIMENSION || height > EDID_MAX_DIMENSION) {
    throw new RangeError(`EDID mode ${width}x${height} exceeds ${EDID_MAX_DIMENSION}`);
  }
  const e = new Uint8Array(EDID_BLOCK_SIZE);
  e.set(HEADER, 0);
  // Manufacturer "RTB" in 5-bit letters, big-endian; product 0x0001.
  const letter = (c: string) => c.charCodeAt(0) - 64;
  const mfg = (letter("R") << 10) | (letter("T") << 5) | letter("B");
  e[8] = mfg >> 8;
  e[9] = mfg & 0xff;
  e[10] = 0x01;
  const serial = (options.serial ?? 0) >>> 0;
  e[12] = serial & 0xff;
  e[13] = (serial >>> 8) & 0xff;
  e[14] = (serial >>> 16) & 0xff;
  e[15] = serial >>> 24;
  e[16] = 0; // no week
  e[17] = 2026 - 1990;
  e[18] = 1;
  e[19] = 4;
  e[20] = 0xa5; // digital, 8 bits per colour, DisplayPort
  const widthMm = Math.max(1, Math.round(width / PIXELS_PER_MM));
  const heightMm = Math.max(1, Math.round(height / PIXELS_PER_MM));
  e[21] = Math.min(255, Math.max(1, Math.round(widthMm / 10)));
  e[22] = Math.min(255, Math.max(1, Math.round(heightMm / 10)));
  e[23] = 120; // gamma 2.2
  e[24] = 0x06; // RGB 4:4:4, sRGB default, preferred timing is native
  // sRGB chromaticity (red 0.640/0.330, green 0.300/0.600, blue 0.150/0.060, white 0.3127/0.3290), 10-bit fixed point.
  e.set([0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54], 25);
  // Established timings 640x480@60 (byte 35 bit 5), 800x600@60 (bit 0), 1024x768@60 (byte 36 bit 3).
  e[35] = (width >= 640 && height >= 480 ? 0x20 : 0) | (width >= 800 && height >= 600 ? 0x01 : 0);
  e[36] = width >= 1024 && height >= 768 ? 0x08 : 0;
  for (let i = 38; i < 54; i++) e[i] = 0x01;

  const vBlank = Math.max(V_FRONT_PORCH + V_SYNC + 6, Math.ceil(height * 0.03));
  const hTotal = width + H_BLANK;
  const vTotal = height + vBlank;
  const wantHz = options.refreshHz ?? 60;
  const hz = Math.max(1, Math.min(wantHz, Math.floor(MAX_PIXEL_CLOCK_HZ / (hTotal * vTotal))));
  const clock10k = Math.max(1, Math.round((hTotal * vTotal * hz) / 10_000));
  const d = 54;
  e[d] = clock10k & 0xff;
  e[d + 1] = clock10k >> 8;
  e[d + 2] = width & 0xff;
  e[d + 3] = H_BLANK & 0xff;
  e[d + 4] = ((width >> 8) << 4) | (H_BLANK >> 8);
  e[d + 5] = height & 0xff;
  e[d + 6] = vBlank & 0xff;
  e[d + 7] = ((height >> 8) << 4) | (vBlank >> 8);
  e[d + 8] = H_FRONT_PORCH & 0xff;
  e[d + 9] = H_SYNC & 0xff;
  e[d + 10] = ((V_FRONT_PORCH & 0x0f) << 4) | (V_SYNC & 0x0f);
  e[d + 11] = ((H_FRONT_PORCH >> 8) << 6) | ((H_SYNC >> 8) << 4) | ((V_FRONT_PORCH >> 4) << 2) | (V_SYNC >> 4);
  e[d + 12] = widthMm & 0xff;
  e[d + 13] = heightMm & 0xff;
  e[d + 14] = ((widthMm >> 8) << 4) | (heightMm >> 8);
  e[d + 17] = 0x1a; // digital separate sync, +hsync, -vsync (CVT-RB)
  descriptorText(e, 72, 0xfc, options.monitorName ?? "rutabaga-ts");
  descriptorText(e, 90, 0xff, String(serial));
  e.set([0, 0, 0, 0x10, 0], 108); // dummy descriptor
  let sum = 0;
  for (let i = 0; i < 127; i++) sum += e[i]!;
  e[127] = (256 - (sum & 0xff)) & 0xff;
  return e;
}
