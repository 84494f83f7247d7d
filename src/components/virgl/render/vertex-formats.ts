import { GL } from "../host-gl/gl-constants.ts";
import type { GlVertexAttribFormat } from "../host-gl/vertex-arrays.ts";

/** A vertex attribute format without its offset. */
export type VertexFormat = Omit<GlVertexAttribFormat, "relativeOffset">;

const table = new Map<number, VertexFormat>();

/** Four formats of 1..4 components starting at virgl format `first` (Gallium orders R, RG, RGB, RGBA). */
function family(first: number, type: number, normalized: boolean, kind: VertexFormat["kind"]): void {
  for (let n = 1; n <= 4; n++) table.set(first + n - 1, { size: n, type, normalized, kind });
}

// virgl_hw.h `enum virgl_formats` numbers.
family(28, GL.FLOAT, false, "float"); // R32*_FLOAT
family(32, GL.UNSIGNED_INT, true, "float"); // R32*_UNORM
family(36, GL.UNSIGNED_INT, false, "float"); // R32*_USCALED
family(40, GL.INT, true, "float"); // R32*_SNORM
family(44, GL.INT, false, "float"); // R32*_SSCALED
family(48, GL.UNSIGNED_SHORT, true, "float"); // R16*_UNORM
family(52, GL.UNSIGNED_SHORT, false, "float"); // R16*_USCALED
family(56, GL.SHORT, true, "float"); // R16*_SNORM
family(60, GL.SHORT, false, "float"); // R16*_SSCALED
family(64, GL.UNSIGNED_BYTE, true, "float"); // R8*_UNORM
family(69, GL.UNSIGNED_BYTE, false, "float"); // R8*_USCALED
family(74, GL.BYTE, true, "float"); // R8*_SNORM
family(82, GL.BYTE, false, "float"); // R8*_SSCALED
family(91, GL.HALF_FLOAT, false, "float"); // R16*_FLOAT
family(24, GL.DOUBLE, false, "float"); // R64*_FLOAT (converted to float: Mesa sends them for float inputs)
family(177, GL.UNSIGNED_BYTE, false, "int"); // R8*_UINT
family(181, GL.BYTE, false, "int"); // R8*_SINT
family(185, GL.UNSIGNED_SHORT, false, "int"); // R16*_UINT
family(189, GL.SHORT, false, "int"); // R16*_SINT
family(193, GL.UNSIGNED_INT, false, "int"); // R32*_UINT
family(197, GL.INT, false, "int"); // R32*_SINT
table.set(1, { size: GL.BGRA, type: GL.UNSIGNED_BYTE, normalized: true, kind: "float" }); // B8G8R8A8_UNORM
table.set(8, { size: 4, type: GL.UNSIGNED_INT_2_10_10_10_REV, normalized: true, kind: "float" }); // R10G10B10A2_UNORM

/** The GL attribute format of a virgl vertex format, if the host can read it. */
export function vertexFormat(virglFormat: number): VertexFormat | undefined {
  return table.get(virglFormat);
}

const TYPE_BYTES = new Map<number, number>([
  [GL.FLOAT, 4],
  [GL.UNSIGNED_INT, 4],
  [GL.INT, 4],
  [GL.UNSIGNED_SHORT, 2],
  [GL.SHORT, 2],
  [GL.HALF_FLOAT, 2],
  [GL.UNSIGNED_BYTE, 1],
  [GL.BYTE, 1],
  [GL.DOUBLE, 8],
]);

/** Bytes one vertex of an attribute format reads from its buffer (packed and BGRA formats read one dword). */
export function vertexFormatBytes(f: VertexFormat): number {
  if (f.size === GL.BGRA || f.type === GL.UNSIGNED_INT_2_10_10_10_REV) return 4;
  return f.size * (TYPE_BYTES.get(f.type) ?? 4);
}

/** Whether a vertex format is a pure signed / unsigned integer (the shader declares ivec4 / uvec4). */
export function integerKind(virglFormat: number): "sint" | "uint" | undefined {
  const f = table.get(virglFormat);
  if (f?.kind !== "int") return undefined;
  return f.type === GL.BYTE || f.type === GL.SHORT || f.type === GL.INT ? "sint" : "uint";
}
