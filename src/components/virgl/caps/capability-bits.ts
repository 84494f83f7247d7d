import { type HostGlLimits, VirglCap } from "./caps.ts";

/**
 * `capability_bits`: features of the host GL (by core version or extension, as virglrenderer decides them) plus the
 * commands this component accepts (transfers, copy transfers, tweaks, debug flags).
 */
export function capabilityBits(limits: HostGlLimits): number {
  const v = limits.glVersion;
  const ext = (name: string) => limits.extensions.has(name);
  let bits =
    VirglCap.TgsiInvariant |
    VirglCap.SetMinSamples |
    VirglCap.TgsiPrecise |
    VirglCap.AppTweakSupport |
    VirglCap.GuestMayInitLog |
    VirglCap.Transfer |
    VirglCap.CopyTransfer |
    VirglCap.IndirectInputAddr |
    VirglCap.FboMixedColorFormats |
    VirglCap.SrgbWriteControl;
  const byVersion: readonly [number, boolean][] = [
    [VirglCap.FbNoAttach, v >= 43 || ext("GL_ARB_framebuffer_no_attachments")],
    [VirglCap.TextureView, v >= 43 || ext("GL_ARB_texture_view")],
    [VirglCap.CopyImage, v >= 43 || ext("GL_ARB_copy_image")],
    [VirglCap.Txqs, v >= 45 || ext("GL_ARB_shader_texture_image_samples")],
    [VirglCap.MemoryBarrier, v >= 42 || ext("GL_ARB_shader_image_load_store")],
    [VirglCap.ComputeShader, v >= 43 || ext("GL_ARB_compute_shader")],
    [VirglCap.RobustBufferAccess, v >= 43 || ext("GL_ARB_robust_buffer_access_behavior")],
    [VirglCap.TextureBarrier, v >= 45 || ext("GL_ARB_texture_barrier")],
    [VirglCap.TgsiComponents, v >= 44 || ext("GL_ARB_enhanced_layouts")],
    [VirglCap.Qbo, v >= 44 || ext("GL_ARB_query_buffer_object")],
    [VirglCap.BindCommandArgs, v >= 40 || ext("GL_ARB_draw_indirect")],
    [VirglCap.MultiDrawIndirect, v >= 43 || ext("GL_ARB_multi_draw_indirect")],
    [VirglCap.IndirectParams, v >= 46 || ext("GL_ARB_indirect_parameters")],
    [VirglCap.TransformFeedback3, v >= 40 || ext("GL_ARB_transform_feedback3")],
    [VirglCap.ClipHalfz, v >= 45 || ext("GL_ARB_clip_control")],
    [VirglCap.ClearTexture, v >= 44 || ext("GL_ARB_clear_texture")],
    [VirglCap.TgsiFbfetch, ext("GL_EXT_shader_framebuffer_fetch")],
    [VirglCap.ShaderClock, ext("GL_ARB_shader_clock")],
  ];
  for (const [bit, has] of byVersion) if (has) bits |= bit;
  return bits >>> 0;
}
