/** GLSL view of an image format: its layout qualifier and the component type (`f` float, `i` int, `u` uint). */
export interface GlslImageFormat {
  readonly qualifier: string;
  readonly type: "f" | "i" | "u";
}

const f = (qualifier: string): GlslImageFormat => ({ qualifier, type: "f" });
const i = (qualifier: string): GlslImageFormat => ({ qualifier, type: "i" });
const u = (qualifier: string): GlslImageFormat => ({ qualifier, type: "u" });

/** Gallium formats an image may be declared with (the GL image formats of GLSL 4.50), by `PIPE_FORMAT_` name. */
export const IMAGE_FORMATS: Readonly<Record<string, GlslImageFormat>> = {
  PIPE_FORMAT_R32G32B32A32_FLOAT: f("rgba32f"),
  PIPE_FORMAT_R16G16B16A16_FLOAT: f("rgba16f"),
  PIPE_FORMAT_R32G32_FLOAT: f("rg32f"),
  PIPE_FORMAT_R16G16_FLOAT: f("rg16f"),
  PIPE_FORMAT_R11G11B10_FLOAT: f("r11f_g11f_b10f"),
  PIPE_FORMAT_R32_FLOAT: f("r32f"),
  PIPE_FORMAT_R16_FLOAT: f("r16f"),
  PIPE_FORMAT_R16G16B16A16_UNORM: f("rgba16"),
  PIPE_FORMAT_R10G10B10A2_UNORM: f("rgb10_a2"),
  PIPE_FORMAT_R8G8B8A8_UNORM: f("rgba8"),
  PIPE_FORMAT_R16G16_UNORM: f("rg16"),
  PIPE_FORMAT_R8G8_UNORM: f("rg8"),
  PIPE_FORMAT_R16_UNORM: f("r16"),
  PIPE_FORMAT_R8_UNORM: f("r8"),
  PIPE_FORMAT_R16G16B16A16_SNORM: f("rgba16_snorm"),
  PIPE_FORMAT_R8G8B8A8_SNORM: f("rgba8_snorm"),
  PIPE_FORMAT_R16G16_SNORM: f("rg16_snorm"),
  PIPE_FORMAT_R8G8_SNORM: f("rg8_snorm"),
  PIPE_FORMAT_R16_SNORM: f("r16_snorm"),
  PIPE_FORMAT_R8_SNORM: f("r8_snorm"),
  PIPE_FORMAT_R32G32B32A32_UINT: u("rgba32ui"),
  PIPE_FORMAT_R16G16B16A16_UINT: u("rgba16ui"),
  PIPE_FORMAT_R10G10B10A2_UINT: u("rgb10_a2ui"),
  PIPE_FORMAT_R8G8B8A8_UINT: u("rgba8ui"),
  PIPE_FORMAT_R32G32_UINT: u("rg32ui"),
  PIPE_FORMAT_R16G16_UINT: u("rg16ui"),
  PIPE_FORMAT_R8G8_UINT: u("rg8ui"),
  PIPE_FORMAT_R32_UINT: u("r32ui"),
  PIPE_FORMAT_R16_UINT: u("r16ui"),
  PIPE_FORMAT_R8_UINT: u("r8ui"),
  PIPE_FORMAT_R32G32B32A32_SINT: i("rgba32i"),
  PIPE_FORMAT_R16G16B16A16_SINT: i("rgba16i"),
  PIPE_FORMAT_R8G8B8A8_SINT: i("rgba8i"),
  PIPE_FORMAT_R32G32_SINT: i("rg32i"),
  PIPE_FORMAT_R16G16_SINT: i("rg16i"),
  PIPE_FORMAT_R8G8_SINT: i("rg8i"),
  PIPE_FORMAT_R32_SINT: i("r32i"),
  PIPE_FORMAT_R16_SINT: i("r16i"),
  PIPE_FORMAT_R8_SINT: i("r8i"),
};
