import { GL } from "../host-gl/gl-constants.ts";

/** How a format's texels are interpreted: which GL clear call and attachment apply. */
export type VirglFormatKind = "unorm" | "float" | "uint" | "sint" | "depth" | "stencil" | "depthstencil";

/**
 * Byte order fix-up between Gallium's packed layout and GL's upload layout: `z24s8` rotates each 32-bit word by
 * 8 bits (Gallium Z24_UNORM_S8_UINT keeps depth in bits 0..23, GL UNSIGNED_INT_24_8 in bits 8..31).
 */
export type VirglFormatConversion = "none" | "z24s8";

/** One virgl (Gallium) format as the host GL stores it. */
export interface VirglFormatInfo {
  readonly virgl: number;
  readonly name: string;
  readonly internalFormat: number;
  /** External format and type for uploads and readback (compressed formats: 0, 0). */
  readonly glFormat: number;
  readonly glType: number;
  /** Bytes per block; a block is one texel for uncompressed formats. */
  readonly blockBytes: number;
  readonly blockWidth: number;
  readonly blockHeight: number;
  readonly kind: VirglFormatKind;
  readonly compressed: boolean;
  readonly conversion: VirglFormatConversion;
  /** GL texture swizzle (R, G, B, A sources) emulating luminance/alpha/X formats when sampled. */
  readonly swizzle: readonly [number, number, number, number] | undefined;
}

const R = GL.RED;
const G = GL.GREEN;
const B = GL.BLUE;
const Z = GL.ZERO;
const O = GL.ONE;
type Swz = readonly [number, number, number, number];

const table = new Map<number, VirglFormatInfo>();

function add(
  virgl: number,
  name: string,
  internalFormat: number,
  glFormat: number,
  glType: number,
  bytes: number,
  kind: VirglFormatKind,
  swizzle?: Swz,
  conversion: VirglFormatConversion = "none",
): void {
  table.set(virgl, {
    virgl,
    name,
    internalFormat,
    glFormat,
    glType,
    blockBytes: bytes,
    blockWidth: 1,
    blockHeight: 1,
    kind,
    compressed: false,
    conversion,
    swizzle,
  });
}

function addCompressed(virgl: number, name: string, internalFormat: number, bytes: number, kind: VirglFormatKind) {
  table.set(virgl, {
    virgl,
    name,
    internalFormat,
    glFormat: 0,
    glType: 0,
    blockBytes: bytes,
    blockWidth: 4,
    blockHeight: 4,
    kind,
    compressed: true,
    conversion: "none",
    swizzle: undefined,
  });
}

const UB = GL.UNSIGNED_BYTE;
const SB = GL.BYTE;
const US = GL.UNSIGNED_SHORT;
const SS = GL.SHORT;
const UI = GL.UNSIGNED_INT;
const SI = GL.INT;
const F = GL.FLOAT;
const HF = GL.HALF_FLOAT;
const XA: Swz = [R, G, B, O];

