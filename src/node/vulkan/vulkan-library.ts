import koffi from "koffi";
import { Base, compileField, type Field, Shape } from "../../components/venus/wire-schema.ts";
import { COMMANDS } from "../../components/venus/wire-tables.generated.ts";
import { RutabagaError } from "../../rutabaga/error.ts";

// biome-ignore lint/suspicious/noExplicitAny: koffi functions take what their prototype says
export type VulkanFunction = (...args: any[]) => any;

const C_TYPE: Partial<Record<number, string>> = {
  [Base.u8]: "uint8_t",
  [Base.i8]: "int8_t",
  [Base.u16]: "uint16_t",
  [Base.i16]: "int16_t",
  [Base.u32]: "uint32_t",
  [Base.i32]: "int32_t",
  [Base.f32]: "float",
  [Base.f64]: "double",
  [Base.u64]: "uint64_t",
  [Base.i64]: "int64_t",
  [Base.sz]: "uint64_t",
  [Base.h]: "uint64_t",
};

function cType(f: Field): string {
  if (f.shape !== Shape.value) return "uint64_t";
  return C_TYPE[f.base] ?? "uint64_t";
}

/**
 * The koffi prototype of a numbered command, derived from the venus tables: pointers, handles and size_t travel as
 * uint64_t (one integer register in the LP64 ABIs), scalars as themselves.
 */
export function vulkanPrototype(name: string): string {
  const row = COMMANDS.find((c) => c[1] === name);
  if (!row) throw new RutabagaError("Unsupported", `${name} is not a venus command`);
  const [, , ret, params] = row;
  const r = ret ? cType(compileField("ret", `i${ret}`, true)) : "void";
  const args = params.map(([n, spec]) => `${cType(compileField(n, spec, true))} ${n}`);
  return `${r} rutabaga_vk_${name}(${args.join(", ")})`;
}

const protos = new Map<string, unknown>();
const decode = koffi.decode as (p: unknown, t: unknown) => VulkanFunction;

/** The host's Vulkan loader, and the entry points resolved through it. */
export class VulkanLibrary {
  private readonly gipa: VulkanFunction;

  private constructor(gipa: VulkanFunction) {
    this.gipa = gipa;
  }

  /** Loads `libvulkan.so.1` (or `path`); throws `RutabagaError("ComponentError")` when it is absent. */
  static load(path = "libvulkan.so.1"): VulkanLibrary {
    try {
      const lib = koffi.load(path);
      return new VulkanLibrary(lib.func("void* vkGetInstanceProcAddr(uint64_t instance, const char* name)"));
    } catch (e) {
      throw new RutabagaError("ComponentError", `${path}: ${(e as Error).message}`);
    }
  }

  /** Command `name` resolved for `instance` (0n for global commands), or undefined when the loader has none. */
  function(instance: bigint, name: string): VulkanFunction | undefined {
    const ptr = this.gipa(instance, name);
    if (!ptr) return undefined;
    let p = protos.get(name);
    if (!p) {
      p = koffi.proto(vulkanPrototype(name));
      protos.set(name, p);
    }
    return decode(ptr, p);
  }
}
