import { RutabagaError } from "./error.ts";

/** A rectangle in pixels. */
export interface Rect2D {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Checks a rectangle against a `width`×`height` image: `x + w` past 32 bits is `CheckedArithmetic`, past the image is
 * `CheckedRange` (rutabaga_gfx's order: x then y).
 */
export function checkRect(rect: Rect2D, width: number, height: number): void {
  const right = rect.x + rect.w;
  if (right > 0xffff_ffff) throw new RutabagaError("CheckedArithmetic", `x ${rect.x} + w ${rect.w} overflows u32`);
  if (right > width) throw new RutabagaError("CheckedRange", `x ${rect.x} + w ${rect.w} > width ${width}`);
  const bottom = rect.y + rect.h;
  if (bottom > 0xffff_ffff) throw new RutabagaError("CheckedArithmetic", `y ${rect.y} + h ${rect.h} overflows u32`);
  if (bottom > height) throw new RutabagaError("CheckedRange", `y ${rect.y} + h ${rect.h} > height ${height}`);
}

/** {@link checkRect}, and the rectangle must cover at least one pixel (a scanout shows something). */
export function checkVisibleRect(rect: Rect2D, width: number, height: number): void {
  if (rect.w === 0 || rect.h === 0) throw new RutabagaError("CheckedRange", `empty rectangle ${rect.w}x${rect.h}`);
  checkRect(rect, width, height);
}
