import { VirglObject } from "../protocol/commands.ts";
import type { VirglSamplerView } from "../protocol/objects/sampler-view.ts";
import type { VirglSubContext } from "../state/sub-context.ts";
import { type ShaderKey, STAGE_INDEX, type TgsiShader, type ViewSwizzle } from "../tgsi/index.ts";

/**
 * The `shadowSwizzle` key of a stage: the bound view swizzle of each shadow sampler that forces a channel to 0 or 1
 * (`PIPE_SWIZZLE_0`/`_1`, as Mesa sends a depth texture mode such as luminance's R, R, R, 1). GL returns a shadow
 * comparison as one float, so the variant applies these constants; any other swizzle repeats the result.
 */
export function shadowSwizzleKey(sub: VirglSubContext, tgsi: TgsiShader): Pick<ShaderKey, "shadowSwizzle"> {
  let swizzles: Record<number, ViewSwizzle> | undefined;
  const s = STAGE_INDEX[tgsi.stage];
  for (const sampler of tgsi.info.samplers) {
    if (!sampler.shadow) continue;
    const o = sub.objects.get(sub.bound.samplerViews[s]?.[sampler.unit] ?? 0);
    if (o?.type !== VirglObject.SamplerView) continue;
    const sw = (o.state as VirglSamplerView).swizzle;
    if (sw.every((c) => c < 4)) continue;
    swizzles ??= {};
    swizzles[sampler.unit] = sw;
  }
  return swizzles === undefined ? {} : { shadowSwizzle: swizzles };
}