// Values are virgl_hw.h's enum virgl_formats; internal formats are GL's sized formats.
add(1, "B8G8R8A8_UNORM", 0x8058, GL.BGRA, UB, 4, "unorm");
add(2, "B8G8R8X8_UNORM", 0x8058, GL.BGRA, UB, 4, "unorm", XA);
add(5, "B5G5R5A1_UNORM", 0x8057, GL.BGRA, GL.UNSIGNED_SHORT_1_5_5_5_REV, 2, "unorm");
add(6, "B4G4R4A4_UNORM", 0x8056, GL.BGRA, GL.UNSIGNED_SHORT_4_4_4_4_REV, 2, "unorm");
add(7, "B5G6R5_UNORM", 0x8d62, GL.RGB, GL.UNSIGNED_SHORT_5_6_5, 2, "unorm");
add(8, "R10G10B10A2_UNORM", 0x8059, GL.RGBA, GL.UNSIGNED_INT_2_10_10_10_REV, 4, "unorm");
add(9, "L8_UNORM", 0x8229, R, UB, 1, "unorm", [R, R, R, O]);
add(10, "A8_UNORM", 0x8229, R, UB, 1, "unorm", [Z, Z, Z, R]);
add(11, "I8_UNORM", 0x8229, R, UB, 1, "unorm", [R, R, R, R]);
add(12, "L8A8_UNORM", 0x822b, GL.RG, UB, 2, "unorm", [R, R, R, G]);
add(13, "L16_UNORM", 0x822a, R, US, 2, "unorm", [R, R, R, O]);
add(16, "Z16_UNORM", 0x81a5, GL.DEPTH_COMPONENT, US, 2, "depth");
add(17, "Z32_UNORM", 0x81a7, GL.DEPTH_COMPONENT, UI, 4, "depth");
add(18, "Z32_FLOAT", 0x8cac, GL.DEPTH_COMPONENT, F, 4, "depth");
add(19, "Z24_UNORM_S8_UINT", 0x88f0, GL.DEPTH_STENCIL, GL.UNSIGNED_INT_24_8, 4, "depthstencil", undefined, "z24s8");
add(20, "S8_UINT_Z24_UNORM", 0x88f0, GL.DEPTH_STENCIL, GL.UNSIGNED_INT_24_8, 4, "depthstencil");
add(21, "Z24X8_UNORM", 0x88f0, GL.DEPTH_STENCIL, GL.UNSIGNED_INT_24_8, 4, "depth", undefined, "z24s8");
add(22, "X8Z24_UNORM", 0x88f0, GL.DEPTH_STENCIL, GL.UNSIGNED_INT_24_8, 4, "depth");
add(23, "S8_UINT", 0x8d48, GL.STENCIL_INDEX, UB, 1, "stencil");
add(28, "R32_FLOAT", 0x822e, R, F, 4, "float");
add(29, "R32G32_FLOAT", 0x8230, GL.RG, F, 8, "float");
add(30, "R32G32B32_FLOAT", 0x8815, GL.RGB, F, 12, "float");
add(31, "R32G32B32A32_FLOAT", 0x8814, GL.RGBA, F, 16, "float");
add(48, "R16_UNORM", 0x822a, R, US, 2, "unorm");
add(49, "R16G16_UNORM", 0x822c, GL.RG, US, 4, "unorm");
add(50, "R16G16B16_UNORM", 0x8054, GL.RGB, US, 6, "unorm");
add(51, "R16G16B16A16_UNORM", 0x805b, GL.RGBA, US, 8, "unorm");
add(56, "R16_SNORM", 0x8f98, R, SS, 2, "unorm");
add(57, "R16G16_SNORM", 0x8f99, GL.RG, SS, 4, "unorm");
add(58, "R16G16B16_SNORM", 0x8f9a, GL.RGB, SS, 6, "unorm");
add(59, "R16G16B16A16_SNORM", 0x8f9b, GL.RGBA, SS, 8, "unorm");
add(64, "R8_UNORM", 0x8229, R, UB, 1, "unorm");
add(65, "R8G8_UNORM", 0x822b, GL.RG, UB, 2, "unorm");
add(66, "R8G8B8_UNORM", 0x8051, GL.RGB, UB, 3, "unorm");
add(67, "R8G8B8A8_UNORM", 0x8058, GL.RGBA, UB, 4, "unorm");
add(68, "X8B8G8R8_UNORM", 0x8058, GL.RGBA, UB, 4, "unorm", XA);
add(74, "R8_SNORM", 0x8f94, R, SB, 1, "unorm");
add(75, "R8G8_SNORM", 0x8f95, GL.RG, SB, 2, "unorm");
add(76, "R8G8B8_SNORM", 0x8f96, GL.RGB, SB, 3, "unorm");
add(77, "R8G8B8A8_SNORM", 0x8f97, GL.RGBA, SB, 4, "unorm");
add(91, "R16_FLOAT", 0x822d, R, HF, 2, "float");
add(92, "R16G16_FLOAT", 0x822f, GL.RG, HF, 4, "float");
add(93, "R16G16B16_FLOAT", 0x881b, GL.RGB, HF, 6, "float");
add(94, "R16G16B16A16_FLOAT", 0x881a, GL.RGBA, HF, 8, "float");
add(97, "R8G8B8_SRGB", 0x8c41, GL.RGB, UB, 3, "unorm");
add(100, "B8G8R8A8_SRGB", 0x8c43, GL.BGRA, UB, 4, "unorm");
add(101, "B8G8R8X8_SRGB", 0x8c43, GL.BGRA, UB, 4, "unorm", XA);
add(104, "R8G8B8A8_SRGB", 0x8c43, GL.RGBA, UB, 4, "unorm");
addCompressed(105, "DXT1_RGB", 0x83f0, 8, "unorm");
addCompressed(106, "DXT1_RGBA", 0x83f1, 8, "unorm");
addCompressed(107, "DXT3_RGBA", 0x83f2, 16, "unorm");
addCompressed(108, "DXT5_RGBA", 0x83f3, 16, "unorm");
addCompressed(109, "DXT1_SRGB", 0x8c4c, 8, "unorm");
addCompressed(110, "DXT1_SRGBA", 0x8c4d, 8, "unorm");
addCompressed(111, "DXT3_SRGBA", 0x8c4e, 16, "unorm");
addCompressed(112, "DXT5_SRGBA", 0x8c4f, 16, "unorm");
addCompressed(113, "RGTC1_UNORM", 0x8dbb, 8, "unorm");
addCompressed(114, "RGTC1_SNORM", 0x8dbc, 8, "unorm");
addCompressed(115, "RGTC2_UNORM", 0x8dbd, 16, "unorm");
addCompressed(116, "RGTC2_SNORM", 0x8dbe, 16, "unorm");
add(124, "R11G11B10_FLOAT", 0x8c3a, GL.RGB, GL.UNSIGNED_INT_10F_11F_11F_REV, 4, "float");
add(125, "R9G9B9E5_FLOAT", 0x8c3d, GL.RGB, GL.UNSIGNED_INT_5_9_9_9_REV, 4, "float");
add(126, "Z32_FLOAT_S8X24_UINT", 0x8cad, GL.DEPTH_STENCIL, GL.FLOAT_32_UNSIGNED_INT_24_8_REV, 8, "depthstencil");
add(131, "B10G10R10A2_UNORM", 0x8059, GL.BGRA, GL.UNSIGNED_INT_2_10_10_10_REV, 4, "unorm");
add(134, "R8G8B8X8_UNORM", 0x8058, GL.RGBA, UB, 4, "unorm", XA);
add(140, "L16A16_UNORM", 0x822c, GL.RG, US, 4, "unorm", [R, R, R, G]);
add(141, "A16_UNORM", 0x822a, R, US, 2, "unorm", [Z, Z, Z, R]);
add(142, "I16_UNORM", 0x822a, R, US, 2, "unorm", [R, R, R, R]);
add(155, "A16_FLOAT", 0x822d, R, HF, 2, "float", [Z, Z, Z, R]);
add(156, "L16_FLOAT", 0x822d, R, HF, 2, "float", [R, R, R, O]);
add(157, "L16A16_FLOAT", 0x822f, GL.RG, HF, 4, "float", [R, R, R, G]);
add(158, "I16_FLOAT", 0x822d, R, HF, 2, "float", [R, R, R, R]);
add(159, "A32_FLOAT", 0x822e, R, F, 4, "float", [Z, Z, Z, R]);
add(160, "L32_FLOAT", 0x822e, R, F, 4, "float", [R, R, R, O]);
add(161, "L32A32_FLOAT", 0x8230, GL.RG, F, 8, "float", [R, R, R, G]);
add(162, "I32_FLOAT", 0x822e, R, F, 4, "float", [R, R, R, R]);
add(177, "R8_UINT", 0x8232, GL.RED_INTEGER, UB, 1, "uint");
add(178, "R8G8_UINT", 0x8238, GL.RG_INTEGER, UB, 2, "uint");
add(179, "R8G8B8_UINT", 0x8d7d, GL.RGB_INTEGER, UB, 3, "uint");
add(180, "R8G8B8A8_UINT", 0x8d7c, GL.RGBA_INTEGER, UB, 4, "uint");
add(181, "R8_SINT", 0x8231, GL.RED_INTEGER, SB, 1, "sint");
add(182, "R8G8_SINT", 0x8237, GL.RG_INTEGER, SB, 2, "sint");
add(183, "R8G8B8_SINT", 0x8d8f, GL.RGB_INTEGER, SB, 3, "sint");
add(184, "R8G8B8A8_SINT", 0x8d8e, GL.RGBA_INTEGER, SB, 4, "sint");
add(185, "R16_UINT", 0x8234, GL.RED_INTEGER, US, 2, "uint");
add(186, "R16G16_UINT", 0x823a, GL.RG_INTEGER, US, 4, "uint");
add(187, "R16G16B16_UINT", 0x8d77, GL.RGB_INTEGER, US, 6, "uint");
add(188, "R16G16B16A16_UINT", 0x8d76, GL.RGBA_INTEGER, US, 8, "uint");
add(189, "R16_SINT", 0x8233, GL.RED_INTEGER, SS, 2, "sint");
add(190, "R16G16_SINT", 0x8239, GL.RG_INTEGER, SS, 4, "sint");
add(191, "R16G16B16_SINT", 0x8d89, GL.RGB_INTEGER, SS, 6, "sint");
add(192, "R16G16B16A16_SINT", 0x8d88, GL.RGBA_INTEGER, SS, 8, "sint");
add(193, "R32_UINT", 0x8236, GL.RED_INTEGER, UI, 4, "uint");
add(194, "R32G32_UINT", 0x823c, GL.RG_INTEGER, UI, 8, "uint");
add(195, "R32G32B32_UINT", 0x8d71, GL.RGB_INTEGER, UI, 12, "uint");
add(196, "R32G32B32A32_UINT", 0x8d70, GL.RGBA_INTEGER, UI, 16, "uint");
add(197, "R32_SINT", 0x8235, GL.RED_INTEGER, SI, 4, "sint");
add(198, "R32G32_SINT", 0x823b, GL.RG_INTEGER, SI, 8, "sint");
add(199, "R32G32B32_SINT", 0x8d83, GL.RGB_INTEGER, SI, 12, "sint");
add(200, "R32G32B32A32_SINT", 0x8d82, GL.RGBA_INTEGER, SI, 16, "sint");
add(225, "B10G10R10A2_UINT", 0x906f, GL.BGRA_INTEGER, GL.UNSIGNED_INT_2_10_10_10_REV, 4, "uint");
// Formats without alpha, stored with an alpha GL samples as 1 (their blending reads a destination alpha of 1).
add(229, "R8G8B8X8_SNORM", 0x8f97, GL.RGBA, SB, 4, "unorm", XA);
add(230, "R8G8B8X8_SRGB", 0x8c43, GL.RGBA, UB, 4, "unorm", XA);
add(231, "R8G8B8X8_UINT", 0x8d7c, GL.RGBA_INTEGER, UB, 4, "uint", XA);
add(232, "R8G8B8X8_SINT", 0x8d8e, GL.RGBA_INTEGER, SB, 4, "sint", XA);
add(233, "B10G10R10X2_UNORM", 0x8059, GL.BGRA, GL.UNSIGNED_INT_2_10_10_10_REV, 4, "unorm", XA);
add(234, "R16G16B16X16_UNORM", 0x805b, GL.RGBA, US, 8, "unorm", XA);
add(235, "R16G16B16X16_SNORM", 0x8f9b, GL.RGBA, SS, 8, "unorm", XA);
add(236, "R16G16B16X16_FLOAT", 0x881a, GL.RGBA, HF, 8, "float", XA);
add(237, "R16G16B16X16_UINT", 0x8d76, GL.RGBA_INTEGER, US, 8, "uint", XA);
add(238, "R16G16B16X16_SINT", 0x8d88, GL.RGBA_INTEGER, SS, 8, "sint", XA);
add(239, "R32G32B32X32_FLOAT", 0x8814, GL.RGBA, F, 16, "float", XA);
add(240, "R32G32B32X32_UINT", 0x8d70, GL.RGBA_INTEGER, UI, 16, "uint", XA);
add(241, "R32G32B32X32_SINT", 0x8d82, GL.RGBA_INTEGER, SI, 16, "sint", XA);
add(308, "R10G10B10X2_UNORM", 0x8059, GL.RGBA, GL.UNSIGNED_INT_2_10_10_10_REV, 4, "unorm", XA);
add(253, "R10G10B10A2_UINT", 0x906f, GL.RGBA_INTEGER, GL.UNSIGNED_INT_2_10_10_10_REV, 4, "uint");
addCompressed(255, "BPTC_RGBA_UNORM", 0x8e8c, 16, "unorm");
addCompressed(256, "BPTC_SRGBA", 0x8e8d, 16, "unorm");
addCompressed(257, "BPTC_RGB_FLOAT", 0x8e8e, 16, "float");
addCompressed(258, "BPTC_RGB_UFLOAT", 0x8e8f, 16, "float");
addCompressed(269, "ETC2_RGB8", 0x9274, 8, "unorm");
addCompressed(270, "ETC2_SRGB8", 0x9275, 8, "unorm");
addCompressed(271, "ETC2_RGB8A1", 0x9276, 8, "unorm");
addCompressed(272, "ETC2_SRGB8A1", 0x9277, 8, "unorm");
addCompressed(273, "ETC2_RGBA8", 0x9278, 16, "unorm");
addCompressed(274, "ETC2_SRGBA8", 0x9279, 16, "unorm");
addCompressed(275, "ETC2_R11_UNORM", 0x9270, 8, "unorm");
addCompressed(276, "ETC2_R11_SNORM", 0x9271, 8, "unorm");
addCompressed(277, "ETC2_RG11_UNORM", 0x9272, 16, "unorm");
addCompressed(278, "ETC2_RG11_SNORM", 0x9273, 16, "unorm");

