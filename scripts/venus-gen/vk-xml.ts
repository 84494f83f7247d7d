// A small reader for vk.xml: an element tree, then the registry facts the venus generator needs (types, members,
// commands, aliases, sType values, which feature or extension requires each type). Only api="vulkan" variants.

/** One XML element. */
export interface XmlElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const decodeEntities = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!);

/** Parses well-formed XML without DTDs (vk.xml's subset): elements, attributes, text, comments. */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { tag: "#root", attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([\w:-]+)((?:\s+[\w:-]+\s*=\s*"[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(re)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.children.push(decodeEntities(m[5]));
      continue;
    }
    if (m[2] === undefined) continue;
    if (m[1]) {
      if (top.tag !== m[2]) throw new Error(`mismatched </${m[2]}> in <${top.tag}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) attrs[a[1]!] = decodeEntities(a[2]!);
    const el: XmlElement = { tag: m[2], attrs, children: [] };
    top.children.push(el);
    if (!m[4]) stack.push(el);
  }
  return root;
}

const elements = (e: XmlElement, tag?: string) =>
  e.children.filter((c): c is XmlElement => typeof c !== "string" && (tag === undefined || c.tag === tag));
const textOf = (e: XmlElement): string =>
  e.children.map((c) => (typeof c === "string" ? c : c.tag === "comment" ? "" : textOf(c))).join("");
const forVulkan = (e: XmlElement) => e.attrs.api === undefined || e.attrs.api.split(",").includes("vulkan");

/** A struct member or command parameter as declared. */
export interface Decl {
  readonly type: string;
  readonly name: string;
  /** The text between type and name, normalised: "", "*", "const*", "const* const*", "**", "* const*". */
  readonly pointer: string;
  readonly isConst: boolean;
  /** Fixed array dimensions, as numbers (enum names resolved). */
  readonly dims: readonly number[];
  readonly len?: string;
  readonly altlen?: string;
  readonly optional?: string;
  readonly values?: string;
  readonly selector?: string;
}

/** A struct or union. */
export interface RegStruct {
  readonly name: string;
  readonly union: boolean;
  readonly members: readonly Decl[];
  readonly structextends: readonly string[];
  readonly returnedonly: boolean;
}

/** A command. */
export interface RegCommand {
  readonly name: string;
  readonly returns: string;
  readonly params: readonly Decl[];
}

/** What the generator reads from vk.xml. */
export interface Registry {
  readonly headerVersion: number;
  /** category of each named type: handle, enum, bitmask, basetype, struct, union, funcpointer, define, include, … */
  readonly category: ReadonlyMap<string, string>;
  /** Base C type of basetypes and bitmasks (uint32_t/uint64_t/void*), or "VkFlags64" for 64-bit bitmasks. */
  readonly typedefOf: ReadonlyMap<string, string>;
  /** Enums declared with bitwidth 64. */
  readonly enum64: ReadonlySet<string>;
  /** Type alias → target. */
  readonly typeAlias: ReadonlyMap<string, string>;
  readonly structs: ReadonlyMap<string, RegStruct>;
  readonly commands: ReadonlyMap<string, RegCommand>;
  /** Command alias → target. */
  readonly commandAlias: ReadonlyMap<string, string>;
  /** VkStructureType enumerant → value (aliases resolved). */
  readonly sTypeValue: ReadonlyMap<string, number>;
  /** Type or command → the features and extensions whose <require> names it. */
  readonly requiredBy: ReadonlyMap<string, readonly string[]>;
  readonly constants: ReadonlyMap<string, number>;
}

function parseDecl(e: XmlElement, constants: Map<string, number>): Decl {
  let type = "";
  let name = "";
  let before = "";
  let between = "";
  let after = "";
  for (const c of e.children) {
    if (typeof c === "string") {
      if (!type) before += c;
      else if (!name) between += c;
      else after += c;
    } else if (c.tag === "type") type = textOf(c);
    else if (c.tag === "name") name = textOf(c);
    else if (c.tag === "enum") after += textOf(c);
  }
  const dims = [...after.matchAll(/\[([^\]]+)\]/g)].map((d) => {
    const v = /^\d+$/.test(d[1]!) ? Number(d[1]) : constants.get(d[1]!);
    if (v === undefined) throw new Error(`unknown array size ${d[1]} in ${name}`);
    return v;
  });
  const a = e.attrs;
  return {
    type,
    name,
    pointer: between
      .replace(/\s+/g, " ")
      .trim()
      .replace(/ \*/g, "*")
      .replace(/\* const\*/, "* const*"),
    isConst: /\bconst\b/.test(before),
    dims,
    ...(a.len !== undefined && { len: a.len }),
    ...(a.altlen !== undefined && { altlen: a.altlen }),
    ...(a.optional !== undefined && { optional: a.optional }),
    ...(a.values !== undefined && { values: a.values }),
    ...(a.selector !== undefined && { selector: a.selector }),
  };
}

/** Reads the registry facts from vk.xml's text. */
export function readRegistry(xml: string): Registry {
  const root = elements(parseXml(xml), "registry")[0];
  if (!root) throw new Error("no <registry>");
  const constants = new Map<string, number>();
  const sTypeValue = new Map<string, number>();
  const sTypeAlias = new Map<string, string>();
  const enum64 = new Set<string>();
  for (const en of elements(root, "enums")) {
    if (en.attrs.bitwidth === "64") enum64.add(en.attrs.name!);
    for (const v of elements(en, "enum")) {
      if (en.attrs.name === "API Constants" && v.attrs.value !== undefined) {
        const n = Number(v.attrs.value.replace(/U$|ULL$/, ""));
        if (Number.isFinite(n)) constants.set(v.attrs.name!, n);
      }
      if (en.attrs.name === "VkStructureType") {
        if (v.attrs.value !== undefined) sTypeValue.set(v.attrs.name!, Number(v.attrs.value));
        else if (v.attrs.alias) sTypeAlias.set(v.attrs.name!, v.attrs.alias);
      }
    }
  }
  const category = new Map<string, string>();
  const typedefOf = new Map<string, string>();
  const typeAlias = new Map<string, string>();
  const structs = new Map<string, RegStruct>();
  for (const types of elements(root, "types")) {
    for (const t of elements(types, "type")) {
      if (!forVulkan(t)) continue;
      const cat = t.attrs.category ?? "";
      const nameEl = elements(t, "name")[0];
      const name = t.attrs.name ?? (nameEl ? textOf(nameEl) : "");
      if (!name) continue;
      category.set(name, cat);
      if (t.attrs.alias) {
        typeAlias.set(name, t.attrs.alias);
        continue;
      }
      if (cat === "basetype" || cat === "bitmask") {
        const inner = elements(t, "type")[0];
        if (inner)
          typedefOf.set(name, textOf(inner) + (/\*\s*<name>|\*\s*$/.test(textOf(t).split(name)[0]!) ? "*" : ""));
        if (cat === "basetype" && /\*\s*$/.test(textOf(t).split(name)[0] ?? "")) typedefOf.set(name, "void*");
      }
      if (cat === "struct" || cat === "union") {
        structs.set(name, {
          name,
          union: cat === "union",
          members: elements(t, "member")
            .filter(forVulkan)
            .map((mm) => parseDecl(mm, constants)),
          structextends: t.attrs.structextends ? t.attrs.structextends.split(",") : [],
          returnedonly: t.attrs.returnedonly === "true",
        });
      }
    }
  }
  const commands = new Map<string, RegCommand>();
  const commandAlias = new Map<string, string>();
  for (const cs of elements(root, "commands")) {
    for (const c of elements(cs, "command")) {
      if (!forVulkan(c)) continue;
      if (c.attrs.alias) {
        commandAlias.set(c.attrs.name!, c.attrs.alias);
        continue;
      }
      const proto = elements(c, "proto")[0]!;
      const d = parseDecl(proto, constants);
      commands.set(d.name, {
        name: d.name,
        returns: d.type + (d.pointer ? d.pointer : ""),
        params: elements(c, "param")
          .filter(forVulkan)
          .map((p) => parseDecl(p, constants)),
      });
    }
  }
  const requiredBy = new Map<string, string[]>();
  const note = (what: string, by: string) => {
    const l = requiredBy.get(what);
    if (l) l.push(by);
    else requiredBy.set(what, [by]);
  };
  const walkRequires = (owner: XmlElement, ownerName: string, extNumber?: number) => {
    for (const r of elements(owner, "require")) {
      if (!forVulkan(r)) continue;
      for (const x of elements(r)) {
        if (x.tag === "type" || x.tag === "command") note(x.attrs.name!, ownerName);
        if (x.tag === "enum" && x.attrs.extends === "VkStructureType") {
          if (x.attrs.offset !== undefined) {
            const ext = Number(x.attrs.extnumber ?? extNumber);
            const v = 1000000000 + (ext - 1) * 1000 + Number(x.attrs.offset);
            sTypeValue.set(x.attrs.name!, x.attrs.dir === "-" ? -v : v);
          } else if (x.attrs.value !== undefined) sTypeValue.set(x.attrs.name!, Number(x.attrs.value));
          else if (x.attrs.alias) sTypeAlias.set(x.attrs.name!, x.attrs.alias);
        }
      }
    }
  };
  for (const f of elements(root, "feature")) if (forVulkan(f)) walkRequires(f, f.attrs.name!);
  for (const exts of elements(root, "extensions")) {
    for (const x of elements(exts, "extension")) {
      if (x.attrs.supported === "disabled") continue;
      walkRequires(x, x.attrs.name!, Number(x.attrs.number));
    }
  }
  for (const [a, target] of sTypeAlias) {
    const v = sTypeValue.get(target);
    if (v !== undefined) sTypeValue.set(a, v);
  }
  const header = /#define <name>VK_HEADER_VERSION<\/name> (\d+)/.exec(xml);
  return {
    headerVersion: header ? Number(header[1]) : 0,
    category,
    typedefOf,
    enum64,
    typeAlias,
    structs,
    commands,
    commandAlias,
    sTypeValue,
    requiredBy,
    constants,
  };
}
