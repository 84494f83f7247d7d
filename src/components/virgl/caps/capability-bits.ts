import { type HostGlLimits, VirglCap } from "./caps.ts";
import { memoryCapabilityBits } from "./memory-caps.ts";

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
  bits |= memoryCapabilityBits(limits);
  // Only what the draw path executes: framebuffer fetch and shader clock are not, so they are not advertised
  // and Mesa never sends them.
  const byVersion: readonly [number, boolean][] = [
    [VirglCap.CopyImage, v >= 43 || ext("GL_ARB_copy_image")],
    // Sampler views, surfaces and blits in another format, target or range become GL texture views.
    [VirglCap.TextureView, v >= 43 || ext("GL_ARB_texture_view")],
    [VirglCap.FbNoAttach, v >= 45],
    [VirglCap.Txqs, v >= 45 || ext("GL_ARB_shader_texture_image_samples")],
    [VirglCap.RobustBufferAccess, v >= 43 || ext("GL_ARB_robust_buffer_access_behavior")],
    [VirglCap.TgsiComponents, v >= 44 || ext("GL_ARB_enhanced_layouts")],
    [VirglCap.ClipHalfz, v >= 45 || ext("GL_ARB_clip_control")],
    [VirglCap.ClearTexture, v >= 44 || ext("GL_ARB_clear_texture")],
    // render/queries.ts: results the GL has yet to produce go through glGetQueryBufferObject* (GL 4.5 DSA).
    [VirglCap.Qbo, v >= 45],
    // Multi-draw indirect (GL 4.3); the draw count from a buffer is read back, so it needs no host extension.
    [VirglCap.MultiDrawIndirect, v >= 43],
    [VirglCap.IndirectParams, v >= 43],
    // Four vertex streams: the emitter's EmitStreamVertex and stream layouts, primitives queries per stream.
    [VirglCap.TransformFeedback3, v >= 40],
  ];
  for (const [bit, has] of byVersion) if (has) bits |= bit;
  return bits >>> 0;
}
