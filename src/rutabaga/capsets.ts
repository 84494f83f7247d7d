import { RutabagaCapset, RutabagaComponentType } from "./constants.ts";

/** One row of rutabaga_gfx's static capset table. */
export interface CapsetDefinition {
  readonly name: string;
  readonly capsetId: number;
  readonly component: RutabagaComponentType;
}

/** rutabaga_gfx's capset table, in its order. */
export const CAPSET_TABLE: readonly CapsetDefinition[] = [
  { name: "virgl", capsetId: RutabagaCapset.Virgl, component: RutabagaComponentType.VirglRenderer },
  { name: "virgl2", capsetId: RutabagaCapset.Virgl2, component: RutabagaComponentType.VirglRenderer },
  { name: "gfxstream-vulkan", capsetId: RutabagaCapset.GfxstreamVulkan, component: RutabagaComponentType.Gfxstream },
  { name: "venus", capsetId: RutabagaCapset.Venus, component: RutabagaComponentType.VirglRenderer },
  { name: "cross-domain", capsetId: RutabagaCapset.CrossDomain, component: RutabagaComponentType.CrossDomain },
  { name: "drm", capsetId: RutabagaCapset.Drm, component: RutabagaComponentType.VirglRenderer },
  { name: "magma", capsetId: RutabagaCapset.Magma, component: RutabagaComponentType.Magma },
  { name: "gfxstream-gles", capsetId: RutabagaCapset.GfxstreamGles, component: RutabagaComponentType.Gfxstream },
  {
    name: "gfxstream-composer",
    capsetId: RutabagaCapset.GfxstreamComposer,
    component: RutabagaComponentType.Gfxstream,
  },
];

/** The table row of a capset id, if any. */
export function capsetDefinition(capsetId: number): CapsetDefinition | undefined {
  return CAPSET_TABLE.find((c) => c.capsetId === capsetId);
}

/**
 * OR of `1 << capset_id` for each known name; unknown and empty names are ignored. A string is split on `:`
 * (`"cross-domain:gfxstream-vulkan"` gives `0x28n`).
 */
export function calculateCapsetMask(names: string | Iterable<string>): bigint {
  const list = typeof names === "string" ? names.split(":") : names;
  let mask = 0n;
  for (const name of list) {
    const def = CAPSET_TABLE.find((c) => c.name === name);
    if (def !== undefined) mask |= 1n << BigInt(def.capsetId);
  }
  return mask;
}

/** Names of the capsets whose bit is set in `mask`, in table order. */
export function calculateCapsetNames(mask: bigint): string[] {
  return CAPSET_TABLE.filter((c) => (mask & (1n << BigInt(c.capsetId))) !== 0n).map((c) => c.name);
}
