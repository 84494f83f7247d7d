import { Base, compileField, type Field, Shape } from "../../components/venus/wire-schema.ts";
import { STRUCTS } from "../../components/venus/wire-tables.generated.ts";

/** A member's place in the C struct (LP64: x86-64 and aarch64 Linux). */
export interface NativeMember {
  readonly field: Field;
  readonly offset: number;
  /** Bytes of one element (the whole member for value shapes; 8 for pointers). */
  readonly elemSize: number;
}

/** A struct's or union's C layout. */
export interface NativeLayout {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly union: boolean;
  readonly sType: number | null;
  readonly members: readonly NativeMember[];
  /** sType → struct index, for the structs its pNext chain may hold. */
  readonly extenders: ReadonlyMap<number, number>;
}

const SCALAR: Partial<Record<number, number>> = {
  [Base.u8]: 1,
  [Base.i8]: 1,
  [Base.u16]: 2,
  [Base.i16]: 2,
  [Base.u32]: 4,
  [Base.i32]: 4,
  [Base.f32]: 4,
  [Base.u64]: 8,
  [Base.i64]: 8,
  [Base.f64]: 8,
  [Base.sz]: 8,
  [Base.h]: 8,
};

const cache: (NativeLayout | undefined)[] = [];

/** Size and alignment of one element of `f` in C (a pointer for pointer and array shapes). */
export function elementLayout(f: Field): { size: number; align: number } {
  if (f.base === Base.struct || f.base === Base.union) {
    const l = nativeLayout(f.ref);
    return { size: l.size, align: l.align };
  }
  if (f.base === Base.cstr) return { size: 1, align: 1 };
  const s = SCALAR[f.base];
  if (s !== undefined) return { size: s, align: s };
  return { size: 8, align: 8 };
}

/**
 * The C layout of struct `i` of the venus tables, derived from the same rows as the codec: every member's offset, the
 * size and alignment, as the LP64 C ABI lays them out.
 */
export function nativeLayout(i: number): NativeLayout {
  const hit = cache[i];
  if (hit) return hit;
  const row = STRUCTS[i];
  if (!row) throw new Error(`struct #${i}`);
  const [name, sType, ext, rows] = row;
  const union = sType === "union";
  let offset = 0;
  let size = 0;
  let align = 1;
  const members: NativeMember[] = [];
  for (const [m, spec] of rows) {
    const field = compileField(m, spec, false);
    const pointer =
      field.shape === Shape.pointer ||
      field.shape === Shape.array ||
      field.base === Base.str ||
      field.base === Base.strs ||
      field.base === Base.blob ||
      field.base === Base.pnext ||
      field.base === Base.alloc ||
      field.base === Base.unsupported;
    const e = pointer ? { size: 8, align: 8 } : elementLayout(field);
    const count = field.shape === Shape.fixed ? field.fixed : 1;
    const at = union ? 0 : Math.ceil(offset / e.align) * e.align;
    members.push({ field, offset: at, elemSize: e.size });
    align = Math.max(align, e.align);
    offset = at + e.size * count;
    size = Math.max(size, offset);
  }
  size = Math.ceil(size / align) * align;
  const extenders = new Map<number, number>();
  for (const x of ext) {
    const st = STRUCTS[x]?.[1];
    if (typeof st === "number") extenders.set(st, x);
  }
  const layout: NativeLayout = {
    name,
    size,
    align,
    union,
    sType: typeof sType === "number" ? sType : null,
    members,
    extenders,
  };
  cache[i] = layout;
  return layout;
}

/** The index of a struct of the venus tables by name. */
export function structIndex(name: string): number {
  const i = STRUCTS.findIndex((s) => s[0] === name);
  if (i < 0) throw new Error(`no struct ${name} in the venus tables`);
  return i;
}
