import { RutabagaError } from "../../../rutabaga/error.ts";
import { uncoveredVirglCaps } from "../caps/caps-coverage.ts";
import { SectionReader, SectionWriter } from "./section-codec.ts";

/** First word of the virgl component section ("VCP1"). */
const COMPONENT_SECTION_TAG = 0x3150_4356;

/** The component's section: the VIRGL and VIRGL2 capset bytes the guest was given. */
export function encodeComponentSection(caps1: Uint8Array, caps2: Uint8Array): Uint8Array {
  return new SectionWriter().u32(COMPONENT_SECTION_TAG).bytes(caps1).bytes(caps2).finish();
}

/**
 * Why this host (capsets `caps1`, `caps2`) cannot take a snapshot whose component section is `bytes`, or
 * `undefined` when its caps cover the recorded ones. A malformed section throws `SnapshotError`.
 */
export function capsShortfallOf(bytes: Uint8Array, caps1: Uint8Array, caps2: Uint8Array): string | undefined {
  const r = new SectionReader(bytes, "the virgl component section");
  if (r.u32() !== COMPONENT_SECTION_TAG) throw new RutabagaError("SnapshotError", "not a virgl component section");
  const recorded1 = r.bytes();
  const recorded2 = r.bytes();
  r.end();
  const short = [...new Set([...uncoveredVirglCaps(recorded1, caps1), ...uncoveredVirglCaps(recorded2, caps2)])];
  return short.length === 0 ? undefined : `this host's virgl caps do not cover the snapshot's: ${short.join(", ")}`;
}
