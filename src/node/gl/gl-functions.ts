import koffi from "koffi";
import { RutabagaError } from "../../rutabaga/error.ts";
import { GL_OPTIONAL_PROTOTYPES, GL_PROTOTYPES } from "./gl-prototypes.ts";

const GL_EXTENSIONS = 0x1f03;
const GL_NUM_EXTENSIONS = 0x821d;

type GlName = keyof typeof GL_PROTOTYPES;
/** Names of the entry points newer than GL 4.3 core. */
export type GlOptionalName = keyof typeof GL_OPTIONAL_PROTOTYPES;
// biome-ignore lint/suspicious/noExplicitAny: koffi functions are variadic by prototype
export type GlFunction = (...args: any[]) => any;
/** The required entry points, callable. */
export type GlFunctions = Record<GlName, GlFunction>;
/** The optional entry points the context offers. */
export type GlOptionalFunctions = Partial<Record<GlOptionalName, GlFunction>>;

/** koffi prototypes are process-wide named types, so they are made once. */
const prototypes = new Map<GlName | GlOptionalName, unknown>();

function prototypeOf(name: GlName | GlOptionalName): unknown {
  let p = prototypes.get(name);
  if (p === undefined) {
    const text =
      name in GL_PROTOTYPES ? GL_PROTOTYPES[name as GlName] : GL_OPTIONAL_PROTOTYPES[name as GlOptionalName].prototype;
    p = koffi.proto(text.replace(` ${name}(`, ` rutabaga_${name}(`));
    prototypes.set(name, p);
  }
  return p;
}

const decode = koffi.decode as (p: unknown, t: unknown) => GlFunction;

/**
 * The GL function table of the current context: every entry point of {@link GL_PROTOTYPES} (a missing one throws
 * `RutabagaError("ComponentError")`), and those of {@link GL_OPTIONAL_PROTOTYPES} that GL `version` (× 10) or the
 * context's extensions offer. `getProcAddress` resolves a name to an address or a null pointer.
 */
export function loadGlFunctions(
  getProcAddress: (name: string) => unknown,
  version: number,
): { gl: GlFunctions; optional: GlOptionalFunctions } {
  const gl: Partial<GlFunctions> = {};
  for (const name of Object.keys(GL_PROTOTYPES) as GlName[]) {
    const ptr = getProcAddress(name);
    if (!ptr) throw new RutabagaError("ComponentError", `GL entry point ${name} missing`);
    gl[name] = decode(ptr, prototypeOf(name));
  }
  const table = gl as GlFunctions;
  const count = new Int32Array(1);
  table.glGetIntegerv(GL_NUM_EXTENSIONS, count);
  const extensions = new Set<string>();
  for (let i = 0; i < count[0]!; i++) extensions.add(table.glGetStringi(GL_EXTENSIONS, i) ?? "");
  const optional: GlOptionalFunctions = {};
  for (const name of Object.keys(GL_OPTIONAL_PROTOTYPES) as GlOptionalName[]) {
    const e = GL_OPTIONAL_PROTOTYPES[name];
    const symbol = version >= e.version ? name : extensions.has(e.extension) ? e.extensionName : undefined;
    const ptr = symbol === undefined ? null : getProcAddress(symbol);
    if (ptr) optional[name] = decode(ptr, prototypeOf(name));
  }
  return { gl: table, optional };
}
