import {
  VENUS_HOST_COMMANDS,
  type VenusExecutedCommand,
  venusDestroyCommand,
  venusExecutedExtensions,
} from "../../components/venus/venus-executed.ts";
import type { VenusCommand } from "../../components/venus/wire-codec.ts";
import { Base, compileField, evalLen, type Field, Shape } from "../../components/venus/wire-schema.ts";
import { COMMANDS, HANDLE_TYPES, STRUCTS, VENUS_EXTENSIONS } from "../../components/venus/wire-tables.generated.ts";
import { RutabagaError } from "../../rutabaga/error.ts";
import { VulkanNativeArena } from "../vulkan/native-arena.ts";
import { nativeLayout } from "../vulkan/native-layout.ts";
import type { VulkanFunction, VulkanLibrary } from "../vulkan/vulkan-library.ts";
import { VenusObjectTable } from "./venus-objects.ts";
import { checkImageCreateInfo } from "./venus-valid-usage.ts";

const VK_SUCCESS = 0;
const VK_INCOMPLETE = 5;
const PHYSICAL_DEVICE_GROUP_PROPERTIES = 1000070000;
/** Kinds whose objects the guest never destroys itself (they go with their parent). */
const DISPATCHABLE_CHILDREN = new Set(["VkPhysicalDevice", "VkQueue"]);

interface Compiled {
  readonly spec: VenusExecutedCommand;
  readonly ret: Field | null;
  readonly params: readonly Field[];
  /** Each handle parameter's type, and whether it may be 0. */
  readonly handleTypes: readonly ({ type: string; optional: boolean } | undefined)[];
}

function handleType(key: string): { type: string; optional: boolean } | undefined {
  const t = HANDLE_TYPES[key];
  if (t === undefined) return undefined;
  return t.endsWith("?") ? { type: t.slice(0, -1), optional: true } : { type: t, optional: false };
}

/** Extensions a guest may see, with the spec version venus encodes. */
const EXECUTED_EXTENSIONS = new Map<string, number>(
  venusExecutedExtensions().map((n) => [n, VENUS_EXTENSIONS.find(([e]) => e === n)![2]]),
);

