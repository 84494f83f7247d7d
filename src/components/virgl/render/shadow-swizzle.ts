import { VirglObject } from "../protocol/commands.ts";
import type { VirglSamplerView } from "../protocol/objects/sampler-view.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import { type ShaderKey, STAGE_INDEX, type TgsiShader, type ViewSwizzle } from "../tgsi/index.ts";

/** The sampler view bound to `unit` of `tgsi`'s stage, if any. */
export function boundView(sub: VirglSubContext, tgsi: TgsiShader, unit: number): VirglSamplerView | undefined {
  const o = sub.objects.get(sub.bound.samplerViews[STAGE_INDEX[tgsi.stage]]![unit] ?? 0);
  return o?.type === VirglObject.SamplerView ? (o.state as VirglSamplerView) : undefined;
}

/**
 * The key's swizzles of depth comparisons: Mesa states a depth texture's mode (luminance, intensity, alpha, red)
 * as its view's swizzle, which the host cannot apply to a shadow lookup's one result, so the shader does.
 */
export function shadowSwizzleKey(sub: VirglSubContext, tgsi: TgsiShader): Pick<ShaderKey, "shadowSwizzle"> {
  let swizzles: Record<number, ViewSwizzle> | undefined;
  for (const s of tgsi.info.samplers) {
    if (!s.shadow) continue;
    const view = boundView(sub, tgsi, s.unit);
    if (view === undefined) continue;
    swizzles ??= {};
    swizzles[s.unit] = view.swizzle;
  }
  return swizzles === undefined ? {} : { shadowSwizzle: swizzles };
}
