import { Base, compileField, type Field } from "./wire-schema.ts";
import { COMMAND_ALIASES, COMMANDS, FEATURE_COMMANDS, RETIRED_COMMANDS, STRUCTS } from "./wire-tables.generated.ts";

/** One numbered command in a {@link VenusWireCoverage}. */
export interface VenusCommandCoverage {
  readonly type: number;
  readonly name: string;
  /** vk.xml aliases sharing the number. */
  readonly aliases: readonly string[];
  /** Decodable and encodable: no parameter reaches a type without an encoding (pNext extensions aside). */
  readonly decodable: boolean;
  /** `Struct.member` or `param` paths without an encoding, when not decodable. */
  readonly refused: readonly string[];
}

/** What the generated codec covers. */
export interface VenusWireCoverage {
  readonly commands: readonly VenusCommandCoverage[];
  /** Retired command numbers (always refused). */
  readonly retired: readonly number[];
  /** Structs and unions in the tables, and how many have an encoding for every member. */
  readonly structs: { readonly total: number; readonly decodable: number };
  /** For each core version and venus extension: its commands that have no decoder (none numbered, or refused). */
  readonly missingByFeature: Readonly<Record<string, readonly string[]>>;
}

const isParamUnsupported = (f: Field) => f.base === Base.unsupported;

function refusedIn(structIdx: number, seen: Set<number>, out: string[]): void {
  if (seen.has(structIdx)) return;
  seen.add(structIdx);
  const [name, , , fields] = STRUCTS[structIdx]!;
  for (const [member, spec] of fields) {
    const f = compileField(member, spec, false);
    if (f.base === Base.unsupported) out.push(`${name}.${member}`);
    else if (f.base === Base.struct || f.base === Base.union) refusedIn(f.ref, seen, out);
  }
}

/** The codec's coverage of the venus command set, computed from the generated tables. */
export function venusWireCoverage(): VenusWireCoverage {
  const aliases = new Map<number, string[]>();
  for (const [a, t] of Object.entries(COMMAND_ALIASES)) aliases.set(t, [...(aliases.get(t) ?? []), a]);
  const commands = COMMANDS.map(([type, name, ret, params]): VenusCommandCoverage => {
    const refused: string[] = [];
    if (ret === "x") refused.push(params.length ? "return value" : "signature not transcribed");
    const seen = new Set<number>();
    for (const [p, spec] of params) {
      const f = compileField(p, spec, true);
      if (isParamUnsupported(f)) refused.push(p);
      else if (f.base === Base.struct || f.base === Base.union) refusedIn(f.ref, seen, refused);
    }
    return { type, name, aliases: aliases.get(type) ?? [], decodable: refused.length === 0, refused };
  });
  let decodableStructs = 0;
  for (let i = 0; i < STRUCTS.length; i++) {
    if (!STRUCTS[i]![3].some(([m, spec]) => compileField(m, spec, false).base === Base.unsupported)) decodableStructs++;
  }
  const decodable = new Set<string>();
  for (const c of commands) {
    if (!c.decodable) continue;
    decodable.add(c.name);
    for (const a of c.aliases) decodable.add(a);
  }
  const missingByFeature: Record<string, readonly string[]> = {};
  for (const [feature, names] of Object.entries(FEATURE_COMMANDS)) {
    missingByFeature[feature] = names.filter((n) => !decodable.has(n));
  }
  return {
    commands,
    retired: Object.keys(RETIRED_COMMANDS).map(Number),
    structs: { total: STRUCTS.length, decodable: decodableStructs },
    missingByFeature,
  };
}

/** Whether `name` (canonical or alias) has a decoder. */
export function venusHasDecoder(name: string): boolean {
  return venusWireCoverage().commands.some((c) => c.decodable && (c.name === name || c.aliases.includes(name)));
}
