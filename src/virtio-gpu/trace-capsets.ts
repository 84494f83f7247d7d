import { uncoveredVirglCaps } from "../components/virgl/caps/caps-coverage.ts";
import { RutabagaCapset } from "../rutabaga/constants.ts";
import { isRutabagaError } from "../rutabaga/error.ts";
import type { Rutabaga } from "../rutabaga/rutabaga.ts";
import type { TraceCapset } from "./trace.ts";

/**
 * Why `host` does not cover a capset a recorded guest read: the fields it offers less of (virgl caps, compared field
 * by field), "not offered", or "bytes differ" (any other capset, compared whole); empty when it covers it.
 */
export function capsetShortfall(rutabaga: Rutabaga, recorded: TraceCapset): string[] {
  let offered = false;
  for (let i = 0; i < rutabaga.getNumCapsets(); i++)
    offered ||= rutabaga.getCapsetInfo(i).capsetId === recorded.capsetId;
  if (!offered) return ["not offered"];
  let host: Uint8Array;
  try {
    host = rutabaga.getCapset(recorded.capsetId, recorded.version);
  } catch (e) {
    if (isRutabagaError(e)) return [e.message];
    throw e;
  }
  if (recorded.capsetId === RutabagaCapset.Virgl || recorded.capsetId === RutabagaCapset.Virgl2) {
    return uncoveredVirglCaps(recorded.bytes, host);
  }
  const same = host.length === recorded.bytes.length && host.every((b, i) => b === recorded.bytes[i]);
  return same ? [] : ["bytes differ"];
}
