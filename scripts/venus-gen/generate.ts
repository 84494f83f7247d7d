// Generates the venus wire tables and their TypeScript types from vk.xml 1.4.309 plus the venus protocol's own
// definitions (venus-protocol-data.ts): `npx tsx scripts/venus-gen/generate.ts [--check]`. --check exits 1 when the
// checked-in output differs from what the inputs produce. The tables are interpreted by src/components/venus/wire-*.ts.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import type { CommandRow, StructRow } from "../../src/components/venus/wire-schema.ts";
import { emitDecoders } from "./emit-decoders.ts";
import {
  COMMAND_TYPES,
  PRIVATE_COMMANDS,
  PRIVATE_FLAG_TYPES,
  PRIVATE_STRUCTS,
  type PrivateMember,
  RETIRED_COMMANDS,
  VENUS_EXTENSIONS,
  VENUS_PROTOCOL_SOURCE,
} from "./venus-protocol-data.ts";
import { obtainVkXml, VK_REGISTRY_VERSION } from "./vk-registry.ts";
import { type Decl, type Registry, type RegStruct, readRegistry } from "./vk-xml.ts";

/** The generated files, relative to the repository root. */
export const OUTPUTS = {
  tables: "src/components/venus/wire-tables.generated.ts",
  types: "src/components/venus/wire-types.generated.ts",
  decoders: "src/components/venus/wire-decoders.generated.ts",
} as const;

const C_TYPES: Record<string, string> = {
  uint8_t: "u8",
  int8_t: "i8",
  uint16_t: "u16",
  int16_t: "i16",
  uint32_t: "u32",
  int32_t: "i32",
  uint64_t: "u64",
  int64_t: "i64",
  float: "f32",
  double: "f64",
  size_t: "sz",
  int: "i32",
};
const BASETYPES: Record<string, string> = {
  VkBool32: "u32",
  VkSampleMask: "u32",
  VkFlags: "u32",
  VkFlags64: "u64",
  VkDeviceSize: "u64",
  VkDeviceAddress: "u64",
};

function privateDecl(m: PrivateMember): Decl {
  return {
    type: m.type,
    name: m.name,
    pointer: m.pointer === "" ? "" : "*",
    isConst: m.pointer === "const*",
    dims: [],
    ...(m.len !== undefined && { len: m.len }),
    ...(m.optional && { optional: "true" }),
  };
}

/** Adds the private types and commands to the registry's maps. */
function mergePrivate(reg: Registry) {
  const category = reg.category as Map<string, string>;
  const structs = reg.structs as Map<string, RegStruct>;
  const commands = reg.commands as Map<string, { name: string; returns: string; params: Decl[] }>;
  const sTypeValue = reg.sTypeValue as Map<string, number>;
  const requiredBy = reg.requiredBy as Map<string, string[]>;
  for (const f of PRIVATE_FLAG_TYPES) {
    category.set(f, "bitmask");
    (reg.typedefOf as Map<string, string>).set(f, "VkFlags");
  }
  for (const s of PRIVATE_STRUCTS) {
    category.set(s.name, "struct");
    requiredBy.set(s.name, ["VK_MESA_venus_protocol"]);
    if (s.sType) sTypeValue.set(s.sType[0], s.sType[1]);
    const members = s.members.map(privateDecl);
    if (s.sType) members[0] = { ...members[0]!, values: s.sType[0] };
    structs.set(s.name, {
      name: s.name,
      union: false,
      members,
      structextends: s.structextends ?? [],
      returnedonly: s.returnedonly ?? false,
    });
  }
  for (const c of PRIVATE_COMMANDS)
    commands.set(c.name, { name: c.name, returns: c.returns, params: c.params.map(privateDecl) });
}

