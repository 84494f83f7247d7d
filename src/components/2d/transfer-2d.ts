/** Every 2D format is 4 bytes per pixel (rutabaga_gfx never validates the format). */
export const BYTES_PER_PIXEL = 4;
