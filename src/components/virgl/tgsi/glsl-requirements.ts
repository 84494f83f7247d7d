import type { GlslTarget } from "./shader-key.ts";

/**
 * What a shader may need beyond its target's core GLSL, and the `#extension` that provides it per target
 * (`undefined`: the target cannot express it and the emitter refuses the shader).
 */
export const GLSL_REQUIREMENTS = {
  /** gl_BaseVertexARB, gl_BaseInstanceARB, gl_DrawIDARB (core only in GLSL 4.60). */
  drawParameters: { glsl450: "GL_ARB_shader_draw_parameters", glsl300es: undefined },
  /** gl_FragStencilRefARB. */
  stencilExport: { glsl450: "GL_ARB_shader_stencil_export", glsl300es: undefined },
  /** gl_Layer / gl_ViewportIndex written by a VS or TES (GLSL 4.50 allows them in a GS only). */
  viewportLayerArray: { glsl450: "GL_ARB_shader_viewport_layer_array", glsl300es: undefined },
  /** atomicCounterAddARB and the other counter operations beyond increment/decrement (core only in GLSL 4.60). */
  atomicCounterOps: { glsl450: "GL_ARB_shader_atomic_counter_ops", glsl300es: undefined },
  /** imageLoad / atomics on an image declared without a format (`PIPE_FORMAT_NONE`). */
  imageLoadFormatted: { glsl450: "GL_EXT_shader_image_load_formatted", glsl300es: undefined },
  /** `layout(blend_support_*) out` (KHR_blend_equation_advanced; core in GLSL ES 3.20 only). */
  advancedBlend: { glsl450: "GL_KHR_blend_equation_advanced", glsl300es: "GL_KHR_blend_equation_advanced" },
} as const satisfies Record<string, Readonly<Record<GlslTarget, string | undefined>>>;

/** A key of {@link GLSL_REQUIREMENTS}. */
export type GlslRequirement = keyof typeof GLSL_REQUIREMENTS;

/** The `#extension ... : require` lines of a set of requirements on `target`, in table order. */
export function extensionLines(target: GlslTarget, required: ReadonlySet<GlslRequirement>): string[] {
  const out: string[] = [];
  for (const req of Object.keys(GLSL_REQUIREMENTS) as GlslRequirement[]) {
    const ext: string | undefined = GLSL_REQUIREMENTS[req][target];
    if (required.has(req) && ext !== undefined) out.push(`#extension ${ext} : require`);
  }
  return out;
}