/** Every virgl format the component can map to GL, by virgl format number. */
export const VIRGL_FORMATS: ReadonlyMap<number, VirglFormatInfo> = table;

/**
 * Stencil-only sampler-view formats (virgl_hw.h X24S8_UINT 136, S8X24_UINT 137, X32_S8X24_UINT 138: what Mesa
 * samples a depth-stencil texture as under ARB_stencil_texturing) and the depth-stencil format each is a view of.
 * They are never resource formats.
 */
export const STENCIL_VIEW_OF: ReadonlyMap<number, number> = new Map([
  [136, 19],
  [137, 20],
  [138, 126],
]);

/** Highest virgl format number + 1 (`VIRGL_FORMAT_MAX` in virgl_hw.h); caps masks hold 16 × 32 bits. */
export const VIRGL_FORMAT_MAX = 313;

/**
 * Vertex attribute formats of GL core (glVertexAttribFormat accepts 1–4 components of these types, normalized or
 * not, plus the packed 2_10_10_10 and 10F_11F_11F types); virgl numbers of the ones virgl can name.
 */
export const VIRGL_VERTEX_FORMATS: readonly number[] = [
  // R32*_FLOAT, R32*_UNORM/USCALED/SNORM/SSCALED, R16*, R8* families and packed formats.
  28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56,
  57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 69, 70, 71, 72, 74, 75, 76, 77, 82, 83, 84, 85, 91, 92, 93, 94, 8, 123, 1,
  172, 173, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197,
  198, 199, 200, 24, 25, 26, 27,
];