/** Generates both files' text from vk.xml's text. */
export function generate(xml: string): {
  tables: string;
  types: string;
  decoders: string;
  stats: Record<string, number>;
} {
  const reg = readRegistry(xml);
  if (reg.headerVersion !== 309) throw new Error(`vk.xml header version ${reg.headerVersion}, want 309`);
  mergePrivate(reg);
  const resolve = (t: string) => {
    let x = t;
    for (let i = 0; i < 8 && reg.typeAlias.has(x); i++) x = reg.typeAlias.get(x)!;
    return x;
  };
  const allowed = new Set<string>([...VENUS_EXTENSIONS.map((e) => e[0]), "VK_MESA_venus_protocol"]);
  for (const v of ["VK_VERSION_1_0", "VK_VERSION_1_1", "VK_VERSION_1_2", "VK_VERSION_1_3", "VK_VERSION_1_4"])
    allowed.add(v);
  const inAllowed = (name: string) => (reg.requiredBy.get(name) ?? []).some((f) => allowed.has(f));

  // Extenders of each struct (pNext candidates), by canonical parent name.
  const extenders = new Map<string, string[]>();
  for (const s of reg.structs.values()) {
    for (const p of s.structextends) {
      const parent = resolve(p);
      const l = extenders.get(parent) ?? [];
      l.push(s.name);
      extenders.set(parent, l);
    }
  }

  const structIndex = new Map<string, number>();
  const structOrder: string[] = [];
  const want = (name: string) => {
    if (!structIndex.has(name)) {
      structIndex.set(name, structOrder.length);
      structOrder.push(name);
    }
    return structIndex.get(name)!;
  };

  /** The base code of a declared type, or "x" with why when venus has no encoding for it here. */
  function base(d: Decl): string {
    const t = resolve(d.type);
    if (C_TYPES[t]) return C_TYPES[t]!;
    const cat = reg.category.get(t);
    if (t === "VkAllocationCallbacks") return "alloc";
    if (cat === "handle") return "h";
    if (cat === "enum") return reg.enum64.has(t) ? "u64" : "e";
    if (cat === "bitmask") return reg.typedefOf.get(t) === "VkFlags64" ? "u64" : "u32";
    if (BASETYPES[t]) return BASETYPES[t]!;
    if (cat === "struct" || cat === "union") return `${cat === "union" ? "U" : "S"}${want(t)}`;
    return `x`;
  }

  /** One field's spec: shape + base (+ ":" len); see src/components/venus/wire-schema.ts for the grammar. */
  function spec(d: Decl): string {
    if (d.name === "pNext" && d.type === "void") return "pnext";
    const len = d.len?.split(",")[0];
    const lenExpr = len && len !== "null-terminated" ? (len.startsWith("latexmath") ? (d.altlen ?? "") : len) : "";
    const withLen = (s: string) => (lenExpr ? `${s}:${lenExpr}` : s);
    if (d.dims.length > 1) return "x";
    if (d.type === "char") {
      if (d.dims.length === 1 && d.pointer === "") return `[${d.dims[0]}]cstr`;
      if (d.pointer === "*" && d.len?.includes("null-terminated")) return "str";
      if (d.pointer === "* const*" && d.len?.endsWith("null-terminated")) return withLen("strs");
      return "x";
    }
    if (d.type === "void") {
      if (d.pointer === "*" && lenExpr) return withLen("blob");
      return "x";
    }
    if (d.pointer === "**" || d.pointer === "* const*") return "x";
    const b = base(d);
    if (b === "x") return "x";
    if (d.dims.length === 1) return `[${d.dims[0]}]${b}`;
    if (d.pointer === "*") return lenExpr ? withLen(`[]${b}`) : `*${b}`;
    return b;
  }

  /** Partial-mode prefix for a struct member: how it travels when the struct is a command's output. */
  function partialMode(d: Decl, sp: string, lenTargets: Set<string>): string {
    if (d.name === "sType") return "=";
    if (sp === "pnext") return "~";
    if (lenTargets.has(d.name)) return "=";
    const b = sp.replace(/^(\[\d*\]|\*)/, "").split(":")[0]!;
    if (b === "h") return "=";
    if (b.startsWith("S")) return "~";
    if (sp.startsWith("[]") || sp.startsWith("*") || sp === "blob" || sp.startsWith("blob:")) return "#";
    return "-";
  }

  // Commands: canonical name → id; aliases from vk.xml.
  const commandRows: string[] = [];
  /** "Command.param" and "Struct.member" → the Vulkan handle type it names. */
  const handleRows: string[] = [];
  const commandData = new Map<string, { ret: string; params: [string, string][] }>();
  const commandRowData: CommandRow[] = [];
  const aliasRows: string[] = [];
  const typeRows: string[] = [];
  let decodableCommands = 0;
  const aliasesOf = new Map<string, string[]>();
  for (const [a, target] of reg.commandAlias) {
    const l = aliasesOf.get(target) ?? [];
    l.push(a);
    aliasesOf.set(target, l);
  }
  COMMAND_TYPES.forEach((name, id) => {
    if (!name) return;
    const cmd = reg.commands.get(name);
    if (!cmd) {
      commandRows.push(`  [${id}, ${JSON.stringify(name)}, "x", []],`);
      commandRowData.push([id, name, "x", []]);
      return;
    }
    const lenTargets = new Set(cmd.params.map((p) => p.len?.split(",")[0] ?? "").filter(Boolean));
    for (const p of cmd.params)
      if (reg.category.get(resolve(p.type)) === "handle")
        handleRows.push(`  "${name}.${p.name}": "${resolve(p.type)}${p.optional?.startsWith("true") ? "?" : ""}",`);
    const params = cmd.params.map((p) => {
      const sp = spec(p);
      const b = sp.replace(/^(\[\d*\]|\*)/, "").split(":")[0]!;
      let mode = "i";
      if (p.pointer === "*" && !p.isConst) mode = b === "h" || lenTargets.has(p.name) ? "x" : "o";
      return `${mode}${sp}`;
    });
    const ret =
      cmd.returns === "void" ? "" : spec({ type: cmd.returns, name: "ret", pointer: "", isConst: false, dims: [] });
    const unsupported = params.some((p) => p.replace(/^[ixo](\[\d*\]|\*)?/, "").split(":")[0] === "x") || ret === "x";
    if (!unsupported) decodableCommands++;
    commandData.set(name, { ret, params: cmd.params.map((p, i): [string, string] => [p.name, params[i]!]) });
    commandRowData.push([id, name, ret, commandData.get(name)!.params]);
    commandRows.push(
      `  [${id}, ${JSON.stringify(name)}, ${JSON.stringify(ret)}, [${cmd.params.map((p, i) => `[${JSON.stringify(p.name)}, ${JSON.stringify(params[i])}]`).join(", ")}]],`,
    );
    for (const a of (aliasesOf.get(name) ?? []).sort()) aliasRows.push(`  ${JSON.stringify(a)}: ${id},`);
  });

  // Structs, closed over members and allowed pNext extenders.
  const structRows: string[] = [];
  const structFields: [string, string][][] = [];
  const structData: StructRow[] = [];
  for (let i = 0; i < structOrder.length; i++) {
    const s = reg.structs.get(structOrder[i]!)!;
    // A count of a fixed array is output only (Mesa's partial encoders skip it); a count of a pointer array is the
    // capacity the guest gives.
    const lenTargets = new Set(
      s.members
        .filter((m) => m.dims.length === 0)
        .map((m) => m.len?.split(",")[0] ?? "")
        .filter(Boolean),
    );
    for (const m of s.members)
      if (reg.category.get(resolve(m.type)) === "handle")
        handleRows.push(`  "${s.name}.${m.name}": "${resolve(m.type)}${m.optional?.startsWith("true") ? "?" : ""}",`);
    const fieldList = s.members.map((m): [string, string] => {
      const sp = spec(m);
      return [m.name, partialMode(m, sp, lenTargets) + sp];
    });
    structFields[i] = fieldList;
    const fields = fieldList.map(([n, sp]) => `[${JSON.stringify(n)}, ${JSON.stringify(sp)}]`);
    const sTypeName = s.members[0]?.name === "sType" ? s.members[0].values : undefined;
    const sType = sTypeName ? reg.sTypeValue.get(sTypeName) : undefined;
    if (sTypeName && sType === undefined) throw new Error(`no value for ${sTypeName}`);
    const ext = s.members.some((m) => m.name === "pNext")
      ? (extenders.get(s.name) ?? [])
          .filter((e) => inAllowed(e) || structIndex.has(e))
          .sort()
          .map(want)
      : [];
    structRows.push(
      `  [${JSON.stringify(s.name)}, ${s.union ? '"union"' : (sType ?? "null")}, [${ext.join(", ")}], [${fields.join(", ")}]],`,
    );
    structData.push([s.name, s.union ? "union" : (sType ?? null), ext, fieldList]);
  }

  // TypeScript types for the decoded objects.
  const tsOf = (sp: string, out: boolean): string => {
    const [shapeBase] = sp.split(":");
    const m = /^(\[\d*\]|\*)?(.*)$/.exec(shapeBase!)!;
    const shape = m[1] ?? "";
    const b = m[2]!;
    const scalar: Record<string, string> = {
      u8: "number",
      i8: "number",
      u16: "number",
      i16: "number",
      u32: "number",
      i32: "number",
      e: "number",
      f32: "number",
      f64: "number",
      sz: "number",
      h: "number",
      u64: "bigint",
      i64: "bigint",
    };
    const arrays: Record<string, string> = {
      u8: "Uint8Array",
      u32: "Uint32Array",
      i32: "Int32Array",
      e: "Int32Array",
      f32: "Float32Array",
      u64: "BigUint64Array",
      i64: "BigInt64Array",
      h: "number[]",
      sz: "number[]",
      f64: "Float64Array",
      u16: "number[]",
      i8: "number[]",
      i16: "number[]",
    };
    const named = (x: string) => {
      if (x.startsWith("S") || x.startsWith("U")) {
        const n = structOrder[Number(x.slice(1))]!;
        return out && x.startsWith("S") ? `VkPartial<${n}>` : n;
      }
      return x;
    };
    if (b === "pnext") return "VkChain | null";
    if (b === "str") return "string | null";
    if (b === "strs") return "string[] | null";
    if (b === "cstr") return "string";
    if (b === "blob") return "Uint8Array | null";
    if (b === "alloc") return "null";
    if (b === "x") return "never";
    if (out && !b.startsWith("S") && !b.startsWith("U") && b !== "h")
      return shape === "*" ? "true | null" : "number | null";
    const elem = scalar[b] ?? named(b);
    if (shape === "") return elem;
    if (shape === "*") return `${elem} | null`;
    const arr = arrays[b] ?? `${elem}[]`;
    return shape === "[]" ? `${arr} | null` : arr;
  };
  for (const name of structOrder) {
    const s = reg.structs.get(name)!;
    const fieldsJson = structFields[structIndex.get(name)!]!;
    if (s.union) {
      typeRows.push(
        `/** ${name} (a union: \`tag\` is the member index, ${fieldsJson.map(([f], i) => `${i} = ${f}`).join(", ")}). */`,
        `export type ${name} = ${fieldsJson.map(([f, sp], i) => `{ readonly tag: ${i}; readonly ${f}: ${tsOf(sp.slice(1), false)} }`).join(" | ")};`,
      );
    } else {
      typeRows.push(
        `/** ${name}. */`,
        `export interface ${name} {`,
        ...fieldsJson.map(([f, sp]) => `  readonly ${f}: ${tsOf(sp.slice(1), false)};`),
        "}",
      );
    }
  }
  const argRows: string[] = [];
  const objType = (members: string[]) => (members.length ? `{ ${members.join("; ")} }` : "Record<string, never>");
  COMMAND_TYPES.forEach((name) => {
    const cmd = name && reg.commands.get(name);
    if (!cmd) return;
    const { ret, params } = commandData.get(name)!;
    argRows.push(
      `  ${name}: {`,
      `    args: ${objType(params.map(([p, sp]) => `readonly ${p}: ${tsOf(sp.slice(1), sp[0] === "o")}`))};`,
      `    reply: ${objType([
        ...(ret ? [`readonly ret: ${tsOf(ret, false)}`] : []),
        ...params.filter(([, sp]) => sp[0] !== "i").map(([p, sp]) => `readonly ${p}: ${tsOf(sp.slice(1), false)}`),
      ])};`,
      "  };",
    );
  });

  // The commands each core version and venus extension brings, for coverage reports.
  const featureCommands = new Map<string, string[]>();
  for (const [what, by] of reg.requiredBy) {
    if (!reg.commands.has(what) && !reg.commandAlias.has(what)) continue;
    for (const f of by) {
      if (!allowed.has(f)) continue;
      const l = featureCommands.get(f) ?? [];
      if (!l.includes(what)) l.push(what);
      featureCommands.set(f, l);
    }
  }
  for (const c of PRIVATE_COMMANDS)
    featureCommands.set("VK_MESA_venus_protocol", [...(featureCommands.get("VK_MESA_venus_protocol") ?? []), c.name]);
  const featureRows = [...featureCommands.keys()]
    .sort()
    .map((f) => `  ${JSON.stringify(f)}: ${JSON.stringify(featureCommands.get(f)!.sort())},`);

  const header = (what: string) =>
    [
      `// Generated by scripts/venus-gen/generate.ts from vk.xml ${VK_REGISTRY_VERSION} (Debian 13 libvulkan-dev) and the venus`,
      `// protocol data in scripts/venus-gen/venus-protocol-data.ts. Do not edit: regenerate. ${what}`,
      "",
    ].join("\n");
  const tables = [
    header("Grammar: src/components/venus/wire-schema.ts."),
    'import type { CommandRow, StructRow } from "./wire-schema.ts";',
    "",
    "/** The registry and protocol versions these tables come from. */",
    `export const WIRE_SOURCE = ${JSON.stringify({
      vkXml: VK_REGISTRY_VERSION,
      wireFormatVersion: VENUS_PROTOCOL_SOURCE.wireFormatVersion,
      venusVkXml: VENUS_PROTOCOL_SOURCE.vkXmlVersion.join("."),
      venusProtocolSpecVersion: VENUS_PROTOCOL_SOURCE.venusProtocolSpecVersion,
      mesaInfoCommit: VENUS_PROTOCOL_SOURCE.infoCommit,
      mesaDefinesCommit: VENUS_PROTOCOL_SOURCE.definesCommit,
    })} as const;`,
    "",
    "/** The extensions venus serializes: [name, number, spec version]. */",
    `export const VENUS_EXTENSIONS: readonly (readonly [string, number, number])[] = ${JSON.stringify(VENUS_EXTENSIONS)};`,
    "",
    "/** Command numbers retired from the protocol. */",
    `export const RETIRED_COMMANDS: Readonly<Record<number, string>> = ${JSON.stringify(RETIRED_COMMANDS)};`,
    "",
    '/** Every struct and union a command reaches: [name, sType | null | "union", pNext extender indices, fields]. */',
    "export const STRUCTS: readonly StructRow[] = [",
    ...structRows,
    "];",
    "",
    "/** Every numbered command: [command type, canonical name, return spec, params]. */",
    "export const COMMANDS: readonly CommandRow[] = [",
    ...commandRows,
    "];",
    "",
    "/** The commands each core version and venus extension requires (vk.xml names, aliases included). */",
    "export const FEATURE_COMMANDS: Readonly<Record<string, readonly string[]>> = {",
    ...featureRows,
    "};",
    "",
    "/** The Vulkan handle type of each handle parameter (`command.param`) and member (`Struct.member`); `?`: may be 0. */",
    "export const HANDLE_TYPES: Readonly<Record<string, string>> = {",
    ...handleRows,
    "};",
    "",
    "/** vk.xml's aliases of numbered commands → their command type. */",
    "export const COMMAND_ALIASES: Readonly<Record<string, number>> = {",
    ...aliasRows,
    "};",
    "",
  ].join("\n");
  const types = [
    header("Types of the objects the wire codec decodes."),
    "/** A pNext chain element: its sType, its own chain, and its members. */",
    "export interface VkChain {",
    "  readonly sType: number;",
    "  readonly pNext: VkChain | null;",
    "  readonly [member: string]: unknown;",
    "}",
    "",
    "/** A struct as a command carries it for output: sType, pNext and handles only (the rest comes back in the reply). */",
    "export type VkPartial<T> = { readonly [K in keyof T]?: T[K] };",
    "",
    ...typeRows,
    "",
    "/** Each numbered command's decoded arguments and its reply's values. */",
    "export interface VenusCommands {",
    ...argRows,
    "}",
    "",
  ].join("\n");
  const isX = (sp: string) => sp.replace(/^[-=~#ixo]?(\[\d*\]|\*)?/, "").split(":")[0] === "x";
  const decodableStructs = structFields.filter((f) => !f.some(([, sp]) => isX(sp))).length;
  return {
    tables,
    types,
    decoders: emitDecoders(structData, commandRowData),
    stats: {
      registryStructs: [...reg.structs.values()].length,
      registryCommands: reg.commands.size,
      registryCommandAliases: reg.commandAlias.size,
      numberedCommands: COMMAND_TYPES.filter(Boolean).length,
      decodableCommands,
      structs: structOrder.length,
      decodableStructs,
    },
  };
}

/** The text as the repository's formatter writes it, so the check compares like with like. */
export function formatted(path: string, raw: string): string {
  const biome = spawnSync("node_modules/.bin/biome", ["check", "--write", `--stdin-file-path=${path}`], {
    input: raw,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const got = obtainVkXml();
  if ("error" in got) {
    console.error(`vk.xml ${VK_REGISTRY_VERSION} unavailable: ${got.error}`);
    process.exit(2);
  }
  const out = generate(readFileSync(got.path, "utf8"));
  const check = process.argv.includes("--check");
  let stale = false;
  for (const [k, path] of Object.entries(OUTPUTS)) {
    const text = formatted(path, out[k as keyof typeof OUTPUTS]);
    if (check) {
      let old = "";
      try {
        old = readFileSync(path, "utf8");
      } catch {}
      if (old !== text) {
        console.error(`${path} is stale`);
        stale = true;
      }
    } else writeFileSync(path, text);
  }
  console.log(JSON.stringify(out.stats));
  if (stale) process.exit(1);
}