const compiled = new Map<string, Compiled>();
for (const spec of [
  ...VENUS_HOST_COMMANDS,
  // The host's own list, which the guest's vkEnumerateDeviceExtensionProperties filters.
  { name: "vkEnumerateDeviceExtensionProperties#host" },
]) {
  const row = COMMANDS.find((c) => c[1] === spec.name.replace(/#host$/, ""));
  if (!row) throw new Error(`${spec.name} is not numbered`);
  const params = row[3].map(([n, s]) => compileField(n, s, true));
  compiled.set(spec.name, {
    spec,
    ret: row[2] ? compileField("ret", `i${row[2]}`, true) : null,
    params,
    handleTypes: params.map((p) => (p.base === Base.h ? handleType(`${row[1]}.${p.name}`) : undefined)),
  });
}

function refuse(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", what);
}

const structFields: (readonly Field[] | undefined)[] = [];
function fieldsOf(i: number): readonly Field[] {
  let f = structFields[i];
  if (f === undefined) {
    f = STRUCTS[i]![3].map(([n, s]) => compileField(n, s, false));
    structFields[i] = f;
  }
  return f;
}

/** sTypes of VK_MESA_venus_protocol's own structs (extension 385): for the renderer, never for the host driver. */
const MESA_PRIVATE_FIRST = 1000384000;
const MESA_PRIVATE_LAST = 1000384999;

/** `v` with the venus protocol's private structs taken out of its pNext chain (a copy when any is). */
export function withoutPrivate(v: Record<string, unknown>): Record<string, unknown> {
  const chain: Record<string, unknown>[] = [];
  let dropped = false;
  for (let e = v.pNext as Record<string, unknown> | null; e; e = e.pNext as Record<string, unknown> | null) {
    const t = e.sType as number;
    if (t >= MESA_PRIVATE_FIRST && t <= MESA_PRIVATE_LAST) dropped = true;
    else chain.push(e);
  }
  if (!dropped) return v;
  let next: Record<string, unknown> | null = null;
  for (let i = chain.length - 1; i >= 0; i--) next = { ...chain[i]!, pNext: next };
  return { ...v, pNext: next };
}

/** What a context's executor has made on the host and destroyed again (for leak checks). */
export interface VenusHostObjectCounts {
  created: number;
  destroyed: number;
}

/**
 * Runs the host commands of {@link VENUS_HOST_COMMANDS} on the host's Vulkan for one context. Before the call: every
 * handle (parameters and struct members, with the type vk.xml gives it) is looked up as that type, NULL required
 * pointers and NULL arrays whose count says elements follow are refused; then the arguments are marshalled into a
 * bounded native arena from the generated tables. Output handles become the guest's ids.
 */
export class VenusExecutor {
  readonly objects = new VenusObjectTable();
  readonly counts: VenusHostObjectCounts = { created: 0, destroyed: 0 };
  readonly #lib: VulkanLibrary;
  readonly #arena = new VulkanNativeArena(4 << 20);
  readonly #functions = new Map<string, VulkanFunction>();
  readonly #mapChecked = (id: number) => {
    const o = this.objects.find(id);
    if (o === undefined) refuse(`object id ${id}`);
    return o.handle;
  };

  constructor(lib: VulkanLibrary) {
    this.#lib = lib;
  }

  /** Whether `name` is a host command this executor runs. */
  static runs(name: string): boolean {
    return compiled.has(name);
  }

  #fn(instance: bigint, name: string): VulkanFunction {
    const key = `${instance}:${name}`;
    let f = this.#functions.get(key);
    if (f === undefined) {
      f = this.#lib.function(instance, name);
      if (f === undefined) throw new RutabagaError("Unsupported", `the host's Vulkan has no ${name}`);
      this.#functions.set(key, f);
    }
    return f;
  }

  /**
   * An id an output handle will take: unused, or (physical devices and queues, which a guest may fetch again) already
   * naming an object of the same type.
   */
  #checkNewId(id: unknown, type: string, where: string): void {
    if (typeof id !== "number" || id === 0) refuse(`${where}: object id ${String(id)}`);
    const o = this.objects.find(id);
    if (o === undefined) return;
    if (!DISPATCHABLE_CHILDREN.has(type) || o.kind !== type) refuse(`${where}: object id ${id} is in use`);
  }

  /** A handle value of type `type` (0 only when `optional`). */
  #checkHandle(id: unknown, type: string, optional: boolean, where: string): void {
    if (id === 0 && optional) return;
    const o = typeof id === "number" ? this.objects.find(id) : undefined;
    if (o === undefined) refuse(`${where}: object id ${String(id)} is not a ${type}`);
    if (o.kind !== type) refuse(`${where}: object id ${String(id)} is a ${o.kind}, not a ${type}`);
  }

  /**
   * Checks a decoded input struct before marshalling: handle members of their vk.xml type, and no NULL array whose
   * count says elements follow (the decoder checks a non-NULL array's length against its count, not a NULL one).
   */
  #checkStruct(i: number, v: unknown, depth = 0): void {
    if (v === null || typeof v !== "object" || depth > 24) return;
    const o = v as Record<string, unknown>;
    const structName = STRUCTS[i]![0];
    for (const f of fieldsOf(i)) {
      const m = o[f.name];
      if (f.base === Base.pnext) {
        for (let e = m as Record<string, unknown> | null; e; e = e.pNext as Record<string, unknown> | null) {
          const idx = nativeLayout(i).extenders.get(e.sType as number);
          if (idx !== undefined) this.#checkStruct(idx, e, depth + 1);
        }
        continue;
      }
      if (f.shape === Shape.array && (m === null || m === undefined) && f.len) {
        const n = evalLen(f.len, o);
        if (n !== undefined && n > 0) refuse(`${structName}.${f.name}: NULL with ${n} elements`);
      }
      if (m === null || m === undefined) continue;
      if (f.base === Base.h) {
        const t = handleType(`${structName}.${f.name}`);
        if (t === undefined) refuse(`${structName}.${f.name}: an untyped handle`);
        const where = `${structName}.${f.name}`;
        if (Array.isArray(m)) for (const id of m) this.#checkHandle(id, t.type, t.optional, where);
        else this.#checkHandle(m, t.type, t.optional, where);
      } else if (f.base === Base.struct) {
        if (Array.isArray(m)) for (const e of m) this.#checkStruct(f.ref, e, depth + 1);
        else this.#checkStruct(f.ref, m, depth + 1);
      }
    }
  }

  /** vkCreateImage's create info against what lavapipe assumes valid (venus-valid-usage.ts). */
  #checkImage(instance: bigint, args: Record<string, unknown>): void {
    const device = this.objects.get(args.device, "VkDevice");
    const physical = this.objects.find(device.parent ?? 0);
    if (physical === undefined) refuse("vkCreateImage: the device has no physical device");
    const queues = this.#queueFamilyCount(instance, physical.handle);
    // The marshalled create info in the arena stays: the query below takes its own space after it.
    checkImageCreateInfo(args.pCreateInfo as Record<string, unknown>, queues, (format, type, tiling, usage, flags) => {
      const p = this.#arena.take(32, 8);
      const r = this.#fn(instance, "vkGetPhysicalDeviceImageFormatProperties")(
        physical.handle,
        format,
        type,
        tiling,
        usage,
        flags,
        p,
      ) as number;
      if (r !== VK_SUCCESS) return undefined;
      const a = this.#arena;
      return {
        maxExtent: { width: a.u32(p), height: a.u32(p + 4n), depth: a.u32(p + 8n) },
        maxMipLevels: a.u32(p + 12n),
        maxArrayLayers: a.u32(p + 16n),
        sampleCounts: a.u32(p + 20n),
      };
    });
  }

  #queueFamilyCount(instance: bigint, physical: bigint): number {
    const p = this.#arena.take(4, 4);
    this.#fn(instance, "vkGetPhysicalDeviceQueueFamilyProperties")(physical, p, 0n);
    return this.#arena.u32(p);
  }

  /** The instance a command runs under: the root of its first handle parameter (0n for global commands). */
  #instanceOf(c: Compiled, args: Record<string, unknown>): bigint {
    for (const [k, p] of c.params.entries()) {
      if (c.handleTypes[k] === undefined || p.shape !== Shape.value) continue;
      const root = this.objects.root(args[p.name] as number);
      if (root !== undefined) return root.handle;
    }
    return 0n;
  }

  /** Runs one decoded command; the reply's values (return value and outputs). */
  run(cmd: VenusCommand): Record<string, unknown> {
    const c = compiled.get(cmd.name);
    if (c === undefined) throw new RutabagaError("Unsupported", `${cmd.name} is not executed`);
    if (cmd.name === "vkEnumerateDeviceExtensionProperties") return this.#deviceExtensions(cmd.args);
    const args = cmd.args;
    const arena = this.#arena;
    arena.reset();
    const creates = c.spec.creates;
    const callArgs: unknown[] = [];
    const addrs: bigint[] = [];
    for (const [k, p] of c.params.entries()) {
      const v = args[p.name];
      const where = `${cmd.name}.${p.name}`;
      let value: unknown;
      let addr = 0n;
      if (p.base === Base.alloc) value = 0n;
      else if (creates !== undefined && p.name === creates.param) {
        if (v === null || v === undefined) {
          if (p.shape !== Shape.array) refuse(`${where}: NULL`);
        } else {
          // The ids are checked before the call: a host object made for an id that cannot be recorded would leak.
          const t = c.handleTypes[k];
          if (t === undefined) refuse(`${where}: an untyped handle`);
          const ids = p.shape === Shape.pointer ? [v] : (v as unknown[]);
          for (const id of ids) this.#checkNewId(id, t.type, where);
          addr = arena.take(8 * ids.length);
        }
        value = addr;
      } else if (p.base === Base.h && p.shape === Shape.value) {
        const t = c.handleTypes[k];
        if (t === undefined) refuse(`${where}: an untyped handle`);
        this.#checkHandle(v, t.type, t.optional, where);
        value = v === 0 ? 0n : this.objects.find(v as number)!.handle;
      } else if (p.shape === Shape.value && p.base !== Base.str) {
        value = p.base === Base.sz ? BigInt(v as number) : v;
      } else if (cmd.name === "vkEnumeratePhysicalDeviceGroups" && p.name === "pPhysicalDeviceGroupProperties") {
        // Outputs only: the guest's partial structs carry no handle the host should read.
        const n = Array.isArray(v) ? v.length : 0;
        const empty = Array.from({ length: n }, () => ({ sType: PHYSICAL_DEVICE_GROUP_PROPERTIES, pNext: null }));
        addr = n === 0 ? 0n : arena.param(p, empty, this.#mapChecked);
        value = addr;
      } else {
        if ((v === null || v === undefined) && p.shape === Shape.pointer && p.base !== Base.str)
          refuse(`${where}: NULL`);
        if (p.dir === "i" && p.base === Base.h && Array.isArray(v)) {
          const t = c.handleTypes[k];
          if (t === undefined) refuse(`${where}: an untyped handle`);
          for (const id of v) this.#checkHandle(id, t.type, t.optional, where);
        }
        if (p.base === Base.struct && v !== null && v !== undefined && p.dir === "i") {
          if (Array.isArray(v)) for (const e of v) this.#checkStruct(p.ref, e);
          else {
            this.#checkStruct(p.ref, v);
            args[p.name] = withoutPrivate(v as Record<string, unknown>);
          }
        }
        addr = arena.param(p, args[p.name], this.#mapChecked);
        value = addr;
      }
      callArgs.push(value);
      addrs.push(addr);
    }
    const instance = this.#instanceOf(c, args);
    if (cmd.name === "vkCreateImage") this.#checkImage(instance, args);
    if (c.spec.destroys !== undefined) this.#destroyChildren(args[c.spec.destroys] as number);
    const ret = this.#fn(instance, c.spec.name.replace(/#host$/, ""))(...callArgs) as unknown;
    const ok = c.ret === null || ret === VK_SUCCESS || ret === VK_INCOMPLETE;
    const values: Record<string, unknown> = {};
    if (c.ret !== null) values.ret = ret;
    const read: Record<string, unknown> = {};
    for (const [k, p] of c.params.entries()) {
      if (p.dir === "i") continue;
      const v = args[p.name];
      const addr = addrs[k]!;
      if (addr === 0n || v === null || v === undefined) {
        values[p.name] = null;
        continue;
      }
      if (creates !== undefined && p.name === creates.param) {
        values[p.name] = this.#created(c, args, p, k, v, addr, read, ok);
        continue;
      }
      values[p.name] = this.#readOutput(p, v, addr, read);
      read[p.name] = values[p.name];
    }
    if (c.spec.destroys !== undefined) this.#forget(args[c.spec.destroys] as number);
    if (cmd.name === "vkEnumeratePhysicalDeviceGroups") this.#groupIds(values.pPhysicalDeviceGroupProperties);
    return values;
  }

  /**
   * The host's device extensions that venus encodes and this executor runs (see `venusExecutedExtensions`), at the
   * lower of the two spec versions: a guest never sees an extension whose commands would be refused.
   */
  #deviceExtensions(args: Record<string, unknown>): Record<string, unknown> {
    const all = this.run({
      type: 0,
      name: "vkEnumerateDeviceExtensionProperties#host",
      flags: 0,
      args: { physicalDevice: args.physicalDevice, pLayerName: args.pLayerName, pPropertyCount: 0, pProperties: null },
    });
    if (all.ret !== VK_SUCCESS) return { ret: all.ret, pPropertyCount: 0, pProperties: null };
    const n = all.pPropertyCount as number;
    if (n > 4096) refuse(`${n} device extensions`);
    const listed = this.run({
      type: 0,
      name: "vkEnumerateDeviceExtensionProperties#host",
      flags: 0,
      args: { ...args, pPropertyCount: n, pProperties: Array.from({ length: n }, () => ({})) },
    });
    const offered = ((listed.pProperties ?? []) as { extensionName: string; specVersion: number }[])
      .filter((e) => EXECUTED_EXTENSIONS.has(e.extensionName))
      .map((e) => ({
        extensionName: e.extensionName,
        specVersion: Math.min(e.specVersion, EXECUTED_EXTENSIONS.get(e.extensionName)!),
      }));
    const want = args.pProperties;
    if (want === null || want === undefined)
      return { ret: VK_SUCCESS, pPropertyCount: offered.length, pProperties: null };
    const cap = Array.isArray(want) ? want.length : typeof want === "number" ? want : 0;
    const out = offered.slice(0, cap);
    return {
      ret: out.length < offered.length ? VK_INCOMPLETE : VK_SUCCESS,
      pPropertyCount: out.length,
      pProperties: out,
    };
  }

  /** Host physical-device handles in group properties → the guest's ids for them (0 for one it never enumerated). */
  #groupIds(groups: unknown): void {
    if (!Array.isArray(groups)) return;
    const ids = new Map<bigint, number>();
    for (const o of this.objects.all("VkPhysicalDevice")) ids.set(o.handle, o.id);
    for (const g of groups as { physicalDevices: unknown[] }[]) {
      g.physicalDevices = g.physicalDevices.map((h) => (typeof h === "bigint" ? (ids.get(h) ?? 0) : 0));
    }
  }

  /** Output handles: recorded under the guest's ids when the call succeeded; the reply carries the ids. */
  #created(
    c: Compiled,
    args: Record<string, unknown>,
    p: Field,
    k: number,
    v: unknown,
    addr: bigint,
    read: Record<string, unknown>,
    ok: boolean,
  ): unknown {
    const spec = c.spec.creates!;
    const kind = c.handleTypes[k]?.type;
    if (kind === undefined) refuse(`${c.spec.name}.${p.name}: an untyped handle`);
    const parent = spec.parent === undefined ? undefined : (args[spec.parent] as number);
    const counted = !DISPATCHABLE_CHILDREN.has(kind);
    if (p.shape === Shape.pointer) {
      const h = this.#arena.u64(addr);
      if (ok && h !== 0n) {
        if (this.objects.find(v as number) === undefined && counted) this.counts.created++;
        this.objects.add(v, kind, h, parent);
      }
      return v;
    }
    const ids = v as number[];
    const n = Math.min(ids.length, p.len ? (evalLen(p.len, read) ?? ids.length) : ids.length);
    if (ok) for (let i = 0; i < n; i++) this.objects.add(ids[i], kind, this.#arena.u64(addr + BigInt(8 * i)), parent);
    return ids.slice(0, n);
  }

  #readOutput(p: Field, v: unknown, addr: bigint, read: Record<string, unknown>): unknown {
    const arena = this.#arena;
    if (p.shape === Shape.pointer) {
      if (p.base === Base.struct) return arena.readStruct(p.ref, addr);
      switch (p.base) {
        case Base.u32:
          return arena.u32(addr);
        case Base.i32:
          return arena.u32(addr) | 0;
        case Base.u64:
          return arena.u64(addr);
        case Base.sz:
          return Number(arena.u64(addr));
        default:
          throw new RutabagaError("Unsupported", `${p.name}: output of kind ${p.base}`);
      }
    }
    if (p.shape === Shape.array) {
      const cap = typeof v === "number" ? v : (v as unknown[]).length;
      const n = Math.min(cap, p.len ? (evalLen(p.len, read) ?? cap) : cap);
      if (p.base === Base.struct) {
        const size = nativeLayout(p.ref).size;
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(arena.readStruct(p.ref, addr + BigInt(i * size)));
        return out;
      }
      if (p.base === Base.u32) return new Uint32Array(arena.read(addr, 4 * n).buffer);
    }
    throw new RutabagaError("Unsupported", `${p.name}: output shape ${p.shape}`);
  }

  /** Forgets a destroyed object and what was under it. */
  #forget(id: number): void {
    for (const o of this.objects.remove(id)) if (!DISPATCHABLE_CHILDREN.has(o.kind)) this.counts.destroyed++;
  }

  /** The device an object lives under, if any. */
  #deviceOf(o: { parent: number | undefined }) {
    let p = o.parent === undefined ? undefined : this.objects.find(o.parent);
    while (p !== undefined && p.kind !== "VkDevice")
      p = p.parent === undefined ? undefined : this.objects.find(p.parent);
    return p;
  }

  /** Destroys on the host what lives under `id` (deepest first) and forgets it; a guest may leave children behind. */
  #destroyChildren(id: number): void {
    const root = this.objects.root(id);
    if (root === undefined) return;
    const inst = root.handle;
    for (const o of this.objects.descendants(id)) {
      const destroy = venusDestroyCommand(o.kind);
      if (destroy === undefined) continue;
      if (o.kind === "VkDevice") {
        this.#fn(inst, "vkDeviceWaitIdle")(o.handle);
        this.#fn(inst, "vkDestroyDevice")(o.handle, 0n);
      } else {
        const d = this.#deviceOf(o);
        if (d !== undefined) this.#fn(inst, destroy)(d.handle, o.handle, 0n);
      }
      this.#forget(o.id);
    }
  }

  /** Destroys every host object the guest left, children first (devices after waiting for them), then instances. */
  destroyAll(): void {
    for (const root of this.objects.roots()) {
      this.#destroyChildren(root.id);
      if (root.kind === "VkInstance") this.#fn(root.handle, "vkDestroyInstance")(root.handle, 0n);
      this.#forget(root.id);
    }
  }
}
